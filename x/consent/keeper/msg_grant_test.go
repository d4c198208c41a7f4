package keeper_test

import (
	"time"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
)

// ---------------------------------------------------------------------------
// GrantConsent
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestGrantConsentByPatient() {
	msg := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation", "Condition")
	s.freshEvents()
	id := s.grant(msg)
	s.Require().Equal(uint64(1), id)

	c := s.consent(id)
	s.Require().Equal(types.Consent{
		ID: 1, Patient: s.addrStr(s.patient), Grantee: s.addrStr(s.doctor), Purpose: "TREAT",
		Categories: []string{"Condition", "Observation"}, // sorted
		Start:      blockTime, End: msg.End, Status: types.ConsentStatus_CONSENT_STATUS_ACTIVE,
		GrantedBy: s.addrStr(s.patient), GrantedAt: blockTime, Version: 1,
	}, c)

	// indexes
	s.Require().Equal([]string{
		s.addrStr(s.patient) + "/" + s.addrStr(s.doctor) + "/TREAT/Condition=1",
		s.addrStr(s.patient) + "/" + s.addrStr(s.doctor) + "/TREAT/Observation=1",
	}, s.activeIndex())
	s.Require().Equal([]uint64{1}, s.activeIDsOfPair(s.patient, s.doctor))
	s.Require().Equal([]string{queueEntry(msg.End, 1)}, s.expiryQueue())

	// event
	ev := event[*types.EventConsentGranted](s)
	s.Require().Equal(types.EventConsentGranted{
		ConsentID: 1, Patient: s.addrStr(s.patient), Grantee: s.addrStr(s.doctor), Purpose: "TREAT",
		Signer: s.addrStr(s.patient), End: msg.End,
	}, *ev)
	s.Require().Equal([]string{evGranted}, s.moduleEvents())

	// audit
	s.Require().Equal([]types.AuditEntry{{
		Seq: 1, Patient: s.addrStr(s.patient), Action: types.AuditAction_AUDIT_ACTION_GRANTED, Actor: s.addrStr(s.patient),
		ConsentID: 1, Counterparty: s.addrStr(s.doctor), Time: blockTime,
	}}, s.auditOf(s.patient))

	// the check answers
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Observation"), 1)
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Condition"), 1)

	// IDs go up
	s.Require().Equal(uint64(2), s.grantSimple(s.patient, s.doctor2, "TREAT", "Observation"))
}

func (s *KeeperTestSuite) TestGrantConsentFutureStartAndMaxDuration() {
	start := blockTime.Add(48 * time.Hour)
	msg := s.grantMsg(s.patient, s.doctor, "HRESCH")
	msg.Start = &start
	msg.End = start.Add(s.params().MaxDuration) // exactly the maximum is fine
	id := s.grant(msg)
	c := s.consent(id)
	s.Require().Equal(start, c.Start)
	s.Require().True(c.AllCategories)
	s.Require().Empty(c.Categories)
	s.requireDenied(s.check(s.patient, s.doctor, "HRESCH", "Observation"), types.CheckReason_CHECK_REASON_NOT_YET_VALID)
	s.setTime(start)
	s.requireAllowed(s.check(s.patient, s.doctor, "HRESCH", "Observation"), id)
}

func (s *KeeperTestSuite) TestGrantConsentByGuardian() {
	s.appoint(s.patient, s.guardian, blockTime.Add(time.Hour))
	msg := s.grantMsg(s.patient, s.doctor, "TREAT", "Immunization")
	msg.Signer = s.addrStr(s.guardian)
	s.freshEvents()
	id := s.grant(msg)

	c := s.consent(id)
	s.Require().Equal(s.addrStr(s.guardian), c.GrantedBy)
	s.Require().Equal(s.addrStr(s.patient), c.Patient)
	ev := event[*types.EventConsentGranted](s)
	s.Require().Equal(s.addrStr(s.guardian), ev.Signer)
	s.Require().Equal(s.addrStr(s.patient), ev.Patient)
	last := s.lastAudit(s.patient)
	s.Require().Equal(types.AuditAction_AUDIT_ACTION_GRANTED, last.Action)
	s.Require().Equal(s.addrStr(s.guardian), last.Actor)
	s.Require().Equal(id, last.ConsentID)
	// the guardian's own history is untouched
	s.Require().Empty(s.auditOf(s.guardian))
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Immunization"), id)

	// one nanosecond before the guardianship ends the guardian still acts
	s.setTime(blockTime.Add(time.Hour - time.Nanosecond))
	msg2 := s.grantMsg(s.patient, s.doctor2, "TREAT", "Immunization")
	msg2.Signer = s.addrStr(s.guardian)
	s.grant(msg2)
}

func (s *KeeperTestSuite) TestGrantConsentRefusals() {
	testCases := []struct {
		name     string
		setup    func()
		malleate func(m *types.MsgGrantConsent)
		expErr   error
	}{
		{"signer is a stranger", nil,
			func(m *types.MsgGrantConsent) { m.Signer = s.addrStr(s.stranger) }, types.ErrNotPatientOrGuardian},
		{"signer is the grantee", nil,
			func(m *types.MsgGrantConsent) { m.Signer = s.addrStr(s.doctor) }, types.ErrNotPatientOrGuardian},
		{"signer is another patient's guardian", func() { s.appoint(s.patient2, s.guardian, blockTime.Add(time.Hour)) },
			func(m *types.MsgGrantConsent) { m.Signer = s.addrStr(s.guardian) }, types.ErrNotPatientOrGuardian},
		{"guardian expired", func() {
			s.appoint(s.patient, s.guardian, blockTime.Add(time.Hour))
			s.advance(time.Hour + time.Second)
		}, func(m *types.MsgGrantConsent) {
			m.Signer = s.addrStr(s.guardian)
			m.End = s.now().Add(24 * time.Hour)
		}, types.ErrGuardianExpired},
		{"guardian expired exactly at its end", func() {
			s.appoint(s.patient, s.guardian, blockTime.Add(time.Hour))
			s.advance(time.Hour)
		}, func(m *types.MsgGrantConsent) {
			m.Signer = s.addrStr(s.guardian)
			m.End = s.now().Add(24 * time.Hour)
		}, types.ErrGuardianExpired},
		{"unknown purpose FOO", nil, func(m *types.MsgGrantConsent) { m.Purpose = "FOO" }, types.ErrUnknownPurpose},
		{"lower-case purpose treat", nil, func(m *types.MsgGrantConsent) { m.Purpose = "treat" }, types.ErrUnknownPurpose},
		{"empty purpose", nil, func(m *types.MsgGrantConsent) { m.Purpose = "" }, types.ErrUnknownPurpose},
		{"empty categories without all_categories", nil, func(m *types.MsgGrantConsent) {
			m.Categories, m.AllCategories = nil, false
		}, types.ErrInvalidCategory},
		{"categories with all_categories", nil, func(m *types.MsgGrantConsent) { m.AllCategories = true }, types.ErrInvalidCategory},
		{"unknown category", nil, func(m *types.MsgGrantConsent) { m.Categories = []string{"Observation", "Xray"} }, types.ErrInvalidCategory},
		{"category * is not a category", nil, func(m *types.MsgGrantConsent) { m.Categories = []string{types.AllCategories} }, types.ErrInvalidCategory},
		{"lower-case resource type", nil, func(m *types.MsgGrantConsent) { m.Categories = []string{"observation"} }, types.ErrInvalidCategory},
		{"duplicate category", nil, func(m *types.MsgGrantConsent) { m.Categories = []string{"Observation", "Condition", "Observation"} }, types.ErrInvalidCategory},
		{"too many categories", nil, func(m *types.MsgGrantConsent) {
			m.Categories = make([]string, types.MaxCategories+1)
			for i := range m.Categories {
				m.Categories[i] = "Observation"
			}
		}, types.ErrInvalidCategory},
		{"end before start", nil, func(m *types.MsgGrantConsent) {
			start := s.now().Add(48 * time.Hour)
			m.Start, m.End = &start, start.Add(-time.Hour)
		}, types.ErrInvalidPeriod},
		{"end == start", nil, func(m *types.MsgGrantConsent) {
			start := s.now().Add(48 * time.Hour)
			m.Start, m.End = &start, start
		}, types.ErrInvalidPeriod},
		{"end == block time (default start)", nil, func(m *types.MsgGrantConsent) { m.End = s.now() }, types.ErrInvalidPeriod},
		{"zero end", nil, func(m *types.MsgGrantConsent) { m.End = time.Time{} }, types.ErrInvalidPeriod},
		{"start before block time", nil, func(m *types.MsgGrantConsent) {
			start := s.now().Add(-time.Nanosecond)
			m.Start = &start
		}, types.ErrInvalidPeriod},
		{"duration above max", nil, func(m *types.MsgGrantConsent) {
			m.End = s.now().Add(s.params().MaxDuration + time.Nanosecond)
		}, types.ErrDurationTooLong},
		{"duration above max from a future start", nil, func(m *types.MsgGrantConsent) {
			start := s.now().Add(24 * time.Hour)
			m.Start, m.End = &start, start.Add(s.params().MaxDuration+time.Second)
		}, types.ErrDurationTooLong},
		{"grantee is patient", nil, func(m *types.MsgGrantConsent) { m.Grantee = m.Patient }, types.ErrGranteeIsPatient},
		{"overlapping active consent, same category", func() {
			s.grantSimple(s.patient, s.doctor, "TREAT", "Condition", "Observation")
		}, func(m *types.MsgGrantConsent) { m.Categories = []string{"Immunization", "Observation"} }, types.ErrOverlappingConsent},
		{"overlapping active consent, both all categories", func() {
			s.grantSimple(s.patient, s.doctor, "TREAT")
		}, func(m *types.MsgGrantConsent) { m.Categories, m.AllCategories = nil, true }, types.ErrOverlappingConsent},
		{"overlapping not-yet-valid consent", func() {
			m := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
			start := s.now().Add(10 * 24 * time.Hour)
			m.Start, m.End = &start, start.Add(24*time.Hour)
			s.grant(m)
		}, func(m *types.MsgGrantConsent) {}, types.ErrOverlappingConsent},
		{"too many active per pair", func() {
			s.setParams(func(p *types.Params) { p.MaxActivePerPair = 2 })
			s.grantSimple(s.patient, s.doctor, "HPAYMT", "Claim")
			s.grantSimple(s.patient, s.doctor, "HRESCH")
		}, func(m *types.MsgGrantConsent) {}, types.ErrTooManyConsents},
		{"empty signer", nil, func(m *types.MsgGrantConsent) { m.Signer = "" }, types.ErrInvalidAddress},
		{"empty patient", nil, func(m *types.MsgGrantConsent) { m.Patient = "" }, types.ErrInvalidAddress},
		{"empty grantee", nil, func(m *types.MsgGrantConsent) { m.Grantee = "" }, types.ErrInvalidAddress},
		{"garbage signer", nil, func(m *types.MsgGrantConsent) { m.Signer = "not-an-address" }, types.ErrInvalidAddress},
		{"patient with another prefix", nil, func(m *types.MsgGrantConsent) { m.Patient = testkit.OtherPrefix(s.patient) }, types.ErrInvalidAddress},
		{"grantee with bad checksum", nil, func(m *types.MsgGrantConsent) {
			g := []byte(m.Grantee)
			if g[len(g)-1] == 'q' {
				g[len(g)-1] = 'p'
			} else {
				g[len(g)-1] = 'q'
			}
			m.Grantee = string(g)
		}, types.ErrInvalidAddress},
	}

	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			msg := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
			tc.malleate(msg)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.GrantConsent, msg))
		})
	}
}

// A consent over all categories and one over a specific category, for the same
// grantee and purpose, both cover that category: they overlap.
func (s *KeeperTestSuite) TestGrantConsentOverlapAcrossAllCategories() {
	s.grantSimple(s.patient, s.doctor, "TREAT") // all categories
	msg := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
	s.refuse(types.ErrOverlappingConsent, testkit.Call(s.msgServer.GrantConsent, msg))
}

func (s *KeeperTestSuite) TestGrantConsentOverlapAllowedAfterRevocationAndOtherPurpose() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	// another purpose, same category: no overlap
	s.grantSimple(s.patient, s.doctor, "HPAYMT", "Observation")
	// another grantee, same purpose and category: no overlap
	s.grantSimple(s.patient, s.doctor2, "TREAT", "Observation")
	// another patient: no overlap
	s.grantSimple(s.patient2, s.doctor, "TREAT", "Observation")
	// after revocation the slot is free again
	s.revoke(s.patient, id)
	id2 := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Observation"), id2)
}

// A consent that has ended but that the end-blocker has not swept yet does not
// block a new grant of the same slot: the grant expires it on the way.
func (s *KeeperTestSuite) TestGrantConsentOverEndedUnsweptConsent() {
	old := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation", "Condition")
	old.End = blockTime.Add(time.Hour)
	oldID := s.grant(old)
	s.setTime(old.End)
	s.freshEvents()
	newID := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")

	c := s.consent(oldID)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, c.Status)
	s.Require().Equal([]string{evExpired, evGranted}, s.moduleEvents())
	audit := s.auditOf(s.patient)
	s.Require().Equal(types.AuditAction_AUDIT_ACTION_EXPIRED, audit[len(audit)-2].Action)
	s.Require().Equal(oldID, audit[len(audit)-2].ConsentID)
	s.Require().Empty(audit[len(audit)-2].Actor)
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Observation"), newID)
	// the old consent's other category is gone from the indexes too
	s.Require().Equal(keeper.CheckResult{ConsentID: oldID, Reason: types.CheckReason_CHECK_REASON_EXPIRED},
		s.check(s.patient, s.doctor, "TREAT", "Condition"))
	s.Require().Equal([]uint64{newID}, s.activeIDsOfPair(s.patient, s.doctor))
	s.Require().Equal([]string{queueEntry(s.consent(newID).End, newID)}, s.expiryQueue())
	// the end-blocker has nothing left to do for it
	s.freshEvents()
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))
	s.Require().Empty(s.moduleEvents())
}

// The same holds for an amendment that widens onto an ended consent's slot.
func (s *KeeperTestSuite) TestAmendConsentOverEndedUnsweptConsent() {
	old := s.grantMsg(s.patient, s.doctor, "TREAT", "Condition")
	old.End = blockTime.Add(time.Hour)
	oldID := s.grant(old)
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.setTime(old.End)
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, id, s.consent(id).End, "Condition", "Observation"))
	s.Require().NoError(err)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, s.consent(oldID).Status)
	s.requireAllowed(s.check(s.patient, s.doctor, "TREAT", "Condition"), id)
}

func (s *KeeperTestSuite) TestGrantConsentMaxActivePerPairCountsOnlyThatPair() {
	s.setParams(func(p *types.Params) { p.MaxActivePerPair = 2 })
	a := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.grantSimple(s.patient, s.doctor, "HPAYMT", "Claim")
	// other pairs are not affected
	s.grantSimple(s.patient, s.doctor2, "TREAT", "Observation")
	s.grantSimple(s.patient2, s.doctor, "TREAT", "Observation")
	// revoking one frees a slot
	s.revoke(s.patient, a)
	s.grantSimple(s.patient, s.doctor, "HRESCH")
}

// Consents that have ended but wait for the end-blocker are not live: they do
// not count against MaxActivePerPair.
func (s *KeeperTestSuite) TestGrantConsentMaxActivePerPairIgnoresEndedConsents() {
	s.setParams(func(p *types.Params) { p.MaxActivePerPair = 2 })
	for _, purpose := range []string{"HPAYMT", "HRESCH"} {
		m := s.grantMsg(s.patient, s.doctor, purpose, "Observation")
		m.End = blockTime.Add(time.Hour)
		s.grant(m)
	}
	s.setTime(blockTime.Add(time.Hour))
	s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
}
