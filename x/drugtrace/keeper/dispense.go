package keeper

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// This file ends a unit's life in the supply chain: dispensed to a patient,
// or decommissioned (destroyed, stolen, sampled, expired).

// dispense hands a unit that pharmacy holds to patient (their pseudonymous
// account). A second dispense of a unit is a suspect product: nothing
// changes and an alert is recorded, whose id is returned, in a successful
// transaction so that the alert is kept.
func (k Keeper) dispense(ctx context.Context, pharmacy sdk.AccAddress, patient string, msg *types.MsgDispense) (alertID uint64, err error) {
	a := k.addrString(pharmacy)
	u, err := k.resolveUnit(ctx, msg.Unit)
	if err != nil {
		return 0, err
	}
	p, err := k.Products.Get(ctx, u.GTIN)
	if err != nil {
		return 0, err
	}
	if err := types.ValidatePrescription(msg.PrescriptionID, msg.PrescriptionCommitment); err != nil {
		return 0, err
	}
	if p.PrescriptionOnly && !msg.NamesPrescription() {
		return 0, errorsmod.Wrapf(types.ErrInvalidReference,
			"prescription reference must be given for prescription-only GTIN %s: a prescription id or a prescription commitment", p.GTIN)
	}
	v, err := k.Verdict(ctx, u, pharmacy)
	if err != nil {
		return 0, err
	}
	if v == types.Verdict_VERDICT_ALREADY_DISPENSED {
		return k.alert(ctx, u, a, types.BizStepDispensing, v)
	}
	if v != types.Verdict_VERDICT_AUTHENTIC_SALEABLE {
		return 0, errorsmod.Wrapf(types.ErrNotSaleable, "%s: %s", types.UnitKey(u.GTIN, u.Serial), v)
	}
	if u.Container != "" {
		return 0, errorsmod.Wrapf(types.ErrPacked, "%s is in container %s; unpack it first", types.UnitKey(u.GTIN, u.Serial), u.Container)
	}
	if k.hooks != nil {
		d := types.Dispensation{Pharmacy: a, Patient: patient, PrescriptionID: msg.PrescriptionID,
			PrescriptionCommitment: msg.PrescriptionCommitment, Product: p, Unit: u}
		if err := k.hooks.BeforeDispense(ctx, d); err != nil {
			return 0, err
		}
	}
	from := u.Status
	u.Status = types.UnitStatus_UNIT_STATUS_DISPENSED
	sum := sha256.Sum256([]byte(patient + "|" + types.UnitKey(u.GTIN, u.Serial)))
	ev := types.TraceEvent{EventType: types.EventTypeObject, Action: types.ActionObserve, BizStep: types.BizStepDispensing,
		Disposition: types.DispositionDispensed, Actor: a, PatientRefHash: hex.EncodeToString(sum[:]),
		PrescriptionID: msg.PrescriptionID, PrescriptionCommitment: msg.PrescriptionCommitment}
	return 0, k.setUnit(ctx, from, u, ev)
}

// decommission takes a unit that a (the actor) holds out of the supply chain
// for good; disposition is the CBV disposition of reason.
func (k Keeper) decommission(ctx context.Context, a, ref string, reason types.DecommissionReason, disposition string) error {
	u, err := k.heldUnit(ctx, ref, a)
	if err != nil {
		return err
	}
	key := types.UnitKey(u.GTIN, u.Serial)
	if !types.CanTransition(u.Status, types.UnitStatus_UNIT_STATUS_DECOMMISSIONED) {
		return errorsmod.Wrapf(types.ErrInvalidStatus, "%s is %s", key, u.Status)
	}
	// Decommissioning a unit a regulator holds, or one of a held lot, would
	// destroy the evidence: the hold must be lifted first.
	if u.Status == types.UnitStatus_UNIT_STATUS_QUARANTINED && u.QuarantinedByRegulator {
		return errorsmod.Wrapf(types.ErrUnderHold, "%s is quarantined by the regulator %s", key, u.QuarantinedBy)
	}
	if hold, err := k.LotHolds.Get(ctx, collections.Join(u.GTIN, u.Lot)); err == nil {
		return errorsmod.Wrapf(types.ErrUnderHold, "%s: lot %s is held by %s", key, u.Lot, hold.By)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	from := u.Status
	u.Status, u.DecommissionReason = types.UnitStatus_UNIT_STATUS_DECOMMISSIONED, reason
	u.HeldStatus, u.QuarantinedBy, u.QuarantinedByRegulator = types.UnitStatus_UNIT_STATUS_UNSPECIFIED, "", false
	ev := types.TraceEvent{EventType: types.EventTypeObject, Action: types.ActionDelete, BizStep: types.BizStepDecommissioning,
		Disposition: disposition, Actor: u.Custodian}
	return k.setUnit(ctx, from, u, ev)
}
