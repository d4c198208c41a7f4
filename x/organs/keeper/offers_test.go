package keeper_test

import (
	"time"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/organs/types"
)

func (s *KeeperTestSuite) TestPostMatchRun() {
	s.openDeceased(dinA)
	s.recover(dinA, kidneyL, "")
	post := func(actor string, cs ...types.CandidateEntry) *types.MsgPostMatchRun {
		return &types.MsgPostMatchRun{Actor: actor, DIN: dinA, OrganType: kidneyL, Candidates: cs}
	}
	good := cand("r1", s.centre, aboA)
	refuse(s, s.ms.PostMatchRun, post(s.coordinator, good), types.ErrABONotConfirmed)
	s.confirmedABO(dinA, aboA)

	p := types.DefaultParams()
	p.MaxCandidates = 2
	mustRun(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	for name, tc := range map[string]struct {
		msg  *types.MsgPostMatchRun
		want error
	}{
		"O recipient of an A donor":  {post(s.coordinator, good, cand("r2", s.centre, aboO)), types.ErrABOIncompatible},
		"B recipient of an A donor":  {post(s.coordinator, cand("r2", s.centre, aboB)), types.ErrABOIncompatible},
		"centre not a centre":        {post(s.coordinator, cand("r2", s.courier, aboA)), types.ErrInvalidCandidate},
		"centre not a member":        {post(s.coordinator, cand("r2", s.stranger, aboA)), types.ErrInvalidCandidate},
		"over params.max_candidates": {post(s.coordinator, good, cand("r2", s.centre, aboA), cand("r3", s.centre, aboAB)), types.ErrTooMany},
		"empty":                      {post(s.coordinator), types.ErrInvalidCandidate},
		"twice the same candidate":   {post(s.coordinator, good, good), types.ErrInvalidCandidate},
		"zero commitment":            {post(s.coordinator, types.CandidateEntry{Commitment: make([]byte, 32), Centre: s.centre, ABO: aboA}), types.ErrInvalidCommitment},
		"no blood group":             {post(s.coordinator, cand("r2", s.centre, types.ABO_ABO_UNSPECIFIED)), types.ErrInvalidABO},
		"another OPO":                {post(s.opo2, good), types.ErrNotCaseOPO},
		"centre":                     {post(s.centre, good), errMissingRole},
		"stranger":                   {post(s.stranger, good), errNotMember},
		"unrecovered organ":          {&types.MsgPostMatchRun{Actor: s.coordinator, DIN: dinA, OrganType: heart, Candidates: []types.CandidateEntry{good}}, types.ErrOrganNotFound},
	} {
		s.Run(name, func() { refuse(s, s.ms.PostMatchRun, tc.msg, tc.want) })
	}
	s.freshEvents()
	s.matchRun(dinA, kidneyL, good, cand("r2", s.centre2, aboAB))
	s.Require().Len(events[*types.EventMatchRunPosted](s), 1)
	o := s.organ(dinA, kidneyL)
	s.Require().EqualValues(2, o.Candidates)
	s.Require().EqualValues(1, o.NextRank)
	refuse(s, s.ms.PostMatchRun, post(s.coordinator, good), types.ErrMatchRunExists)
}

// TestOffersInMatchRunOrder walks a match run of five: a decline, a bypass,
// a timeout (at its edge) and an acceptance; every skip without a reason is
// refused.
func (s *KeeperTestSuite) TestOffersInMatchRunOrder() {
	s.openDeceased(dinA)
	s.confirmedABO(dinA, aboO)
	s.recover(dinA, kidneyL, "")
	s.matchRun(dinA, kidneyL, cand("r1", s.centre, aboO), cand("r2", s.centre2, aboA), cand("r3", s.centre, aboB),
		cand("r4", s.centre2, aboAB), cand("r5", s.centre, aboO))
	offer := func(actor string, rank uint32) *types.MsgOffer {
		return &types.MsgOffer{Actor: actor, DIN: dinA, OrganType: kidneyL, Rank: rank}
	}
	respond := func(actor string, rank uint32, accept bool, r types.DeclineReason) *types.MsgRespondOffer {
		return &types.MsgRespondOffer{Actor: actor, DIN: dinA, OrganType: kidneyL, Rank: rank, Accept: accept, DeclineReason: r}
	}
	skip := func(actor string, rank uint32, r types.BypassReason) *types.MsgSkipCandidate {
		return &types.MsgSkipCandidate{Actor: actor, DIN: dinA, OrganType: kidneyL, Rank: rank, Reason: r}
	}
	timeout, distance := types.BypassReason_BYPASS_REASON_TIMEOUT, types.BypassReason_BYPASS_REASON_DISTANCE_TIME
	quality := types.DeclineReason_DECLINE_REASON_DONOR_QUALITY

	// Rank 2 before rank 1 is settled: a skip without a reason.
	refuse(s, s.ms.Offer, offer(s.coordinator, 2), types.ErrSkippedCandidate)
	refuse(s, s.ms.Offer, offer(s.coordinator, 6), types.ErrInvalidCandidate)
	refuse(s, s.ms.Offer, offer(s.opo2, 1), types.ErrNotCaseOPO)
	refuse(s, s.ms.Offer, offer(s.centre, 1), errMissingRole)
	refuse(s, s.ms.Offer, offer(s.stranger, 1), errNotMember)
	refuse(s, s.ms.RespondOffer, respond(s.surgeon, 1, true, 0), types.ErrNoOffer)

	s.freshEvents()
	s.offer(dinA, kidneyL, 1)
	evs := events[*types.EventOffer](s)
	s.Require().Len(evs, 1)
	s.Require().Equal(types.CandidateStatus_CANDIDATE_STATUS_OFFERED, evs[0].Status)
	s.Require().Equal(s.centre, evs[0].Centre)
	refuse(s, s.ms.Offer, offer(s.coordinator, 1), types.ErrOfferOpen)
	refuse(s, s.ms.Offer, offer(s.coordinator, 2), types.ErrSkippedCandidate)
	refuse(s, s.ms.SkipCandidate, skip(s.coordinator, 1, distance), types.ErrOfferOpen)
	refuse(s, s.ms.SkipCandidate, skip(s.coordinator, 2, distance), types.ErrSkippedCandidate)
	for name, tc := range map[string]struct {
		msg  *types.MsgRespondOffer
		want error
	}{
		"another centre":          {respond(s.centre2, 1, true, 0), types.ErrNotCandidateCentre},
		"the OPO":                 {respond(s.opo, 1, true, 0), errMissingRole},
		"the OPO's coordinator":   {respond(s.coordinator, 1, true, 0), errMissingRole},
		"courier":                 {respond(s.courier, 1, true, 0), errMissingRole},
		"stranger":                {respond(s.stranger, 1, true, 0), errNotMember},
		"decline without reason":  {respond(s.surgeon, 1, false, 0), types.ErrInvalidReason},
		"accept with a reason":    {respond(s.surgeon, 1, true, quality), types.ErrInvalidReason},
		"unknown decline code":    {respond(s.surgeon, 1, false, types.DeclineReason(99)), types.ErrInvalidReason},
		"a candidate not offered": {respond(s.centre2, 2, true, 0), types.ErrSkippedCandidate},
	} {
		s.Run(name, func() { refuse(s, s.ms.RespondOffer, tc.msg, tc.want) })
	}
	s.advance(10 * time.Minute)
	mustRun(s, s.ms.RespondOffer, respond(s.surgeon, 1, false, quality))
	refuse(s, s.ms.Offer, offer(s.coordinator, 1), types.ErrInvalidCandidate)

	// Rank 2: a TIMEOUT needs an offer; a coded bypass does not.
	refuse(s, s.ms.SkipCandidate, skip(s.coordinator, 2, timeout), types.ErrNoOffer)
	refuse(s, s.ms.SkipCandidate, skip(s.coordinator, 2, types.BypassReason_BYPASS_REASON_UNSPECIFIED), types.ErrInvalidReason)
	refuse(s, s.ms.SkipCandidate, skip(s.centre2, 2, distance), errMissingRole)
	refuse(s, s.ms.SkipCandidate, skip(s.opo2, 2, distance), types.ErrNotCaseOPO)
	mustRun(s, s.ms.SkipCandidate, skip(s.coordinator, 2, distance))

	// Rank 3: offered, unanswered; it times out at offered_at + 1 h exactly.
	s.offer(dinA, kidneyL, 3)
	offeredAt := s.ctx.BlockTime()
	s.setBlockTime(offeredAt.Add(time.Hour - time.Second))
	refuse(s, s.ms.SkipCandidate, skip(s.coordinator, 3, timeout), types.ErrOfferNotExpired)
	s.setBlockTime(offeredAt.Add(time.Hour))
	mustRun(s, s.ms.SkipCandidate, skip(s.coordinator, 3, timeout))
	refuse(s, s.ms.RespondOffer, respond(s.surgeon, 3, true, 0), types.ErrInvalidCandidate)

	// Rank 4 accepts: the organ is allocated and the run is over.
	s.offer(dinA, kidneyL, 4)
	s.accept(s.centre2, dinA, kidneyL, 4)
	refuse(s, s.ms.Offer, offer(s.coordinator, 5), types.ErrAllocated)
	refuse(s, s.ms.SkipCandidate, skip(s.coordinator, 5, distance), types.ErrAllocated)
	refuse(s, s.ms.RespondOffer, respond(s.centre2, 4, false, quality), types.ErrAllocated)

	o := s.organ(dinA, kidneyL)
	s.Require().EqualValues(4, o.AcceptedRank)
	s.Require().Equal(s.centre2, o.Centre)
	s.Require().Zero(o.OfferedRank)
	res, err := s.qs.Offers(s.ctx, &types.QueryOffersRequest{Din: dinA, OrganType: kidneyL})
	s.Require().NoError(err)
	var got []types.CandidateStatus
	for _, c := range res.Offers {
		got = append(got, c.Status)
	}
	s.Require().Equal([]types.CandidateStatus{types.CandidateStatus_CANDIDATE_STATUS_DECLINED, types.CandidateStatus_CANDIDATE_STATUS_BYPASSED,
		types.CandidateStatus_CANDIDATE_STATUS_TIMED_OUT, types.CandidateStatus_CANDIDATE_STATUS_ACCEPTED, types.CandidateStatus_CANDIDATE_STATUS_PENDING}, got)
	s.Require().Equal(quality, res.Offers[0].DeclineReason)
	s.Require().Equal(distance, res.Offers[1].BypassReason)
	s.Require().Equal(timeout, res.Offers[2].BypassReason)
	s.Require().Equal(offeredAt, *res.Offers[2].OfferedAt)
}

func (s *KeeperTestSuite) TestOfferWithoutMatchRun() {
	s.openDeceased(dinA)
	s.confirmedABO(dinA, aboO)
	s.recover(dinA, kidneyL, "")
	refuse(s, s.ms.Offer, &types.MsgOffer{Actor: s.coordinator, DIN: dinA, OrganType: kidneyL, Rank: 1}, types.ErrNoMatchRun)
	refuse(s, s.ms.SkipCandidate, &types.MsgSkipCandidate{Actor: s.coordinator, DIN: dinA, OrganType: kidneyL, Rank: 1,
		Reason: types.BypassReason_BYPASS_REASON_OPERATIONAL}, types.ErrNoMatchRun)
}

// TestCompatible is the ABO table for organs.
func (s *KeeperTestSuite) TestCompatible() {
	all := []types.ABO{aboO, aboA, aboB, aboAB}
	want := map[types.ABO][]types.ABO{aboO: all, aboA: {aboA, aboAB}, aboB: {aboB, aboAB}, aboAB: {aboAB}}
	for _, d := range all {
		for _, r := range all {
			s.Require().Equal(contains(want[d], r), types.Compatible(d, r), "donor %s recipient %s", d, r)
		}
		s.Require().False(types.Compatible(d, types.ABO_ABO_UNSPECIFIED))
		s.Require().False(types.Compatible(types.ABO_ABO_UNSPECIFIED, d))
	}
}

func contains(xs []types.ABO, x types.ABO) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
