package keeper_test

import (
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/types"
)

func (s *KeeperTestSuite) requireCode(err error, code codes.Code) {
	s.T().Helper()
	s.Require().Error(err)
	st, ok := status.FromError(err)
	s.Require().True(ok, "not a gRPC status error: %v", err)
	s.Require().Equal(code, st.Code(), "error: %v", err)
}

func consentIDs(cs []types.Consent) []uint64 {
	out := make([]uint64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func (s *KeeperTestSuite) TestQueryConsent() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	res, err := s.queryServer.Consent(s.ctx, &types.QueryConsentRequest{Id: id})
	s.Require().NoError(err)
	s.Require().Equal(s.consent(id), res.Consent)

	_, err = s.queryServer.Consent(s.ctx, &types.QueryConsentRequest{Id: id + 1})
	s.requireCode(err, codes.NotFound)
	_, err = s.queryServer.Consent(s.ctx, &types.QueryConsentRequest{Id: 0})
	s.requireCode(err, codes.NotFound)
	_, err = s.queryServer.Consent(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryConsentsByPatient() {
	// patient: 1 active (doctor), 2 revoked (doctor2), 3 active (doctor2), 4 expired (doctor), 5 active (doctor)
	a1 := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	r2 := s.grantSimple(s.patient, s.doctor2, "TREAT", "Observation")
	a3 := s.grantSimple(s.patient, s.doctor2, "HPAYMT", "Claim")
	m := s.grantMsg(s.patient, s.doctor, "HRESCH")
	m.End = blockTime.Add(time.Hour)
	e4 := s.grant(m)
	a5 := s.grantSimple(s.patient, s.doctor, "CAREMGT", "CarePlan")
	other := s.grantSimple(s.patient2, s.doctor, "TREAT", "Observation")
	s.revoke(s.patient, r2)
	s.setTime(blockTime.Add(time.Hour))
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))

	byPatient := func(st types.ConsentStatus, page *query.PageRequest) *types.QueryConsentsResponse {
		res, err := s.queryServer.ConsentsByPatient(s.ctx, &types.QueryConsentsByPatientRequest{Patient: s.addrStr(s.patient), Status: st, Pagination: page})
		s.Require().NoError(err)
		return res
	}
	s.Require().Equal([]uint64{a1, r2, a3, e4, a5}, consentIDs(byPatient(types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED, nil).Consents))
	s.Require().Equal([]uint64{a1, a3, a5}, consentIDs(byPatient(types.ConsentStatus_CONSENT_STATUS_ACTIVE, nil).Consents))
	s.Require().Equal([]uint64{r2}, consentIDs(byPatient(types.ConsentStatus_CONSENT_STATUS_REVOKED, nil).Consents))
	s.Require().Equal([]uint64{e4}, consentIDs(byPatient(types.ConsentStatus_CONSENT_STATUS_EXPIRED, nil).Consents))
	full := byPatient(types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED, nil).Consents
	s.Require().Equal(s.consent(a1), full[0])

	// pagination, unfiltered
	p1 := byPatient(types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED, &query.PageRequest{Limit: 2, CountTotal: true})
	s.Require().Equal([]uint64{a1, r2}, consentIDs(p1.Consents))
	s.Require().NotEmpty(p1.Pagination.NextKey)
	s.Require().Equal(uint64(5), p1.Pagination.Total)
	p2 := byPatient(types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED, &query.PageRequest{Limit: 2, Key: p1.Pagination.NextKey})
	s.Require().Equal([]uint64{a3, e4}, consentIDs(p2.Consents))
	p3 := byPatient(types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED, &query.PageRequest{Limit: 2, Key: p2.Pagination.NextKey})
	s.Require().Equal([]uint64{a5}, consentIDs(p3.Consents))
	s.Require().Empty(p3.Pagination.NextKey)
	// offset
	po := byPatient(types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED, &query.PageRequest{Offset: 3, Limit: 10})
	s.Require().Equal([]uint64{e4, a5}, consentIDs(po.Consents))
	// reverse
	pr := byPatient(types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED, &query.PageRequest{Limit: 2, Reverse: true})
	s.Require().Equal([]uint64{a5, e4}, consentIDs(pr.Consents))

	// pagination with a status filter: pages hold matching consents only
	f1 := byPatient(types.ConsentStatus_CONSENT_STATUS_ACTIVE, &query.PageRequest{Limit: 2})
	s.Require().Equal([]uint64{a1, a3}, consentIDs(f1.Consents))
	s.Require().NotEmpty(f1.Pagination.NextKey)
	f2 := byPatient(types.ConsentStatus_CONSENT_STATUS_ACTIVE, &query.PageRequest{Limit: 2, Key: f1.Pagination.NextKey})
	s.Require().Equal([]uint64{a5}, consentIDs(f2.Consents))

	// another patient, a patient with nothing
	res, err := s.queryServer.ConsentsByPatient(s.ctx, &types.QueryConsentsByPatientRequest{Patient: s.addrStr(s.patient2)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{other}, consentIDs(res.Consents))
	res, err = s.queryServer.ConsentsByPatient(s.ctx, &types.QueryConsentsByPatientRequest{Patient: s.addrStr(s.stranger)})
	s.Require().NoError(err)
	s.Require().Empty(res.Consents)

	// bad requests
	_, err = s.queryServer.ConsentsByPatient(s.ctx, &types.QueryConsentsByPatientRequest{Patient: "nope"})
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.queryServer.ConsentsByPatient(s.ctx, &types.QueryConsentsByPatientRequest{Patient: ""})
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.queryServer.ConsentsByPatient(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.queryServer.ConsentsByPatient(s.ctx, &types.QueryConsentsByPatientRequest{
		Patient: s.addrStr(s.patient), Pagination: &query.PageRequest{Key: []byte{1}, Offset: 1},
	})
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryConsentsByGrantee() {
	a := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.grantSimple(s.patient, s.doctor2, "TREAT", "Observation")
	b := s.grantSimple(s.patient2, s.doctor, "TREAT", "Observation")
	c := s.grantSimple(s.patient, s.doctor, "HPAYMT", "Claim")
	s.revoke(s.patient, c)

	res, err := s.queryServer.ConsentsByGrantee(s.ctx, &types.QueryConsentsByGranteeRequest{Grantee: s.addrStr(s.doctor)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{a, b, c}, consentIDs(res.Consents))
	res, err = s.queryServer.ConsentsByGrantee(s.ctx, &types.QueryConsentsByGranteeRequest{Grantee: s.addrStr(s.doctor), Status: types.ConsentStatus_CONSENT_STATUS_ACTIVE})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{a, b}, consentIDs(res.Consents))
	res, err = s.queryServer.ConsentsByGrantee(s.ctx, &types.QueryConsentsByGranteeRequest{Grantee: s.addrStr(s.doctor), Status: types.ConsentStatus_CONSENT_STATUS_REVOKED})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{c}, consentIDs(res.Consents))
	res, err = s.queryServer.ConsentsByGrantee(s.ctx, &types.QueryConsentsByGranteeRequest{Grantee: s.addrStr(s.doctor), Pagination: &query.PageRequest{Limit: 1, CountTotal: true}})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{a}, consentIDs(res.Consents))
	s.Require().Equal(uint64(3), res.Pagination.Total)
	// a patient is not a grantee
	res, err = s.queryServer.ConsentsByGrantee(s.ctx, &types.QueryConsentsByGranteeRequest{Grantee: s.addrStr(s.patient)})
	s.Require().NoError(err)
	s.Require().Empty(res.Consents)

	_, err = s.queryServer.ConsentsByGrantee(s.ctx, &types.QueryConsentsByGranteeRequest{Grantee: testkit.OtherPrefix(s.doctor)})
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.queryServer.ConsentsByGrantee(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryAuditHistory() {
	s.appoint(s.patient, s.guardian, blockTime.Add(48*time.Hour))
	s.advance(time.Minute)
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.grantSimple(s.patient2, s.doctor, "TREAT", "Observation") // other patient, interleaved seq
	s.advance(time.Minute)
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.guardian, id, s.consent(id).End, "Observation", "Condition"))
	s.Require().NoError(err)
	s.advance(time.Minute)
	bg := s.breakGlass(s.hospital, s.patient)
	s.advance(time.Minute)
	s.revoke(s.patient, id)
	s.advance(time.Minute)
	_, err = s.msgServer.RemoveGuardian(s.ctx, &types.MsgRemoveGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian)})
	s.Require().NoError(err)
	m := s.grantMsg(s.patient, s.doctor2, "HPAYMT", "Claim")
	m.End = s.now().Add(time.Hour)
	id2 := s.grant(m)
	s.setTime(m.End)
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))

	res, err := s.queryServer.AuditHistory(s.ctx, &types.QueryAuditHistoryRequest{Patient: s.addrStr(s.patient)})
	s.Require().NoError(err)
	type line struct {
		seq    uint64
		action types.AuditAction
		actor  string
		cid    uint64
		bgid   uint64
		cp     string
		at     time.Time
	}
	var got []line
	for _, e := range res.Entries {
		s.Require().Equal(s.addrStr(s.patient), e.Patient)
		got = append(got, line{e.Seq, e.Action, e.Actor, e.ConsentID, e.BreakGlassID, e.Counterparty, e.Time})
	}
	P, G, D, D2, H := s.addrStr(s.patient), s.addrStr(s.guardian), s.addrStr(s.doctor), s.addrStr(s.doctor2), s.addrStr(s.hospital)
	t := func(mins int) time.Time { return blockTime.Add(time.Duration(mins) * time.Minute) }
	s.Require().Equal([]line{
		{1, types.AuditAction_AUDIT_ACTION_GUARDIAN_APPOINTED, P, 0, 0, G, t(0)},
		{2, types.AuditAction_AUDIT_ACTION_GRANTED, P, id, 0, D, t(1)},
		// seq 3 is patient2's grant
		{4, types.AuditAction_AUDIT_ACTION_AMENDED, G, id, 0, D, t(2)},
		{5, types.AuditAction_AUDIT_ACTION_BREAK_GLASS, H, 0, bg.ID, H, t(3)},
		{6, types.AuditAction_AUDIT_ACTION_REVOKED, P, id, 0, D, t(4)},
		{7, types.AuditAction_AUDIT_ACTION_GUARDIAN_REMOVED, P, 0, 0, G, t(5)},
		{8, types.AuditAction_AUDIT_ACTION_GRANTED, P, id2, 0, D2, t(5)},
		{9, types.AuditAction_AUDIT_ACTION_EXPIRED, "", id2, 0, D2, t(65)},
	}, got)

	// pagination keeps the order
	page, err := s.queryServer.AuditHistory(s.ctx, &types.QueryAuditHistoryRequest{Patient: s.addrStr(s.patient), Pagination: &query.PageRequest{Limit: 3}})
	s.Require().NoError(err)
	s.Require().Len(page.Entries, 3)
	s.Require().Equal(uint64(4), page.Entries[2].Seq)
	page, err = s.queryServer.AuditHistory(s.ctx, &types.QueryAuditHistoryRequest{Patient: s.addrStr(s.patient), Pagination: &query.PageRequest{Limit: 3, Key: page.Pagination.NextKey}})
	s.Require().NoError(err)
	s.Require().Equal(uint64(5), page.Entries[0].Seq)
	s.Require().Equal(uint64(7), page.Entries[2].Seq)
	rev, err := s.queryServer.AuditHistory(s.ctx, &types.QueryAuditHistoryRequest{Patient: s.addrStr(s.patient), Pagination: &query.PageRequest{Limit: 1, Reverse: true}})
	s.Require().NoError(err)
	s.Require().Equal(uint64(9), rev.Entries[0].Seq)

	// other patient only sees its own
	res, err = s.queryServer.AuditHistory(s.ctx, &types.QueryAuditHistoryRequest{Patient: s.addrStr(s.patient2)})
	s.Require().NoError(err)
	s.Require().Len(res.Entries, 1)
	s.Require().Equal(uint64(3), res.Entries[0].Seq)

	_, err = s.queryServer.AuditHistory(s.ctx, &types.QueryAuditHistoryRequest{Patient: ""})
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.queryServer.AuditHistory(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryGuardians() {
	res, err := s.queryServer.Guardians(s.ctx, &types.QueryGuardiansRequest{Patient: s.addrStr(s.patient)})
	s.Require().NoError(err)
	s.Require().Empty(res.Guardians)

	s.appoint(s.patient, s.guardian, blockTime.Add(time.Hour))
	s.appoint(s.patient, s.guardian2, blockTime.Add(2*time.Hour))
	s.appoint(s.patient2, s.guardian, blockTime.Add(3*time.Hour))
	res, err = s.queryServer.Guardians(s.ctx, &types.QueryGuardiansRequest{Patient: s.addrStr(s.patient)})
	s.Require().NoError(err)
	s.Require().Len(res.Guardians, 2)
	byGuardian := map[string]types.Guardianship{}
	for _, g := range res.Guardians {
		s.Require().Equal(s.addrStr(s.patient), g.Patient)
		byGuardian[g.Guardian] = g
	}
	s.Require().Equal(blockTime.Add(time.Hour), byGuardian[s.addrStr(s.guardian)].End)
	s.Require().Equal(blockTime.Add(2*time.Hour), byGuardian[s.addrStr(s.guardian2)].End)

	_, err = s.queryServer.Guardians(s.ctx, &types.QueryGuardiansRequest{Patient: "x"})
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.queryServer.Guardians(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryCheck() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	req := func() *types.QueryCheckRequest {
		return &types.QueryCheckRequest{Patient: s.addrStr(s.patient), Grantee: s.addrStr(s.doctor), Purpose: "TREAT", Category: "Observation"}
	}
	res, err := s.queryServer.Check(s.ctx, req())
	s.Require().NoError(err)
	s.Require().Equal(types.QueryCheckResponse{Allowed: true, ConsentID: id, Reason: types.CheckReason_CHECK_REASON_ALLOWED}, *res)

	testCases := []struct {
		name     string
		malleate func(r *types.QueryCheckRequest)
	}{
		{"invalid purpose", func(r *types.QueryCheckRequest) { r.Purpose = "FOO" }},
		{"lower-case purpose", func(r *types.QueryCheckRequest) { r.Purpose = "treat" }},
		{"invalid category", func(r *types.QueryCheckRequest) { r.Category = "Xray" }},
		{"the all-categories key", func(r *types.QueryCheckRequest) { r.Category = types.AllCategories }},
		{"invalid patient", func(r *types.QueryCheckRequest) { r.Patient = "" }},
		{"invalid grantee", func(r *types.QueryCheckRequest) { r.Grantee = testkit.OtherPrefix(s.doctor) }},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			r := req()
			tc.malleate(r)
			_, err := s.queryServer.Check(s.ctx, r)
			s.requireCode(err, codes.InvalidArgument)
		})
	}
	_, err = s.queryServer.Check(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}
