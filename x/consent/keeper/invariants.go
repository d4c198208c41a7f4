package keeper

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consent/types"
)

// ConsortiumKeeper returns the consortium the keeper asks about roles; the
// simulation picks its actors with it.
func (k Keeper) ConsortiumKeeper() types.ConsortiumKeeper { return k.consortium }

// RegisterInvariants registers x/consent's invariants. The SDK v0.54 has no
// x/crisis to run them: the app's simulation test collects them through this
// registry interface and runs them after blocks (docs/simulation.md).
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "status-period", StatusPeriodInvariant(k))
	ir.RegisterRoute(types.ModuleName, "active-indexes", ActiveIndexesInvariant(k))
	ir.RegisterRoute(types.ModuleName, "party-indexes", PartyIndexesInvariant(k))
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

// StatusPeriodInvariant checks that each consent's status matches its period
// at the block time: its start is before its end; an EXPIRED consent's end
// has passed; an ACTIVE consent whose end has passed is still queued for
// expiry (the end-blocker expires a bounded number per block), and an ACTIVE
// one is queued under its own end.
func StatusPeriodInvariant(k Keeper) sdk.Invariant {
	return invariant("status-period", func(ctx context.Context) ([]string, error) {
		now := sdk.UnwrapSDKContext(ctx).BlockTime()
		var broken []string
		err := k.Consents.Walk(ctx, nil, func(id uint64, c types.Consent) (bool, error) {
			if !c.Start.Before(c.End) {
				broken = append(broken, fmt.Sprintf("consent %d: start %s not before end %s", id, c.Start, c.End))
			}
			switch c.Status {
			case types.ConsentStatus_CONSENT_STATUS_EXPIRED:
				if c.End.After(now) {
					broken = append(broken, fmt.Sprintf("consent %d expired, its end %s is after the block time %s", id, c.End, now))
				}
			case types.ConsentStatus_CONSENT_STATUS_ACTIVE:
				queued, err := k.ExpiryQueue.Has(ctx, collections.Join(c.End, id))
				if err != nil {
					return true, err
				}
				if !queued {
					broken = append(broken, fmt.Sprintf("consent %d active (end %s) but not queued for expiry", id, c.End))
				}
			case types.ConsentStatus_CONSENT_STATUS_REVOKED:
				if c.RevokedAt == nil {
					broken = append(broken, fmt.Sprintf("consent %d revoked without a time", id))
				}
			default:
				broken = append(broken, fmt.Sprintf("consent %d has status %s", id, c.Status))
			}
			return false, nil
		})
		return broken, err
	})
}

// ActiveIndexesInvariant checks that the active indexes (Active, ActiveByPair,
// ExpiryQueue) hold exactly the ACTIVE consents.
func ActiveIndexesInvariant(k Keeper) sdk.Invariant {
	return invariant("active-indexes", func(ctx context.Context) ([]string, error) {
		var broken []string
		active := map[uint64]types.Consent{}
		quadsWant := 0
		err := k.Consents.Walk(ctx, nil, func(id uint64, c types.Consent) (bool, error) {
			if c.Status == types.ConsentStatus_CONSENT_STATUS_ACTIVE {
				active[id] = c
				quadsWant += len(c.IndexCategories())
			}
			return false, nil
		})
		if err != nil {
			return broken, err
		}
		check := func(where string, id uint64, patient, grantee sdk.AccAddress) {
			c, ok := active[id]
			if !ok {
				broken = append(broken, fmt.Sprintf("%s lists consent %d, which is not active", where, id))
				return
			}
			if patient != nil && (k.addrString(patient) != c.Patient || k.addrString(grantee) != c.Grantee) {
				broken = append(broken, fmt.Sprintf("%s lists consent %d under %s→%s, it is %s→%s", where, id, patient, grantee, c.Patient, c.Grantee))
			}
		}
		quads := 0
		err = k.Active.Walk(ctx, nil, func(q QuadKey, id uint64) (bool, error) {
			quads++
			check("Active", id, q.K1(), q.K2())
			return false, nil
		})
		if err != nil {
			return broken, err
		}
		if quads != quadsWant {
			broken = append(broken, fmt.Sprintf("Active holds %d keys, the active consents cover %d", quads, quadsWant))
		}
		pairs := 0
		err = k.ActiveByPair.Walk(ctx, nil, func(key collections.Triple[sdk.AccAddress, sdk.AccAddress, uint64]) (bool, error) {
			pairs++
			check("ActiveByPair", key.K3(), key.K1(), key.K2())
			return false, nil
		})
		if err != nil {
			return broken, err
		}
		queued := 0
		err = k.ExpiryQueue.Walk(ctx, nil, func(key collections.Pair[time.Time, uint64]) (bool, error) {
			queued++
			check("ExpiryQueue", key.K2(), nil, nil)
			if c, ok := active[key.K2()]; ok && !c.End.Equal(key.K1()) {
				broken = append(broken, fmt.Sprintf("consent %d queued at %s, ends %s", key.K2(), key.K1(), c.End))
			}
			return false, nil
		})
		if pairs != len(active) || queued != len(active) {
			broken = append(broken, fmt.Sprintf("%d active consents, %d in ActiveByPair, %d queued", len(active), pairs, queued))
		}
		return broken, err
	})
}

// PartyIndexesInvariant checks the patient and grantee indexes against the consents.
func PartyIndexesInvariant(k Keeper) sdk.Invariant {
	return invariant("party-indexes", func(ctx context.Context) ([]string, error) {
		var broken []string
		n := 0
		err := k.Consents.Walk(ctx, nil, func(uint64, types.Consent) (bool, error) { n++; return false, nil })
		if err != nil {
			return broken, err
		}
		for name, idx := range map[string]interface {
			Walk(context.Context, collections.Ranger[collections.Pair[sdk.AccAddress, uint64]], func(sdk.AccAddress, uint64) (bool, error)) error
		}{"patient": k.Consents.Indexes.Patient, "grantee": k.Consents.Indexes.Grantee} {
			seen := 0
			err := idx.Walk(ctx, nil, func(party sdk.AccAddress, id uint64) (bool, error) {
				seen++
				c, err := k.Consents.Get(ctx, id)
				if err != nil {
					broken = append(broken, fmt.Sprintf("%s index lists missing consent %d", name, id))
					return false, nil
				}
				want := c.Patient
				if name == "grantee" {
					want = c.Grantee
				}
				if k.addrString(party) != want {
					broken = append(broken, fmt.Sprintf("%s index lists consent %d under %s, want %s", name, id, party, want))
				}
				return false, nil
			})
			if err != nil {
				return broken, err
			}
			if seen != n {
				broken = append(broken, fmt.Sprintf("%s index holds %d entries for %d consents", name, seen, n))
			}
		}
		return broken, nil
	})
}
