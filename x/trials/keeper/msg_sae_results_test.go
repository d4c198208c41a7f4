package keeper_test

import (
	"math"

	"cosmossdk.io/collections"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/trials/types"
)

func (s *KeeperTestSuite) saeMsg(id uint64, fatal, unexpected bool) *types.MsgReportSAE {
	return &types.MsgReportSAE{Site: s.str(s.site), TrialID: id, FatalOrLifeThreatening: fatal, Unexpected: unexpected}
}

func (s *KeeperTestSuite) saeReport(sae uint64) *types.MsgSubmitSAEReport {
	return &types.MsgSubmitSAEReport{Sponsor: s.str(s.sponsor), SAEID: sae, Commitment: commitment("susar"), CID: cid("susar")}
}

func (s *KeeperTestSuite) TestSAEClocks() {
	id := s.register()
	s.refuse(types.ErrNotRecruiting, testkit.Call(s.ms.ReportSAE, s.saeMsg(id, true, true)))
	s.approve(id, 1)
	s.fresh()
	now := s.ctx.BlockTime()

	fatal, err := s.ms.ReportSAE(s.ctx, s.saeMsg(id, true, true))
	s.Require().NoError(err)
	s.Require().Equal(now.Add(7*day), fatal.DueAt)
	expected, err := s.ms.ReportSAE(s.ctx, s.saeMsg(id, true, false))
	s.Require().NoError(err)
	s.Require().Equal(now.Add(15*day), expected.DueAt, "an expected reaction is not expedited")
	other, err := s.ms.ReportSAE(s.ctx, s.saeMsg(id, false, true))
	s.Require().NoError(err)
	s.Require().Equal(now.Add(15*day), other.DueAt)
	s.Require().Len(testkit.Events[*types.EventSAEOpened](s.ctx), 3)

	for _, who := range []string{s.str(s.sponsor), s.str(s.otherHospital), s.str(s.irb), s.str(s.subject), s.str(s.regulator)} {
		m := s.saeMsg(id, true, true)
		m.Site = who
		s.refuse(types.ErrNotSite, testkit.Call(s.ms.ReportSAE, m))
	}

	// The sponsor reports the first in time.
	for _, who := range []string{s.str(s.sponsor2), s.str(s.site), s.str(s.irb), s.str(s.regulator)} {
		m := s.saeReport(fatal.ID)
		m.Sponsor = who
		s.refuse(types.ErrNotSponsor, testkit.Call(s.ms.SubmitSAEReport, m))
	}
	s.refuse(types.ErrSAENotFound, testkit.Call(s.ms.SubmitSAEReport, s.saeReport(99)))
	s.advance(6 * day)
	res, err := s.ms.SubmitSAEReport(s.ctx, s.saeReport(fatal.ID))
	s.Require().NoError(err)
	s.Require().False(res.Late)
	s.refuse(types.ErrSAEAlreadyReported, testkit.Call(s.ms.SubmitSAEReport, s.saeReport(fatal.ID)))

	// Day 16: both 15-day clocks are overdue (missing reports).
	s.advance(10 * day)
	overdue, err := s.qs.OverdueSAEs(s.ctx, &types.QueryOverdueSAEsRequest{})
	s.Require().NoError(err)
	s.Require().Len(overdue.Clocks, 2)
	one, err := s.qs.SAEClock(s.ctx, &types.QuerySAEClockRequest{Id: expected.ID})
	s.Require().NoError(err)
	s.Require().True(one.Overdue)

	// A late report is accepted, and flagged.
	s.fresh()
	res, err = s.ms.SubmitSAEReport(s.ctx, s.saeReport(expected.ID))
	s.Require().NoError(err)
	s.Require().True(res.Late)
	ev := testkit.Events[*types.EventSAEReported](s.ctx)
	s.Require().Len(ev, 1)
	s.Require().True(ev[0].Late)
	late, err := s.qs.LateSAEs(s.ctx, &types.QueryLateSAEsRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().Len(late.Clocks, 1)
	s.Require().Equal(expected.ID, late.Clocks[0].ID)
	overdue, err = s.qs.OverdueSAEs(s.ctx, &types.QueryOverdueSAEsRequest{})
	s.Require().NoError(err)
	s.Require().Len(overdue.Clocks, 1)
	s.Require().Equal(other.ID, overdue.Clocks[0].ID)
	all, err := s.qs.SAEClocks(s.ctx, &types.QuerySAEClocksRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().Len(all.Clocks, 3)
}

func (s *KeeperTestSuite) lockMsg(id uint64) *types.MsgLockDatabase {
	return &types.MsgLockDatabase{Sponsor: s.str(s.sponsor), TrialID: id, Commitment: commitment("dataset"), CID: cid("dataset")}
}

func (s *KeeperTestSuite) TestLockDatabase() {
	id := s.register()
	s.refuse(types.ErrNotRecruiting, testkit.Call(s.ms.LockDatabase, s.lockMsg(id)))
	s.approve(id, 1)
	c := s.grant(s.subject, s.site, "CLINTRL", category)
	s.bind(s.subject, s.site, id, 1)
	s.enrol(s.site, s.subject, id)
	s.grant(s.subject2, s.site, "CLINTRL", category)
	s.bind(s.subject2, s.site, id, 1)
	s.record(s.site, s.subject, id, "V1")
	v := s.amend(id, false)
	s.fresh()
	for _, who := range []string{s.str(s.sponsor2), s.str(s.site), s.str(s.irb), s.str(s.regulator), s.str(s.subject)} {
		m := s.lockMsg(id)
		m.Sponsor = who
		s.refuse(types.ErrNotSponsor, testkit.Call(s.ms.LockDatabase, m))
	}
	_, err := s.ms.LockDatabase(s.ctx, s.lockMsg(id))
	s.Require().NoError(err)
	t := s.trial(id)
	s.Require().Equal(types.TrialStatus_TRIAL_STATUS_LOCKED, t.Status)
	s.Require().Equal(commitment("dataset"), t.LockCommitment)
	s.Require().Len(testkit.Events[*types.EventDatabaseLocked](s.ctx), 1)

	// Nothing changes the dataset after the lock.
	s.refuse(types.ErrTrialClosed, testkit.Call(s.ms.LockDatabase, s.lockMsg(id)))
	s.refuse(types.ErrTrialClosed, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject, id, "V2")))
	s.refuse(types.ErrTrialClosed, testkit.Call(s.ms.AmendData, s.amendMsg(id, "V1")))
	s.refuse(types.ErrTrialClosed, testkit.Call(s.ms.EnrolSubject, s.enrolMsg(s.site, s.subject2, id)))
	s.refuse(types.ErrTrialClosed, testkit.Call(s.ms.ConsentToVersion, s.consentMsg(s.subject2, s.site, id, 1)))
	s.refuse(types.ErrTrialClosed, testkit.Call(s.ms.ApproveVersion, &types.MsgApproveVersion{EthicsCommittee: s.str(s.irb), TrialID: id, Version: v}))
	s.refuse(types.ErrTrialClosed, testkit.Call(s.ms.AmendProtocol, &types.MsgAmendProtocol{Sponsor: s.str(s.sponsor), TrialID: id,
		Commitment: commitment("late"), CID: cid("late")}))
	// Follow-up SAEs are still reported; a subject still withdraws.
	_, err = s.ms.ReportSAE(s.ctx, s.saeMsg(id, false, false))
	s.Require().NoError(err)
	s.revoke(s.subject, c)
	_, err = s.ms.Withdraw(s.ctx, &types.MsgWithdraw{Subject: s.str(s.subject), TrialID: id})
	s.Require().NoError(err)
}

// faithful reports every pre-specified outcome as registered.
func faithful() []types.ReportedOutcome {
	return []types.ReportedOutcome{
		{Outcome: types.Outcome{Number: 1, Kind: types.OutcomeKind_OUTCOME_KIND_PRIMARY}, Commitment: commitment("r1"), CID: cid("r1")},
		{Outcome: types.Outcome{Number: 2, Kind: types.OutcomeKind_OUTCOME_KIND_SECONDARY}, Commitment: commitment("r2"), CID: cid("r2")},
		{Outcome: types.Outcome{Number: 3, Kind: types.OutcomeKind_OUTCOME_KIND_SECONDARY}, Commitment: commitment("r3"), CID: cid("r3")},
	}
}

func (s *KeeperTestSuite) resultsMsg(id uint64, outcomes []types.ReportedOutcome, omissions ...types.Omission) *types.MsgReportResults {
	return &types.MsgReportResults{Sponsor: s.str(s.sponsor), TrialID: id, Outcomes: outcomes, Omissions: omissions}
}

func (s *KeeperTestSuite) locked() uint64 {
	s.T().Helper()
	id := s.recruiting()
	_, err := s.ms.LockDatabase(s.ctx, s.lockMsg(id))
	s.Require().NoError(err)
	s.fresh()
	return id
}

func (s *KeeperTestSuite) TestReportResultsFaithful() {
	id := s.recruiting()
	s.refuse(types.ErrNotLocked, testkit.Call(s.ms.ReportResults, s.resultsMsg(id, faithful())))
	_, err := s.ms.LockDatabase(s.ctx, s.lockMsg(id))
	s.Require().NoError(err)
	s.fresh()
	for _, who := range []string{s.str(s.sponsor2), s.str(s.site), s.str(s.irb), s.str(s.regulator)} {
		m := s.resultsMsg(id, faithful())
		m.Sponsor = who
		s.refuse(types.ErrNotSponsor, testkit.Call(s.ms.ReportResults, m))
	}
	res, err := s.ms.ReportResults(s.ctx, s.resultsMsg(id, faithful()))
	s.Require().NoError(err)
	s.Require().Zero(res.Switches)
	s.Require().False(res.Late)
	s.Require().Empty(testkit.Events[*types.EventOutcomeSwitch](s.ctx))
	s.Require().Equal(types.TrialStatus_TRIAL_STATUS_RESULTS_REPORTED, s.trial(id).Status)
	r, err := s.qs.Results(s.ctx, &types.QueryResultsRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().Len(r.Results.Outcomes, 3)
	s.refuse(types.ErrTrialClosed, testkit.Call(s.ms.ReportResults, s.resultsMsg(id, faithful())))
}

func (s *KeeperTestSuite) TestOutcomeSwitch() {
	id := s.locked()
	newPrimary := types.ReportedOutcome{
		Outcome:    types.Outcome{Kind: types.OutcomeKind_OUTCOME_KIND_PRIMARY, Measure: "Fasting plasma glucose", TimeFrame: "12 weeks"},
		Commitment: commitment("new"), CID: cid("new"),
	}
	// The pre-specified primary dropped silently, replaced by a new one: refused without reasons.
	switched := append([]types.ReportedOutcome{newPrimary}, faithful()[1:]...)
	s.refuse(types.ErrUnexplainedSwitch, testkit.Call(s.ms.ReportResults, s.resultsMsg(id, switched)))
	withReason := newPrimary
	withReason.Reason = types.SwitchReason_SWITCH_REASON_FEASIBILITY
	switched[0] = withReason
	s.refuse(types.ErrUnexplainedSwitch, testkit.Call(s.ms.ReportResults, s.resultsMsg(id, switched))) // outcome 1 neither reported nor omitted
	// A reason on an outcome reported as registered is refused.
	noSwitch := faithful()
	noSwitch[0].Reason = types.SwitchReason_SWITCH_REASON_OTHER
	s.refuse(types.ErrInvalidResults, testkit.Call(s.ms.ReportResults, s.resultsMsg(id, noSwitch)))
	// An outcome the trial never had.
	unknown := faithful()
	unknown[2].Outcome.Number = 9
	s.refuse(types.ErrInvalidResults, testkit.Call(s.ms.ReportResults, s.resultsMsg(id, unknown)))

	omit := types.Omission{Number: 1, Reason: types.SwitchReason_SWITCH_REASON_FEASIBILITY}
	res, err := s.ms.ReportResults(s.ctx, s.resultsMsg(id, switched, omit))
	s.Require().NoError(err)
	s.Require().EqualValues(2, res.Switches)
	sw, err := s.qs.OutcomeSwitches(s.ctx, &types.QueryOutcomeSwitchesRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().Len(sw.Switches, 2)
	s.Require().Equal(types.SwitchKind_SWITCH_KIND_ADDED_PRIMARY, sw.Switches[0].Kind)
	s.Require().Equal("Fasting plasma glucose", sw.Switches[0].Outcome.Measure)
	s.Require().Equal(types.SwitchKind_SWITCH_KIND_OMITTED_PRIMARY, sw.Switches[1].Kind)
	s.Require().Equal("Change in HbA1c", sw.Switches[1].Outcome.Measure)
	s.Require().Equal(types.SwitchReason_SWITCH_REASON_FEASIBILITY, sw.Switches[1].Reason)
	ev := testkit.Events[*types.EventOutcomeSwitch](s.ctx)
	s.Require().Len(ev, 2)
	s.Require().EqualValues(1, ev[1].OutcomeNumber)
}

func (s *KeeperTestSuite) TestResultsOverdue() {
	id := s.locked()
	msg := s.registerMsg()
	msg.RegistryID = "NCT00000002"
	msg.PrimaryCompletion = s.ctx.BlockTime().Add(700 * day)
	other, err := s.ms.RegisterTrial(s.ctx, msg)
	s.Require().NoError(err)

	s.advance(365*day + 364*day) // primary completion + 364 days
	res, err := s.qs.OverdueResults(s.ctx, &types.QueryOverdueResultsRequest{})
	s.Require().NoError(err)
	s.Require().Empty(res.Trials)
	s.advance(2 * day)
	res, err = s.qs.OverdueResults(s.ctx, &types.QueryOverdueResultsRequest{})
	s.Require().NoError(err)
	s.Require().Len(res.Trials, 1)
	s.Require().Equal(id, res.Trials[0].ID)
	s.Require().NotEqual(other.ID, res.Trials[0].ID)

	rep, err := s.ms.ReportResults(s.ctx, s.resultsMsg(id, faithful()))
	s.Require().NoError(err)
	s.Require().True(rep.Late)
	r, err := s.qs.Results(s.ctx, &types.QueryResultsRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().True(r.Results.Late)
	res, err = s.qs.OverdueResults(s.ctx, &types.QueryOverdueResultsRequest{})
	s.Require().NoError(err)
	s.Require().Empty(res.Trials)
}

// TestLimits: no counter or id wraps; each limit is refused with state unchanged.
func (s *KeeperTestSuite) TestLimits() {
	id, _ := s.enrolled()

	t := s.trial(id)
	t.LatestVersion = types.MaxVersions
	s.Require().NoError(s.k.Trials.Set(s.ctx, id, t))
	v1, err := s.k.Versions.Get(s.ctx, collections.Join(id, uint32(1)))
	s.Require().NoError(err)
	v1.Number = types.MaxVersions
	s.Require().NoError(s.k.Versions.Set(s.ctx, collections.Join(id, uint32(types.MaxVersions)), v1))
	s.refuse(types.ErrLimitReached, testkit.Call(s.ms.AmendProtocol, &types.MsgAmendProtocol{Sponsor: s.str(s.sponsor), TrialID: id,
		Commitment: commitment("x"), CID: cid("x")}))

	t.Enrolled = math.MaxUint64
	s.Require().NoError(s.k.Trials.Set(s.ctx, id, t))
	s.grant(s.subject2, s.site, "CLINTRL", category)
	s.bind(s.subject2, s.site, id, 1)
	s.refuse(types.ErrLimitReached, testkit.Call(s.ms.EnrolSubject, s.enrolMsg(s.site, s.subject2, id)))

	entry := s.record(s.site, s.subject, id, "V1")
	d, err := s.k.Data.Get(s.ctx, entry)
	s.Require().NoError(err)
	d.Version = types.MaxDataVersions
	s.Require().NoError(s.k.Data.Set(s.ctx, entry, d))
	s.refuse(types.ErrLimitReached, testkit.Call(s.ms.AmendData, s.amendMsg(id, "V1")))

	for _, seq := range []collections.Sequence{s.k.TrialSeq, s.k.DataSeq, s.k.SAESeq} {
		s.Require().NoError(seq.Set(s.ctx, math.MaxUint64))
	}
	msg := s.registerMsg()
	msg.RegistryID = "NCT00000003"
	s.refuse(types.ErrIDsExhausted, testkit.Call(s.ms.RegisterTrial, msg))
	s.refuse(types.ErrIDsExhausted, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject, id, "V2")))
	s.refuse(types.ErrIDsExhausted, testkit.Call(s.ms.ReportSAE, s.saeMsg(id, true, true)))
}
