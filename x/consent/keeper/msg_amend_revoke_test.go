package keeper_test

import (
	"math"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
)

// ---------------------------------------------------------------------------
// AmendConsent
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) amendMsg(signer sdk.AccAddress, id uint64, end time.Time, cats ...string) *types.MsgAmendConsent {
	return &types.MsgAmendConsent{Signer: s.addrStr(signer), ConsentID: id, Categories: cats, AllCategories: len(cats) == 0, End: end}
}

func (s *KeeperTestSuite) TestAmendConsentNarrowCategories() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation", "Condition")
	end := s.consent(id).End
	s.advance(time.Hour)
	s.freshEvents()
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, id, end, "Condition"))
	s.Require().NoError(err)

	c := s.consent(id)
	s.Require().Equal([]string{"Condition"}, c.Categories)
	s.Require().False(c.AllCategories)
	s.Require().Equal(uint32(2), c.Version)
	s.Require().Equal(blockTime, c.GrantedAt, "amendment keeps the grant time")
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_ACTIVE, c.Status)

	s.requireDenied(s.check(s.patient, s.doctor, "TREAT", "Observation"), types.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED)
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Condition"), id)
	s.Require().Equal([]string{s.addrStr(s.patient) + "/" + s.addrStr(s.doctor) + "/TREAT/Condition=1"}, s.activeIndex())
	s.Require().Equal([]string{queueEntry(end, id)}, s.expiryQueue())

	ev := event[*types.EventConsentAmended](s)
	s.Require().Equal(types.EventConsentAmended{ConsentID: id, Patient: s.addrStr(s.patient), Signer: s.addrStr(s.patient), Version: 2}, *ev)
	s.Require().Equal([]string{evAmended}, s.moduleEvents())
	last := s.lastAudit(s.patient)
	s.Require().Equal(types.AuditEntry{
		Seq: 2, Patient: s.addrStr(s.patient), Action: types.AuditAction_AUDIT_ACTION_AMENDED, Actor: s.addrStr(s.patient),
		ConsentID: id, Counterparty: s.addrStr(s.doctor), Time: blockTime.Add(time.Hour),
	}, last)

	// the freed category can be granted again by a new consent
	s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
}

func (s *KeeperTestSuite) TestAmendConsentWidenToAllCategories() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.requireDenied(s.check(s.patient, s.doctor, "TREAT", "Immunization"), types.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED)
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, id, s.consent(id).End))
	s.Require().NoError(err)
	c := s.consent(id)
	s.Require().True(c.AllCategories)
	s.Require().Empty(c.Categories)
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Immunization"), id)
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Observation"), id)
	s.Require().Equal([]string{s.addrStr(s.patient) + "/" + s.addrStr(s.doctor) + "/TREAT/*=1"}, s.activeIndex())
}

func (s *KeeperTestSuite) TestAmendConsentExtendEnd() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	oldEnd := s.consent(id).End
	newEnd := blockTime.Add(s.params().MaxDuration) // exactly the maximum from start
	s.advance(24 * time.Hour)
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, id, newEnd, "Observation"))
	s.Require().NoError(err)
	s.Require().Equal(newEnd, s.consent(id).End)
	s.Require().Equal([]string{queueEntry(newEnd, id)}, s.expiryQueue(), "the old queue entry must be gone")

	// still allowed after the old end, and the end-blocker does not expire it then
	s.setTime(oldEnd)
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Observation"), id)
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_ACTIVE, s.consent(id).Status)
	// shortening is fine too
	shorter := oldEnd.Add(time.Hour)
	_, err = s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, id, shorter, "Observation"))
	s.Require().NoError(err)
	s.Require().Equal(uint32(3), s.consent(id).Version)
	s.Require().Equal([]string{queueEntry(shorter, id)}, s.expiryQueue())
}

func (s *KeeperTestSuite) TestAmendConsentByGuardian() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.appoint(s.patient, s.guardian, blockTime.Add(24*time.Hour))
	s.freshEvents()
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.guardian, id, s.consent(id).End, "Observation", "Condition"))
	s.Require().NoError(err)
	s.Require().Equal(s.addrStr(s.guardian), event[*types.EventConsentAmended](s).Signer)
	s.Require().Equal(s.addrStr(s.guardian), s.lastAudit(s.patient).Actor)
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Condition"), id)
}

func (s *KeeperTestSuite) TestAmendConsentRefusals() {
	var id uint64
	testCases := []struct {
		name     string
		setup    func()
		malleate func(m *types.MsgAmendConsent)
		expErr   error
	}{
		{"unknown id", nil, func(m *types.MsgAmendConsent) { m.ConsentID = 99 }, types.ErrConsentNotFound},
		{"id zero", nil, func(m *types.MsgAmendConsent) { m.ConsentID = 0 }, types.ErrConsentNotFound},
		{"wrong signer: stranger", nil, func(m *types.MsgAmendConsent) { m.Signer = s.addrStr(s.stranger) }, types.ErrNotPatientOrGuardian},
		{"wrong signer: the grantee", nil, func(m *types.MsgAmendConsent) { m.Signer = s.addrStr(s.doctor) }, types.ErrNotPatientOrGuardian},
		{"guardian expired", func() {
			s.appoint(s.patient, s.guardian, s.now().Add(time.Hour))
			s.advance(2 * time.Hour)
		}, func(m *types.MsgAmendConsent) { m.Signer = s.addrStr(s.guardian) }, types.ErrGuardianExpired},
		{"invalid signer", nil, func(m *types.MsgAmendConsent) { m.Signer = "bogus" }, types.ErrInvalidAddress},
		{"already revoked", func() { s.revoke(s.patient, id) }, func(m *types.MsgAmendConsent) {}, types.ErrAlreadyRevoked},
		{"expired before the end-blocker ran", func() { s.setTime(s.consent(id).End) },
			func(m *types.MsgAmendConsent) { m.End = s.now().Add(time.Hour) }, types.ErrConsentExpired},
		{"expired after the end-blocker ran", func() {
			s.setTime(s.consent(id).End.Add(time.Minute))
			s.Require().NoError(s.keeper.EndBlocker(s.ctx))
		}, func(m *types.MsgAmendConsent) { m.End = s.now().Add(time.Hour) }, types.ErrConsentExpired},
		{"end beyond max from start", func() { s.advance(24 * time.Hour) }, func(m *types.MsgAmendConsent) {
			m.End = blockTime.Add(s.params().MaxDuration + time.Nanosecond)
		}, types.ErrDurationTooLong},
		{"end in the past", func() { s.advance(24 * time.Hour) }, func(m *types.MsgAmendConsent) {
			m.End = s.now().Add(-time.Hour)
		}, types.ErrInvalidPeriod},
		{"end == block time", func() { s.advance(24 * time.Hour) }, func(m *types.MsgAmendConsent) { m.End = s.now() }, types.ErrInvalidPeriod},
		{"empty categories without all", nil, func(m *types.MsgAmendConsent) { m.Categories, m.AllCategories = nil, false }, types.ErrInvalidCategory},
		{"categories with all", nil, func(m *types.MsgAmendConsent) { m.AllCategories = true }, types.ErrInvalidCategory},
		{"unknown category", nil, func(m *types.MsgAmendConsent) { m.Categories = []string{"Foo"} }, types.ErrInvalidCategory},
		{"version would wrap", func() {
			c := s.consent(id)
			c.Version = math.MaxUint32
			s.Require().NoError(s.keeper.Consents.Set(s.ctx, id, c))
		}, func(m *types.MsgAmendConsent) {}, types.ErrVersionLimit},
		{"widen onto another active consent", func() { s.grantSimple(s.patient, s.doctor, "TREAT", "Condition") },
			func(m *types.MsgAmendConsent) { m.Categories = []string{"Condition", "Observation"} }, types.ErrOverlappingConsent},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			id = s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
			if tc.setup != nil {
				tc.setup()
			}
			msg := s.amendMsg(s.patient, id, s.consent(id).End.Add(time.Hour), "Observation", "Immunization")
			tc.malleate(msg)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.AmendConsent, msg))
		})
	}
}

// An amendment whose end lies before a future start is refused.
func (s *KeeperTestSuite) TestAmendConsentEndBeforeFutureStart() {
	m := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
	start := blockTime.Add(10 * 24 * time.Hour)
	m.Start, m.End = &start, start.Add(24*time.Hour)
	id := s.grant(m)
	s.refuse(types.ErrInvalidPeriod, testkit.Call(s.msgServer.AmendConsent, s.amendMsg(s.patient, id, start, "Observation")))
}

// ---------------------------------------------------------------------------
// RevokeConsent
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestRevokeConsent() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation", "Condition")
	other := s.grantSimple(s.patient, s.doctor, "HPAYMT", "Claim")
	s.advance(time.Hour)
	revokedAt := s.now()
	s.freshEvents()
	_, err := s.msgServer.RevokeConsent(s.ctx, &types.MsgRevokeConsent{
		Signer: s.addrStr(s.patient), ConsentID: id, Reason: types.RevocationReason_REVOCATION_REASON_CARE_ENDED,
	})
	s.Require().NoError(err)

	c := s.consent(id)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_REVOKED, c.Status)
	s.Require().Equal(s.addrStr(s.patient), c.RevokedBy)
	s.Require().NotNil(c.RevokedAt)
	s.Require().Equal(revokedAt, *c.RevokedAt)
	s.Require().Equal(types.RevocationReason_REVOCATION_REASON_CARE_ENDED, c.RevocationReason)

	for _, cat := range []string{"Observation", "Condition"} {
		res := s.check(s.patient, s.doctor, "TREAT", cat)
		s.Require().Equal(keeper.CheckResult{ConsentID: id, Reason: types.CheckReason_CHECK_REASON_REVOKED}, res)
	}
	s.requireAllowed(s.check(s.patient, s.doctor, "HPAYMT", "Claim"), other)
	s.Require().Equal([]uint64{other}, s.activeIDsOfPair(s.patient, s.doctor))
	s.Require().Equal([]string{queueEntry(s.consent(other).End, other)}, s.expiryQueue())

	ev := event[*types.EventConsentRevoked](s)
	s.Require().Equal(types.EventConsentRevoked{
		ConsentID: id, Patient: s.addrStr(s.patient), Grantee: s.addrStr(s.doctor), Signer: s.addrStr(s.patient),
		Reason: types.RevocationReason_REVOCATION_REASON_CARE_ENDED,
	}, *ev)
	s.Require().Equal([]string{evRevoked}, s.moduleEvents())
	s.Require().Equal(types.AuditEntry{
		Seq: 3, Patient: s.addrStr(s.patient), Action: types.AuditAction_AUDIT_ACTION_REVOKED, Actor: s.addrStr(s.patient),
		ConsentID: id, Counterparty: s.addrStr(s.doctor), Time: revokedAt,
	}, s.lastAudit(s.patient))

	// the end-blocker never touches a revoked consent
	s.setTime(c.End.Add(time.Hour))
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_REVOKED, s.consent(id).Status)
}

func (s *KeeperTestSuite) TestRevokeConsentByGuardian() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.appoint(s.patient, s.guardian, blockTime.Add(time.Hour))
	_, err := s.msgServer.RevokeConsent(s.ctx, &types.MsgRevokeConsent{
		Signer: s.addrStr(s.guardian), ConsentID: id, Reason: types.RevocationReason_REVOCATION_REASON_GUARDIAN_REQUEST,
	})
	s.Require().NoError(err)
	s.Require().Equal(s.addrStr(s.guardian), s.consent(id).RevokedBy)
	s.Require().Equal(s.addrStr(s.guardian), s.lastAudit(s.patient).Actor)
}

func (s *KeeperTestSuite) TestRevokeConsentRefusals() {
	var id uint64
	testCases := []struct {
		name     string
		setup    func()
		malleate func(m *types.MsgRevokeConsent)
		expErr   error
	}{
		{"unknown id", nil, func(m *types.MsgRevokeConsent) { m.ConsentID = 42 }, types.ErrConsentNotFound},
		{"wrong signer: stranger", nil, func(m *types.MsgRevokeConsent) { m.Signer = s.addrStr(s.stranger) }, types.ErrNotPatientOrGuardian},
		{"wrong signer: the grantee", nil, func(m *types.MsgRevokeConsent) { m.Signer = s.addrStr(s.doctor) }, types.ErrNotPatientOrGuardian},
		{"invalid signer", nil, func(m *types.MsgRevokeConsent) { m.Signer = "" }, types.ErrInvalidAddress},
		{"already revoked", func() { s.revoke(s.patient, id) }, func(m *types.MsgRevokeConsent) {}, types.ErrAlreadyRevoked},
		{"expired before the end-blocker ran", func() { s.setTime(s.consent(id).End) }, func(m *types.MsgRevokeConsent) {}, types.ErrConsentExpired},
		{"expired after the end-blocker ran", func() {
			s.setTime(s.consent(id).End)
			s.Require().NoError(s.keeper.EndBlocker(s.ctx))
			s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, s.consent(id).Status)
		}, func(m *types.MsgRevokeConsent) {}, types.ErrConsentExpired},
		{"reason unspecified", nil, func(m *types.MsgRevokeConsent) { m.Reason = types.RevocationReason_REVOCATION_REASON_UNSPECIFIED }, types.ErrInvalidReason},
		{"reason out of range", nil, func(m *types.MsgRevokeConsent) { m.Reason = types.RevocationReason(99) }, types.ErrInvalidReason},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			id = s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
			if tc.setup != nil {
				tc.setup()
			}
			msg := &types.MsgRevokeConsent{Signer: s.addrStr(s.patient), ConsentID: id, Reason: types.RevocationReason_REVOCATION_REASON_OTHER}
			tc.malleate(msg)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.RevokeConsent, msg))
		})
	}
}

// ---------------------------------------------------------------------------
// RevokeAllForGrantee
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) revokeAllMsg(signer, patient, grantee string) *types.MsgRevokeAllForGrantee {
	return &types.MsgRevokeAllForGrantee{Signer: signer, Patient: patient, Grantee: grantee, Reason: types.RevocationReason_REVOCATION_REASON_PROVIDER_CHANGED}
}

func (s *KeeperTestSuite) TestRevokeAllForGrantee() {
	a := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	b := s.grantSimple(s.patient, s.doctor, "HPAYMT")
	keep := s.grantSimple(s.patient, s.doctor2, "TREAT", "Observation")
	keep2 := s.grantSimple(s.patient2, s.doctor, "TREAT", "Observation")
	revokedEarlier := s.grantSimple(s.patient, s.doctor, "HRESCH", "Observation")
	s.revoke(s.patient, revokedEarlier)

	s.freshEvents()
	res, err := s.msgServer.RevokeAllForGrantee(s.ctx, s.revokeAllMsg(s.addrStr(s.patient), s.addrStr(s.patient), s.addrStr(s.doctor)))
	s.Require().NoError(err)
	s.Require().Equal([]uint64{a, b}, res.RevokedIDs)

	for _, id := range []uint64{a, b} {
		c := s.consent(id)
		s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_REVOKED, c.Status)
		s.Require().Equal(types.RevocationReason_REVOCATION_REASON_PROVIDER_CHANGED, c.RevocationReason)
	}
	s.Require().Equal(types.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST, s.consent(revokedEarlier).RevocationReason, "an earlier revocation is not rewritten")
	s.Require().Empty(s.activeIDsOfPair(s.patient, s.doctor))
	s.requireDenied(s.check(s.patient, s.doctor, "TREAT", "Observation"), types.CheckReason_CHECK_REASON_REVOKED)
	s.requireDenied(s.check(s.patient, s.doctor, "HPAYMT", "Claim"), types.CheckReason_CHECK_REASON_REVOKED)
	// other grantee and other patient untouched
	s.requireAllowed(s.check(s.patient, s.doctor2, "TREAT", "Observation"), keep)
	s.requireAllowed(s.check(s.patient2, s.doctor, "TREAT", "Observation"), keep2)
	s.Require().Len(testkit.Events[*types.EventConsentRevoked](s.ctx), 2)
	s.Require().Equal([]string{evRevoked, evRevoked}, s.moduleEvents())
	audit := s.auditOf(s.patient)
	s.Require().Equal(types.AuditAction_AUDIT_ACTION_REVOKED, audit[len(audit)-1].Action)
	s.Require().Equal(b, audit[len(audit)-1].ConsentID)
	s.Require().Equal(a, audit[len(audit)-2].ConsentID)

	// nothing left: a second call is refused
	s.refuse(types.ErrNoActiveConsents, testkit.Call(s.msgServer.RevokeAllForGrantee, s.revokeAllMsg(s.addrStr(s.patient), s.addrStr(s.patient), s.addrStr(s.doctor))))
}

func (s *KeeperTestSuite) TestRevokeAllForGranteeByGuardian() {
	a := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.appoint(s.patient, s.guardian, blockTime.Add(time.Hour))
	res, err := s.msgServer.RevokeAllForGrantee(s.ctx, s.revokeAllMsg(s.addrStr(s.guardian), s.addrStr(s.patient), s.addrStr(s.doctor)))
	s.Require().NoError(err)
	s.Require().Equal([]uint64{a}, res.RevokedIDs)
	s.Require().Equal(s.addrStr(s.guardian), s.consent(a).RevokedBy)
}

func (s *KeeperTestSuite) TestRevokeAllForGranteeRefusals() {
	testCases := []struct {
		name     string
		setup    func()
		malleate func(m *types.MsgRevokeAllForGrantee)
		expErr   error
	}{
		{"no consents at all", func() {}, func(m *types.MsgRevokeAllForGrantee) {}, types.ErrNoActiveConsents},
		{"only to another grantee", func() { s.grantSimple(s.patient, s.doctor2, "TREAT", "Observation") },
			func(m *types.MsgRevokeAllForGrantee) {}, types.ErrNoActiveConsents},
		{"wrong signer: stranger", nil, func(m *types.MsgRevokeAllForGrantee) { m.Signer = s.addrStr(s.stranger) }, types.ErrNotPatientOrGuardian},
		{"wrong signer: the grantee", nil, func(m *types.MsgRevokeAllForGrantee) { m.Signer = s.addrStr(s.doctor) }, types.ErrNotPatientOrGuardian},
		{"guardian expired", func() {
			s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
			s.appoint(s.patient, s.guardian, s.now().Add(time.Hour))
			s.advance(time.Hour)
		}, func(m *types.MsgRevokeAllForGrantee) { m.Signer = s.addrStr(s.guardian) }, types.ErrGuardianExpired},
		{"reason unspecified", nil, func(m *types.MsgRevokeAllForGrantee) { m.Reason = types.RevocationReason_REVOCATION_REASON_UNSPECIFIED }, types.ErrInvalidReason},
		{"invalid patient", nil, func(m *types.MsgRevokeAllForGrantee) { m.Patient = "nope" }, types.ErrInvalidAddress},
		{"invalid grantee", nil, func(m *types.MsgRevokeAllForGrantee) { m.Grantee = "" }, types.ErrInvalidAddress},
		{"invalid signer", nil, func(m *types.MsgRevokeAllForGrantee) { m.Signer = testkit.OtherPrefix(s.patient) }, types.ErrInvalidAddress},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			} else {
				s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
			}
			msg := s.revokeAllMsg(s.addrStr(s.patient), s.addrStr(s.patient), s.addrStr(s.doctor))
			tc.malleate(msg)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.RevokeAllForGrantee, msg))
		})
	}
}

// A consent whose end has passed is expired even before the end-blocker runs
// (RevokeConsent refuses it with ErrConsentExpired). RevokeAllForGrantee
// expires it instead of revoking it, and revokes only the live ones.
func (s *KeeperTestSuite) TestRevokeAllForGranteeExpiresEndedConsents() {
	short := s.grantMsg(s.patient, s.doctor, "HRESCH", "Observation")
	short.End = blockTime.Add(time.Hour)
	ended := s.grant(short)
	live := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.setTime(short.End)
	s.freshEvents()
	res, err := s.msgServer.RevokeAllForGrantee(s.ctx, s.revokeAllMsg(s.addrStr(s.patient), s.addrStr(s.patient), s.addrStr(s.doctor)))
	s.Require().NoError(err)
	s.Require().Equal([]uint64{live}, res.RevokedIDs)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, s.consent(ended).Status)
	s.Require().Empty(s.consent(ended).RevokedBy)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_REVOKED, s.consent(live).Status)
	s.Require().Equal([]string{evExpired, evRevoked}, s.moduleEvents())
	audit := s.auditOf(s.patient)
	s.Require().Equal(types.AuditAction_AUDIT_ACTION_EXPIRED, audit[len(audit)-2].Action)
	s.Require().Equal(ended, audit[len(audit)-2].ConsentID)
	s.Require().Equal(types.AuditAction_AUDIT_ACTION_REVOKED, audit[len(audit)-1].Action)
	s.Require().Empty(s.expiryQueue())
	s.Require().Empty(s.activeIndex())
}

// With only ended consents left there is nothing to revoke. The handler
// expires them before it refuses, so the refusal leaves the state unchanged
// only because a failed transaction's writes are discarded: run it as one.
func (s *KeeperTestSuite) TestRevokeAllForGranteeOnlyEndedConsents() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.setTime(s.consent(id).End)
	before := s.dumpState()
	_, wrote := testkit.RefusedInTx(s.T(), s.ctx, types.ErrNoActiveConsents,
		testkit.Call(s.msgServer.RevokeAllForGrantee, s.revokeAllMsg(s.addrStr(s.patient), s.addrStr(s.patient), s.addrStr(s.doctor))),
		testkit.Store(s.key))
	s.Require().True(wrote, "the handler expires the ended consents before it refuses")
	s.Require().Equal(before, s.dumpState())
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_ACTIVE, s.consent(id).Status)
}
