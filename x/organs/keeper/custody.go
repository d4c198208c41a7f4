package keeper

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/organs/types"
)

// Custody is two-sided: the holder offers the organ to one member, who
// accepts it; only the holder can hand on, and only one hand-off is pending
// at a time. A transplant centre takes custody only of an organ it accepted.
//
// Loggers: the member that packs the container for the next leg (the OPO at
// recovery, the holder at a hand-off) puts its own logger in it, so the
// custodian of a leg never chooses the device that watches it. Each logger's
// stay is an Attachment; a reading counts when an attachment of its logger
// covers its time, so a swap never drops what the old logger recorded.

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
	if msg.Logger != "" && msg.Logger != o.Logger {
		if _, err := ms.ownedLogger(ctx, msg.Logger, o.Holder); err != nil {
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
	// A swap: the old logger's stay ends and the new one's begins as
	// custody moves; both cover this instant.
	swap := h.Logger != "" && h.Logger != o.Logger
	var old, next types.LoggerStays
	if swap {
		if o.Logger != "" {
			if old, err = ms.stays(ctx, o, o.Logger); err != nil {
				return nil, err
			}
			if n := len(old.Stays); n == 0 || old.Stays[n-1].Until != nil {
				return nil, errorsmod.Wrapf(types.ErrLoggerNotAttached, "%s %s: logger %s has no open stay", o.DIN, o.OrganType, o.Logger)
			}
			old.Stays[len(old.Stays)-1].Until = &t
		}
		if next, err = ms.stays(ctx, o, h.Logger); err != nil {
			return nil, err
		}
		next.Stays = append(next.Stays, types.Attachment{HandOff: h.Index, Logger: h.Logger, From: t})
	}
	if swap && o.Logger != "" {
		if err := ms.Attachments.Set(ctx, stayKey(o, o.Logger), old); err != nil {
			return nil, err
		}
	}
	if swap {
		if err := ms.Attachments.Set(ctx, stayKey(o, h.Logger), next); err != nil {
			return nil, err
		}
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

// stayKey is the key of a logger's stays in an organ's container.
func stayKey(o types.Organ, logger string) collections.Triple[string, string, string] {
	return collections.Join3(o.DIN, o.OrganType, logger)
}

// stays reads a logger's stays in the organ's container (none: empty).
func (k Keeper) stays(ctx context.Context, o types.Organ, logger string) (types.LoggerStays, error) {
	ls, err := k.Attachments.Get(ctx, stayKey(o, logger))
	if errors.Is(err, collections.ErrNotFound) {
		return types.LoggerStays{}, nil
	}
	return ls, err
}

// attachments lists every stay of every logger in the organ's container in
// the order they began (by hand-off, the recovery's first), for queries and
// export.
func (k Keeper) attachments(ctx context.Context, o types.Organ) ([]types.Attachment, error) {
	var out []types.Attachment
	err := k.Attachments.Walk(ctx, collections.NewSuperPrefixedTripleRange[string, string, string](o.DIN, o.OrganType),
		func(_ collections.Triple[string, string, string], ls types.LoggerStays) (bool, error) {
			out = append(out, ls.Stays...)
			return false, nil
		})
	slices.SortFunc(out, func(a, b types.Attachment) int { return cmp.Compare(a.HandOff, b.HandOff) })
	return out, err
}

// covers reports whether the attachment covers t: from its start to its
// end, both included (at a swap both loggers are in the box), or on while
// it is attached.
func covers(a types.Attachment, t time.Time) bool {
	return !t.Before(a.From) && (a.Until == nil || !t.After(*a.Until))
}

// PostReadings implements types.MsgServer. The readings must come from a
// logger attached to the organ's container when each was taken (the
// current one or one swapped out since: what it recorded before the swap
// still counts), signed by its registered key over the chain's
// ReadingsDocument, each newer (seq) than any it sent for the organ in that
// attachment, dated between the cross-clamp and now. A reading outside the
// params' range flags the organ: its transplant then needs an override.
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
	ls, err := ms.stays(ctx, o, l.ID) // the logger's stays in this organ's container: one read
	if err != nil {
		return nil, err
	}
	mine := ls.Stays
	if len(mine) == 0 {
		return nil, errorsmod.Wrapf(types.ErrLoggerNotAttached, "logger %s was never in the container of %s %s", l.ID, o.DIN, o.OrganType)
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
	if first.Time.Before(o.CrossClamp) || last.Time.After(now(ctx)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidTime, "readings must lie between the cross-clamp %s and now", o.CrossClamp.Format(timeFormat))
	}
	// Each reading falls in one of the logger's stays (they do not overlap)
	// and is newer than any reading accepted in it: a replay is refused, and
	// readings for another organ never block this one's.
	for _, r := range msg.Readings {
		i := slices.IndexFunc(mine, func(a types.Attachment) bool { return covers(a, r.Time) })
		if i < 0 {
			return nil, errorsmod.Wrapf(types.ErrLoggerNotAttached, "reading %d at %s: logger %s was not in the container of %s %s then",
				r.Seq, r.Time.UTC().Format(timeFormat), l.ID, o.DIN, o.OrganType)
		}
		if r.Seq <= mine[i].LastSeq {
			return nil, errorsmod.Wrapf(types.ErrInvalidReading, "reading %d already sent (logger %s at %d for this organ)", r.Seq, l.ID, mine[i].LastSeq)
		}
		mine[i].LastSeq = r.Seq
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
	l.LastSeq = max(l.LastSeq, last.Seq)
	if err := ms.Organs.Set(ctx, organKey(o), o); err != nil {
		return nil, err
	}
	if err := ms.Attachments.Set(ctx, stayKey(o, l.ID), ls); err != nil {
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
