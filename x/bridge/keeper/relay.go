package keeper

import (
	"context"
	"errors"
	"math"
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
	id, err := nextID(ctx, k.PrescriptionSeq)
	if err != nil {
		return types.Ack{}, err
	}
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
// for, in the patient's medication history and in the lot index. The channel
// is unordered, so the confirmation may overtake the prescription's own
// acknowledgement: a PENDING prescription is as good as an OPEN one (the
// pharma chain only confirms prescriptions it opened). A unit of a lot whose
// recall notice is already here notifies its patient at once.
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
	case p.Status != types.PrescriptionStatus_PRESCRIPTION_STATUS_OPEN && p.Status != types.PrescriptionStatus_PRESCRIPTION_STATUS_PENDING:
		return types.Ack{}, errorsmod.Wrapf(types.ErrPrescriptionStatus, "prescription %d is %s", p.ID, p.Status)
	case p.Patient != d.Patient:
		return types.Ack{}, errorsmod.Wrap(types.ErrMismatch, "patient")
	case p.GTIN != "" && p.GTIN != d.Gtin, p.NDC != "" && p.NDC != d.Ndc:
		return types.Ack{}, errorsmod.Wrap(types.ErrMismatch, "product")
	case remaining(p) == 0:
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
		Patient: p.Patient, Seq: seq, PrescriptionID: p.ID, GTIN: d.Gtin, Serial: d.Serial, Lot: d.Lot,
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
	if err := ctx.EventManager().EmitTypedEvent(&types.EventDispenseRecorded{PrescriptionID: p.ID, Patient: p.Patient, GTIN: e.GTIN, Serial: e.Serial}); err != nil {
		return types.Ack{}, err
	}
	return types.Ack{Result: &types.Ack_Dispense{Dispense: &types.DispenseAck{Remaining: remaining(p)}}}, nil
}

// recvRecall stores the notice and notifies, through the lot index, the
// patients who received a unit of the lot: at most
// MaxRecallNotificationsPerBlock now, the rest from the EndBlocker. A notice
// for a lot already notified is acknowledged without notifying again.
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
	notice := types.RecallNotice{
		GTIN: r.Gtin, Lot: r.Lot, Reason: r.Reason, RecalledAt: fromUnix(r.RecalledAt), ReceivedAt: ctx.BlockTime(),
		ChannelID: channelID, Notifying: true,
	}
	if _, err := k.notifyBatch(ctx, &notice, types.MaxRecallNotificationsPerBlock); err != nil {
		return types.Ack{}, err
	}
	return ack(notice.Patients), nil
}

// addPatient counts one more patient notified; the count saturates rather
// than wrap (it is a report: the notifications themselves are events).
func addPatient(n uint32) uint32 {
	if n == math.MaxUint32 {
		return n
	}
	return n + 1
}

// lotFrom ranges over the lot index entries of one lot, from a patient on.
type lotFrom struct{ gtin, lot, from string }

func (r lotFrom) RangeValues() (start, end *collections.RangeKey[collections.Triple[string, string, string]], order collections.Order, err error) {
	prefix := collections.TripleSuperPrefix[string, string, string](r.gtin, r.lot)
	start = collections.RangeKeyExact(prefix)
	if r.from != "" {
		start = collections.RangeKeyExact(collections.Join3(r.gtin, r.lot, r.from))
	}
	return start, collections.RangeKeyPrefixEnd(prefix), collections.OrderAscending, nil
}

// notifyBatch notifies up to budget patients of the notice's lot, from its
// next_patient on, and stores the notice with its progress. It returns how
// many it notified.
func (k *Keeper) notifyBatch(ctx sdk.Context, n *types.RecallNotice, budget int) (int, error) {
	it, err := k.DispensedByLot.Iterate(ctx, lotFrom{gtin: n.GTIN, lot: n.Lot, from: n.NextPatient})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	done := 0
	n.Notifying, n.NextPatient = false, ""
	for ; it.Valid(); it.Next() {
		key, err := it.Key()
		if err != nil {
			return 0, err
		}
		if done == budget {
			n.Notifying, n.NextPatient = true, key.K3()
			break
		}
		if err := ctx.EventManager().EmitTypedEvent(&types.EventRecallNotification{Patient: key.K3(), GTIN: n.GTIN, Lot: n.Lot}); err != nil {
			return 0, err
		}
		done++
		n.Patients = addPatient(n.Patients)
	}
	key := collections.Join(n.GTIN, n.Lot)
	if n.Notifying {
		err = k.Notifying.Set(ctx, key)
	} else {
		err = k.Notifying.Remove(ctx, key)
	}
	if err != nil {
		return 0, err
	}
	return done, k.RecallNotices.Set(ctx, key, *n)
}

// notifyLate notifies the patient of a unit whose lot's recall notice arrived
// before the unit's dispense confirmation. A patient still ahead of the
// EndBlocker's cursor is left to it.
func (k *Keeper) notifyLate(ctx sdk.Context, e types.MedicationEntry) error {
	n, err := k.RecallNotices.Get(ctx, collections.Join(e.GTIN, e.Lot))
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if n.Notifying && e.Patient >= n.NextPatient {
		return nil
	}
	n.Patients = addPatient(n.Patients)
	if err := k.RecallNotices.Set(ctx, collections.Join(e.GTIN, e.Lot), n); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventRecallNotification{Patient: e.Patient, GTIN: e.GTIN, Lot: e.Lot})
}

// EndBlock goes on notifying the patients of recalls too large for the
// transaction that received them, at most MaxRecallNotificationsPerBlock per
// block in all.
func (k *Keeper) EndBlock(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := k.recordClientOrigins(sdkCtx); err != nil {
		return err
	}
	budget := types.MaxRecallNotificationsPerBlock
	// Every notice in the index has a patient left, so each one taken uses
	// budget: at most budget notices are read.
	var open []collections.Pair[string, string]
	if err := k.Notifying.Walk(ctx, nil, func(key collections.Pair[string, string]) (bool, error) {
		open = append(open, key)
		return len(open) >= budget, nil
	}); err != nil {
		return err
	}
	for _, key := range open {
		if budget == 0 {
			break
		}
		n, err := k.RecallNotices.Get(ctx, key)
		if err != nil {
			return err
		}
		done, err := k.notifyBatch(sdkCtx, &n, budget)
		if err != nil {
			return err
		}
		budget -= done
	}
	return nil
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
	return k.keepUndelivered(ctx, packet.SourceChannel, packet.GetData(), kind, reason)
}

func (k *Keeper) keepUndelivered(ctx sdk.Context, channelID string, data []byte, kind types.PacketKind, reason types.UndeliveredReason) error {
	id, err := nextID(ctx, k.UndeliveredSeq)
	if err != nil {
		return err
	}
	u := types.Undelivered{ID: id, ChannelID: channelID, Kind: kind, Reason: reason, Data: data, At: ctx.BlockTime()}
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
	if err := k.countDispense(ctx, &p); err != nil {
		return err
	}
	data := types.PacketData{Flow: &types.PacketData_Dispense{Dispense: &types.DispensePacket{
		PrescriptionId: p.SourceID, Patient: p.Patient, Gtin: d.Unit.GTIN, Serial: d.Unit.Serial, Lot: d.Unit.Lot,
		Expiry: d.Unit.Expiry.UTC().Format(time.DateOnly), Pharmacy: d.Pharmacy, DispensedAt: unix(now), Ndc: d.Product.NDC,
	}}}
	return k.sendOrKeep(sdk.UnwrapSDKContext(ctx), p.ChannelID, data, p.ID)
}

// sendOrKeep sends a dispense confirmation or recall notice; if the channel
// refuses it (its light client expired, the client is no longer trusted, the
// channel closed), the notice is kept as undelivered to be re-sent, and the
// dispense or recall, which happened, goes ahead.
func (k *Keeper) sendOrKeep(ctx sdk.Context, channelID string, data types.PacketData, ref uint64) error {
	cacheCtx, write := ctx.CacheContext()
	if _, err := k.send(cacheCtx, channelID, data, ref); err == nil {
		write()
		return nil
	} else if errors.Is(err, types.ErrInvalidPacket) {
		return err // a notice this chain cannot build is a bug to surface, not to queue
	}
	bz, err := types.EncodePacket(data)
	if err != nil {
		return err
	}
	return k.keepUndelivered(ctx, channelID, bz, data.Kind(), types.UndeliveredReason_UNDELIVERED_REASON_NOT_SENT)
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
		if err := k.sendOrKeep(sdk.UnwrapSDKContext(ctx), c, data, 0); err != nil {
			return err
		}
	}
	return nil
}
