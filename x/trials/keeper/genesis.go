package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/trials/types"
)

// InitGenesis stores the trials state. The indexed maps write their indexes;
// the registry holders (from the trials' claims), enrolment counts, the newest entry of each visit, the open and late SAE
// sets and the pending-results queue are rebuilt from the records.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, t := range gs.Trials {
		if err := k.Trials.Set(ctx, t.ID, t); err != nil {
			return err
		}
		if t.RegistryClaim == types.RegistryClaim_REGISTRY_CLAIM_HELD {
			if err := k.RegistryHolders.Set(ctx, t.RegistryID, t.ID); err != nil {
				return err
			}
		}
		if t.Status != types.TrialStatus_TRIAL_STATUS_RESULTS_REPORTED {
			if err := k.ResultsPending.Set(ctx, collections.Join(t.PrimaryCompletion, t.ID)); err != nil {
				return err
			}
		}
	}
	for _, v := range gs.Versions {
		if err := k.Versions.Set(ctx, collections.Join(v.TrialID, v.Number), v); err != nil {
			return err
		}
	}
	for _, e := range gs.Enrolments {
		subject, _ := k.addressCodec.StringToBytes(e.Subject)
		if err := k.Enrolments.Set(ctx, collections.Join(e.TrialID, sdk.AccAddress(subject)), e); err != nil {
			return err
		}
		if e.EnrolledVersion == 0 {
			continue
		}
		site, _ := k.addressCodec.StringToBytes(e.Site)
		key := collections.Join3(e.TrialID, sdk.AccAddress(site), e.EnrolledVersion)
		n, err := k.EnrolmentCounts.Get(ctx, key)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
		if err := k.EnrolmentCounts.Set(ctx, key, n+1); err != nil {
			return err
		}
	}
	// Data is in id order, so the last entry written for a visit is its newest.
	for _, d := range gs.Data {
		subject, _ := k.addressCodec.StringToBytes(d.Subject)
		if err := k.Data.Set(ctx, d.ID, d); err != nil {
			return err
		}
		if err := k.LatestData.Set(ctx, collections.Join3(d.TrialID, sdk.AccAddress(subject), d.Visit), d.ID); err != nil {
			return err
		}
	}
	for _, c := range gs.SAEClocks {
		if err := k.SAEClocks.Set(ctx, c.ID, c); err != nil {
			return err
		}
		switch {
		case c.ReportedAt == nil:
			err := k.OpenSAEs.Set(ctx, collections.Join(c.DueAt, c.ID))
			if err != nil {
				return err
			}
		case c.Late:
			if err := k.LateSAEs.Set(ctx, collections.Join(c.TrialID, c.ID)); err != nil {
				return err
			}
		}
	}
	for _, r := range gs.Results {
		if err := k.Results.Set(ctx, r.TrialID, r); err != nil {
			return err
		}
	}
	for _, s := range gs.Switches {
		if err := k.Switches.Set(ctx, collections.Join(s.TrialID, s.Seq), s); err != nil {
			return err
		}
	}
	if err := k.TrialSeq.Set(ctx, gs.NextTrialID); err != nil {
		return err
	}
	if err := k.DataSeq.Set(ctx, gs.NextDataID); err != nil {
		return err
	}
	return k.SAESeq.Set(ctx, gs.NextSAEID)
}

// ExportGenesis exports the whole state, records in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.GetParams(ctx); err != nil {
		return nil, err
	}
	if gs.Trials, err = values(ctx, k.Trials.Iterate); err != nil {
		return nil, err
	}
	if gs.Versions, err = values(ctx, k.Versions.Iterate); err != nil {
		return nil, err
	}
	if gs.Enrolments, err = values(ctx, k.Enrolments.Iterate); err != nil {
		return nil, err
	}
	if gs.Data, err = values(ctx, k.Data.Iterate); err != nil {
		return nil, err
	}
	if gs.SAEClocks, err = values(ctx, k.SAEClocks.Iterate); err != nil {
		return nil, err
	}
	if gs.Results, err = values(ctx, k.Results.Iterate); err != nil {
		return nil, err
	}
	if gs.Switches, err = values(ctx, k.Switches.Iterate); err != nil {
		return nil, err
	}
	if gs.NextTrialID, err = k.TrialSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextDataID, err = k.DataSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextSAEID, err = k.SAESeq.Peek(ctx); err != nil {
		return nil, err
	}
	return gs, nil
}

// values reads every value of a map in key order.
func values[K, V any](ctx context.Context, iterate func(context.Context, collections.Ranger[K]) (collections.Iterator[K, V], error)) ([]V, error) {
	it, err := iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	return it.Values()
}
