package keeper

import (
	"context"
	"strings"

	"cosmossdk.io/collections"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// InitGenesis stores the traceability state and rebuilds the indexes.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, p := range gs.Products {
		if err := k.Products.Set(ctx, p.GTIN, p); err != nil {
			return err
		}
	}
	for _, u := range gs.Units {
		if err := k.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
			return err
		}
		if err := k.UnitsByLot.Set(ctx, collections.Join3(u.GTIN, u.Lot, u.Serial)); err != nil {
			return err
		}
		if u.Container != "" {
			if err := k.ContainerUnits.Set(ctx, collections.Join3(u.Container, u.GTIN, u.Serial)); err != nil {
				return err
			}
		}
	}
	for _, c := range gs.Containers {
		if err := k.Containers.Set(ctx, c.SSCC, c); err != nil {
			return err
		}
		if c.Parent != "" {
			if err := k.ContainerChildren.Set(ctx, collections.Join(c.Parent, c.SSCC)); err != nil {
				return err
			}
		}
	}
	for _, s := range gs.Shipments {
		if err := k.Shipments.Set(ctx, s.ID, s); err != nil {
			return err
		}
	}
	for _, r := range gs.Recalls {
		if err := k.Recalls.Set(ctx, collections.Join(r.GTIN, r.Lot), r); err != nil {
			return err
		}
	}
	for _, h := range gs.LotHolds {
		if err := k.LotHolds.Set(ctx, collections.Join(h.GTIN, h.Lot), h); err != nil {
			return err
		}
	}
	for _, uh := range gs.Histories {
		gtin, serial, _ := strings.Cut(uh.Unit, "/")
		for _, e := range uh.Events {
			if err := k.History.Set(ctx, collections.Join3(gtin, serial, e.Seq), e); err != nil {
				return err
			}
		}
	}
	for _, a := range gs.Alerts {
		if err := k.Alerts.Set(ctx, a.ID, a); err != nil {
			return err
		}
	}
	for _, s := range gs.Settlements {
		if err := k.Settlements.Set(ctx, s.ShipmentID, s); err != nil {
			return err
		}
	}
	for _, h := range gs.Hashlocks {
		if err := k.Hashlocks.Set(ctx, h.Hashlock, h.ShipmentID); err != nil {
			return err
		}
	}
	if err := k.ShipmentSeq.Set(ctx, gs.NextShipmentID); err != nil {
		return err
	}
	if err := k.AlertSeq.Set(ctx, gs.NextAlertID); err != nil {
		return err
	}
	return k.EventSeq.Set(ctx, gs.NextEventSeq)
}

// ExportGenesis exports the whole state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if err := k.Products.Walk(ctx, nil, func(_ string, p types.Product) (bool, error) {
		gs.Products = append(gs.Products, p)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Units.Walk(ctx, nil, func(_ UnitPK, u types.Unit) (bool, error) {
		gs.Units = append(gs.Units, u)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Containers.Walk(ctx, nil, func(_ string, c types.Container) (bool, error) {
		gs.Containers = append(gs.Containers, c)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Shipments.Walk(ctx, nil, func(_ uint64, s types.Shipment) (bool, error) {
		gs.Shipments = append(gs.Shipments, s)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Recalls.Walk(ctx, nil, func(_ collections.Pair[string, string], r types.Recall) (bool, error) {
		gs.Recalls = append(gs.Recalls, r)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.LotHolds.Walk(ctx, nil, func(_ collections.Pair[string, string], h types.LotHold) (bool, error) {
		gs.LotHolds = append(gs.LotHolds, h)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.History.Walk(ctx, nil, func(key collections.Triple[string, string, uint64], e types.TraceEvent) (bool, error) {
		unit := types.UnitKey(key.K1(), key.K2())
		if n := len(gs.Histories); n == 0 || gs.Histories[n-1].Unit != unit {
			gs.Histories = append(gs.Histories, types.UnitHistory{Unit: unit})
		}
		gs.Histories[len(gs.Histories)-1].Events = append(gs.Histories[len(gs.Histories)-1].Events, e)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Alerts.Walk(ctx, nil, func(_ uint64, a types.Alert) (bool, error) {
		gs.Alerts = append(gs.Alerts, a)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Settlements.Walk(ctx, nil, func(_ uint64, s types.Settlement) (bool, error) {
		gs.Settlements = append(gs.Settlements, s)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Hashlocks.Walk(ctx, nil, func(h []byte, id uint64) (bool, error) {
		gs.Hashlocks = append(gs.Hashlocks, types.HashlockEntry{Hashlock: h, ShipmentID: id})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if gs.NextShipmentID, err = k.ShipmentSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextAlertID, err = k.AlertSeq.Peek(ctx); err != nil {
		return nil, err
	}
	gs.NextEventSeq, err = k.EventSeq.Peek(ctx)
	return gs, err
}
