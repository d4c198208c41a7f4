package keeper

import (
	"context"
	"math"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/organs/types"
)

// Custody is two-sided: the holder offers the organ to one member, who
// accepts it; only the holder can hand on, and only one hand-off is pending
// at a time. A transplant centre takes custody only of an organ it accepted.

// holderOf requires the actor to act for the organ's holder.
func holderOf(a Actor, o types.Organ) error {
	if a.Org != o.Holder {
		return errorsmod.Wrapf(types.ErrNotHolder, "%s %s: expected %s, got %s", o.DIN, o.OrganType, o.Holder, a.Org)
	}
	return nil
}

// HandOff implements types.MsgServer.
func (ms msgServer) HandOff(ctx context.Context, msg *types.MsgHandOff) (*types.MsgHandOffResponse, error) {
	a, err := ms.actor(ctx, "actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	_, o, err := ms.openOrgan(ctx, msg.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	if err := holderOf(a, o); err != nil {
		return nil, err
	}
	if o.PendingTo != "" {
		return nil, errorsmod.Wrapf(types.ErrHandOffPending, "offered to %s", o.PendingTo)
	}
	to, err := ms.parseAddress("to", msg.To)
	if err != nil {
		return nil, err
	}
	toStr := ms.addrString(to)
	if toStr == o.Holder {
		return nil, errorsmod.Wrap(types.ErrInvalidRecipient, "handing off to oneself")
	}
	if err := ms.consortium.RequireActive(ctx, to); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidRecipient, "%s", err)
	}
	if ms.consortium.RequireRole(ctx, to, roleCentre) == nil && toStr != o.Centre {
		return nil, errorsmod.Wrapf(types.ErrNotAllocatedCentre, "%s has not accepted %s %s", toStr, o.DIN, o.OrganType)
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if o.Handoffs >= params.MaxHandoffs {
		return nil, errorsmod.Wrapf(types.ErrTooMany, "%d hand-offs, at most %d", o.Handoffs, params.MaxHandoffs)
	}
	if msg.Logger != "" {
		if _, err := ms.requireLogger(ctx, msg.Logger); err != nil {
			return nil, err
		}
	}
	h := types.HandOff{Index: o.Handoffs + 1, From: o.Holder, To: toStr, Status: types.HandOffStatus_HAND_OFF_STATUS_PENDING,
		OfferedBy: a.Person, OfferedAt: now(ctx), Logger: msg.Logger}
	o.Handoffs, o.PendingTo = h.Index, toStr
	if err := ms.setHandOff(ctx, o, h); err != nil {
		return nil, err
	}
	return &types.MsgHandOffResponse{Index: h.Index}, emit(ctx, &types.EventHandOff{DIN: o.DIN, OrganType: o.OrganType, HandOff: h})
}

func (k Keeper) setHandOff(ctx context.Context, o types.Organ, h types.HandOff) error {
	if err := k.HandOffs.Set(ctx, listKey(o, h.Index), h); err != nil {
		return err
	}
	return k.Organs.Set(ctx, organKey(o), o)
}

// pendingHandOff reads the organ's pending hand-off.
func (k Keeper) pendingHandOff(ctx context.Context, o types.Organ) (types.HandOff, error) {
	if o.PendingTo == "" {
		return types.HandOff{}, errorsmod.Wrapf(types.ErrNoHandOff, "%s %s", o.DIN, o.OrganType)
	}
	return k.HandOffs.Get(ctx, listKey(o, o.Handoffs))
}

// AcceptHandOff implements types.MsgServer.
func (ms msgServer) AcceptHandOff(ctx context.Context, msg *types.MsgAcceptHandOff) (*types.MsgAcceptHandOffResponse, error) {
	a, err := ms.actor(ctx, "actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	_, o, err := ms.openOrgan(ctx, msg.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	h, err := ms.pendingHandOff(ctx, o)
	if err != nil {
		return nil, err
	}
	if a.Org != h.To {
		return nil, errorsmod.Wrapf(types.ErrNoHandOff, "%s %s is offered to %s, not %s", o.DIN, o.OrganType, h.To, a.Org)
	}
	t := now(ctx)
	h.Status, h.AcceptedBy, h.ClosedAt = types.HandOffStatus_HAND_OFF_STATUS_ACCEPTED, a.Person, &t
	o.Holder, o.PendingTo = h.To, ""
	if h.Logger != "" {
		o.Logger = h.Logger
	}
	if err := ms.setHandOff(ctx, o, h); err != nil {
		return nil, err
	}
	return &types.MsgAcceptHandOffResponse{}, emit(ctx, &types.EventHandOff{DIN: o.DIN, OrganType: o.OrganType, HandOff: h})
}

// CancelHandOff implements types.MsgServer.
func (ms msgServer) CancelHandOff(ctx context.Context, msg *types.MsgCancelHandOff) (*types.MsgCancelHandOffResponse, error) {
	a, err := ms.actor(ctx, "actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	_, o, err := ms.openOrgan(ctx, msg.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	if err := holderOf(a, o); err != nil {
		return nil, err
	}
	h, err := ms.pendingHandOff(ctx, o)
	if err != nil {
		return nil, err
	}
	t := now(ctx)
	h.Status, h.ClosedAt = types.HandOffStatus_HAND_OFF_STATUS_CANCELLED, &t
	o.PendingTo = ""
	if err := ms.setHandOff(ctx, o, h); err != nil {
		return nil, err
	}
	return &types.MsgCancelHandOffResponse{}, emit(ctx, &types.EventHandOff{DIN: o.DIN, OrganType: o.OrganType, HandOff: h})
}

// PostReadings implements types.MsgServer. The readings must come from the
// organ's container logger, signed by its registered key over the chain's
// ReadingsDocument, each newer (seq) than any it sent before, dated between
// the cross-clamp and now. A reading outside the params' range flags the
// organ: its transplant then needs an override.
func (ms msgServer) PostReadings(ctx context.Context, msg *types.MsgPostReadings) (*types.MsgPostReadingsResponse, error) {
	if _, err := ms.actor(ctx, "submitter", msg.Submitter); err != nil {
		return nil, err
	}
	if err := types.CheckReadings(msg.Readings); err != nil {
		return nil, err
	}
	l, err := ms.requireLogger(ctx, msg.Logger)
	if err != nil {
		return nil, err
	}
	_, o, err := ms.openOrgan(ctx, msg.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	if o.Logger != l.ID {
		return nil, errorsmod.Wrapf(types.ErrLoggerNotAttached, "%s %s is in the container of logger %q", o.DIN, o.OrganType, o.Logger)
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	n := len(msg.Readings)
	if uint64(n) > uint64(params.MaxReadings) {
		return nil, errorsmod.Wrapf(types.ErrTooMany, "%d readings, at most %d per message", n, params.MaxReadings)
	}
	pk, err := types.LoggerPubKey(l.PubKey)
	if err != nil {
		return nil, err
	}
	// The DIN is signed as sent; the organ read above is the one it names.
	doc, err := types.SignBytes(sdk.UnwrapSDKContext(ctx).ChainID(), msg)
	if err != nil {
		return nil, err
	}
	if !pk.VerifySignature(doc, msg.Signature) {
		return nil, errorsmod.Wrapf(types.ErrBadSignature, "logger %s", l.ID)
	}
	first, last := msg.Readings[0], msg.Readings[n-1]
	if first.Seq <= l.LastSeq {
		return nil, errorsmod.Wrapf(types.ErrInvalidReading, "reading %d already sent (logger at %d)", first.Seq, l.LastSeq)
	}
	if first.Time.Before(o.CrossClamp) || last.Time.After(now(ctx)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidTime, "readings must lie between the cross-clamp %s and now", o.CrossClamp.Format(timeFormat))
	}
	if o.Readings > math.MaxUint64-uint64(n) {
		return nil, errorsmod.Wrap(types.ErrCounterExhausted, "readings")
	}
	var excursions uint32
	var evs []types.EventExcursion
	for i, r := range msg.Readings {
		r.Time = r.Time.UTC()
		sr := types.StoredReading{Index: o.Readings + uint64(i) + 1, Logger: l.ID, Reading: r,
			Excursion: r.CentiCelsius < params.MinCentiCelsius || r.CentiCelsius > params.MaxCentiCelsius}
		if err := ms.Readings.Set(ctx, listKey(o, sr.Index), sr); err != nil {
			return nil, err
		}
		if sr.Excursion {
			excursions++
			if err := ms.Excursions.Set(ctx, listKey(o, sr.Index)); err != nil {
				return nil, err
			}
			evs = append(evs, types.EventExcursion{DIN: o.DIN, OrganType: o.OrganType, Logger: l.ID, Reading: r})
		}
	}
	o.Readings += uint64(n)
	o.Excursions += uint64(excursions)
	l.LastSeq = last.Seq
	if err := ms.Organs.Set(ctx, organKey(o), o); err != nil {
		return nil, err
	}
	if err := ms.Loggers.Set(ctx, l.ID, l); err != nil {
		return nil, err
	}
	for i := range evs {
		if err := emit(ctx, &evs[i]); err != nil {
			return nil, err
		}
	}
	return &types.MsgPostReadingsResponse{Excursions: excursions},
		emit(ctx, &types.EventReadings{DIN: o.DIN, OrganType: o.OrganType, Logger: l.ID, Count: uint32(n), Excursions: excursions})
}
