package keeper

import (
	"context"
	"fmt"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/organs/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// RegisterInvariants registers x/organs's invariants. The SDK v0.54 has no
// x/crisis to run them: the app's simulation test collects them through this
// registry interface and runs them after blocks (docs/simulation.md).
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	for _, inv := range invariants(k) {
		ir.RegisterRoute(types.ModuleName, inv.name, invariant(inv.name, inv.check))
	}
}

type namedCheck struct {
	name  string
	check func(ctx context.Context) ([]string, error)
}

func invariant(name string, check func(ctx context.Context) ([]string, error)) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		broken, err := check(ctx)
		if err != nil {
			broken = append(broken, "store error: "+err.Error())
		}
		if len(broken) > 10 {
			broken = append(broken[:10], fmt.Sprintf("... and %d more", len(broken)-10))
		}
		return sdk.FormatInvariant(types.ModuleName, name, strings.Join(broken, "\n")), len(broken) > 0
	}
}

// invariants lists the module's checks.
func invariants(k Keeper) []namedCheck {
	return []namedCheck{{"organs-cases-custody", k.checkOrgans}, {"custody-chain-offers", k.checkCustody}}
}

// checkOrgans checks that every case is stored under its DIN, that every
// organ belongs to a case, is stored under its own key and has one holder,
// and that every candidate and hand-off belongs to an organ.
func (k Keeper) checkOrgans(ctx context.Context) ([]string, error) {
	var broken []string
	err := k.Cases.Walk(ctx, nil, func(din string, c types.Case) (bool, error) {
		if c.DIN != din {
			broken = append(broken, fmt.Sprintf("case stored under %s is %s", din, c.DIN))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	err = k.Organs.Walk(ctx, nil, func(key OrganKey, o types.Organ) (bool, error) {
		if o.DIN != key.K1() || o.OrganType != key.K2() {
			broken = append(broken, fmt.Sprintf("organ stored under %s/%s is %s/%s", key.K1(), key.K2(), o.DIN, o.OrganType))
		}
		if o.Holder == "" {
			broken = append(broken, fmt.Sprintf("organ %s/%s has no holder", o.DIN, o.OrganType))
		}
		if has, err := k.Cases.Has(ctx, key.K1()); err != nil || !has {
			broken = append(broken, fmt.Sprintf("organ %s/%s has no case", key.K1(), key.K2()))
		}
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	organ := func(what string, din, typ string) {
		if has, err := k.Organs.Has(ctx, collections.Join(din, typ)); err != nil || !has {
			broken = append(broken, fmt.Sprintf("%s of %s/%s, which is not an organ", what, din, typ))
		}
	}
	err = k.Candidates.Walk(ctx, nil, func(key collections.Triple[string, string, uint32], _ types.Candidate) (bool, error) {
		organ("candidate", key.K1(), key.K2())
		return false, nil
	})
	if err != nil {
		return broken, err
	}
	err = k.HandOffs.Walk(ctx, nil, func(key collections.Triple[string, string, uint32], _ types.HandOff) (bool, error) {
		organ("hand-off", key.K1(), key.K2())
		return false, nil
	})
	return broken, err
}

// checkCustody checks that each organ has one custodian, the one its
// hand-offs lead to: replaying them from the case's OPO, every hand-off
// leaves the holder of its time, only the last may be pending, and the
// organ's holder and pending recipient are where the replay ends. Its open
// offer and its acceptance name candidates in that state.
func (k Keeper) checkCustody(ctx context.Context) ([]string, error) {
	var broken []string
	err := k.Organs.Walk(ctx, nil, func(_ OrganKey, o types.Organ) (bool, error) {
		c, err := k.Cases.Get(ctx, o.DIN)
		if err != nil {
			return false, nil // checkOrgans reports an organ without a case
		}
		holder, pending := c.OPO, ""
		for i := uint32(1); i <= o.Handoffs; i++ {
			h, err := k.HandOffs.Get(ctx, listKey(o, i))
			if err != nil {
				broken = append(broken, fmt.Sprintf("organ %s/%s: hand-off %d of %d: %s", o.DIN, o.OrganType, i, o.Handoffs, err))
				continue
			}
			if h.From != holder {
				broken = append(broken, fmt.Sprintf("organ %s/%s: hand-off %d from %s, the holder was %s", o.DIN, o.OrganType, i, h.From, holder))
			}
			switch h.Status {
			case types.HandOffStatus_HAND_OFF_STATUS_ACCEPTED:
				holder = h.To
			case types.HandOffStatus_HAND_OFF_STATUS_PENDING:
				if i != o.Handoffs {
					broken = append(broken, fmt.Sprintf("organ %s/%s: hand-off %d pending, %d follow it", o.DIN, o.OrganType, i, o.Handoffs-i))
				}
				pending = h.To
			}
		}
		if o.Holder != holder || o.PendingTo != pending {
			broken = append(broken, fmt.Sprintf("organ %s/%s: held by %s (pending %q), its hand-offs say %s (pending %q)",
				o.DIN, o.OrganType, o.Holder, o.PendingTo, holder, pending))
		}
		check := func(rank uint32, want types.CandidateStatus) {
			cand, err := k.Candidates.Get(ctx, listKey(o, rank))
			switch {
			case err != nil:
				broken = append(broken, fmt.Sprintf("organ %s/%s: candidate %d: %s", o.DIN, o.OrganType, rank, err))
			case cand.Status != want:
				broken = append(broken, fmt.Sprintf("organ %s/%s: candidate %d is %s, want %s", o.DIN, o.OrganType, rank, cand.Status, want))
			case want == types.CandidateStatus_CANDIDATE_STATUS_ACCEPTED && cand.Centre != o.Centre:
				broken = append(broken, fmt.Sprintf("organ %s/%s: allocated to %s, candidate %d is at %s", o.DIN, o.OrganType, o.Centre, rank, cand.Centre))
			}
		}
		if o.OfferedRank != 0 {
			check(o.OfferedRank, types.CandidateStatus_CANDIDATE_STATUS_OFFERED)
		}
		if o.AcceptedRank != 0 {
			check(o.AcceptedRank, types.CandidateStatus_CANDIDATE_STATUS_ACCEPTED)
		}
		return false, nil
	})
	return broken, err
}
