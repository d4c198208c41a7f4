package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// This file holds suspect goods: quarantines of units, holds and recalls of
// lots, and the confirmation that a unit is illegitimate. Who may lift a hold
// is types.MayLiftHold; who may take one over, types.MayTakeOverHold.

// isRegulator reports whether actor is an active regulator.
func (k Keeper) isRegulator(ctx context.Context, actor sdk.AccAddress) bool {
	return k.consortium.RequireRole(ctx, actor, consortiumtypes.Role_ROLE_REGULATOR) == nil
}

// requireLotAuthority is the one lot-authority rule: holding or releasing a
// lot, releasing a unit, confirming a unit illegitimate and recalling a lot
// are for an active regulator, or for the product's own manufacturer while it
// is an active manufacturer. doing completes the refusal "only a regulator or
// the product's manufacturer ...".
func (k Keeper) requireLotAuthority(ctx context.Context, actor sdk.AccAddress, gtin, doing string) error {
	if k.isRegulator(ctx, actor) {
		return nil
	}
	p, err := k.Products.Get(ctx, gtin)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrProductNotFound, "GTIN %s", gtin)
	}
	if err != nil {
		return err
	}
	if p.Manufacturer == k.addrString(actor) && k.consortium.RequireRole(ctx, actor, consortiumtypes.Role_ROLE_MANUFACTURER) == nil {
		return nil
	}
	return errorsmod.Wrapf(types.ErrNotAllowed, "only a regulator or the product's manufacturer %s", doing)
}

// lotTarget validates a (GTIN, lot) target that has commissioned units and
// returns its GTIN as a GTIN-14.
func (k Keeper) lotTarget(ctx context.Context, gtin, lot string) (string, error) {
	gtin, err := types.ParseLot(gtin, lot)
	if err != nil {
		return "", err
	}
	found := false
	err = k.UnitsByLot.Walk(ctx, collections.NewSuperPrefixedTripleRange[string, string, string](gtin, lot),
		func(collections.Triple[string, string, string]) (bool, error) { found = true; return true, nil })
	if err != nil {
		return "", err
	}
	if !found {
		return "", errorsmod.Wrapf(types.ErrUnknownLot, "GTIN %s lot %s", gtin, lot)
	}
	return gtin, nil
}

// holdingEvent is the EPCIS event of a quarantine, release or confirmation.
func holdingEvent(actor, disposition string) types.TraceEvent {
	return types.TraceEvent{EventType: types.EventTypeObject, Action: types.ActionObserve, BizStep: types.BizStepHolding,
		Disposition: disposition, Actor: actor}
}

// quarantineLot holds every unit of a lot with one write. A regulator takes
// over a manufacturer's hold, as it does a custodian's unit quarantine: from
// then on only a regulator lifts it.
func (k Keeper) quarantineLot(ctx context.Context, actor sdk.AccAddress, gtin, lot string) error {
	regulator := k.isRegulator(ctx, actor)
	gtin, err := k.lotTarget(ctx, gtin, lot)
	if err != nil {
		return err
	}
	if err := k.requireLotAuthority(ctx, actor, gtin, "holds a lot"); err != nil {
		return err
	}
	key := collections.Join(gtin, lot)
	hold, err := k.LotHolds.Get(ctx, key)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		hold = types.LotHold{GTIN: gtin, Lot: lot, At: sdk.UnwrapSDKContext(ctx).BlockTime()}
	case err != nil:
		return err
	case !types.MayTakeOverHold(hold.ByRegulator, regulator):
		return errorsmod.Wrapf(types.ErrAlreadyQuarantined, "GTIN %s lot %s", gtin, lot)
	}
	hold.By, hold.ByRegulator = k.addrString(actor), regulator
	if err := k.LotHolds.Set(ctx, key, hold); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLotHeld{Hold: hold})
}

// quarantineUnit holds one unit: its custodian or a regulator may. A
// regulator takes over a custodian's quarantine: from then on only a
// regulator lifts it, and the unit cannot be decommissioned meanwhile.
func (k Keeper) quarantineUnit(ctx context.Context, actor sdk.AccAddress, ref string) error {
	a := k.addrString(actor)
	regulator := k.isRegulator(ctx, actor)
	u, err := k.resolveUnit(ctx, ref)
	if err != nil {
		return err
	}
	key := types.UnitKey(u.GTIN, u.Serial)
	if u.Custodian != a && !regulator {
		return errorsmod.Wrapf(types.ErrNotCustodian, "only the custodian or a regulator quarantines %s", key)
	}
	from := u.Status
	switch {
	case u.Status == types.UnitStatus_UNIT_STATUS_QUARANTINED:
		if !types.MayTakeOverHold(u.QuarantinedByRegulator, regulator) {
			return errorsmod.Wrapf(types.ErrAlreadyQuarantined, "%s", key)
		}
	case types.CanTransition(u.Status, types.UnitStatus_UNIT_STATUS_QUARANTINED):
		u.HeldStatus, u.Status = u.Status, types.UnitStatus_UNIT_STATUS_QUARANTINED
	default:
		return errorsmod.Wrapf(types.ErrInvalidStatus, "%s is %s", key, u.Status)
	}
	u.QuarantinedBy, u.QuarantinedByRegulator = a, regulator
	return k.setUnit(ctx, from, u, holdingEvent(a, types.DispositionNonSellable))
}

// releaseLot lifts a lot hold.
func (k Keeper) releaseLot(ctx context.Context, actor sdk.AccAddress, gtin, lot string) error {
	gtin, err := types.ParseLot(gtin, lot)
	if err != nil {
		return err
	}
	if err := k.requireLotAuthority(ctx, actor, gtin, "releases a lot"); err != nil {
		return err
	}
	key := collections.Join(gtin, lot)
	hold, err := k.LotHolds.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrNotQuarantined, "GTIN %s lot %s", gtin, lot)
	}
	if err != nil {
		return err
	}
	if !types.MayLiftHold(hold.ByRegulator, func() bool { return k.isRegulator(ctx, actor) }) {
		return errorsmod.Wrapf(types.ErrRegulatorHold, "GTIN %s lot %s was held by the regulator %s: only a regulator releases it", gtin, lot, hold.By)
	}
	if err := k.LotHolds.Remove(ctx, key); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLotReleased{Hold: hold, By: k.addrString(actor)})
}

// releaseUnit lifts a unit's quarantine: it goes back to the status the
// quarantine held (ACTIVE, or IN_TRANSIT if it has not arrived yet).
func (k Keeper) releaseUnit(ctx context.Context, actor sdk.AccAddress, ref string) error {
	u, err := k.resolveUnit(ctx, ref)
	if err != nil {
		return err
	}
	if err := k.requireLotAuthority(ctx, actor, u.GTIN, "releases a unit"); err != nil {
		return err
	}
	key := types.UnitKey(u.GTIN, u.Serial)
	if u.Status != types.UnitStatus_UNIT_STATUS_QUARANTINED {
		return errorsmod.Wrapf(types.ErrNotQuarantined, "%s is %s", key, u.Status)
	}
	if !types.MayLiftHold(u.QuarantinedByRegulator, func() bool { return k.isRegulator(ctx, actor) }) {
		return errorsmod.Wrapf(types.ErrRegulatorHold, "%s was quarantined by the regulator %s: only a regulator releases it", key, u.QuarantinedBy)
	}
	from := u.Status
	u.Status, u.HeldStatus = u.HeldStatus, types.UnitStatus_UNIT_STATUS_UNSPECIFIED
	u.QuarantinedBy, u.QuarantinedByRegulator = "", false
	return k.setUnit(ctx, from, u, holdingEvent(k.addrString(actor), types.DispositionActive))
}

// confirmIllegitimate marks a quarantined unit, or any unit of a held lot,
// illegitimate for good.
func (k Keeper) confirmIllegitimate(ctx context.Context, actor sdk.AccAddress, ref string) error {
	u, err := k.resolveUnit(ctx, ref)
	if err != nil {
		return err
	}
	if err := k.requireLotAuthority(ctx, actor, u.GTIN, "confirms a unit illegitimate"); err != nil {
		return err
	}
	held, err := k.LotHolds.Has(ctx, collections.Join(u.GTIN, u.Lot))
	if err != nil {
		return err
	}
	if u.Status != types.UnitStatus_UNIT_STATUS_QUARANTINED && !held {
		return errorsmod.Wrapf(types.ErrNotQuarantined, "%s must be quarantined first", types.UnitKey(u.GTIN, u.Serial))
	}
	from := u.Status
	u.Status, u.HeldStatus = types.UnitStatus_UNIT_STATUS_ILLEGITIMATE, types.UnitStatus_UNIT_STATUS_UNSPECIFIED
	u.QuarantinedBy, u.QuarantinedByRegulator = "", false
	return k.setUnit(ctx, from, u, holdingEvent(k.addrString(actor), types.DispositionNonSellable))
}

// recall blocks every unit of a lot with one write and tells the hooks
// (x/bridge sends the recall notices, carrying Recall.Reason, the class and
// reason code as one token).
func (k Keeper) recall(ctx context.Context, actor sdk.AccAddress, msg *types.MsgRecall) error {
	gtin, err := k.lotTarget(ctx, msg.GTIN, msg.Lot)
	if err != nil {
		return err
	}
	if err := types.ValidateRecall(msg.Class, msg.ReasonCode); err != nil {
		return err
	}
	if err := k.requireLotAuthority(ctx, actor, gtin, "recalls a lot"); err != nil {
		return err
	}
	key := collections.Join(gtin, msg.Lot)
	if has, err := k.Recalls.Has(ctx, key); err != nil {
		return err
	} else if has {
		return errorsmod.Wrapf(types.ErrAlreadyRecalled, "GTIN %s lot %s", gtin, msg.Lot)
	}
	r := types.Recall{GTIN: gtin, Lot: msg.Lot, By: k.addrString(actor), Class: msg.Class, ReasonCode: msg.ReasonCode,
		Reason: types.RecallCode(msg.Class, msg.ReasonCode), At: sdk.UnwrapSDKContext(ctx).BlockTime()}
	if err := k.Recalls.Set(ctx, key, r); err != nil {
		return err
	}
	if k.hooks != nil {
		if err := k.hooks.AfterRecall(ctx, r); err != nil {
			return err
		}
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRecall{Recall: r})
}
