package keeper

import (
	"context"
	"errors"
	"strconv"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"

	"github.com/healthchain/healthd/x/bridge/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
)

// OnRecvPacket applies a packet received on a bridge channel and returns the
// acknowledgement result. An error becomes an error acknowledgement and the
// packet's writes are discarded.
func (k *Keeper) OnRecvPacket(ctx sdk.Context, packet channeltypes.Packet) (types.Ack, error) {
	data, err := types.DecodePacket(packet.GetData())
	if err != nil {
		return types.Ack{}, err
	}
	switch f := data.Flow.(type) {
	case *types.PacketData_Prescription:
		return k.recvPrescription(ctx, packet.DestinationChannel, f.Prescription)
	case *types.PacketData_Verify:
		return k.recvVerify(ctx, f.Verify)
	case *types.PacketData_Dispense:
		return k.recvDispense(ctx, packet.DestinationChannel, f.Dispense)
	case *types.PacketData_Recall:
		return k.recvRecall(ctx, packet.DestinationChannel, f.Recall)
	}
	return types.Ack{}, errorsmod.Wrap(types.ErrInvalidPacket, "no flow")
}

// recvPrescription opens a prescription on the pharma chain. A prescription
// already opened from the same channel and id is acknowledged again, not
// opened twice.
func (k *Keeper) recvPrescription(ctx sdk.Context, channelID string, p *types.PrescriptionPacket) (types.Ack, error) {
	if _, err := k.requireRole(ctx, types.ChainRole_CHAIN_ROLE_PHARMA); err != nil {
		return types.Ack{}, err
	}
	ack := func(id uint64) types.Ack {
		return types.Ack{Result: &types.Ack_Prescription{Prescription: &types.PrescriptionAck{OpenId: id}}}
	}
	source := collections.Join(channelID, p.Id)
	if id, err := k.OpenBySource.Get(ctx, source); err == nil {
		return ack(id), nil
	} else if !errors.Is(err, collections.ErrNotFound) {
		return types.Ack{}, err
	}
	prescriber, err := k.parseAddress("prescriber", p.Prescriber)
	if err != nil {
		return types.Ack{}, err
	}
	patient, err := k.parseAddress("patient", p.Patient)
	if err != nil {
		return types.Ack{}, err
	}
	validUntil := fromUnix(p.ValidUntil)
	if !validUntil.After(ctx.BlockTime()) {
		return types.Ack{}, errorsmod.Wrap(types.ErrInvalidPrescription, "expired before it arrived")
	}
	id, err := k.PrescriptionSeq.Next(ctx)
	if err != nil {
		return types.Ack{}, err
	}
	id++
	open := types.Prescription{
		ID: id, Prescriber: k.addrString(prescriber), Patient: k.addrString(patient), GTIN: p.Gtin, NDC: p.Ndc,
		Quantity: p.Quantity, Refills: p.Refills, ValidUntil: validUntil, IssuedAt: ctx.BlockTime(),
		Status: types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN, ChannelID: channelID, SourceID: p.Id,
	}
	if err := k.Prescriptions.Set(ctx, id, open); err != nil {
		return types.Ack{}, err
	}
	if err := k.PrescriptionsByPatient.Set(ctx, collections.Join(open.Patient, id)); err != nil {
		return types.Ack{}, err
	}
	if err := k.OpenBySource.Set(ctx, source, id); err != nil {
		return types.Ack{}, err
	}
	return ack(id), ctx.EventManager().EmitTypedEvent(&types.EventPrescriptionReceived{ID: id, ChannelID: channelID, SourceID: p.Id})
}

// recvVerify answers a verification request with x/drugtrace's verdict.
func (k *Keeper) recvVerify(ctx sdk.Context, v *types.VerifyPacket) (types.Ack, error) {
	if _, err := k.requireRole(ctx, types.ChainRole_CHAIN_ROLE_PHARMA); err != nil {
		return types.Ack{}, err
	}
	verdict, _, err := k.drugtrace.VerifyRef(ctx, v.Unit, nil)
	if err != nil {
		return types.Ack{}, err
	}
	return types.Ack{Result: &types.Ack_Verify{Verify: &types.VerifyAck{Verdict: verdict, VerifiedAt: unix(ctx.BlockTime())}}}, nil
}

// recvDispense records a dispensed unit against the prescription it was sent
// for, in the patient's medication history and in the lot index.
func (k *Keeper) recvDispense(ctx sdk.Context, channelID string, d *types.DispensePacket) (types.Ack, error) {
	if _, err := k.requireRole(ctx, types.ChainRole_CHAIN_ROLE_HOSPITAL); err != nil {
		return types.Ack{}, err
	}
	p, err := k.Prescriptions.Get(ctx, d.PrescriptionId)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Ack{}, errorsmod.Wrapf(types.ErrPrescriptionNotFound, "%d", d.PrescriptionId)
	} else if err != nil {
		return types.Ack{}, err
	}
	switch {
	case p.ChannelID != channelID:
		return types.Ack{}, errorsmod.Wrap(types.ErrMismatch, "prescription was sent on another channel")
	case p.Status != types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN:
		return types.Ack{}, errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d is %s", p.ID, p.Status)
	case p.Patient != d.Patient:
		return types.Ack{}, errorsmod.Wrap(types.ErrMismatch, "patient")
	case p.GTIN != "" && p.GTIN != d.Gtin:
		return types.Ack{}, errorsmod.Wrap(types.ErrMismatch, "product")
	case remaining(p) == 0:
		return types.Ack{}, errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d fully dispensed", p.ID)
	}
	p.Dispensed++
	if remaining(p) == 0 {
		err = k.setStatus(ctx, &p, types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED)
	} else {
		err = k.Prescriptions.Set(ctx, p.ID, p)
	}
	if err != nil {
		return types.Ack{}, err
	}
	seq, err := k.HistorySeq.Next(ctx)
	if err != nil {
		return types.Ack{}, err
	}
	e := types.MedicationEntry{
		Patient: p.Patient, Seq: seq + 1, PrescriptionID: p.ID, GTIN: d.Gtin, Serial: d.Serial, Lot: d.Lot,
		Expiry: d.Expiry, Pharmacy: d.Pharmacy, DispensedAt: fromUnix(d.DispensedAt), ChannelID: channelID,
	}
	if err := k.History.Set(ctx, collections.Join(e.Patient, e.Seq), e); err != nil {
		return types.Ack{}, err
	}
	if err := k.DispensedByLot.Set(ctx, collections.Join3(e.GTIN, e.Lot, e.Patient)); err != nil {
		return types.Ack{}, err
	}
	if err := ctx.EventManager().EmitTypedEvent(&types.EventDispenseRecorded{PrescriptionID: p.ID, Patient: p.Patient, GTIN: e.GTIN, Serial: e.Serial}); err != nil {
		return types.Ack{}, err
	}
	return types.Ack{Result: &types.Ack_Dispense{Dispense: &types.DispenseAck{Remaining: remaining(p)}}}, nil
}

// recvRecall finds, through the lot index, every patient who received a unit
// of the lot and notifies each once. A notice for a lot already notified is
// acknowledged without notifying again.
func (k *Keeper) recvRecall(ctx sdk.Context, channelID string, r *types.RecallPacket) (types.Ack, error) {
	if _, err := k.requireRole(ctx, types.ChainRole_CHAIN_ROLE_HOSPITAL); err != nil {
		return types.Ack{}, err
	}
	ack := func(n uint32) types.Ack {
		return types.Ack{Result: &types.Ack_Recall{Recall: &types.RecallAck{Patients: n}}}
	}
	key := collections.Join(r.Gtin, r.Lot)
	if prev, err := k.RecallNotices.Get(ctx, key); err == nil {
		return ack(prev.Patients), nil
	} else if !errors.Is(err, collections.ErrNotFound) {
		return types.Ack{}, err
	}
	rng := collections.NewSuperPrefixedTripleRange[string, string, string](r.Gtin, r.Lot)
	it, err := k.DispensedByLot.Iterate(ctx, rng)
	if err != nil {
		return types.Ack{}, err
	}
	defer it.Close()
	var n uint32
	for ; it.Valid(); it.Next() {
		key, err := it.Key()
		if err != nil {
			return types.Ack{}, err
		}
		if err := ctx.EventManager().EmitTypedEvent(&types.EventRecallNotification{Patient: key.K3(), GTIN: r.Gtin, Lot: r.Lot}); err != nil {
			return types.Ack{}, err
		}
		n++
	}
	notice := types.RecallNotice{
		GTIN: r.Gtin, Lot: r.Lot, Reason: r.Reason, RecalledAt: fromUnix(r.RecalledAt), ReceivedAt: ctx.BlockTime(),
		ChannelID: channelID, Patients: n,
	}
	return ack(n), k.RecallNotices.Set(ctx, key, notice)
}

// OnAcknowledgementPacket settles a packet this chain sent. A success
// acknowledgement completes the flow; an error acknowledgement (or a result
// this chain cannot read) rolls the pending state back.
func (k *Keeper) OnAcknowledgementPacket(ctx sdk.Context, packet channeltypes.Packet, ack channeltypes.Acknowledgement) error {
	pp, err := k.takePending(ctx, packet.SourceChannel, packet.Sequence)
	if err != nil {
		return err
	}
	var result types.Ack
	ok := ack.Success()
	if ok {
		if result, err = types.DecodeAck(ack.GetResult()); err != nil {
			ok = false
		}
	}
	switch pp.Kind {
	case types.PacketKind_PACKET_KIND_PRESCRIPTION:
		p, err := k.Prescriptions.Get(ctx, pp.Ref)
		if err != nil {
			return err
		}
		pa := result.GetPrescription()
		if !ok || pa == nil || pa.OpenId == 0 {
			return k.setStatus(ctx, &p, types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED)
		}
		p.RemoteID = pa.OpenId
		return k.setStatus(ctx, &p, types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN)
	case types.PacketKind_PACKET_KIND_VERIFY:
		v, err := k.Verifications.Get(ctx, pp.Ref)
		if err != nil {
			return err
		}
		va := result.GetVerify()
		if !ok || va == nil {
			v.Status = types.VerificationStatus_VERIFICATION_STATUS_FAILED
		} else {
			v.Status, v.Verdict, v.AnsweredAt = types.VerificationStatus_VERIFICATION_STATUS_ANSWERED, va.Verdict, fromUnix(va.VerifiedAt)
		}
		return k.setVerification(ctx, v)
	default:
		if ok {
			return nil
		}
		return k.undelivered(ctx, packet, pp.Kind, types.UndeliveredReason_UNDELIVERED_REASON_REFUSED)
	}
}

// OnTimeoutPacket rolls back a packet that was never received: a prescription
// becomes undelivered (and may be re-sent), a verification timed out, a notice
// is kept to be re-sent.
func (k *Keeper) OnTimeoutPacket(ctx sdk.Context, packet channeltypes.Packet) error {
	pp, err := k.takePending(ctx, packet.SourceChannel, packet.Sequence)
	if err != nil {
		return err
	}
	switch pp.Kind {
	case types.PacketKind_PACKET_KIND_PRESCRIPTION:
		p, err := k.Prescriptions.Get(ctx, pp.Ref)
		if err != nil {
			return err
		}
		return k.setStatus(ctx, &p, types.PrescriptionStatus_PRESCRIPTION_STATUS_UNDELIVERED)
	case types.PacketKind_PACKET_KIND_VERIFY:
		v, err := k.Verifications.Get(ctx, pp.Ref)
		if err != nil {
			return err
		}
		v.Status = types.VerificationStatus_VERIFICATION_STATUS_TIMED_OUT
		return k.setVerification(ctx, v)
	default:
		return k.undelivered(ctx, packet, pp.Kind, types.UndeliveredReason_UNDELIVERED_REASON_TIMEOUT)
	}
}

func (k *Keeper) setVerification(ctx sdk.Context, v types.Verification) error {
	if err := k.Verifications.Set(ctx, v.ID, v); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventVerification{ID: v.ID, Status: v.Status, Verdict: v.Verdict})
}

func (k *Keeper) undelivered(ctx sdk.Context, packet channeltypes.Packet, kind types.PacketKind, reason types.UndeliveredReason) error {
	id, err := k.UndeliveredSeq.Next(ctx)
	if err != nil {
		return err
	}
	id++
	u := types.Undelivered{ID: id, ChannelID: packet.SourceChannel, Kind: kind, Reason: reason, Data: packet.GetData(), At: ctx.BlockTime()}
	if err := k.Undelivered.Set(ctx, id, u); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventUndelivered{ID: id, Kind: kind, Reason: reason})
}

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
	if d.PrescriptionRef == "" {
		if d.Product.PrescriptionOnly {
			return errorsmod.Wrapf(types.ErrPrescriptionNeeded, "GTIN %s", d.Product.GTIN)
		}
		return nil
	}
	id, err := strconv.ParseUint(d.PrescriptionRef, 10, 64)
	if err != nil {
		return errorsmod.Wrapf(types.ErrPrescriptionNotFound, "reference %q is not an open prescription's id", d.PrescriptionRef)
	}
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
	case !now.Before(p.ValidUntil):
		return errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d expired", p.ID)
	case p.Patient != d.Patient:
		return errorsmod.Wrapf(types.ErrMismatch, "prescription %d is for another patient", p.ID)
	case (p.GTIN == "" || p.GTIN != d.Unit.GTIN) && (p.NDC == "" || p.NDC != d.Product.NDC):
		return errorsmod.Wrapf(types.ErrMismatch, "prescription %d is for another product", p.ID)
	case remaining(p) == 0:
		return errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d has no units left", p.ID)
	}
	p.Dispensed++
	if remaining(p) == 0 {
		err = k.setStatus(ctx, &p, types.PrescriptionStatus_PRESCRIPTION_STATUS_CLOSED)
	} else {
		err = k.Prescriptions.Set(ctx, p.ID, p)
	}
	if err != nil {
		return err
	}
	data := types.PacketData{Flow: &types.PacketData_Dispense{Dispense: &types.DispensePacket{
		PrescriptionId: p.SourceID, Patient: p.Patient, Gtin: d.Unit.GTIN, Serial: d.Unit.Serial, Lot: d.Unit.Lot,
		Expiry: d.Unit.Expiry.UTC().Format(time.DateOnly), Pharmacy: d.Pharmacy, DispensedAt: unix(now),
	}}}
	_, err = k.send(ctx, p.ChannelID, data, p.ID)
	return err
}

// AfterRecall implements drugtracetypes.TraceHooks: on the pharma chain a
// recall notice goes to every open bridge channel.
func (k *Keeper) AfterRecall(ctx context.Context, r drugtracetypes.Recall) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if params.Role != types.ChainRole_CHAIN_ROLE_PHARMA {
		return nil
	}
	data := types.PacketData{Flow: &types.PacketData_Recall{Recall: &types.RecallPacket{
		Gtin: r.GTIN, Lot: r.Lot, Reason: r.Reason, RecalledAt: unix(r.At),
	}}}
	it, err := k.Channels.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	channels, err := it.Keys()
	if err != nil {
		return err
	}
	for _, c := range channels {
		if _, err := k.send(ctx, c, data, 0); err != nil {
			return err
		}
	}
	return nil
}
