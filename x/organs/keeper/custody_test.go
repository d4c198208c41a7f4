package keeper_test

import (
	"time"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/organs/types"
)

func (s *KeeperTestSuite) TestHandOffs() {
	s.allocated(dinA, kidneyL)
	hand := func(actor, to string) *types.MsgHandOff {
		return &types.MsgHandOff{Actor: actor, DIN: dinA, OrganType: kidneyL, To: to}
	}
	accept := func(actor string) *types.MsgAcceptHandOff {
		return &types.MsgAcceptHandOff{Actor: actor, DIN: dinA, OrganType: kidneyL}
	}
	cancel := func(actor string) *types.MsgCancelHandOff {
		return &types.MsgCancelHandOff{Actor: actor, DIN: dinA, OrganType: kidneyL}
	}
	for name, tc := range map[string]struct {
		msg  *types.MsgHandOff
		want error
	}{
		"not the holder (courier)":        {hand(s.courier, s.centre), types.ErrNotHolder},
		"not the holder (centre)":         {hand(s.surgeon, s.courier), types.ErrNotHolder},
		"not the holder (another OPO)":    {hand(s.opo2, s.courier), types.ErrNotHolder},
		"stranger":                        {hand(s.stranger, s.courier), errNotMember},
		"to oneself":                      {hand(s.coordinator, s.opo), types.ErrInvalidRecipient},
		"to a non-member":                 {hand(s.coordinator, s.stranger), types.ErrInvalidRecipient},
		"to a centre that did not accept": {hand(s.coordinator, s.centre2), types.ErrNotAllocatedCentre},
		"unknown logger":                  {&types.MsgHandOff{Actor: s.opo, DIN: dinA, OrganType: kidneyL, To: s.courier, Logger: "TL-9"}, types.ErrUnknownLogger},
		"unknown organ":                   {&types.MsgHandOff{Actor: s.opo, DIN: dinA, OrganType: heart, To: s.courier}, types.ErrOrganNotFound},
	} {
		s.Run(name, func() { refuse(s, s.ms.HandOff, tc.msg, tc.want) })
	}
	refuse(s, s.ms.AcceptHandOff, accept(s.courier), types.ErrNoHandOff)
	refuse(s, s.ms.CancelHandOff, cancel(s.coordinator), types.ErrNoHandOff)

	s.freshEvents()
	res := mustRun(s, s.ms.HandOff, hand(s.coordinator, s.courier))
	s.Require().EqualValues(1, res.Index)
	s.Require().Len(events[*types.EventHandOff](s), 1)
	o := s.organ(dinA, kidneyL)
	s.Require().Equal(s.opo, o.Holder, "custody moves on acceptance")
	s.Require().Equal(s.courier, o.PendingTo)
	refuse(s, s.ms.HandOff, hand(s.coordinator, s.centre), types.ErrHandOffPending)
	refuse(s, s.ms.AcceptHandOff, accept(s.surgeon), types.ErrNoHandOff)
	refuse(s, s.ms.AcceptHandOff, accept(s.coordinator), types.ErrNoHandOff)
	refuse(s, s.ms.AcceptHandOff, accept(s.stranger), errNotMember)
	refuse(s, s.ms.CancelHandOff, cancel(s.courier), types.ErrNotHolder)
	refuse(s, s.ms.Discard, &types.MsgDiscard{Actor: s.coordinator, DIN: dinA, OrganType: kidneyL, Reason: types.DiscardReason_DISCARD_REASON_DAMAGED}, types.ErrHandOffPending)

	// Cancelled, then offered again and accepted.
	mustRun(s, s.ms.CancelHandOff, cancel(s.coordinator))
	refuse(s, s.ms.AcceptHandOff, accept(s.courier), types.ErrNoHandOff)
	s.advance(time.Minute)
	s.handOff(s.opo, dinA, kidneyL, s.courier)
	s.advance(time.Minute)
	s.acceptHandOff(s.courier, dinA, kidneyL)
	o = s.organ(dinA, kidneyL)
	s.Require().Equal(s.courier, o.Holder)
	s.Require().Empty(o.PendingTo)
	refuse(s, s.ms.HandOff, hand(s.coordinator, s.centre), types.ErrNotHolder)

	s.advance(time.Hour)
	s.handOff(s.courier, dinA, kidneyL, s.centre)
	s.acceptHandOff(s.surgeon, dinA, kidneyL)

	cust, err := s.qs.Custody(s.ctx, &types.QueryCustodyRequest{Din: dinA, OrganType: kidneyL})
	s.Require().NoError(err)
	s.Require().Equal(s.centre, cust.Holder)
	s.Require().Len(cust.Custody, 3)
	first, second, third := cust.Custody[0], cust.Custody[1], cust.Custody[2]
	s.Require().Equal(types.HandOffStatus_HAND_OFF_STATUS_CANCELLED, first.Status)
	s.Require().Equal(types.HandOff{Index: 2, From: s.opo, To: s.courier, Status: types.HandOffStatus_HAND_OFF_STATUS_ACCEPTED,
		OfferedBy: s.opo, AcceptedBy: s.courier, OfferedAt: s.t0.Add(time.Minute), ClosedAt: ptr(s.t0.Add(2 * time.Minute))}, second)
	s.Require().Equal(s.surgeon, third.AcceptedBy, "the account that signed is kept, the centre holds")
	s.Require().Equal(s.courier, third.From)
}

func ptr[T any](v T) *T { return &v }

func (s *KeeperTestSuite) TestHandOffCap() {
	p := types.DefaultParams()
	p.MaxHandoffs = 2
	mustRun(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	s.allocated(dinA, kidneyL)
	s.handOff(s.coordinator, dinA, kidneyL, s.courier)
	mustRun(s, s.ms.CancelHandOff, &types.MsgCancelHandOff{Actor: s.coordinator, DIN: dinA, OrganType: kidneyL})
	s.handOff(s.coordinator, dinA, kidneyL, s.courier)
	s.acceptHandOff(s.courier, dinA, kidneyL)
	refuse(s, s.ms.HandOff, &types.MsgHandOff{Actor: s.courier, DIN: dinA, OrganType: kidneyL, To: s.centre}, types.ErrTooMany)
}

func (s *KeeperTestSuite) TestReadings() {
	s.allocated(dinA, kidneyL) // logger TL-1 (loggerKey) in the container, cross-clamp t0
	s.registerLogger(s.courier, "TL-2", s.otherKey)
	s.advance(2 * time.Hour)
	t1, t2 := s.t0.Add(time.Hour), s.t0.Add(2*time.Hour)
	good := readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, t1, 450), reading(2, t2, 520))

	forged := readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.otherKey, reading(1, t1, 450))
	otherChain := readingsMsg(s.courier, "TL-1", dinA, kidneyL, "other-chain", s.loggerKey, reading(1, t1, 450))
	tampered := readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, t1, 1450))
	tampered.Readings[0].CentiCelsius = 450
	for name, tc := range map[string]struct {
		msg  *types.MsgPostReadings
		want error
	}{
		"unregistered device":        {readingsMsg(s.courier, "TL-9", dinA, kidneyL, chainID, s.loggerKey, reading(1, t1, 450)), types.ErrUnknownLogger},
		"another container's logger": {readingsMsg(s.courier, "TL-2", dinA, kidneyL, chainID, s.otherKey, reading(1, t1, 450)), types.ErrLoggerNotAttached},
		"signed by another key":      {forged, types.ErrBadSignature},
		"signed for another chain":   {otherChain, types.ErrBadSignature},
		"changed after signing":      {tampered, types.ErrBadSignature},
		"in the future":              {readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, t2.Add(time.Second), 450)), types.ErrInvalidTime},
		"before the cross-clamp":     {readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, s.t0.Add(-time.Second), 450)), types.ErrInvalidTime},
		"seq going back":             {readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(2, t1, 450), reading(1, t2, 450)), types.ErrInvalidReading},
		"submitter not a member":     {readingsMsg(s.stranger, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, t1, 450)), errNotMember},
		"unknown organ":              {readingsMsg(s.courier, "TL-1", dinA, heart, chainID, s.loggerKey, reading(1, t1, 450)), types.ErrOrganNotFound},
	} {
		s.Run(name, func() { refuse(s, s.ms.PostReadings, tc.msg, tc.want) })
	}

	s.freshEvents()
	res := mustRun(s, s.ms.PostReadings, good)
	s.Require().Zero(res.Excursions)
	s.Require().Empty(events[*types.EventExcursion](s))
	// The same readings again are a replay.
	refuse(s, s.ms.PostReadings, good, types.ErrInvalidReading)

	// An excursion (8.01 °C, above the 8 °C bound) flags the organ; the
	// bounds themselves are in range.
	s.freshEvents()
	res = mustRun(s, s.ms.PostReadings, readingsMsg(s.regulator, "TL-1", dinA, kidneyL, chainID, s.loggerKey,
		reading(3, t2, 800), reading(4, t2, 801), reading(5, t2, 200), reading(6, t2, 199)))
	s.Require().EqualValues(2, res.Excursions)
	s.Require().Len(events[*types.EventExcursion](s), 2)
	o := s.organ(dinA, kidneyL)
	s.Require().EqualValues(6, o.Readings)
	s.Require().EqualValues(2, o.Excursions)
	l, err := s.qs.Logger(s.ctx, &types.QueryLoggerRequest{Logger: "TL-1"})
	s.Require().NoError(err)
	s.Require().EqualValues(6, l.Logger.LastSeq)

	all, err := s.qs.Readings(s.ctx, &types.QueryReadingsRequest{Din: dinA, OrganType: kidneyL})
	s.Require().NoError(err)
	s.Require().Len(all.Readings, 6)
	exc, err := s.qs.Readings(s.ctx, &types.QueryReadingsRequest{Din: dinA, OrganType: kidneyL, ExcursionsOnly: true})
	s.Require().NoError(err)
	s.Require().Len(exc.Readings, 2)
	s.Require().EqualValues(801, exc.Readings[0].Reading.CentiCelsius)
	s.Require().EqualValues(199, exc.Readings[1].Reading.CentiCelsius)

	// A hand-off names the next container's logger (the holder's own); the
	// old one no longer counts for readings taken after the swap.
	s.registerLogger(s.opo, "TL-4", s.otherKey)
	mustRun(s, s.ms.HandOff, &types.MsgHandOff{Actor: s.coordinator, DIN: dinA, OrganType: kidneyL, To: s.courier, Logger: "TL-4"})
	s.advance(time.Second)
	s.acceptHandOff(s.courier, dinA, kidneyL)
	t3 := s.ctx.BlockTime()
	s.advance(time.Second)
	refuse(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(7, t3.Add(time.Second), 450)), types.ErrLoggerNotAttached)
	mustRun(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-4", dinA, kidneyL, chainID, s.otherKey, reading(1, t3.Add(time.Second), 450)))
}

// TestLoggerOwnership: the logger named for the next leg must be the
// sender's (the holder packs the container); every other owner is refused
// with the state unchanged, and naming the logger already in the box
// changes nothing.
func (s *KeeperTestSuite) TestLoggerOwnership() {
	s.allocated(dinA, kidneyL) // TL-1 is the OPO's
	s.registerLogger(s.courier, "TL-C", s.otherKey)
	s.registerLogger(s.surgeon, "TL-T", s.otherKey) // the centre's, by its staff
	s.registerLogger(s.opo2, "TL-O", s.otherKey)
	s.registerLogger(s.regulator, "TL-R", s.otherKey)
	s.registerLogger(s.coordinator, "TL-2", s.otherKey) // the OPO's, by its staff
	hand := func(actor, to, logger string) *types.MsgHandOff {
		return &types.MsgHandOff{Actor: actor, DIN: dinA, OrganType: kidneyL, To: to, Logger: logger}
	}
	for name, tc := range map[string]struct {
		msg  *types.MsgHandOff
		want error
	}{
		"the receiver's logger":  {hand(s.coordinator, s.courier, "TL-C"), types.ErrLoggerNotOwned},
		"the centre's logger":    {hand(s.coordinator, s.courier, "TL-T"), types.ErrLoggerNotOwned},
		"another OPO's logger":   {hand(s.coordinator, s.courier, "TL-O"), types.ErrLoggerNotOwned},
		"the regulator's logger": {hand(s.coordinator, s.courier, "TL-R"), types.ErrLoggerNotOwned},
		"unknown logger":         {hand(s.coordinator, s.courier, "TL-9"), types.ErrUnknownLogger},
	} {
		s.Run(name, func() { refuse(s, s.ms.HandOff, tc.msg, tc.want) })
	}

	// Naming the logger already in the box is no swap.
	mustRun(s, s.ms.HandOff, hand(s.coordinator, s.courier, "TL-1"))
	s.acceptHandOff(s.courier, dinA, kidneyL)
	res, err := s.qs.Organ(s.ctx, &types.QueryOrganRequest{Din: dinA, OrganType: kidneyL})
	s.Require().NoError(err)
	s.Require().Len(res.Loggers, 1)

	// The courier now packs: its own logger, and no longer the OPO's.
	for name, tc := range map[string]struct {
		msg  *types.MsgHandOff
		want error
	}{
		"the sender's former sender's logger": {hand(s.courier, s.centre, "TL-2"), types.ErrLoggerNotOwned},
		"the receiver's logger":               {hand(s.courier, s.centre, "TL-T"), types.ErrLoggerNotOwned},
		"not the holder, own logger":          {hand(s.coordinator, s.centre, "TL-2"), types.ErrNotHolder},
	} {
		s.Run(name, func() { refuse(s, s.ms.HandOff, tc.msg, tc.want) })
	}
	s.advance(time.Minute)
	mustRun(s, s.ms.HandOff, hand(s.courier, s.centre, "TL-C"))
	o := s.organ(dinA, kidneyL)
	s.Require().Equal("TL-1", o.Logger, "the swap happens when custody moves")
	s.advance(time.Minute)
	s.acceptHandOff(s.surgeon, dinA, kidneyL)
	res, err = s.qs.Organ(s.ctx, &types.QueryOrganRequest{Din: dinA, OrganType: kidneyL})
	s.Require().NoError(err)
	swap := s.t0.Add(2 * time.Minute)
	s.Require().Equal([]types.Attachment{
		{HandOff: 0, Logger: "TL-1", From: s.t0, Until: &swap},
		{HandOff: 2, Logger: "TL-C", From: swap},
	}, res.Loggers)
	s.Require().Equal("TL-C", res.Organ.Logger)
}

// TestLoggerSwapKeepsExcursions: readings count by when they were taken, not
// by which logger is in the box when they are posted. An excursion the OPO's
// logger recorded before the swap, posted after it, flags the organ; a
// reading a logger took outside its stay in the container, or from a logger
// never attached, is refused with the state unchanged.
func (s *KeeperTestSuite) TestLoggerSwapKeepsExcursions() {
	s.allocated(dinA, kidneyL) // TL-1 (loggerKey) from t0
	s.registerLogger(s.courier, "TL-C", s.otherKey)
	s.registerLogger(s.opo2, "TL-X", s.otherKey) // never attached
	s.handOff(s.coordinator, dinA, kidneyL, s.courier)
	s.acceptHandOff(s.courier, dinA, kidneyL)
	s.advance(time.Hour)
	mustRun(s, s.ms.HandOff, &types.MsgHandOff{Actor: s.courier, DIN: dinA, OrganType: kidneyL, To: s.centre, Logger: "TL-C"})
	s.acceptHandOff(s.surgeon, dinA, kidneyL)
	swap := s.ctx.BlockTime() // t0 + 1 h: TL-1 covers [t0, swap], TL-C [swap, now]
	s.advance(time.Hour)

	for name, tc := range map[string]struct {
		msg  *types.MsgPostReadings
		want error
	}{
		"old logger after the swap":  {readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, swap.Add(time.Second), 1200)), types.ErrLoggerNotAttached},
		"old logger, straddling":     {readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, swap, 450), reading(2, swap.Add(time.Second), 450)), types.ErrLoggerNotAttached},
		"new logger before the swap": {readingsMsg(s.courier, "TL-C", dinA, kidneyL, chainID, s.otherKey, reading(1, swap.Add(-time.Second), 450)), types.ErrLoggerNotAttached},
		"a logger never attached":    {readingsMsg(s.courier, "TL-X", dinA, kidneyL, chainID, s.otherKey, reading(1, swap, 450)), types.ErrLoggerNotAttached},
		"signed by the other logger": {readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.otherKey, reading(1, s.t0.Add(time.Minute), 1200)), types.ErrBadSignature},
	} {
		s.Run(name, func() { refuse(s, s.ms.PostReadings, tc.msg, tc.want) })
	}

	// The new logger's readings count first; the old logger's excursion,
	// taken before the swap and posted after, still flags the organ.
	mustRun(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-C", dinA, kidneyL, chainID, s.otherKey, reading(1, swap, 450), reading(2, swap.Add(time.Minute), 460)))
	s.freshEvents()
	res := mustRun(s, s.ms.PostReadings, readingsMsg(s.regulator, "TL-1", dinA, kidneyL, chainID, s.loggerKey,
		reading(1, s.t0.Add(30*time.Minute), 450), reading(2, s.t0.Add(40*time.Minute), 1200), reading(3, swap, 500)))
	s.Require().EqualValues(1, res.Excursions)
	s.Require().Len(events[*types.EventExcursion](s), 1)
	o := s.organ(dinA, kidneyL)
	s.Require().EqualValues(5, o.Readings)
	s.Require().EqualValues(1, o.Excursions)
	// Replays are refused per stay; the transplant needs an override.
	refuse(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(3, swap, 500)), types.ErrInvalidReading)
	refuse(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-C", dinA, kidneyL, chainID, s.otherKey, reading(2, swap.Add(time.Minute), 460)), types.ErrInvalidReading)
	refuse(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, s.ctx.BlockTime(), types.OverrideReason_OVERRIDE_REASON_UNSPECIFIED), types.ErrExcursion)
	mustRun(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, s.ctx.BlockTime(), types.OverrideReason_OVERRIDE_REASON_LOGGER_FAULT))
}

// TestReadingsPerOrgan: one logger in two organs' containers (a shared
// box, or reused) posts for each; its counter for one organ never blocks
// the other's older readings, and a logger never attached to an organ is
// refused there.
func (s *KeeperTestSuite) TestReadingsPerOrgan() {
	s.allocated(dinA, kidneyL)
	s.recover(dinA, kidneyR, "TL-1")
	s.recover(dinA, heart, "")
	s.advance(time.Hour)
	t1 := s.t0.Add(10 * time.Minute)
	mustRun(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(50, t1, 450)))
	mustRun(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyR, chainID, s.loggerKey, reading(7, t1, 1200)))
	s.Require().EqualValues(1, s.organ(dinA, kidneyR).Excursions)
	refuse(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, heart, chainID, s.loggerKey, reading(51, t1, 450)), types.ErrLoggerNotAttached)
	l, err := s.qs.Logger(s.ctx, &types.QueryLoggerRequest{Logger: "TL-1"})
	s.Require().NoError(err)
	s.Require().EqualValues(50, l.Logger.LastSeq, "the highest seq the logger sent, any organ")
}

func (s *KeeperTestSuite) TestReadingsCap() {
	p := types.DefaultParams()
	p.MaxReadings = 2
	mustRun(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	s.allocated(dinA, kidneyL)
	s.advance(time.Hour)
	t := s.ctx.BlockTime()
	refuse(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey,
		reading(1, t, 450), reading(2, t, 450), reading(3, t, 450)), types.ErrTooMany)
	mustRun(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey, reading(1, t, 450), reading(2, t, 450)))
}
