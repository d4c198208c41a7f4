package keeper

import (
	"bytes"
	"context"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/x/organs/types"
)

// custodySince is when the holder took custody: the last accepted
// hand-off's time, or the cross-clamp for the recovering OPO.
func (k Keeper) custodySince(ctx context.Context, o types.Organ) (time.Time, error) {
	for i := o.Handoffs; i > 0; i-- {
		h, err := k.HandOffs.Get(ctx, listKey(o, i))
		if err != nil {
			return time.Time{}, err
		}
		if h.Status == types.HandOffStatus_HAND_OFF_STATUS_ACCEPTED && h.ClosedAt != nil {
			return *h.ClosedAt, nil
		}
	}
	return o.CrossClamp, nil
}

// ColdIschaemia is the organ's cold-ischaemia time at t: t minus the
// cross-clamp. Both lie within types.MinTime..MaxTime, so the difference
// fits a time.Duration (Sub saturates rather than wraps in any case).
func ColdIschaemia(o types.Organ, t time.Time) time.Duration { return t.Sub(o.CrossClamp) }

// Transplant implements types.MsgServer. The surgeon (the accepting centre
// or its staff), holding the organ, records reperfusion: no earlier than the
// centre took custody, no later than now. Past the organ's limit (the limit
// itself is within it), or with an excursion on record, it needs an
// override with a coded reason, which the regulator lists.
func (ms msgServer) Transplant(ctx context.Context, msg *types.MsgTransplant) (*types.MsgTransplantResponse, error) {
	a, err := ms.actor(ctx, "actor", msg.Actor, roleCentre)
	if err != nil {
		return nil, err
	}
	if err := types.CheckCommitment("recipient commitment", msg.RecipientCommitment); err != nil {
		return nil, err
	}
	if err := types.ValidateTime("reperfusion", msg.Reperfusion); err != nil {
		return nil, err
	}
	if msg.Override != types.OverrideReason_OVERRIDE_REASON_UNSPECIFIED {
		if err := types.CheckOverride(msg.Override); err != nil {
			return nil, err
		}
	}
	_, o, err := ms.openOrgan(ctx, msg.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	if o.AcceptedRank == 0 || a.Org != o.Centre {
		return nil, errorsmod.Wrapf(types.ErrNotAllocatedCentre, "%s %s: accepted by %q, not %s", o.DIN, o.OrganType, o.Centre, a.Org)
	}
	if err := holderOf(a, o); err != nil {
		return nil, err
	}
	if o.PendingTo != "" {
		return nil, errorsmod.Wrapf(types.ErrHandOffPending, "offered to %s", o.PendingTo)
	}
	cand, err := ms.Candidates.Get(ctx, listKey(o, o.AcceptedRank))
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(cand.Commitment, msg.RecipientCommitment) {
		return nil, errorsmod.Wrapf(types.ErrRecipientMismatch, "candidate %d accepted", cand.Rank)
	}
	since, err := ms.custodySince(ctx, o)
	if err != nil {
		return nil, err
	}
	reperfusion := msg.Reperfusion.UTC()
	if reperfusion.Before(since) || reperfusion.After(now(ctx)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidTime, "reperfusion %s must lie between custody by the centre %s and now %s",
			reperfusion.Format(timeFormat), since.Format(timeFormat), now(ctx).Format(timeFormat))
	}
	cold := ColdIschaemia(o, reperfusion)
	overLimit, excursion := cold > o.MaxColdIschaemia, o.Excursions > 0
	none := msg.Override == types.OverrideReason_OVERRIDE_REASON_UNSPECIFIED
	switch {
	case overLimit && none:
		return nil, errorsmod.Wrapf(types.ErrIschaemiaExceeded, "%s %s: %s of cold ischaemia, limit %s", o.DIN, o.OrganType, cold, o.MaxColdIschaemia)
	case excursion && none:
		return nil, errorsmod.Wrapf(types.ErrExcursion, "%s %s: %d readings out of range", o.DIN, o.OrganType, o.Excursions)
	case !overLimit && !excursion && !none:
		return nil, errorsmod.Wrapf(types.ErrNeedlessOverride, "%s of cold ischaemia, limit %s, no excursion", cold, o.MaxColdIschaemia)
	}
	o.Status = types.OrganStatus_ORGAN_STATUS_TRANSPLANTED
	o.Outcome = &types.Outcome{Time: now(ctx), By: a.Person, Reperfusion: &reperfusion, ColdIschaemia: cold,
		RecipientCommitment: bytes.Clone(msg.RecipientCommitment), Override: msg.Override, OverLimit: overLimit, Excursion: excursion}
	if err := ms.Organs.Set(ctx, organKey(o), o); err != nil {
		return nil, err
	}
	if !none {
		if err := ms.Overrides.Set(ctx, organKey(o)); err != nil {
			return nil, err
		}
	}
	secs := int64(cold / time.Second)
	return &types.MsgTransplantResponse{ColdIschaemiaSeconds: secs}, emit(ctx, &types.EventTransplanted{DIN: o.DIN, OrganType: o.OrganType,
		Centre: o.Centre, ColdIschaemiaSeconds: secs, Override: msg.Override, OverLimit: overLimit, Excursion: excursion})
}

// Discard implements types.MsgServer: the holder discards the organ with a
// coded reason (a pending hand-off must be cancelled first).
func (ms msgServer) Discard(ctx context.Context, msg *types.MsgDiscard) (*types.MsgDiscardResponse, error) {
	a, err := ms.actor(ctx, "actor", msg.Actor)
	if err != nil {
		return nil, err
	}
	if err := types.CheckDiscard(msg.Reason); err != nil {
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
		return nil, errorsmod.Wrapf(types.ErrHandOffPending, "offered to %s: cancel it first", o.PendingTo)
	}
	o.Status = types.OrganStatus_ORGAN_STATUS_DISCARDED
	o.Outcome = &types.Outcome{Time: now(ctx), By: a.Person, ColdIschaemia: ColdIschaemia(o, now(ctx)), DiscardReason: msg.Reason}
	if err := ms.Organs.Set(ctx, organKey(o), o); err != nil {
		return nil, err
	}
	return &types.MsgDiscardResponse{}, emit(ctx, &types.EventDiscarded{DIN: o.DIN, OrganType: o.OrganType, By: a.Person, Reason: msg.Reason})
}
