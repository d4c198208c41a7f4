package keeper_test

import (
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/testkit"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/trials/types"
)

func (s *KeeperTestSuite) TestConsentToVersion() {
	id := s.register()
	c := s.grant(s.subject, s.site, "HRESCH", category)
	s.refuse(types.ErrNotRecruiting, testkit.Call(s.ms.ConsentToVersion, s.consentMsg(s.subject, s.site, id, 1)))
	s.approve(id, 1)
	s.fresh()

	res, err := s.ms.ConsentToVersion(s.ctx, s.consentMsg(s.subject, s.site, id, 1))
	s.Require().NoError(err)
	s.Require().Equal(c, res.ConsentID)
	e := s.enrolment(id, s.subject)
	s.Require().Equal(types.EnrolmentStatus_ENROLMENT_STATUS_CONSENTED, e.Status)
	s.Require().Equal("HRESCH", e.Purpose)
	s.Require().EqualValues(1, e.ConsentedVersion)
	ev := testkit.Events[*types.EventSubjectConsented](s.ctx)
	s.Require().Len(ev, 1)

	// Refusals, for subject2 who has no consent yet.
	m := func(f func(*types.MsgConsentToVersion)) *types.MsgConsentToVersion {
		msg := s.consentMsg(s.subject2, s.site, id, 1)
		f(msg)
		return msg
	}
	s.refuse(types.ErrConsentNotLive, testkit.Call(s.ms.ConsentToVersion, m(func(*types.MsgConsentToVersion) {})))
	s.grant(s.subject2, s.site, "TREAT", category)
	s.refuse(types.ErrConsentNotLive, testkit.Call(s.ms.ConsentToVersion, m(func(*types.MsgConsentToVersion) {}))) // treatment is not research
	s.grant(s.subject2, s.site, "CLINTRL", "Observation")
	s.refuse(types.ErrConsentNotLive, testkit.Call(s.ms.ConsentToVersion, m(func(*types.MsgConsentToVersion) {}))) // another category
	s.grant(s.subject2, s.site2, "CLINTRL", category)
	s.refuse(types.ErrConsentNotLive, testkit.Call(s.ms.ConsentToVersion, m(func(*types.MsgConsentToVersion) {}))) // consent to another site
	s.grant(s.subject2, s.otherHospital, "CLINTRL", category)
	s.refuse(types.ErrNotSite, testkit.Call(s.ms.ConsentToVersion, m(func(m *types.MsgConsentToVersion) { m.Site = s.str(s.otherHospital) })))
	s.refuse(types.ErrVersionNotApproved, testkit.Call(s.ms.ConsentToVersion, m(func(m *types.MsgConsentToVersion) { m.Site, m.Version = s.str(s.site2), 2 })))
	s.refuse(types.ErrTrialNotFound, testkit.Call(s.ms.ConsentToVersion, m(func(m *types.MsgConsentToVersion) { m.Site, m.TrialID = s.str(s.site2), 7 })))
	s.refuse(types.ErrSubjectIsSite, testkit.Call(s.ms.ConsentToVersion, m(func(m *types.MsgConsentToVersion) { m.Subject = m.Site })))
	// The subject consented with site: naming site2 now is refused.
	s.grant(s.subject, s.site2, "CLINTRL", category)
	s.refuse(types.ErrNotSite, testkit.Call(s.ms.ConsentToVersion, s.consentMsg(s.subject, s.site2, id, 1)))
	// A revoked consent binds nothing.
	s.revoke(s.subject, c)
	s.refuse(types.ErrConsentNotLive, testkit.Call(s.ms.ConsentToVersion, s.consentMsg(s.subject, s.site, id, 1)))
	// A pending amendment is not consented to; the approved one is.
	v := s.amend(id, true)
	s.grant(s.subject, s.site, "CLINTRL", category)
	s.refuse(types.ErrVersionNotApproved, testkit.Call(s.ms.ConsentToVersion, s.consentMsg(s.subject, s.site, id, v)))
	s.approve(id, v)
	s.refuse(types.ErrVersionNotApproved, testkit.Call(s.ms.ConsentToVersion, s.consentMsg(s.subject, s.site, id, 1)))
	s.bind(s.subject, s.site, id, v)
	s.Require().EqualValues(v, s.enrolment(id, s.subject).ConsentedVersion)
}

func (s *KeeperTestSuite) TestEnrolSubject() {
	id := s.recruiting()
	s.grant(s.subject, s.site, "CLINTRL", category)
	s.refuse(types.ErrNotConsented, testkit.Call(s.ms.EnrolSubject, s.enrolMsg(s.site, s.subject, id)))
	s.bind(s.subject, s.site, id, 1)
	s.members.Suspend(s.suspended)
	s.fresh()
	wrong := map[string]error{
		s.str(s.site2):         types.ErrNotSite, // a site of the trial, but the subject consented with site
		s.str(s.otherHospital): types.ErrNotSite,
		s.str(s.sponsor):       types.ErrNotSite,
		s.str(s.irb):           types.ErrNotSite,
		s.str(s.regulator):     types.ErrNotSite,
		s.str(s.stranger):      types.ErrNotSite,
		s.str(s.suspended):     types.ErrNotSite,
	}
	for who, want := range wrong {
		msg := &types.MsgEnrolSubject{Site: who, TrialID: id, Subject: s.str(s.subject)}
		s.refuse(want, testkit.Call(s.ms.EnrolSubject, msg))
	}
	// The subject cannot enrol themself: the subject is no site.
	s.refuse(types.ErrSubjectIsSite, testkit.Call(s.ms.EnrolSubject, &types.MsgEnrolSubject{Site: s.str(s.subject), TrialID: id, Subject: s.str(s.subject)}))

	s.enrol(s.site, s.subject, id)
	s.Require().Equal(types.EnrolmentStatus_ENROLMENT_STATUS_ENROLLED, s.enrolment(id, s.subject).Status)
	s.Require().EqualValues(1, s.trial(id).Enrolled)
	s.Require().Len(testkit.Events[*types.EventSubjectEnrolled](s.ctx), 1)
	s.refuse(types.ErrAlreadyEnrolled, testkit.Call(s.ms.EnrolSubject, s.enrolMsg(s.site, s.subject, id)))

	// subject2 consented under version 1; version 2 came into force: not enrolled until they consent to it.
	c2 := s.grant(s.subject2, s.site2, "CLINTRL", category)
	s.bind(s.subject2, s.site2, id, 1)
	s.amend(id, false)
	s.approve(id, 2)
	s.refuse(types.ErrNotConsented, testkit.Call(s.ms.EnrolSubject, s.enrolMsg(s.site2, s.subject2, id)))
	s.bind(s.subject2, s.site2, id, 2)
	// A consent revoked after binding enrols nobody.
	s.revoke(s.subject2, c2)
	s.refuse(types.ErrConsentNotLive, testkit.Call(s.ms.EnrolSubject, s.enrolMsg(s.site2, s.subject2, id)))
	s.grant(s.subject2, s.site2, "CLINTRL", category)
	s.bind(s.subject2, s.site2, id, 2)
	s.enrol(s.site2, s.subject2, id)

	counts, err := s.qs.EnrolmentCounts(s.ctx, &types.QueryEnrolmentCountsRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().Len(counts.Counts, 2)
	got := map[string]uint32{}
	for _, c := range counts.Counts {
		s.Require().EqualValues(1, c.Count)
		got[c.Site] = c.Version
	}
	s.Require().Equal(map[string]uint32{s.str(s.site): 1, s.str(s.site2): 2}, got)

	// A withdrawn subject is not enrolled again.
	s.grant(s.stranger, s.site, "CLINTRL", category)
	s.bind(s.stranger, s.site, id, 2)
	_, err = s.ms.Withdraw(s.ctx, &types.MsgWithdraw{Subject: s.str(s.stranger), TrialID: id})
	s.Require().NoError(err)
	s.refuse(types.ErrWithdrawn, testkit.Call(s.ms.EnrolSubject, s.enrolMsg(s.site, s.stranger, id)))
	s.refuse(types.ErrWithdrawn, testkit.Call(s.ms.ConsentToVersion, s.consentMsg(s.stranger, s.site, id, 2)))
}

func (s *KeeperTestSuite) TestRecordData() {
	id, c := s.enrolled()
	entry := s.record(s.site, s.subject, id, "V1")
	ev := testkit.Events[*types.EventDataRecorded](s.ctx)
	s.Require().Len(ev, 1)
	s.Require().Equal(entry, ev[0].EntryID)
	s.refuse(types.ErrAlreadyRecorded, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject, id, "V1")))

	s.members.Suspend(s.suspended)
	for who, want := range map[string]error{
		s.str(s.site2): types.ErrNotSite, s.str(s.otherHospital): types.ErrNotSite, s.str(s.sponsor): types.ErrNotSite,
		s.str(s.irb): types.ErrNotSite, s.str(s.subject): types.ErrNotSite, s.str(s.stranger): types.ErrNotSite,
		s.str(s.suspended): types.ErrNotSite,
	} {
		msg := s.recordMsg(s.site, s.subject, id, "V2")
		msg.Site = who
		s.refuse(want, testkit.Call(s.ms.RecordData, msg))
	}
	// A subject who only consented, and one unknown to the trial.
	s.grant(s.subject2, s.site, "CLINTRL", category)
	s.bind(s.subject2, s.site, id, 1)
	s.refuse(types.ErrNotEnrolled, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject2, id, "V1")))
	s.refuse(types.ErrNotEnrolled, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.stranger, id, "V1")))
	s.refuse(types.ErrInvalidVisit, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject, id, "2026-03-01 visit")))

	// Narrowing the consent (dropping the trial's category) stops data at once.
	_, err := s.consentMS.AmendConsent(s.ctx, &consenttypes.MsgAmendConsent{Signer: s.str(s.subject), ConsentID: c,
		Categories: []string{"Observation"}, End: s.ctx.BlockTime().Add(300 * day)})
	s.Require().NoError(err)
	s.Require().False(s.mayRecord(id, s.subject))
	s.refuse(types.ErrConsentNotLive, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject, id, "V2")))
	_, err = s.consentMS.AmendConsent(s.ctx, &consenttypes.MsgAmendConsent{Signer: s.str(s.subject), ConsentID: c,
		Categories: []string{category}, End: s.ctx.BlockTime().Add(300 * day)})
	s.Require().NoError(err)
	s.Require().True(s.mayRecord(id, s.subject))
	s.record(s.site, s.subject, id, "V2")

	// Revoking the consent (withdrawal) stops data at once; what was recorded stays.
	s.revoke(s.subject, c)
	s.refuse(types.ErrConsentNotLive, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject, id, "V3")))
	data, err := s.qs.SubjectData(s.ctx, &types.QuerySubjectDataRequest{TrialId: id, Subject: s.str(s.subject)})
	s.Require().NoError(err)
	s.Require().Len(data.Entries, 2)
}

func (s *KeeperTestSuite) TestReconsent() {
	id, _ := s.enrolled()
	s.grant(s.subject2, s.site2, "HRESCH", category)
	s.bind(s.subject2, s.site2, id, 1)
	s.enrol(s.site2, s.subject2, id)
	s.record(s.site, s.subject, id, "V1")

	// An amendment that needs no re-consent changes nothing for data.
	s.approve(id, s.amend(id, false))
	s.record(s.site, s.subject, id, "V2")

	// One that does: data stops once it is approved, not while it is pending.
	v := s.amend(id, true)
	s.record(s.site, s.subject, id, "V3")
	s.approve(id, v)
	s.fresh()
	s.Require().False(s.mayRecord(id, s.subject))
	err := s.refuse(types.ErrReconsentRequired, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject, id, "V4")))
	s.Require().ErrorContains(err, "version 3 requires re-consent")
	s.refuse(types.ErrReconsentRequired, testkit.Call(s.ms.RecordData, s.recordMsg(s.site2, s.subject2, id, "V1")))

	need, err := s.qs.NeedingReconsent(s.ctx, &types.QueryNeedingReconsentRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().Len(need.Enrolments, 2)
	page, err := s.qs.NeedingReconsent(s.ctx, &types.QueryNeedingReconsentRequest{TrialId: id, Pagination: &query.PageRequest{Limit: 1}})
	s.Require().NoError(err)
	s.Require().Len(page.Enrolments, 1)
	s.Require().NotEmpty(page.Pagination.NextKey)

	// subject re-consents: data again, for them only.
	s.bind(s.subject, s.site, id, v)
	s.record(s.site, s.subject, id, "V4")
	s.refuse(types.ErrReconsentRequired, testkit.Call(s.ms.RecordData, s.recordMsg(s.site2, s.subject2, id, "V1")))
	need, err = s.qs.NeedingReconsent(s.ctx, &types.QueryNeedingReconsentRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().Len(need.Enrolments, 1)
	s.Require().Equal(s.str(s.subject2), need.Enrolments[0].Subject)

	// subject2 withdraws: no longer listed, still no data.
	_, err = s.ms.Withdraw(s.ctx, &types.MsgWithdraw{Subject: s.str(s.subject2), TrialID: id})
	s.Require().NoError(err)
	s.refuse(types.ErrWithdrawn, testkit.Call(s.ms.RecordData, s.recordMsg(s.site2, s.subject2, id, "V1")))
	need, err = s.qs.NeedingReconsent(s.ctx, &types.QueryNeedingReconsentRequest{TrialId: id})
	s.Require().NoError(err)
	s.Require().Empty(need.Enrolments)
}

func (s *KeeperTestSuite) TestWithdraw() {
	id, _ := s.enrolled()
	s.record(s.site, s.subject, id, "V1")
	for name, who := range map[string]string{"site": s.str(s.site), "sponsor": s.str(s.sponsor), "stranger": s.str(s.stranger)} {
		s.Run(name, func() {
			s.refuse(types.ErrNotEnrolled, testkit.Call(s.ms.Withdraw, &types.MsgWithdraw{Subject: who, TrialID: id}))
		})
	}
	s.refuse(types.ErrTrialNotFound, testkit.Call(s.ms.Withdraw, &types.MsgWithdraw{Subject: s.str(s.subject), TrialID: 5}))
	s.fresh()
	_, err := s.ms.Withdraw(s.ctx, &types.MsgWithdraw{Subject: s.str(s.subject), TrialID: id})
	s.Require().NoError(err)
	ev := testkit.Events[*types.EventSubjectWithdrawn](s.ctx)
	s.Require().Len(ev, 1)
	s.Require().Equal(s.str(s.site), ev[0].Site)
	s.refuse(types.ErrWithdrawn, testkit.Call(s.ms.Withdraw, &types.MsgWithdraw{Subject: s.str(s.subject), TrialID: id}))
	s.refuse(types.ErrWithdrawn, testkit.Call(s.ms.RecordData, s.recordMsg(s.site, s.subject, id, "V2")))
	s.refuse(types.ErrWithdrawn, testkit.Call(s.ms.AmendData, s.amendMsg(id, "V1")))
	data, err := s.qs.SubjectData(s.ctx, &types.QuerySubjectDataRequest{TrialId: id, Subject: s.str(s.subject)})
	s.Require().NoError(err)
	s.Require().Len(data.Entries, 1, "data recorded before withdrawal stays")
	// Enrolment counts keep the withdrawn subject: they were enrolled.
	s.Require().EqualValues(1, s.trial(id).Enrolled)
}

func (s *KeeperTestSuite) amendMsg(id uint64, visit string) *types.MsgAmendData {
	return &types.MsgAmendData{Site: s.str(s.site), TrialID: id, Subject: s.str(s.subject), Visit: visit,
		Commitment: commitment("crf corrected " + visit), CID: cid("crf corrected " + visit), Reason: types.AmendReason_AMEND_REASON_TRANSCRIPTION_ERROR}
}

func (s *KeeperTestSuite) TestAmendData() {
	id, _ := s.enrolled()
	s.refuse(types.ErrDataNotFound, testkit.Call(s.ms.AmendData, s.amendMsg(id, "V1")))
	first := s.record(s.site, s.subject, id, "V1")
	res, err := s.ms.AmendData(s.ctx, s.amendMsg(id, "V1"))
	s.Require().NoError(err)
	s.Require().EqualValues(2, res.Version)
	again, err := s.ms.AmendData(s.ctx, s.amendMsg(id, "V1"))
	s.Require().NoError(err)
	s.Require().EqualValues(3, again.Version)
	d, err := s.qs.DataEntry(s.ctx, &types.QueryDataEntryRequest{Id: again.ID})
	s.Require().NoError(err)
	s.Require().Equal(res.ID, d.Entry.Amends)
	orig, err := s.qs.DataEntry(s.ctx, &types.QueryDataEntryRequest{Id: first})
	s.Require().NoError(err)
	s.Require().Equal(commitment("crf V1"), orig.Entry.Commitment, "never overwritten")

	bad := s.amendMsg(id, "V1")
	bad.Reason = types.AmendReason_AMEND_REASON_UNSPECIFIED
	s.refuse(types.ErrInvalidReason, testkit.Call(s.ms.AmendData, bad))
	for _, who := range []string{s.str(s.site2), s.str(s.sponsor), s.str(s.subject), s.str(s.irb)} {
		m := s.amendMsg(id, "V1")
		m.Site = who
		s.refuse(types.ErrNotSite, testkit.Call(s.ms.AmendData, m))
	}
	s.members.SetRoles(s.site, consortiumtypes.Role_ROLE_LABORATORY)
	s.refuse(consortiumtypes.ErrMissingRole, testkit.Call(s.ms.AmendData, s.amendMsg(id, "V1")))
}
