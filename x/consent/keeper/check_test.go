package keeper_test

import (
	"time"

	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
)

func (s *KeeperTestSuite) TestCheckReasons() {
	var id uint64
	testCases := []struct {
		name     string
		setup    func()
		purpose  string
		category string
		expected func() keeper.CheckResult
	}{
		{"no consent at all", func() {}, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_NO_CONSENT}
			}},
		{"consent to another grantee only", func() { s.grantSimple(s.patient, s.doctor2, "TREAT", "Observation") }, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_NO_CONSENT}
			}},
		{"consent from another patient only", func() { s.grantSimple(s.patient2, s.doctor, "TREAT", "Observation") }, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_NO_CONSENT}
			}},
		{"allowed: specific category", func() { id = s.grantSimple(s.patient, s.doctor, "TREAT", "Observation") }, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Allowed: true, ConsentID: id, Reason: types.CheckReason_CHECK_REASON_ALLOWED}
			}},
		{"allowed: observation category code", func() { id = s.grantSimple(s.patient, s.doctor, "TREAT", "laboratory") }, "TREAT", "laboratory",
			func() keeper.CheckResult {
				return keeper.CheckResult{Allowed: true, ConsentID: id, Reason: types.CheckReason_CHECK_REASON_ALLOWED}
			}},
		{"allowed: via all categories", func() { id = s.grantSimple(s.patient, s.doctor, "TREAT") }, "TREAT", "DiagnosticReport",
			func() keeper.CheckResult {
				return keeper.CheckResult{Allowed: true, ConsentID: id, Reason: types.CheckReason_CHECK_REASON_ALLOWED}
			}},
		{"expired: block time at end, before the end-blocker", func() {
			id = s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
			s.setTime(s.consent(id).End)
		}, "TREAT", "Observation",
			func() keeper.CheckResult { return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_EXPIRED} }},
		{"expired: all categories, before the end-blocker", func() {
			id = s.grantSimple(s.patient, s.doctor, "TREAT")
			s.setTime(s.consent(id).End.Add(time.Hour))
		}, "TREAT", "Observation",
			func() keeper.CheckResult { return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_EXPIRED} }},
		{"expired: after the end-blocker", func() {
			id = s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
			s.setTime(s.consent(id).End.Add(time.Hour))
			s.Require().NoError(s.keeper.EndBlocker(s.ctx))
		}, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{ConsentID: id, Reason: types.CheckReason_CHECK_REASON_EXPIRED}
			}},
		{"revoked", func() {
			id = s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
			s.revoke(s.patient, id)
		}, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{ConsentID: id, Reason: types.CheckReason_CHECK_REASON_REVOKED}
			}},
		{"revoked all-categories consent", func() {
			id = s.grantSimple(s.patient, s.doctor, "TREAT")
			s.revoke(s.patient, id)
		}, "TREAT", "Immunization",
			func() keeper.CheckResult {
				return keeper.CheckResult{ConsentID: id, Reason: types.CheckReason_CHECK_REASON_REVOKED}
			}},
		{"revoked then granted again", func() {
			s.revoke(s.patient, s.grantSimple(s.patient, s.doctor, "TREAT", "Observation"))
			id = s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
		}, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Allowed: true, ConsentID: id, Reason: types.CheckReason_CHECK_REASON_ALLOWED}
			}},
		{"purpose not covered", func() { s.grantSimple(s.patient, s.doctor, "TREAT", "Observation") }, "HPAYMT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_PURPOSE_NOT_COVERED}
			}},
		{"purpose not covered by an all-categories consent", func() { s.grantSimple(s.patient, s.doctor, "TREAT") }, "HPAYMT", "Claim",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_PURPOSE_NOT_COVERED}
			}},
		{"category not covered", func() { s.grantSimple(s.patient, s.doctor, "TREAT", "Observation") }, "TREAT", "Condition",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED}
			}},
		{"category not covered, among several consents", func() {
			s.grantSimple(s.patient, s.doctor, "HPAYMT", "Claim")
			s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
		}, "TREAT", "Condition",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED}
			}},
		{"not yet valid", func() {
			m := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
			start := s.now().Add(24 * time.Hour)
			m.Start = &start
			s.grant(m)
		}, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_NOT_YET_VALID}
			}},
		{"not yet valid, one nanosecond before start", func() {
			m := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
			start := s.now().Add(24 * time.Hour)
			m.Start = &start
			s.grant(m)
			s.setTime(start.Add(-time.Nanosecond))
		}, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Reason: types.CheckReason_CHECK_REASON_NOT_YET_VALID}
			}},
		{"valid at exactly its start", func() {
			m := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
			start := s.now().Add(24 * time.Hour)
			m.Start = &start
			id = s.grant(m)
			s.setTime(start)
		}, "TREAT", "Observation",
			func() keeper.CheckResult {
				return keeper.CheckResult{Allowed: true, ConsentID: id, Reason: types.CheckReason_CHECK_REASON_ALLOWED}
			}},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			tc.setup()
			want := tc.expected()
			s.Require().Equal(want, s.check(s.patient, s.doctor, tc.purpose, tc.category))

			// the query service gives the same answer
			res, err := s.queryServer.Check(s.ctx, &types.QueryCheckRequest{
				Patient: s.addrStr(s.patient), Grantee: s.addrStr(s.doctor), Purpose: tc.purpose, Category: tc.category,
			})
			s.Require().NoError(err)
			s.Require().Equal(types.QueryCheckResponse{Allowed: want.Allowed, ConsentID: want.ConsentID, BreakGlassID: want.BreakGlassID, Reason: want.Reason}, *res)

			// and Authorize agrees
			auth, err := s.keeper.Authorize(s.ctx, s.patient, s.doctor, tc.purpose, tc.category)
			if want.Allowed {
				s.Require().NoError(err)
				c, err := s.keeper.Consents.Get(s.ctx, want.ConsentID)
				s.Require().NoError(err)
				s.Require().Equal(types.Authorization{ConsentID: want.ConsentID, Until: c.End}, auth, "Until is the consent's end")
			} else {
				s.Require().ErrorIs(err, types.ErrNotAuthorized)
				s.Require().Contains(err.Error(), want.Reason.String())
				s.Require().Equal(types.Authorization{}, auth)
			}
		})
	}
}

// A check never writes state, whatever it answers.
func (s *KeeperTestSuite) TestCheckIsReadOnly() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.grantSimple(s.patient, s.doctor, "HPAYMT", "Claim")
	s.breakGlass(s.hospital, s.patient)
	s.setTime(s.consent(id).End)
	s.freshEvents()
	before := s.dumpState()
	for _, p := range []string{"TREAT", "HPAYMT", "ETREAT", "HRESCH"} {
		for _, c := range []string{"Observation", "Claim", "Condition"} {
			s.check(s.patient, s.doctor, p, c)
			s.check(s.patient, s.hospital, p, c)
			_, _ = s.keeper.Authorize(s.ctx, s.patient, s.doctor, p, c)
		}
	}
	s.Require().Equal(before, s.dumpState())
	s.Require().Empty(s.moduleEvents())
}

func (s *KeeperTestSuite) TestAuthorize() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	auth, err := s.keeper.Authorize(s.ctx, s.patient, s.doctor, "TREAT", "Observation")
	s.Require().NoError(err)
	c, err := s.keeper.Consents.Get(s.ctx, id)
	s.Require().NoError(err)
	s.Require().Equal(types.Authorization{ConsentID: id, Until: c.End}, auth)
	live, err := s.keeper.StillAuthorized(s.ctx, auth, "TREAT", "Observation")
	s.Require().NoError(err)
	s.Require().True(live)

	testCases := []struct {
		name              string
		purpose, category string
		expErr            error
	}{
		{"category not covered", "TREAT", "Condition", types.ErrNotAuthorized},
		{"purpose not covered", "HPAYMT", "Observation", types.ErrNotAuthorized},
		{"unknown purpose", "FOO", "Observation", types.ErrUnknownPurpose},
		{"lower-case purpose", "treat", "Observation", types.ErrUnknownPurpose},
		{"empty purpose", "", "Observation", types.ErrUnknownPurpose},
		{"unknown category", "TREAT", "Xray", types.ErrInvalidCategory},
		{"empty category", "TREAT", "", types.ErrInvalidCategory},
		// "*" is an index key, not a category: asking for it must not match an all-categories consent
		{"the all-categories key", "TREAT", types.AllCategories, types.ErrInvalidCategory},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			auth, err := s.keeper.Authorize(s.ctx, s.patient, s.doctor, tc.purpose, tc.category)
			s.Require().ErrorIs(err, tc.expErr)
			s.Require().Equal(types.Authorization{}, auth)
		})
	}

	// not authorized for someone else
	_, err = s.keeper.Authorize(s.ctx, s.patient, s.doctor2, "TREAT", "Observation")
	s.Require().ErrorIs(err, types.ErrNotAuthorized)
	_, err = s.keeper.Authorize(s.ctx, s.patient2, s.doctor, "TREAT", "Observation")
	s.Require().ErrorIs(err, types.ErrNotAuthorized)
}

// After a consent loses a category by amendment and is later revoked, a check
// on the removed category reports something sensible.
func (s *KeeperTestSuite) TestCheckAfterNarrowingThenRevoking() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation", "Condition")
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, id, s.consent(id).End, "Condition"))
	s.Require().NoError(err)
	s.requireDenied(s.check(s.patient, s.doctor, "TREAT", "Observation"), types.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED)
	s.revoke(s.patient, id)
	s.requireDenied(s.check(s.patient, s.doctor, "TREAT", "Condition"), types.CheckReason_CHECK_REASON_REVOKED)
	// Observation was last covered by consent id, now revoked: REVOKED is reported.
	s.Require().Equal(keeper.CheckResult{ConsentID: id, Reason: types.CheckReason_CHECK_REASON_REVOKED},
		s.check(s.patient, s.doctor, "TREAT", "Observation"))
}

func (s *KeeperTestSuite) TestStillAuthorized() {
	still := func(auth types.Authorization) bool {
		purpose, category := "TREAT", "Observation"
		if auth.BreakGlassID != 0 {
			purpose = "ETREAT"
		} else if c, err := s.keeper.Consents.Get(s.ctx, auth.ConsentID); err == nil && !c.AllCategories {
			category = c.Categories[0]
		}
		ok, err := s.keeper.StillAuthorized(s.ctx, auth, purpose, category)
		s.Require().NoError(err)
		return ok
	}
	s.Require().False(still(types.Authorization{}), "an empty authorization holds nothing")
	s.Require().False(still(types.Authorization{ConsentID: 999}), "unknown consent")
	s.Require().False(still(types.Authorization{BreakGlassID: 999}), "unknown break glass")

	// A consent holds until it is revoked...
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	auth, err := s.keeper.Authorize(s.ctx, s.patient, s.doctor, "TREAT", "Observation")
	s.Require().NoError(err)
	s.Require().True(still(auth))
	s.revoke(s.patient, id)
	s.Require().False(still(auth), "revocation ends it at once")

	// ...or until its end, even before the end-blocker sweeps it.
	s.grantSimple(s.patient, s.doctor, "TREAT", "Condition")
	auth, err = s.keeper.Authorize(s.ctx, s.patient, s.doctor, "TREAT", "Condition")
	s.Require().NoError(err)
	saved := s.ctx
	s.setTime(auth.Until.Add(-time.Nanosecond))
	s.Require().True(still(auth))
	s.setTime(auth.Until)
	s.Require().False(still(auth), "ended at its end time")
	s.ctx = saved

	// Break glass holds until it expires.
	s.breakGlass(s.hospital, s.patient)
	auth, err = s.keeper.Authorize(s.ctx, s.patient, s.hospital, "ETREAT", "Observation")
	s.Require().NoError(err)
	s.Require().NotZero(auth.BreakGlassID)
	s.Require().True(still(auth))
	s.setTime(auth.Until)
	s.Require().False(still(auth), "break glass ended at its expiry")
}

// TestStillAuthorizedAfterNarrowing: amending a consent so that it no longer
// covers a category (or a purpose) ends every authorization given for it at
// once, as revoking does; what the consent still covers holds.
func (s *KeeperTestSuite) TestStillAuthorizedAfterNarrowing() {
	still := func(auth types.Authorization, purpose, category string) bool {
		ok, err := s.keeper.StillAuthorized(s.ctx, auth, purpose, category)
		s.Require().NoError(err)
		return ok
	}
	// all categories, then a list without Observation
	id := s.grantSimple(s.patient, s.doctor, "TREAT")
	obs, err := s.keeper.Authorize(s.ctx, s.patient, s.doctor, "TREAT", "Observation")
	s.Require().NoError(err)
	cond, err := s.keeper.Authorize(s.ctx, s.patient, s.doctor, "TREAT", "Condition")
	s.Require().NoError(err)
	s.Require().True(still(obs, "TREAT", "Observation"))
	s.Require().False(still(obs, "HPAYMT", "Observation"), "the consent never covered that purpose")
	_, err = s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, id, s.consent(id).End, "Condition"))
	s.Require().NoError(err)
	s.Require().False(still(obs, "TREAT", "Observation"), "all categories narrowed to a list without Observation")
	s.Require().True(still(cond, "TREAT", "Condition"), "Condition is still covered")

	// a list narrowed to another list
	id2 := s.grantSimple(s.patient2, s.doctor, "TREAT", "Observation", "Condition")
	auth, err := s.keeper.Authorize(s.ctx, s.patient2, s.doctor, "TREAT", "Condition")
	s.Require().NoError(err)
	s.Require().True(still(auth, "TREAT", "Condition"))
	_, err = s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient2, id2, s.consent(id2).End, "Observation"))
	s.Require().NoError(err)
	s.Require().False(still(auth, "TREAT", "Condition"))
	s.Require().True(still(auth, "TREAT", "Observation"))

	// break glass covers emergency treatment only, of every category
	s.breakGlass(s.hospital, s.patient)
	bg, err := s.keeper.Authorize(s.ctx, s.patient, s.hospital, "ETREAT", "Observation")
	s.Require().NoError(err)
	s.Require().True(still(bg, "ETREAT", "Condition"))
	s.Require().False(still(bg, "TREAT", "Observation"), "break glass is for ETREAT only")
}
