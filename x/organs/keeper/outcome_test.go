package keeper_test

import (
	"time"

	"github.com/healthchain/healthd/x/organs/types"
)

const kidneyLimit = 36 * time.Hour

// TestTransplantAtTheLimit: reperfusion exactly at the limit goes through
// without an override; one second later it needs one.
func (s *KeeperTestSuite) TestTransplantAtTheLimit() {
	s.atCentre(dinA, kidneyL)
	s.atCentre(dinB, kidneyL)
	s.setBlockTime(s.t0.Add(kidneyLimit + time.Hour))
	atLimit, past := s.t0.Add(kidneyLimit), s.t0.Add(kidneyLimit+time.Second)

	refuse(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, atLimit, types.OverrideReason_OVERRIDE_REASON_RECIPIENT_CRITICAL), types.ErrNeedlessOverride)
	s.freshEvents()
	res := mustRun(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, atLimit, 0))
	s.Require().EqualValues(36*3600, res.ColdIschaemiaSeconds)
	evs := events[*types.EventTransplanted](s)
	s.Require().Len(evs, 1)
	s.Require().Equal(types.EventTransplanted{DIN: dinA, OrganType: kidneyL, Centre: s.centre, ColdIschaemiaSeconds: 36 * 3600}, *evs[0])
	o := s.organ(dinA, kidneyL)
	s.Require().Equal(types.OrganStatus_ORGAN_STATUS_TRANSPLANTED, o.Status)
	s.Require().Equal(kidneyLimit, o.Outcome.ColdIschaemia)
	s.Require().Equal(s.surgeon, o.Outcome.By)
	s.Require().False(o.Outcome.OverLimit)

	err := refuse(s, s.ms.Transplant, s.transplantMsg(dinB, kidneyL, past, 0), types.ErrIschaemiaExceeded)
	s.Require().Contains(err.Error(), "36h0m1s")
	s.freshEvents()
	mustRun(s, s.ms.Transplant, s.transplantMsg(dinB, kidneyL, past, types.OverrideReason_OVERRIDE_REASON_MACHINE_PERFUSION_VIABLE))
	o = s.organ(dinB, kidneyL)
	s.Require().True(o.Outcome.OverLimit)
	s.Require().Equal(types.OverrideReason_OVERRIDE_REASON_MACHINE_PERFUSION_VIABLE, o.Outcome.Override)
	s.Require().True(events[*types.EventTransplanted](s)[0].OverLimit)

	// The regulator sees the override, and only it.
	ov, err := s.qs.Overrides(s.ctx, &types.QueryOverridesRequest{})
	s.Require().NoError(err)
	s.Require().Len(ov.Organs, 1)
	s.Require().Equal(dinB, ov.Organs[0].DIN)

	res2, err := s.qs.Organ(s.ctx, &types.QueryOrganRequest{Din: dinB, OrganType: kidneyL})
	s.Require().NoError(err)
	s.Require().EqualValues(36*3600+1, res2.ColdIschaemiaSeconds, "final: reperfusion minus cross-clamp, whatever the block time")
	s.Require().True(res2.OverLimit)

	fhir, err := s.qs.OrganFHIR(s.ctx, &types.QueryOrganFHIRRequest{Din: dinB, OrganType: kidneyL})
	s.Require().NoError(err)
	s.Require().Contains(fhir.JSON, `"status":"unavailable"`)

	// Nothing happens to a transplanted organ any more.
	refuse(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, atLimit, 0), types.ErrOrganClosed)
	refuse(s, s.ms.HandOff, &types.MsgHandOff{Actor: s.surgeon, DIN: dinA, OrganType: kidneyL, To: s.courier}, types.ErrOrganClosed)
	refuse(s, s.ms.Discard, &types.MsgDiscard{Actor: s.surgeon, DIN: dinA, OrganType: kidneyL, Reason: types.DiscardReason_DISCARD_REASON_DAMAGED}, types.ErrOrganClosed)
	refuse(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, atLimit, 450)), types.ErrOrganClosed)
}

func (s *KeeperTestSuite) TestTransplantRefusals() {
	s.allocated(dinA, kidneyL)
	s.advance(time.Hour)
	s.handOff(s.coordinator, dinA, kidneyL, s.courier)
	s.acceptHandOff(s.courier, dinA, kidneyL)
	s.advance(time.Hour)
	now := s.ctx.BlockTime()
	// The courier holds it: the centre cannot transplant what it does not hold.
	refuse(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, now, 0), types.ErrNotHolder)
	s.handOff(s.courier, dinA, kidneyL, s.centre)
	refuse(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, now, 0), types.ErrNotHolder)
	s.advance(time.Hour)
	s.acceptHandOff(s.surgeon, dinA, kidneyL)
	received := s.ctx.BlockTime()
	s.advance(time.Hour)

	msg := func(actor string, commit []byte, t time.Time, o types.OverrideReason) *types.MsgTransplant {
		return &types.MsgTransplant{Actor: actor, DIN: dinA, OrganType: kidneyL, RecipientCommitment: commit, Reperfusion: t, Override: o}
	}
	r1, at := commitment("r1"), received.Add(30*time.Minute)
	for name, tc := range map[string]struct {
		msg  *types.MsgTransplant
		want error
	}{
		"another centre":                   {msg(s.centre2, r1, at, 0), types.ErrNotAllocatedCentre},
		"the OPO":                          {msg(s.coordinator, r1, at, 0), errMissingRole},
		"the courier":                      {msg(s.courier, r1, at, 0), errMissingRole},
		"stranger":                         {msg(s.stranger, r1, at, 0), errNotMember},
		"another recipient":                {msg(s.surgeon, commitment("r2"), at, 0), types.ErrRecipientMismatch},
		"reperfusion before custody":       {msg(s.surgeon, r1, received.Add(-time.Second), 0), types.ErrInvalidTime},
		"reperfusion in the future":        {msg(s.surgeon, r1, s.ctx.BlockTime().Add(time.Second), 0), types.ErrInvalidTime},
		"reperfusion before the year 2000": {msg(s.surgeon, r1, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), 0), types.ErrInvalidTime},
		"unknown override code":            {msg(s.surgeon, r1, at, types.OverrideReason(42)), types.ErrInvalidReason},
		"override not needed":              {msg(s.surgeon, r1, at, types.OverrideReason_OVERRIDE_REASON_RECIPIENT_CRITICAL), types.ErrNeedlessOverride},
		"no commitment":                    {msg(s.surgeon, nil, at, 0), types.ErrInvalidCommitment},
	} {
		s.Run(name, func() { refuse(s, s.ms.Transplant, tc.msg, tc.want) })
	}
	// At the edge: the moment the centre took custody.
	mustRun(s, s.ms.Transplant, msg(s.surgeon, r1, received, 0))
}

// TestTransplantAfterExcursion needs an override even within the limit.
func (s *KeeperTestSuite) TestTransplantAfterExcursion() {
	s.atCentre(dinA, kidneyL)
	s.advance(2 * time.Hour)
	mustRun(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, s.t0.Add(time.Hour), 1200)))
	now := s.ctx.BlockTime()
	refuse(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, now, 0), types.ErrExcursion)
	mustRun(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, now, types.OverrideReason_OVERRIDE_REASON_LOGGER_FAULT))
	o := s.organ(dinA, kidneyL)
	s.Require().True(o.Outcome.Excursion)
	s.Require().False(o.Outcome.OverLimit)
}

// TestTransplantNeedsAllocation: a centre that holds an organ no candidate
// of it accepted cannot transplant it.
func (s *KeeperTestSuite) TestTransplantNeedsAllocation() {
	s.openDeceased(dinA)
	s.confirmedABO(dinA, aboO)
	s.recover(dinA, kidneyL, "")
	refuse(s, s.ms.HandOff, &types.MsgHandOff{Actor: s.coordinator, DIN: dinA, OrganType: kidneyL, To: s.centre}, types.ErrNotAllocatedCentre)
	refuse(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, s.ctx.BlockTime(), 0), types.ErrNotAllocatedCentre)
}

func (s *KeeperTestSuite) TestDiscard() {
	s.allocated(dinA, kidneyL)
	s.advance(3 * time.Hour)
	d := func(actor string, r types.DiscardReason) *types.MsgDiscard {
		return &types.MsgDiscard{Actor: actor, DIN: dinA, OrganType: kidneyL, Reason: r}
	}
	quality := types.DiscardReason_DISCARD_REASON_ORGAN_QUALITY
	refuse(s, s.ms.Discard, d(s.surgeon, quality), types.ErrNotHolder)
	refuse(s, s.ms.Discard, d(s.courier, quality), types.ErrNotHolder)
	refuse(s, s.ms.Discard, d(s.opo2, quality), types.ErrNotHolder)
	refuse(s, s.ms.Discard, d(s.stranger, quality), errNotMember)
	refuse(s, s.ms.Discard, d(s.coordinator, 0), types.ErrInvalidReason)
	refuse(s, s.ms.Discard, d(s.coordinator, types.DiscardReason(77)), types.ErrInvalidReason)
	s.freshEvents()
	mustRun(s, s.ms.Discard, d(s.coordinator, quality))
	s.Require().Len(events[*types.EventDiscarded](s), 1)
	o := s.organ(dinA, kidneyL)
	s.Require().Equal(types.OrganStatus_ORGAN_STATUS_DISCARDED, o.Status)
	s.Require().Equal(quality, o.Outcome.DiscardReason)
	s.Require().Equal(3*time.Hour, o.Outcome.ColdIschaemia)
	refuse(s, s.ms.Discard, d(s.coordinator, quality), types.ErrOrganClosed)
}
