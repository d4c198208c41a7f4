package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// resolveUnit parses a unit reference and loads the unit. When the reference
// carries a lot or an expiry (an element string or Digital Link), they must
// match what was commissioned: a mismatch is a counterfeit label.
func (k Keeper) resolveUnit(ctx context.Context, ref string) (types.Unit, error) {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	id, err := types.ParseUnitRef(ref, now)
	if err != nil {
		return types.Unit{}, err
	}
	u, err := k.Units.Get(ctx, collections.Join(id.GTIN, id.Serial))
	if errors.Is(err, collections.ErrNotFound) {
		return types.Unit{}, errorsmod.Wrapf(types.ErrUnitNotFound, "%s", types.UnitKey(id.GTIN, id.Serial))
	}
	if err != nil {
		return types.Unit{}, err
	}
	if (id.Lot != "" && id.Lot != u.Lot) || (id.HasExpiry && !sameDay(id.Expiry, u.Expiry)) {
		return types.Unit{}, errorsmod.Wrapf(types.ErrUnitNotFound, "%s: lot or expiry on the label differ from the commissioned unit", types.UnitKey(id.GTIN, id.Serial))
	}
	return u, nil
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.UTC().Date()
	by, bm, bd := b.UTC().Date()
	return ay == by && am == bm && ad == bd
}

// heldUnit loads a unit and checks that actor holds it, outside any container
// and shipment.
func (k Keeper) heldUnit(ctx context.Context, ref string, actor string) (types.Unit, error) {
	u, err := k.resolveUnit(ctx, ref)
	if err != nil {
		return u, err
	}
	key := types.UnitKey(u.GTIN, u.Serial)
	switch {
	case u.Custodian != actor:
		return u, errorsmod.Wrapf(types.ErrNotCustodian, "%s is held by %s", key, u.Custodian)
	case u.Status == types.UnitStatus_UNIT_STATUS_IN_TRANSIT:
		return u, errorsmod.Wrapf(types.ErrInTransit, "%s in shipment %d", key, u.ShipmentID)
	case u.Container != "":
		return u, errorsmod.Wrapf(types.ErrPacked, "%s is in container %s; unpack it first", key, u.Container)
	}
	return u, nil
}

// unitWrite is a unit a message stores, with the status it had before.
type unitWrite struct {
	from types.UnitStatus
	unit types.Unit
}

// setUnit stores u, whose status was from, and records ev in its history.
func (k Keeper) setUnit(ctx context.Context, from types.UnitStatus, u types.Unit, ev types.TraceEvent) error {
	return k.setUnits(ctx, ev, []unitWrite{{from: from, unit: u}}, nil)
}

// setUnits is the one place units are written. It stores each unit of writes,
// refusing a change of status that types.CanTransition does not allow, then
// records ev in the history of those units and of carried (units inside a
// container that moved, whose own record does not change), and emits one
// EventTrace naming them all.
func (k Keeper) setUnits(ctx context.Context, ev types.TraceEvent, writes []unitWrite, carried []types.Unit) error {
	units := make([]types.Unit, 0, len(writes)+len(carried))
	for _, w := range writes {
		u := w.unit
		if u.Status != w.from && !types.CanTransition(w.from, u.Status) {
			return errorsmod.Wrapf(types.ErrInvalidStatus, "%s: %s cannot become %s", types.UnitKey(u.GTIN, u.Serial), w.from, u.Status)
		}
		if err := k.Units.Set(ctx, collections.Join(u.GTIN, u.Serial), u); err != nil {
			return err
		}
		units = append(units, u)
	}
	return k.record(ctx, ev, append(units, carried...))
}

// record appends an event to the history of each unit and emits one typed event.
func (k Keeper) record(ctx context.Context, ev types.TraceEvent, units []types.Unit) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	ev.Time = sdkCtx.BlockTime()
	keys := make([]string, 0, min(len(units), types.MaxEventUnits))
	for _, u := range units {
		seq, err := nextID(ctx, k.EventSeq)
		if err != nil {
			return err
		}
		e := ev
		e.Seq = seq
		if e.Container == "" {
			e.Container = u.Container
		}
		if err := k.History.Set(ctx, collections.Join3(u.GTIN, u.Serial, seq), e); err != nil {
			return err
		}
		if len(keys) < types.MaxEventUnits {
			keys = append(keys, types.UnitKey(u.GTIN, u.Serial))
		}
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventTrace{Event: ev, Units: keys, Count: uint32(len(units))})
}

// alert records a suspect-product alert and emits it. Ids start at 1, so
// that 0 in a response means "no alert".
func (k Keeper) alert(ctx context.Context, u types.Unit, actor, attempted string, v types.Verdict) (uint64, error) {
	id, err := nextID(ctx, k.AlertSeq)
	if err != nil {
		return 0, err
	}
	a := types.Alert{ID: id, Unit: types.UnitKey(u.GTIN, u.Serial), Actor: actor, Attempted: attempted, Verdict: v,
		Time: sdk.UnwrapSDKContext(ctx).BlockTime()}
	if err := k.Alerts.Set(ctx, id, a); err != nil {
		return 0, err
	}
	return id, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventSuspectProduct{Alert: a})
}
