package keeper

import (
	"context"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/claims/types"
)

// InitGenesis stores the state. The indexed maps write their indexes; the
// conditional sets (latest prior authorisations, duplicate slots, payable
// queue) are rebuilt here from the prior authorisations and claims.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for seq, next := range map[*collections.Sequence]uint64{
		&k.PlanSeq: gs.NextPlanID, &k.CoverageSeq: gs.NextCoverageID, &k.PriorAuthSeq: gs.NextPriorAuthID, &k.ClaimSeq: gs.NextClaimID,
	} {
		if err := seq.Set(ctx, next); err != nil {
			return err
		}
	}
	for _, p := range gs.Plans {
		if err := k.Plans.Set(ctx, p.ID, p); err != nil {
			return err
		}
	}
	for _, c := range gs.Coverages {
		if err := k.Coverages.Set(ctx, c.ID, c); err != nil {
			return err
		}
	}
	for _, pa := range gs.PriorAuths {
		if err := k.PriorAuths.Set(ctx, pa.ID, pa); err != nil {
			return err
		}
		// Ids ascend, so the last one per (coverage, code) is the latest.
		if err := k.LatestPriorAuth.Set(ctx, collections.Join(pa.CoverageID, pa.Code), pa.ID); err != nil {
			return err
		}
	}
	for _, c := range gs.Claims {
		if err := k.putClaim(ctx, c); err != nil {
			return err
		}
		if c.Status == types.ClaimStatus_CLAIM_STATUS_WITHDRAWN || c.Status == types.ClaimStatus_CLAIM_STATUS_DENIED ||
			c.Status == types.ClaimStatus_CLAIM_STATUS_CANCELLED {
			continue
		}
		if err := k.holdSlots(ctx, &c, k.mustAddr(c.Provider), k.mustAddr(c.Patient)); err != nil {
			return err
		}
	}
	for _, a := range gs.Accumulators {
		if err := k.Accumulators.Set(ctx, collections.Join(a.CoverageID, a.Year), a.Accumulator); err != nil {
			return err
		}
	}
	for _, e := range gs.Escrows {
		if err := k.Escrow.Set(ctx, k.mustAddr(e.Payer), e.Balance); err != nil {
			return err
		}
	}
	for _, s := range gs.Settlements {
		if err := k.Settlements.Set(ctx, s.ClaimID, s); err != nil {
			return err
		}
	}
	for _, h := range gs.Hashlocks {
		if err := k.Hashlocks.Set(ctx, h.Hashlock, h.ClaimID); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis returns the whole state in id order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		seq  collections.Sequence
		into *uint64
	}{{k.PlanSeq, &gs.NextPlanID}, {k.CoverageSeq, &gs.NextCoverageID}, {k.PriorAuthSeq, &gs.NextPriorAuthID}, {k.ClaimSeq, &gs.NextClaimID}} {
		if *s.into, err = s.seq.Peek(ctx); err != nil {
			return nil, err
		}
	}
	if gs.Plans, err = values(ctx, k.Plans); err != nil {
		return nil, err
	}
	if gs.Coverages, err = values(ctx, k.Coverages); err != nil {
		return nil, err
	}
	if gs.PriorAuths, err = values(ctx, k.PriorAuths); err != nil {
		return nil, err
	}
	if gs.Claims, err = values(ctx, k.Claims); err != nil {
		return nil, err
	}
	err = k.Accumulators.Walk(ctx, nil, func(key collections.Pair[uint64, int32], a types.Accumulator) (bool, error) {
		gs.Accumulators = append(gs.Accumulators, types.AccumulatorEntry{CoverageID: key.K1(), Year: key.K2(), Accumulator: a})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Escrow.Walk(ctx, nil, func(payer sdk.AccAddress, b math.Int) (bool, error) {
		gs.Escrows = append(gs.Escrows, types.EscrowEntry{Payer: k.addrString(payer), Balance: b})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.Settlements, err = values(ctx, k.Settlements); err != nil {
		return nil, err
	}
	err = k.Hashlocks.Walk(ctx, nil, func(h []byte, id uint64) (bool, error) {
		gs.Hashlocks = append(gs.Hashlocks, types.HashlockEntry{Hashlock: h, ClaimID: id})
		return false, nil
	})
	return gs, err
}

func values[V any](ctx context.Context, m interface {
	Walk(context.Context, collections.Ranger[uint64], func(uint64, V) (bool, error)) error
}) ([]V, error) {
	var out []V
	err := m.Walk(ctx, nil, func(_ uint64, v V) (bool, error) {
		out = append(out, v)
		return false, nil
	})
	return out, err
}
