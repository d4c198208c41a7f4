package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// lookupUnit parses a unit reference and loads the unit (ErrUnitNotFound
// when its GTIN and serial were never commissioned; id is then still set).
// label says whether the lot or expiry the reference carries (an element
// string or Digital Link) differ from the commissioned unit's: see
// labelMismatch.
func (k Keeper) lookupUnit(ctx context.Context, ref string) (id gs1.UnitID, u types.Unit, label types.Verdict, err error) {
	id, err = types.ParseUnitRef(ref, sdk.UnwrapSDKContext(ctx).BlockTime())
	if err != nil {
		return id, u, 0, err
	}
	u, err = k.Units.Get(ctx, collections.Join(id.GTIN, id.Serial))
	if errors.Is(err, collections.ErrNotFound) {
		return id, u, 0, errorsmod.Wrapf(types.ErrUnitNotFound, "%s", types.UnitKey(id.GTIN, id.Serial))
	}
	if err != nil {
		return id, u, 0, err
	}
	return id, u, labelMismatch(id, u), nil
}

// labelMismatch compares the lot and expiry a label carries with the
// commissioned unit: VERDICT_LOT_MISMATCH when the lot differs (checked
// first: it is what ties a pack to its batch record), else
// VERDICT_EXPIRY_MISMATCH when the expiry differs, else VERDICT_UNSPECIFIED.
// A label without a lot or an expiry ("GTIN/serial") matches on what it has.
func labelMismatch(id gs1.UnitID, u types.Unit) types.Verdict {
	switch {
	case id.Lot != "" && id.Lot != u.Lot:
		return types.Verdict_VERDICT_LOT_MISMATCH
	case id.HasExpiry && !sameDay(id.Expiry, u.Expiry):
		return types.Verdict_VERDICT_EXPIRY_MISMATCH
	}
	return types.Verdict_VERDICT_UNSPECIFIED
}

// resolveUnit parses a unit reference and loads the unit. When the reference
// carries a lot or an expiry, they must match what was commissioned: a pack
// whose label differs is suspect, and every message refuses it
// (ErrLabelMismatch), as it refuses a unit never commissioned.
func (k Keeper) resolveUnit(ctx context.Context, ref string) (types.Unit, error) {
	id, u, label, err := k.lookupUnit(ctx, ref)
	if err != nil {
		return types.Unit{}, err
	}
	key := types.UnitKey(u.GTIN, u.Serial)
	switch label {
	case types.Verdict_VERDICT_LOT_MISMATCH:
		return types.Unit{}, errorsmod.Wrapf(types.ErrLabelMismatch, "%s: lot %s on the label is not the lot it was commissioned in (%s)",
			key, id.Lot, label)
	case types.Verdict_VERDICT_EXPIRY_MISMATCH:
		return types.Unit{}, errorsmod.Wrapf(types.ErrLabelMismatch, "%s: expiry %s on the label is not the commissioned expiry (%s)",
			key, id.Expiry.Format(time.DateOnly), label)
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
	// The event names the units; the patient's hash stays in the history. It
	// is SHA-256(account | unit) of a public unit, so anyone holding a list of
	// accounts could test each: in an event, beside the unit, it would pair a
	// patient with a drug.
	ev.PatientRefHash = ""
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
