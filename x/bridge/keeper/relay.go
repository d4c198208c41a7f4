package keeper

import (
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"

	"github.com/healthchain/healthd/x/bridge/types"
)

// OnRecvPacket applies a packet received on a bridge channel and returns the
// acknowledgement result. An error becomes an error acknowledgement and the
// packet's writes are discarded.
func (k *Keeper) OnRecvPacket(ctx sdk.Context, packet channeltypes.Packet) (types.Ack, error) {
	if err := k.ChannelTrusted(ctx, packet.DestinationChannel); err != nil {
		return types.Ack{}, err
	}
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
// already opened from the same counterparty chain and id (over this channel or
// a predecessor) is acknowledged again, not opened twice.
func (k *Keeper) recvPrescription(ctx sdk.Context, channelID string, p *types.PrescriptionPacket) (types.Ack, error) {
	if _, err := k.requireRole(ctx, types.ChainRole_CHAIN_ROLE_PHARMA); err != nil {
		return types.Ack{}, err
	}
	ack := func(id uint64) types.Ack {
		return types.Ack{Result: &types.Ack_Prescription{Prescription: &types.PrescriptionAck{OpenID: id}}}
	}
	counterparty, err := k.counterpartyOfChannel(ctx, channelID)
	if err != nil {
		return types.Ack{}, err
	}
	source := collections.Join(counterparty, p.ID)
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
	id, err := nextID(ctx, k.PrescriptionSeq)
	if err != nil {
		return types.Ack{}, err
	}
	open := types.Prescription{
		ID: id, Prescriber: k.addrString(prescriber), Patient: k.addrString(patient), GTIN: p.GTIN, NDC: p.NDC,
		Quantity: p.Quantity, Refills: p.Refills, ValidUntil: validUntil, IssuedAt: ctx.BlockTime(),
		ChannelID: channelID, SourceID: p.ID, CounterpartyChainID: counterparty,
	}
	if err := k.setStatus(ctx, &open, types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN); err != nil {
		return types.Ack{}, err
	}
	if err := k.PrescriptionsByPatient.Set(ctx, collections.Join(open.Patient, id)); err != nil {
		return types.Ack{}, err
	}
	if err := k.OpenBySource.Set(ctx, source, id); err != nil {
		return types.Ack{}, err
	}
	return ack(id), ctx.EventManager().EmitTypedEvent(&types.EventPrescriptionReceived{ID: id, ChannelID: channelID, SourceID: p.ID})
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
// for, in the patient's medication history and in the lot index. The channel
// is unordered, so the confirmation may overtake the prescription's own
// acknowledgement: a PENDING prescription is as good as an OPEN one (the
// pharma chain only confirms prescriptions it opened). A unit of a lot whose
// recall notice is already here notifies its patient at once.
func (k *Keeper) recvDispense(ctx sdk.Context, channelID string, d *types.DispensePacket) (types.Ack, error) {
	if _, err := k.requireRole(ctx, types.ChainRole_CHAIN_ROLE_HOSPITAL); err != nil {
		return types.Ack{}, err
	}
	p, err := k.Prescriptions.Get(ctx, d.PrescriptionID)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Ack{}, errorsmod.Wrapf(types.ErrPrescriptionNotFound, "%d", d.PrescriptionID)
	} else if err != nil {
		return types.Ack{}, err
	}
	counterparty, err := k.counterpartyOfChannel(ctx, channelID)
	if err != nil {
		return types.Ack{}, err
	}
	switch {
	case p.CounterpartyChainID != counterparty:
		return types.Ack{}, errorsmod.Wrap(types.ErrMismatch, "prescription was sent to another chain")
	case !p.Dispensable():
		return types.Ack{}, errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d is %s", p.ID, p.Status)
	case p.Patient != d.Patient:
		return types.Ack{}, errorsmod.Wrap(types.ErrMismatch, "patient")
	case !p.MatchesProduct(d.GTIN, d.NDC):
		return types.Ack{}, errorsmod.Wrap(types.ErrMismatch, "product")
	case p.Remaining() == 0:
		return types.Ack{}, errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d fully dispensed", p.ID)
	}
	if err := k.countDispense(ctx, &p); err != nil {
		return types.Ack{}, err
	}
	seq, err := nextID(ctx, k.HistorySeq)
	if err != nil {
		return types.Ack{}, err
	}
	e := types.MedicationEntry{
		Patient: p.Patient, Seq: seq, PrescriptionID: p.ID, GTIN: d.GTIN, Serial: d.Serial, Lot: d.Lot,
		Expiry: d.Expiry, Pharmacy: d.Pharmacy, DispensedAt: fromUnix(d.DispensedAt), ChannelID: channelID,
	}
	if err := k.History.Set(ctx, collections.Join(e.Patient, e.Seq), e); err != nil {
		return types.Ack{}, err
	}
	lotKey := collections.Join3(e.GTIN, e.Lot, e.Patient)
	known, err := k.DispensedByLot.Has(ctx, lotKey)
	if err != nil {
		return types.Ack{}, err
	}
	if err := k.DispensedByLot.Set(ctx, lotKey); err != nil {
		return types.Ack{}, err
	}
	if !known {
		if err := k.notifyLate(ctx, e); err != nil {
			return types.Ack{}, err
		}
	}
	if err := ctx.EventManager().EmitTypedEvent(&types.EventDispenseRecorded{PrescriptionID: p.ID, GTIN: e.GTIN, Serial: e.Serial}); err != nil {
		return types.Ack{}, err
	}
	return types.Ack{Result: &types.Ack_Dispense{Dispense: &types.DispenseAck{Remaining: p.Remaining()}}}, nil
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
		if !ok || pa == nil || pa.OpenID == 0 {
			if p.Status != types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING {
				return nil // nothing pending to refuse: never fail an acknowledgement
			}
			return k.setStatus(ctx, &p, types.PrescriptionStatus_PRESCRIPTION_STATUS_REFUSED)
		}
		p.RemoteID = pa.OpenID
		if p.Status != types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING {
			// Dispense confirmations overtook the ack and closed it already.
			return k.Prescriptions.Set(ctx, p.ID, p)
		}
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
		return k.undelivered(ctx, packet, pp, types.UndeliveredReason_UNDELIVERED_REASON_REFUSED)
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
		if p.Status != types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING {
			return nil // nothing pending to roll back: never fail a timeout
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
		return k.undelivered(ctx, packet, pp, types.UndeliveredReason_UNDELIVERED_REASON_TIMEOUT)
	}
}

func (k *Keeper) setVerification(ctx sdk.Context, v types.Verification) error {
	if err := k.Verifications.Set(ctx, v.ID, v); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventVerification{ID: v.ID, Status: v.Status, Verdict: v.Verdict})
}

// undelivered keeps a notice the counterparty refused or never received.
func (k *Keeper) undelivered(ctx sdk.Context, packet channeltypes.Packet, pp types.PendingPacket, reason types.UndeliveredReason) error {
	return k.keepUndelivered(ctx, pp.CounterpartyChainID, packet.SourceChannel, packet.GetData(), pp.Kind, reason)
}

// keepUndelivered stores a notice for counterparty to be re-sent over its
// open bridge channel, whichever that is then (channelID is the one it was
// last tried on, or empty).
func (k *Keeper) keepUndelivered(ctx sdk.Context, counterparty, channelID string, data []byte, kind types.PacketKind, reason types.UndeliveredReason) error {
	id, err := nextID(ctx, k.UndeliveredSeq)
	if err != nil {
		return err
	}
	u := types.Undelivered{ID: id, ChannelID: channelID, CounterpartyChainID: counterparty, Kind: kind, Reason: reason, Data: data, At: ctx.BlockTime()}
	if err := k.Undelivered.Set(ctx, id, u); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventUndelivered{ID: id, Kind: kind, Reason: reason})
}
