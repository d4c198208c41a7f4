package keeper_test

import (
	"strings"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/claims/types"
)

// TestEventsCarryNoClinicalCodes runs every kind of claims message (enrol,
// prior authorisation, escrow in and out, submit, review, appeal, withdraw,
// cancel, end coverage, plan update, settlement lock, reveal and lapse) on
// one event manager and checks that no event, of this module
// or another (bank transfers), carries a procedure code, an NDC, a
// diagnosis or the sealed diagnoses: events name parties, ids, statuses,
// amounts and CARC codes, so none pairs a patient account with a diagnosis
// or a procedure.
func (s *KeeperTestSuite) TestEventsCarryNoClinicalCodes() {
	s.freshEvents()
	ctx := s.ctx
	must := func(err error) {
		s.T().Helper()
		s.Require().NoError(err)
	}
	fund := func(amount int64) {
		_, err := s.ms.FundEscrow(ctx, &types.MsgFundEscrow{Payer: s.addr(s.payer), Amount: sdk.NewInt64Coin(denom, amount)})
		must(err)
	}
	submit := func(msg *types.MsgSubmitClaim) *types.MsgSubmitClaimResponse {
		res, err := s.ms.SubmitClaim(ctx, msg)
		must(err)
		return res
	}

	_, err := s.ms.Enroll(ctx, s.enrollMsg(s.payer, s.plan, s.stranger))
	must(err)
	_, err = s.ms.GrantPriorAuth(ctx, &types.MsgGrantPriorAuth{Payer: s.addr(s.payer), CoverageID: s.cov, Code: "70553", Units: 2, Start: covStart, End: covEnd})
	must(err)

	// Escrow short: the claim waits, then the payer cancels it.
	fund(50)
	waiting := submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 200), line(hcpcs, "J1100", 10, 100)))
	s.Require().Equal(stPayable, waiting.Status)
	_, err = s.ms.CancelClaim(ctx, &types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: waiting.ID, Reason: "27"})
	must(err)

	// Pended for manual review, partly approved, appealed, approved.
	fund(10_000)
	msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "0042T", 1, 300), line(cpt, "70553", 1, 1000))
	dx := seal("G43.909", "R51.9")
	msg.DiagnosesCommitment, msg.DiagnosesCiphertext = dx.Commitment, dx.Ciphertext
	pended := submit(msg)
	s.Require().Equal(stPended, pended.Status)
	_, err = s.ms.ReviewClaim(ctx, &types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: pended.ID, Decision: partial, ApproveLines: []uint64{1}, Reason: "50"})
	must(err)
	_, err = s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: pended.ID, Reason: necessity})
	must(err)
	_, err = s.ms.ReviewClaim(ctx, &types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: pended.ID, Decision: approve})
	must(err)
	s.Require().Equal(stPaid, s.claim(pended.ID).Status)

	// A pharmacy claim paid at once; a pended one withdrawn; a coverage ended.
	s.Require().Equal(stPaid, submit(s.claimMsg(s.pharmacy, s.patient2, s.cov2, line(ndc, "00093-4155-73", 30, 150))).Status)
	withdrawn := submit(s.claimMsg(s.lab, s.patient2, s.cov2, line(cpt, "0042T", 1, 300), line(cpt, "97110", 1, 100)))
	_, err = s.ms.WithdrawClaim(ctx, &types.MsgWithdrawClaim{Provider: s.addr(s.lab), ClaimID: withdrawn.ID})
	must(err)
	_, err = s.ms.EndCoverage(ctx, &types.MsgEndCoverage{Payer: s.addr(s.payer), CoverageID: s.cov2, End: s.now().Add(24 * time.Hour)})
	must(err)
	_, err = s.ms.WithdrawEscrow(ctx, &types.MsgWithdrawEscrow{Payer: s.addr(s.payer), Amount: sdk.NewInt64Coin(denom, 1)})
	must(err)
	plan := s.planMsg(s.payer)
	_, err = s.ms.UpdatePlan(ctx, &types.MsgUpdatePlan{Payer: plan.Payer, PlanID: s.plan, Name: plan.Name, Services: plan.Services,
		Deductible: plan.Deductible, OutOfPocketMax: plan.OutOfPocketMax, ReviewThreshold: plan.ReviewThreshold})
	must(err)

	// Settled on Ethereum: a pended claim locked and approved with the
	// preimage, another locked and denied (the lock lapses).
	for i, provider := range []sdk.AccAddress{s.lab, s.pharmacy} {
		res := submit(s.claimMsg(provider, s.patient, s.cov, line(cpt, "0042T", 1, 300)))
		s.Require().Equal(stPended, res.Status)
		sec := newSecret(provider.String())
		_, err = s.ms.LockClaimSettlement(ctx, s.lockMsg(s.payer, res.ID, sec))
		must(err)
		_, err = s.ms.ConfirmClaimSettlement(ctx, s.confirmMsg(s.addr(provider), res.ID, sec.hashlock))
		must(err)
		review := s.reviewMsg(s.payer, res.ID, approve, sec.preimage)
		if i == 1 {
			review = s.reviewMsg(s.payer, res.ID, denyAll, nil)
		}
		_, err = s.ms.ReviewClaim(ctx, review)
		must(err)
	}

	clinical := []string{"99213", "J1100", "0042T", "70553", "97110", "00093-4155-73", "E11.9", "G43.909", "R51.9"}
	kinds := map[string]bool{}
	for _, e := range ctx.EventManager().ABCIEvents() {
		if strings.HasPrefix(e.Type, claimsEvent) {
			kinds[e.Type] = true
		}
		if strings.Contains(e.Type, "Settlement") {
			// The settlement events name no patient (EventClaimStatus does, as before).
			for _, a := range e.Attributes {
				s.Require().NotContains(a.Value, s.addr(s.patient), "event %s attribute %s", e.Type, a.Key)
			}
		}
		for _, a := range e.Attributes {
			s.Require().NotContains(strings.ToLower(a.Key), "diagnos", "event %s", e.Type)
			s.Require().NotContains(strings.ToLower(a.Key), "code", "event %s", e.Type)
			for _, c := range clinical {
				s.Require().NotContains(a.Value, c, "event %s attribute %s", e.Type, a.Key)
			}
		}
	}
	// Every claims event type was emitted at least once, so each was checked.
	for _, kind := range []string{"EventPlanDefined", "EventCoverageChanged", "EventPriorAuthGranted", "EventEscrowFunded",
		"EventClaimStatus", "EventClaimPaid", "EventClaimCancelled", "EventEscrowWithdrawn",
		"EventClaimSettlementLocked", "EventClaimSettlementConfirmed", "EventClaimSettlementRevealed", "EventClaimSettlementLapsed"} {
		s.Require().True(kinds[claimsEvent+"v1."+kind], kind)
	}
	s.Require().Len(kinds, 12, "a new event type: add it above")
}
