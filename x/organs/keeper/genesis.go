package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/healthchain/healthd/x/organs/types"
)

// InitGenesis stores the organs state and rebuilds the indexes (excursions,
// overrides).
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, s := range gs.Staff {
		acc, err := k.parseAddress("staff account", s.Account)
		if err != nil {
			return err
		}
		if err := k.Staff.Set(ctx, acc, s); err != nil {
			return err
		}
	}
	for _, l := range gs.Loggers {
		if err := k.Loggers.Set(ctx, l.ID, l); err != nil {
			return err
		}
	}
	for _, c := range gs.Cases {
		if err := k.Cases.Set(ctx, c.DIN, c); err != nil {
			return err
		}
	}
	for _, o := range gs.Organs {
		if err := k.Organs.Set(ctx, organKey(o), o); err != nil {
			return err
		}
		if o.Outcome != nil && o.Outcome.Override != types.OverrideReason_OVERRIDE_REASON_UNSPECIFIED {
			if err := k.Overrides.Set(ctx, organKey(o)); err != nil {
				return err
			}
		}
	}
	for _, oc := range gs.Candidates {
		for _, c := range oc.Candidates {
			if err := k.Candidates.Set(ctx, collections.Join3(oc.DIN, oc.OrganType, c.Rank), c); err != nil {
				return err
			}
		}
	}
	for _, oh := range gs.HandOffs {
		for _, h := range oh.HandOffs {
			if err := k.HandOffs.Set(ctx, collections.Join3(oh.DIN, oh.OrganType, h.Index), h); err != nil {
				return err
			}
		}
	}
	for _, oa := range gs.Attachments {
		// Grouped by logger, each logger's stays in order.
		byLogger := map[string]*types.LoggerStays{}
		var order []string
		for _, a := range oa.Attachments {
			if byLogger[a.Logger] == nil {
				byLogger[a.Logger] = &types.LoggerStays{}
				order = append(order, a.Logger)
			}
			byLogger[a.Logger].Stays = append(byLogger[a.Logger].Stays, a)
		}
		for _, l := range order {
			if err := k.Attachments.Set(ctx, collections.Join3(oa.DIN, oa.OrganType, l), *byLogger[l]); err != nil {
				return err
			}
		}
	}
	for _, or := range gs.Readings {
		for _, r := range or.Readings {
			key := collections.Join3(or.DIN, or.OrganType, r.Index)
			if err := k.Readings.Set(ctx, key, r); err != nil {
				return err
			}
			if r.Excursion {
				if err := k.Excursions.Set(ctx, key); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ExportGenesis exports the whole state, each organ's lists (candidates,
// hand-offs, logger attachments, readings) in order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	if gs.Staff, err = values(ctx, k.Staff); err != nil {
		return nil, err
	}
	if gs.Loggers, err = values(ctx, k.Loggers); err != nil {
		return nil, err
	}
	if gs.Cases, err = values(ctx, k.Cases); err != nil {
		return nil, err
	}
	if gs.Organs, err = values(ctx, k.Organs); err != nil {
		return nil, err
	}
	for _, o := range gs.Organs {
		if o.Candidates > 0 {
			cs, err := k.offers(ctx, o)
			if err != nil {
				return nil, err
			}
			gs.Candidates = append(gs.Candidates, types.OrganCandidates{DIN: o.DIN, OrganType: o.OrganType, Candidates: cs})
		}
		if o.Handoffs > 0 {
			hs, err := k.custody(ctx, o)
			if err != nil {
				return nil, err
			}
			gs.HandOffs = append(gs.HandOffs, types.OrganHandOffs{DIN: o.DIN, OrganType: o.OrganType, HandOffs: hs})
		}
		as, err := k.attachments(ctx, o)
		if err != nil {
			return nil, err
		}
		if len(as) > 0 {
			gs.Attachments = append(gs.Attachments, types.OrganAttachments{DIN: o.DIN, OrganType: o.OrganType, Attachments: as})
		}
		if o.Readings > 0 {
			var rs []types.StoredReading
			err := k.Readings.Walk(ctx, collections.NewSuperPrefixedTripleRange[string, string, uint64](o.DIN, o.OrganType),
				func(_ collections.Triple[string, string, uint64], r types.StoredReading) (bool, error) {
					rs = append(rs, r)
					return false, nil
				})
			if err != nil {
				return nil, err
			}
			gs.Readings = append(gs.Readings, types.OrganReadings{DIN: o.DIN, OrganType: o.OrganType, Readings: rs})
		}
	}
	return gs, nil
}

// values lists a map's values in key order.
func values[K, V any](ctx context.Context, m collections.Map[K, V]) ([]V, error) {
	var out []V
	err := m.Walk(ctx, nil, func(_ K, v V) (bool, error) {
		out = append(out, v)
		return false, nil
	})
	return out, err
}
