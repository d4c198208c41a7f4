package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

var _ drugtracetypes.TraceHooks = (*Keeper)(nil)

// BeforeDispense implements drugtracetypes.TraceHooks. On the pharma chain a
// dispense that names a prescription, and every dispense of a
// prescription-only product, must match an open prescription: same patient,
// same product (GTIN, or the product's NDC), still valid, with a unit left.
// The prescription is decremented and the confirmation sent to the hospital
// chain in the same transaction.
func (k *Keeper) BeforeDispense(ctx context.Context, d drugtracetypes.Dispensation) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if params.Role != types.ChainRole_CHAIN_ROLE_PHARMA {
		return nil
	}
	if len(d.PrescriptionCommitment) != 0 {
		// A pharmacy's own prescription: a pharma chain dispenses only
		// against prescriptions it received over the bridge.
		return errorsmod.Wrap(types.ErrPrescriptionNotFound, "a prescription commitment is not an open prescription: name the prescription id")
	}
	if d.PrescriptionID == 0 {
		if d.Product.PrescriptionOnly {
			return errorsmod.Wrapf(types.ErrPrescriptionNeeded, "GTIN %s", d.Product.GTIN)
		}
		return nil
	}
	id := d.PrescriptionID
	p, err := k.Prescriptions.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrPrescriptionNotFound, "%d", id)
	} else if err != nil {
		return err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	switch {
	case p.Status != types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN:
		return errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d is %s", p.ID, p.Status)
	case !p.ValidAt(now):
		return errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d expired", p.ID)
	case p.Patient != d.Patient:
		return errorsmod.Wrapf(types.ErrMismatch, "prescription %d is for another patient", p.ID)
	case !p.MatchesProduct(d.Unit.GTIN, d.Product.NDC):
		return errorsmod.Wrapf(types.ErrMismatch, "prescription %d is for another product", p.ID)
	case p.Remaining() == 0:
		return errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d has no units left", p.ID)
	}
	if err := k.countDispense(ctx, &p); err != nil {
		return err
	}
	data := types.PacketData{Flow: &types.PacketData_Dispense{Dispense: &types.DispensePacket{
		PrescriptionID: p.SourceID, Patient: p.Patient, GTIN: d.Unit.GTIN, Serial: d.Unit.Serial, Lot: d.Unit.Lot,
		Expiry: d.Unit.Expiry.UTC().Format(time.DateOnly), Pharmacy: d.Pharmacy, DispensedAt: unix(now), NDC: d.Product.NDC,
	}}}
	return k.sendOrKeep(sdk.UnwrapSDKContext(ctx), p.CounterpartyChainID, data, p.ID)
}

// sendOrKeep sends a dispense confirmation or recall notice over the open
// bridge channel to counterparty; if there is none or it refuses the notice
// (its light client expired, the client is no longer trusted, the channel
// closed), the notice is kept as undelivered to be re-sent, and the dispense
// or recall, which happened, goes ahead.
func (k *Keeper) sendOrKeep(ctx sdk.Context, counterparty string, data types.PacketData, ref uint64) error {
	if err := data.Validate(); err != nil {
		return err // a notice this chain cannot build is a bug to surface, not to queue
	}
	channelID, err := k.channelTo(ctx, counterparty)
	switch {
	case err == nil:
		cacheCtx, write := ctx.CacheContext()
		if _, err := k.send(cacheCtx, channelID, data, ref); err == nil {
			write()
			return nil
		} else if errors.Is(err, types.ErrInvalidPacket) {
			return err
		}
	case !errors.Is(err, types.ErrInvalidChannel):
		return err
	}
	bz, err := types.EncodePacket(data)
	if err != nil {
		return err
	}
	return k.keepUndelivered(ctx, counterparty, channelID, bz, data.Kind(), types.UndeliveredReason_UNDELIVERED_REASON_NOT_SENT)
}

// AfterRecall implements drugtracetypes.TraceHooks: on the pharma chain a
// recall notice goes to every open bridge channel: at most one per
// counterparty chain the authority trusted, so its cost does not depend on
// channels anyone else tried to open.
func (k *Keeper) AfterRecall(ctx context.Context, r drugtracetypes.Recall) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if params.Role != types.ChainRole_CHAIN_ROLE_PHARMA {
		return nil
	}
	data := types.PacketData{Flow: &types.PacketData_Recall{Recall: &types.RecallPacket{
		GTIN: r.GTIN, Lot: r.Lot, Reason: r.Reason, RecalledAt: unix(r.At),
	}}}
	it, err := k.Channels.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	channels, err := it.Values()
	if err != nil {
		return err
	}
	for _, c := range channels {
		if err := k.sendOrKeep(sdk.UnwrapSDKContext(ctx), c.CounterpartyChainID, data, 0); err != nil {
			return err
		}
	}
	return nil
}
