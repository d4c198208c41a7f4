package keeper_test

import (
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/claims/types"
)

// byStatus lists the ids of the claims in a status, through the query.
func (s *KeeperTestSuite) byStatus(st types.ClaimStatus) []uint64 {
	s.T().Helper()
	res, err := s.qs.ClaimsByStatus(s.ctx, &types.QueryClaimsByStatusRequest{Status: st})
	s.Require().NoError(err)
	var ids []uint64
	for _, c := range res.Claims {
		s.Require().Equal(st, c.Status)
		ids = append(ids, c.ID)
	}
	return ids
}

// money is the balances of the parties of a scenario.
type money struct{ payer, module, provider, escrow int64 }

func (s *KeeperTestSuite) money() money {
	return money{s.balance(s.payer), s.balance(moduleAddr), s.balance(s.hospital), s.escrowOf(s.payer)}
}

// requireMoved checks that exactly amount went from the payer's escrow (in
// the module account) to the hospital since before; the payer's own account
// is untouched.
func (s *KeeperTestSuite) requireMoved(before money, amount int64) {
	s.T().Helper()
	s.Require().Equal(money{before.payer, before.module - amount, before.provider + amount, before.escrow - amount}, s.money())
}

// Plan, escrow, enrolment and consent (SetupTest), then a claim that is
// approved automatically and paid in the same transaction.
func (s *KeeperTestSuite) TestScenarioAutoApprovedAndPaid() {
	s.fund(s.payer, 5_000)
	s.Require().Equal(money{payerFunds - 5_000, 5_000, 0, 5_000}, s.money())

	before := s.money()
	res := s.submit(s.claimMsg(s.hospital, s.patient, s.cov,
		line(cpt, "99213", 1, 200), line(hcpcs, "J1100", 10, 100), line(ndc, "00093-4155-73", 30, 150)))
	s.Require().Equal(stPaid, res.Status)
	s.Require().Equal(stApproved, res.Outcome)
	// line 1: allowed 150 = min(200, 150), 45; deductible 100 → 50; copay 20
	//         → 30; coinsurance 20% of 30 = 6; patient 126; plan 24.
	// line 2: allowed 100 = min(100, 10×10); coinsurance 10% of 100 = 10;
	//         patient 10; plan 90.
	// line 3: allowed 150 = min(150, 30×5); copay 10; patient 10; plan 140.
	s.requireLines(res.ID, ok(150, 100, 20, 6, 126, 24, "45", "1", "3", "2"), ok(100, 0, 0, 10, 10, 90, "2"), ok(150, 0, 10, 0, 10, 140, "3"))
	s.requireMoved(before, 24+90+140)
	s.Require().Equal("254", s.claim(res.ID).Paid.String())
	s.Require().Equal([2]int64{100, 146}, s.acc(s.cov))
	s.Require().Equal(map[uint64]string{res.ID: "254"}, s.paidEvents())
}

// A claim over the review threshold pends; the payer approves two lines of
// three (paid at once); the provider appeals; the payer approves all: the
// third line is paid, and the cost sharing counts once.
func (s *KeeperTestSuite) TestScenarioPendPartialAppealApprove() {
	s.fund(s.payer, 1_000)
	id, cov := s.pendedClaim(s.patient)
	s.Require().Equal(money{payerFunds - 1_000, 1_000, 0, 1_000}, s.money(), "nothing is paid while pended")
	s.Require().Equal([]uint64{id}, s.byStatus(stPended))

	// partial: lines 1 and 3 (24 + 90 = 114), line 2 denied (50)
	before := s.money()
	s.Require().Equal(stPaid, s.review(s.payer, id, partial, "50", 0, 2))
	s.requireLines(id, pendedL1, deny("50"), pendedL3)
	s.requireMoved(before, 114)
	s.Require().Equal([2]int64{100, 136}, s.acc(cov)) // 126 + 10

	// appeal: the claim goes back to the payer; nothing moves
	before = s.money()
	s.appeal(s.hospital, id)
	c := s.claim(id)
	s.Require().Equal(stAppealed, c.Status)
	s.Require().Equal(stPartial, c.Outcome)
	s.Require().Equal(before, s.money())
	s.Require().Equal([2]int64{100, 136}, s.acc(cov))

	// approve all: adjudicated again after releasing the first result. Line 2
	// (97110 charge 100, deductible met): copay 15 → 85; coinsurance 17;
	// patient 32; plan 68, the rest owed.
	before = s.money()
	s.Require().Equal(stPaid, s.review(s.payer, id, approve, ""))
	s.requireLines(id, pendedL1, pendedL2, pendedL3)
	s.requireMoved(before, 68)
	c = s.claim(id)
	s.Require().Equal(stApproved, c.Outcome)
	s.Require().Equal("182", c.Paid.String())
	// counted once: 126 + 32 + 10 = 168 (not 136 + 168)
	s.Require().Equal([2]int64{100, 168}, s.acc(cov))
	s.Require().Equal(map[uint64]string{id: "68"}, s.paidEvents())
	s.Require().Equal(int64(182), s.balance(s.hospital))
	s.Require().Equal(int64(1_000-182), s.escrowOf(s.payer))

	// no second appeal
	s.refuse(types.ErrAlreadyAppealed, func(ctx sdk.Context) error {
		_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: id, Reason: necessity})
		return err
	})
}

// Claims approved while the escrow is short wait as PAYABLE; funding pays
// them oldest first and stops at the first it cannot cover, even if a later
// one would fit.
func (s *KeeperTestSuite) TestScenarioPayableSmallestFirst() {
	msg := s.planMsg(s.payer)
	msg.Name, msg.Deductible = "No Deductible", n(0)
	cov := s.enroll(s.enrollMsg(s.payer, s.createPlan(msg), s.stranger))
	s.consentPayment(s.stranger, s.payer)
	s.consentTreatment(s.stranger, s.hospital)

	// A: 99213 charge 150: copay 20 → 130; coinsurance 26; patient 46; plan 104
	// B: 97110 charge 100: copay 15 → 85; coinsurance 17; patient 32; plan 68
	// C: NDC ×6 charge 30: copay 10; patient 10; plan 20
	a := s.submit(s.claimMsg(s.hospital, s.stranger, cov, line(cpt, "99213", 1, 150)))
	b := s.submit(s.claimMsg(s.hospital, s.stranger, cov, line(cpt, "97110", 1, 100)))
	c := s.submit(s.claimMsg(s.hospital, s.stranger, cov, line(ndc, "00093-4155-73", 6, 30)))
	for _, r := range []*types.MsgSubmitClaimResponse{a, b, c} {
		s.Require().Equal(stPayable, r.Status)
		s.Require().Equal(stApproved, r.Outcome)
	}
	s.requireLines(a.ID, ok(150, 0, 20, 26, 46, 104, "3", "2"))
	s.requireLines(b.ID, ok(100, 0, 15, 17, 32, 68, "3", "2"))
	s.requireLines(c.ID, ok(30, 0, 10, 0, 10, 20, "3"))
	// payable claims count in the accumulators: 46 + 32 + 10
	s.Require().Equal([2]int64{0, 88}, s.acc(cov))
	s.Require().Equal([]uint64{a.ID, b.ID, c.ID}, s.byStatus(stPayable))

	// 150: C (20) then B (68) are paid; 62 left does not cover A (104)
	before := s.money()
	s.Require().Equal([]uint64{c.ID, b.ID}, s.fund(s.payer, 150))
	s.Require().Equal(money{before.payer - 150, before.module + 150 - 88, before.provider + 88, 62}, s.money())
	s.Require().Equal(stPayable, s.claim(a.ID).Status)
	s.Require().Equal(stPaid, s.claim(b.ID).Status)
	s.Require().Equal(stPaid, s.claim(c.ID).Status)
	s.Require().Equal(map[uint64]string{b.ID: "68", c.ID: "20"}, s.paidEvents())

	// 100 more: 162 pays A (104); 58 left
	before = s.money()
	s.Require().Equal([]uint64{a.ID}, s.fund(s.payer, 100))
	s.Require().Equal(money{before.payer - 100, before.module + 100 - 104, before.provider + 104, 58}, s.money())
	s.Require().Empty(s.byStatus(stPayable))
	s.Require().Equal([]uint64{a.ID, b.ID, c.ID}, s.byStatus(stPaid))
	s.Require().Equal([2]int64{0, 88}, s.acc(cov), "paying does not count twice")

	// another payer's funding pays none of these
	s.Require().Empty(s.fund(s.payer2, 1_000))
}

// TestScenarioLargeClaimDoesNotBlockQueue: a payable claim the escrow cannot
// cover does not stop the smaller ones queued behind it (before the fix the
// queue was paid strictly oldest first and stopped at the first that did not
// fit). Funding walks the queue by amount, so the first claim too large ends
// the walk.
func (s *KeeperTestSuite) TestScenarioLargeClaimDoesNotBlockQueue() {
	s.setParams(func(p *types.Params) { p.MaxLines = 999 })
	// 97110 ×100 charge 10,000: deductible 100; copay 15; coinsurance 20% of
	// 9,885 = 1,977, capped at the 385 left to the maximum of 500; plan 9,500.
	big := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "97110", 100, 10_000)))
	s.Require().Equal(stPayable, big.Status)
	s.requireLines(big.ID, ok(10_000, 100, 15, 385, 500, 9_500, "1", "3", "2"))
	// the maximum is met: the next claim's plan pays it all
	small := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(hcpcs, "J1100", 1, 10)))
	s.Require().Equal(stPayable, small.Status)
	s.requireLines(small.ID, ok(10, 0, 0, 0, 0, 10))

	s.Require().Equal([]uint64{small.ID}, s.fund(s.payer, 50), "the large claim does not hold up the small one")
	s.Require().Equal(stPayable, s.claim(big.ID).Status)
	s.Require().Equal(int64(40), s.escrowOf(s.payer))
	s.Require().Equal([]uint64{big.ID}, s.fund(s.payer, 9_460))
	s.Require().Zero(s.escrowOf(s.payer))
}

// Withdrawing a PAYABLE claim takes its cost sharing out of the accumulators
// and gives its prior-authorisation units back; funding then pays nothing.
func (s *KeeperTestSuite) TestScenarioWithdrawPayable() {
	pa := s.grantPA(s.cov, "70553", 3)
	// 70553 ×2 charge 2000: allowed 2000; deductible 100 → 1900; coinsurance
	// 20% of 1900 = 380; patient 480; plan 1520. J1100 ×10 charge 100:
	// coinsurance 10 (20 left to the maximum); patient 10; plan 90.
	res := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 2, 2000), line(hcpcs, "J1100", 10, 100)))
	s.Require().Equal(stPayable, res.Status)
	s.requireLines(res.ID, ok(2000, 100, 0, 380, 480, 1520, "1", "2").pa(pa), ok(100, 0, 0, 10, 10, 90, "2"))
	s.Require().Equal([2]int64{100, 490}, s.acc(s.cov))
	s.Require().Equal(uint32(2), s.pa(pa).UnitsUsed)

	before := s.money()
	s.withdraw(s.hospital, res.ID)
	s.Require().Equal(before, s.money())
	c := s.claim(res.ID)
	s.Require().Equal(stWithdrawn, c.Status)
	s.Require().False(c.Applied)
	s.Require().Equal([2]int64{0, 0}, s.acc(s.cov))
	s.Require().Equal(uint32(0), s.pa(pa).UnitsUsed)
	s.Require().Empty(s.byStatus(stPayable))

	s.Require().Empty(s.fund(s.payer, 5_000), "a withdrawn claim is never paid")
	s.Require().Zero(s.balance(s.hospital))

	// the units and the deductible are there for the next claim: 70553 ×3
	// charge 3000: deductible 100 → 2900; coinsurance 580 capped at the 400
	// left to 500; patient 500; plan 2500.
	next := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 3, 3000)))
	s.Require().Equal(stPaid, next.Status)
	s.requireLines(next.ID, ok(3000, 100, 0, 400, 500, 2500, "1", "2").pa(pa))
	s.Require().Equal(uint32(3), s.pa(pa).UnitsUsed)
}

// A claim billing what a live claim of the same provider already billed for
// the patient that day is denied (18); once the first is withdrawn, the same
// claim is accepted.
func (s *KeeperTestSuite) TestScenarioDuplicate() {
	msg := func() *types.MsgSubmitClaim {
		return s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150), line(hcpcs, "J1100", 10, 100))
	}
	first := s.submit(msg())
	s.Require().Equal(stPayable, first.Status)

	dup := s.submit(msg())
	s.Require().Equal(stDenied, dup.Status)
	s.requireLines(dup.ID, deny(types.CARCDuplicate), deny(types.CARCDuplicate))
	acc := s.acc(s.cov)

	// a partial duplicate: the new line is approved, the billed one is not
	part := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150), line(cpt, "97110", 1, 100)))
	s.Require().Equal(stPartial, part.Outcome)
	s.requireLines(part.ID, deny(types.CARCDuplicate), ok(100, 0, 15, 17, 32, 68, "3", "2"))
	s.withdraw(s.hospital, part.ID)
	s.Require().Equal(acc, s.acc(s.cov))

	// not duplicates: another provider, another day, another patient
	other := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "99213", 1, 150)))
	s.Require().Equal(stApproved, other.Outcome)
	earlier := msg()
	earlier.ServiceDate = serviceDate.Add(-24 * time.Hour)
	s.Require().Equal(stApproved, s.submit(earlier).Outcome)
	s.Require().Equal(stApproved, s.submit(s.claimMsg(s.hospital, s.patient2, s.cov2, line(cpt, "99213", 1, 150))).Outcome)
	// the same day at another hour is the same service day
	sameDay := msg()
	sameDay.ServiceDate = time.Date(2026, 3, 1, 23, 59, 59, 0, time.UTC)
	s.Require().Equal(stDenied, s.submit(sameDay).Outcome)

	s.withdraw(s.hospital, first.ID)
	again := s.submit(msg())
	s.Require().Equal(stApproved, again.Outcome)
	s.Require().Equal(stPayable, again.Status)
	owner, err := s.k.Duplicates.Get(s.ctx, collections.Join4(s.hospital, s.patient, "99213", types.ServiceDay(serviceDate).Unix()))
	s.Require().NoError(err)
	s.Require().Equal(again.ID, owner)
}

// A pended claim holds its slots: a second submission of it is denied 18.
func (s *KeeperTestSuite) TestScenarioDuplicateOfPended() {
	id, cov := s.pendedClaim(s.patient)
	dup := s.submit(s.claimMsg(s.hospital, s.patient, cov, line(hcpcs, "J1100", 10, 100)))
	s.requireLines(dup.ID, deny(types.CARCDuplicate))
	// the review frees the claim's own slots before checking again, so it
	// does not find itself a duplicate
	s.fund(s.payer, 1_000)
	s.Require().Equal(stPaid, s.review(s.payer, id, approve, ""))
	s.requireLines(id, pendedL1, pendedL2, pendedL3)
}

// An appealed claim waits for the payer's review, not for escrow: a PAYABLE
// partially approved claim that is appealed is not paid by a funding, and
// the payer reviews it.
func (s *KeeperTestSuite) TestScenarioAppealOfPayableWaitsForReview() {
	s.fund(s.payer, 50)
	id, cov := s.pendedClaim(s.patient)
	s.Require().Equal(stPayable, s.review(s.payer, id, partial, "50", 0, 2)) // 114 owed, 50 held
	s.Require().Equal([2]int64{100, 136}, s.acc(cov))
	s.appeal(s.hospital, id)
	s.Require().Equal(stAppealed, s.claim(id).Status)
	s.Require().Empty(s.byStatus(stPayable))

	s.Require().Empty(s.fund(s.payer, 1_000), "an appealed claim is not paid before its review")
	s.Require().Equal(stAppealed, s.claim(id).Status)
	s.Require().Zero(s.balance(s.hospital))

	before := s.money()
	s.Require().Equal(stPaid, s.review(s.payer, id, approve, ""))
	s.requireMoved(before, 182)
	s.Require().Equal([2]int64{100, 168}, s.acc(cov))
}

// The out-of-pocket maximum holds across claims of the plan year, and a new
// plan year starts from nothing.
func (s *KeeperTestSuite) TestScenarioPlanYear() {
	s.fund(s.payer, 100_000)
	pa := s.grantPA(s.cov, "70553", 10)
	// 70553 ×3 charge 3000: deductible 100 → 2900; coinsurance 580 capped
	// at 400; patient 500; plan 2500.
	first := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 3, 3000)))
	s.requireLines(first.ID, ok(3000, 100, 0, 400, 500, 2500, "1", "2").pa(pa))
	s.Require().Equal([2]int64{100, 500}, s.acc(s.cov))
	// maximum met: the plan pays all of the next claim's allowed amount
	second := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "99213", 1, 200)))
	s.requireLines(second.ID, ok(150, 0, 0, 0, 0, 150, "45"))
	s.Require().Equal([2]int64{100, 500}, s.acc(s.cov))

	// 2025 is another plan year: a coverage that began then starts from nothing
	enr := s.enrollMsg(s.payer, s.plan, s.patient)
	enr.Start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cov := s.enroll(enr)
	old := s.claimMsg(s.hospital, s.patient, cov, line(cpt, "99213", 1, 200))
	old.ServiceDate = time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC)
	res := s.submit(old)
	s.requireLines(res.ID, ok(150, 100, 20, 6, 126, 24, "45", "1", "3", "2"))
	q, err := s.qs.Accumulators(s.ctx, &types.QueryAccumulatorsRequest{CoverageId: cov, Year: 2025})
	s.Require().NoError(err)
	s.Require().Equal("126", q.Accumulator.OutOfPocketMet.String())
	s.Require().Equal([2]int64{0, 0}, s.acc(cov))
}

// A queue entry whose amount no longer matches what its claim is owed does
// not make funding fail (which would block every later funding of the payer):
// the claim is re-queued at its true amount and the funding goes through.
func (s *KeeperTestSuite) TestStaleQueueEntryDoesNotBlockFunding() {
	small := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "99213", 2, 400)))
	s.Require().Equal(stPayable, small.Status)
	key := collections.Join(s.payer, small.ID)
	owed, err := s.k.PayableQueue.Get(s.ctx, key)
	s.Require().NoError(err)
	s.Require().Zero(s.escrowOf(s.payer), "owed %s", owed)
	s.Require().Greater(owed.Int64(), int64(5))
	// Make the entry stale: queued for less than the claim is owed.
	stale := owed.SubRaw(5)
	s.Require().NoError(s.k.PayableByAmount.Remove(s.ctx, collections.Join3(s.payer, owed.BigInt().FillBytes(make([]byte, 32)), small.ID)))
	s.Require().NoError(s.k.PayableQueue.Set(s.ctx, key, stale))
	s.Require().NoError(s.k.Owed.Set(s.ctx, s.payer, stale))
	s.Require().NoError(s.k.PayableByAmount.Set(s.ctx, collections.Join3(s.payer, stale.BigInt().FillBytes(make([]byte, 32)), small.ID)))

	// Enough for the stale amount, not for the true one: nothing is paid, no error.
	s.Require().Empty(s.fund(s.payer, stale.Int64()))
	s.Require().Equal(stPayable, s.claim(small.ID).Status)
	requeued, err := s.k.PayableQueue.Get(s.ctx, key)
	s.Require().NoError(err)
	s.Require().Equal(owed.String(), requeued.String(), "re-queued at what it is owed")
	// The next funding pays it.
	s.Require().Equal([]uint64{small.ID}, s.fund(s.payer, 5))
	s.Require().Zero(s.escrowOf(s.payer))
}
