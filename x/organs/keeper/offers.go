package keeper

import (
	"bytes"
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/x/organs/types"
)

// Offers go down the match run in rank order. Organ.NextRank is the first
// candidate not yet declined, timed out or bypassed: an offer goes to it and
// to no one ranked lower, so every skip has a recorded reason. Reads per
// message do not depend on the number of organs or candidates: the organ,
// its case and one candidate.

// PostMatchRun implements types.MsgServer. A living donor's consent must
// still hold, as for every offer.
func (ms msgServer) PostMatchRun(ctx context.Context, msg *types.MsgPostMatchRun) (*types.MsgPostMatchRunResponse, error) {
	_, c, err := ms.caseOPO(ctx, msg.Actor, msg.DIN)
	if err != nil {
		return nil, err
	}
	if err := ms.requireLiveConsent(ctx, c); err != nil {
		return nil, err
	}
	_, o, err := ms.openOrgan(ctx, c.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	if err := types.CheckCandidates(msg.Candidates); err != nil {
		return nil, err
	}
	params, err := ms.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Candidates > 0:
		return nil, errorsmod.Wrapf(types.ErrMatchRunExists, "%s %s", o.DIN, o.OrganType)
	case uint64(len(msg.Candidates)) > uint64(params.MaxCandidates):
		return nil, errorsmod.Wrapf(types.ErrTooMany, "%d candidates, at most %d", len(msg.Candidates), params.MaxCandidates)
	case c.ABOConfirmedBy == "":
		return nil, errorsmod.Wrapf(types.ErrABONotConfirmed, "%s", c.DIN)
	}
	cands := make([]types.Candidate, len(msg.Candidates))
	for i, e := range msg.Candidates {
		centre, err := ms.parseAddress("candidate centre", e.Centre)
		if err != nil {
			return nil, err
		}
		if err := ms.consortium.RequireRole(ctx, centre, roleCentre); err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidCandidate, "candidate %d: %s", i+1, err)
		}
		if !types.Compatible(c.ABO, e.ABO) {
			return nil, errorsmod.Wrapf(types.ErrABOIncompatible, "candidate %d: %s recipient, %s donor", i+1, e.ABO, c.ABO)
		}
		cands[i] = types.Candidate{Rank: uint32(i + 1), Commitment: bytes.Clone(e.Commitment), Centre: ms.addrString(centre),
			ABO: e.ABO, Status: types.CandidateStatus_CANDIDATE_STATUS_PENDING}
	}
	for _, cand := range cands {
		if err := ms.Candidates.Set(ctx, listKey(o, cand.Rank), cand); err != nil {
			return nil, err
		}
	}
	o.Candidates, o.NextRank = uint32(len(cands)), 1
	if err := ms.Organs.Set(ctx, organKey(o), o); err != nil {
		return nil, err
	}
	return &types.MsgPostMatchRunResponse{}, emit(ctx, &types.EventMatchRunPosted{DIN: o.DIN, OrganType: o.OrganType, Candidates: o.Candidates})
}

// candidateAt reads the candidate at rank, which must exist and be the next
// in order: a rank past NextRank skips someone; one before it was settled.
func (k Keeper) candidateAt(ctx context.Context, o types.Organ, rank uint32) (types.Candidate, error) {
	switch {
	case o.Candidates == 0:
		return types.Candidate{}, errorsmod.Wrapf(types.ErrNoMatchRun, "%s %s", o.DIN, o.OrganType)
	case o.AcceptedRank != 0:
		return types.Candidate{}, errorsmod.Wrapf(types.ErrAllocated, "accepted for candidate %d", o.AcceptedRank)
	case rank == 0 || rank > o.Candidates:
		return types.Candidate{}, errorsmod.Wrapf(types.ErrInvalidCandidate, "rank %d: the match run has %d candidates", rank, o.Candidates)
	case rank > o.NextRank:
		return types.Candidate{}, errorsmod.Wrapf(types.ErrSkippedCandidate, "rank %d before rank %d is settled", rank, o.NextRank)
	case rank < o.NextRank:
		return types.Candidate{}, errorsmod.Wrapf(types.ErrInvalidCandidate, "rank %d already declined, timed out or bypassed", rank)
	}
	return k.Candidates.Get(ctx, listKey(o, rank))
}

// Offer implements types.MsgServer. A living donor's consent must still
// hold: a donor who withdrew is never offered on.
func (ms msgServer) Offer(ctx context.Context, msg *types.MsgOffer) (*types.MsgOfferResponse, error) {
	a, c, err := ms.caseOPO(ctx, msg.Actor, msg.DIN)
	if err != nil {
		return nil, err
	}
	if err := ms.requireLiveConsent(ctx, c); err != nil {
		return nil, err
	}
	_, o, err := ms.openOrgan(ctx, c.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	cand, err := ms.candidateAt(ctx, o, msg.Rank)
	if err != nil {
		return nil, err
	}
	switch {
	case o.OfferedRank != 0:
		return nil, errorsmod.Wrapf(types.ErrOfferOpen, "candidate %d holds an open offer", o.OfferedRank)
	case c.ABOConfirmedBy == "":
		return nil, errorsmod.Wrapf(types.ErrABONotConfirmed, "%s", c.DIN)
	case !types.Compatible(c.ABO, cand.ABO):
		return nil, errorsmod.Wrapf(types.ErrABOIncompatible, "candidate %d", cand.Rank)
	}
	t := now(ctx)
	cand.Status, cand.OfferedAt = types.CandidateStatus_CANDIDATE_STATUS_OFFERED, &t
	o.OfferedRank = cand.Rank
	if err := ms.setCandidate(ctx, o, cand); err != nil {
		return nil, err
	}
	return &types.MsgOfferResponse{}, emit(ctx, offerEvent(o, cand, a.Person))
}

func (k Keeper) setCandidate(ctx context.Context, o types.Organ, cand types.Candidate) error {
	if err := k.Candidates.Set(ctx, listKey(o, cand.Rank), cand); err != nil {
		return err
	}
	return k.Organs.Set(ctx, organKey(o), o)
}

func offerEvent(o types.Organ, c types.Candidate, by string) *types.EventOffer {
	return &types.EventOffer{DIN: o.DIN, OrganType: o.OrganType, Rank: c.Rank, Centre: c.Centre, Status: c.Status,
		DeclineReason: c.DeclineReason, BypassReason: c.BypassReason, By: by}
}

// RespondOffer implements types.MsgServer: the candidate's centre accepts
// (the organ is allocated to it) or declines with a code (the next
// candidate may be offered). An answer is taken until the OPO records a
// timeout.
func (ms msgServer) RespondOffer(ctx context.Context, msg *types.MsgRespondOffer) (*types.MsgRespondOfferResponse, error) {
	a, err := ms.actor(ctx, "actor", msg.Actor, roleCentre)
	if err != nil {
		return nil, err
	}
	if err := types.CheckDecline(msg.Accept, msg.DeclineReason); err != nil {
		return nil, err
	}
	_, o, err := ms.openOrgan(ctx, msg.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	cand, err := ms.candidateAt(ctx, o, msg.Rank)
	if err != nil {
		return nil, err
	}
	if cand.Status != types.CandidateStatus_CANDIDATE_STATUS_OFFERED {
		return nil, errorsmod.Wrapf(types.ErrNoOffer, "candidate %d is %s", cand.Rank, cand.Status)
	}
	if a.Org != cand.Centre {
		return nil, errorsmod.Wrapf(types.ErrNotCandidateCentre, "candidate %d: expected %s, got %s", cand.Rank, cand.Centre, a.Org)
	}
	t := now(ctx)
	cand.AnsweredAt, o.OfferedRank = &t, 0
	if msg.Accept {
		cand.Status = types.CandidateStatus_CANDIDATE_STATUS_ACCEPTED
		o.AcceptedRank, o.Centre = cand.Rank, cand.Centre
	} else {
		cand.Status, cand.DeclineReason = types.CandidateStatus_CANDIDATE_STATUS_DECLINED, msg.DeclineReason
		o.NextRank = cand.Rank + 1 // rank <= MaxCandidatesLimit: never wraps
	}
	if err := ms.setCandidate(ctx, o, cand); err != nil {
		return nil, err
	}
	return &types.MsgRespondOfferResponse{}, emit(ctx, offerEvent(o, cand, a.Person))
}

// SkipCandidate implements types.MsgServer: TIMEOUT settles an offer left
// unanswered for params.offer_timeout (at offered_at + timeout exactly it
// has timed out); a bypass code settles a candidate not yet offered.
func (ms msgServer) SkipCandidate(ctx context.Context, msg *types.MsgSkipCandidate) (*types.MsgSkipCandidateResponse, error) {
	a, c, err := ms.caseOPO(ctx, msg.Actor, msg.DIN)
	if err != nil {
		return nil, err
	}
	if err := types.CheckBypass(msg.Reason); err != nil {
		return nil, err
	}
	_, o, err := ms.openOrgan(ctx, c.DIN, msg.OrganType)
	if err != nil {
		return nil, err
	}
	cand, err := ms.candidateAt(ctx, o, msg.Rank)
	if err != nil {
		return nil, err
	}
	if msg.Reason == types.BypassReason_BYPASS_REASON_TIMEOUT {
		if cand.Status != types.CandidateStatus_CANDIDATE_STATUS_OFFERED {
			return nil, errorsmod.Wrapf(types.ErrNoOffer, "candidate %d was not offered: bypass it with a code", cand.Rank)
		}
		params, err := ms.Params.Get(ctx)
		if err != nil {
			return nil, err
		}
		// Both times lie within types.MinTime..MaxTime and the timeout is at
		// most a week: the sum cannot overflow.
		if due := cand.OfferedAt.Add(params.OfferTimeout); now(ctx).Before(due) {
			return nil, errorsmod.Wrapf(types.ErrOfferNotExpired, "candidate %d has until %s", cand.Rank, due.Format(timeFormat))
		}
		cand.Status = types.CandidateStatus_CANDIDATE_STATUS_TIMED_OUT
	} else {
		if cand.Status != types.CandidateStatus_CANDIDATE_STATUS_PENDING {
			return nil, errorsmod.Wrapf(types.ErrOfferOpen, "candidate %d was offered: wait for the answer or the timeout", cand.Rank)
		}
		cand.Status = types.CandidateStatus_CANDIDATE_STATUS_BYPASSED
	}
	t := now(ctx)
	cand.BypassReason, cand.AnsweredAt = msg.Reason, &t
	o.OfferedRank, o.NextRank = 0, cand.Rank+1
	if err := ms.setCandidate(ctx, o, cand); err != nil {
		return nil, err
	}
	return &types.MsgSkipCandidateResponse{}, emit(ctx, offerEvent(o, cand, a.Person))
}
