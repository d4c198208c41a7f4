package keeper_test

import (
	"bytes"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"cosmossdk.io/collections"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ---------------------------------------------------------------------------
// AppointGuardian / RemoveGuardian
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestAppointGuardian() {
	end := blockTime.Add(30 * 24 * time.Hour)
	s.freshEvents()
	_, err := s.msgServer.AppointGuardian(s.ctx, &types.MsgAppointGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian), End: end})
	s.Require().NoError(err)

	g, err := s.keeper.Guardians.Get(s.ctx, collections.Join(s.patient, s.guardian))
	s.Require().NoError(err)
	s.Require().Equal(types.Guardianship{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian), Start: blockTime, End: end}, g)
	ev := event[*types.EventGuardianAppointed](s)
	s.Require().Equal(types.EventGuardianAppointed{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian), End: end}, *ev)
	s.Require().Equal(types.AuditEntry{
		Seq: 1, Patient: s.addrStr(s.patient), Action: types.AuditAction_AUDIT_ACTION_GUARDIAN_APPOINTED,
		Actor: s.addrStr(s.patient), Counterparty: s.addrStr(s.guardian), Time: blockTime,
	}, s.lastAudit(s.patient))

	// re-appointing replaces the period
	s.advance(time.Hour)
	end2 := s.now().Add(time.Hour)
	s.appoint(s.patient, s.guardian, end2)
	g, err = s.keeper.Guardians.Get(s.ctx, collections.Join(s.patient, s.guardian))
	s.Require().NoError(err)
	s.Require().Equal(s.now(), g.Start)
	s.Require().Equal(end2, g.End)

	// guardianship is one-way: the patient is not the guardian's guardian
	msg := s.grantMsg(s.guardian, s.doctor, "TREAT", "Observation")
	msg.Signer = s.addrStr(s.patient)
	_, err = s.msgServer.GrantConsent(s.ctx, msg)
	s.Require().ErrorIs(err, types.ErrNotPatientOrGuardian)
}

func (s *KeeperTestSuite) TestAppointGuardianRefusals() {
	testCases := []struct {
		name     string
		setup    func()
		malleate func(m *types.MsgAppointGuardian)
		expErr   error
	}{
		{"guardian is the patient", nil, func(m *types.MsgAppointGuardian) { m.Guardian = m.Patient }, types.ErrInvalidAddress},
		{"end beyond max", nil, func(m *types.MsgAppointGuardian) { m.End = s.now().Add(s.params().MaxDuration + time.Nanosecond) }, types.ErrDurationTooLong},
		{"end in the past", nil, func(m *types.MsgAppointGuardian) { m.End = s.now().Add(-time.Hour) }, types.ErrInvalidPeriod},
		{"end == block time", nil, func(m *types.MsgAppointGuardian) { m.End = s.now() }, types.ErrInvalidPeriod},
		{"invalid patient", nil, func(m *types.MsgAppointGuardian) { m.Patient = "" }, types.ErrInvalidAddress},
		{"invalid guardian", nil, func(m *types.MsgAppointGuardian) { m.Guardian = testkit.OtherPrefix(s.guardian) }, types.ErrInvalidAddress},
		{"ninth guardian", func() {
			for i := range types.MaxGuardiansPerPatient {
				s.appoint(s.patient, indexAddr("g", i), s.now().Add(time.Hour))
			}
		}, func(m *types.MsgAppointGuardian) {}, types.ErrTooManyGuardians},
		{"ninth guardian while some are expired", func() {
			for i := range types.MaxGuardiansPerPatient {
				s.appoint(s.patient, indexAddr("g", i), s.now().Add(time.Hour))
			}
			s.advance(2 * time.Hour)
		}, func(m *types.MsgAppointGuardian) { m.End = s.now().Add(time.Hour) }, types.ErrTooManyGuardians},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			msg := &types.MsgAppointGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian), End: s.now().Add(24 * time.Hour)}
			tc.malleate(msg)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.AppointGuardian, msg))
		})
	}
}

func (s *KeeperTestSuite) TestMaxGuardiansPerPatient() {
	for i := range types.MaxGuardiansPerPatient {
		s.appoint(s.patient, indexAddr("g", i), s.now().Add(time.Hour))
	}
	// re-appointing one of the eight is still fine
	s.appoint(s.patient, indexAddr("g", 3), s.now().Add(2*time.Hour))
	// another patient has its own limit
	s.appoint(s.patient2, s.guardian, s.now().Add(time.Hour))
	// removing one frees a place
	_, err := s.msgServer.RemoveGuardian(s.ctx, &types.MsgRemoveGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(indexAddr("g", 0))})
	s.Require().NoError(err)
	s.appoint(s.patient, s.guardian, s.now().Add(time.Hour))
	res, err := s.queryServer.Guardians(s.ctx, &types.QueryGuardiansRequest{Patient: s.addrStr(s.patient)})
	s.Require().NoError(err)
	s.Require().Len(res.Guardians, types.MaxGuardiansPerPatient)
}

func (s *KeeperTestSuite) TestRemoveGuardian() {
	s.appoint(s.patient, s.guardian, blockTime.Add(24*time.Hour))
	s.appoint(s.patient, s.guardian2, blockTime.Add(24*time.Hour))
	s.advance(time.Minute)
	s.freshEvents()
	_, err := s.msgServer.RemoveGuardian(s.ctx, &types.MsgRemoveGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian)})
	s.Require().NoError(err)

	has, err := s.keeper.Guardians.Has(s.ctx, collections.Join(s.patient, s.guardian))
	s.Require().NoError(err)
	s.Require().False(has)
	ev := event[*types.EventGuardianRemoved](s)
	s.Require().Equal(types.EventGuardianRemoved{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian)}, *ev)
	s.Require().Equal(types.AuditEntry{
		Seq: 3, Patient: s.addrStr(s.patient), Action: types.AuditAction_AUDIT_ACTION_GUARDIAN_REMOVED,
		Actor: s.addrStr(s.patient), Counterparty: s.addrStr(s.guardian), Time: s.now(),
	}, s.lastAudit(s.patient))

	// a removed guardian can no longer grant, amend or revoke
	msg := s.grantMsg(s.patient, s.doctor, "TREAT", "Observation")
	msg.Signer = s.addrStr(s.guardian)
	s.refuse(types.ErrNotPatientOrGuardian, testkit.Call(s.msgServer.GrantConsent, msg))

	// the other guardian still can
	msg.Signer = s.addrStr(s.guardian2)
	id := s.grant(msg)
	s.refuse(types.ErrNotPatientOrGuardian, testkit.Call(s.msgServer.RevokeConsent, &types.MsgRevokeConsent{Signer: s.addrStr(s.guardian), ConsentID: id, Reason: types.RevocationReason_REVOCATION_REASON_OTHER}))

	// an expired guardianship can be removed too
	s.setTime(blockTime.Add(48 * time.Hour))
	_, err = s.msgServer.RemoveGuardian(s.ctx, &types.MsgRemoveGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian2)})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) TestRemoveGuardianRefusals() {
	testCases := []struct {
		name     string
		setup    func()
		malleate func(m *types.MsgRemoveGuardian)
		expErr   error
	}{
		{"unknown guardian", nil, func(m *types.MsgRemoveGuardian) {}, types.ErrGuardianNotFound},
		{"guardian of another patient", func() { s.appoint(s.patient2, s.guardian, s.now().Add(time.Hour)) },
			func(m *types.MsgRemoveGuardian) {}, types.ErrGuardianNotFound},
		{"already removed", func() {
			s.appoint(s.patient, s.guardian, s.now().Add(time.Hour))
			_, err := s.msgServer.RemoveGuardian(s.ctx, &types.MsgRemoveGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian)})
			s.Require().NoError(err)
		}, func(m *types.MsgRemoveGuardian) {}, types.ErrGuardianNotFound},
		{"invalid patient", nil, func(m *types.MsgRemoveGuardian) { m.Patient = "x" }, types.ErrInvalidAddress},
		{"invalid guardian", nil, func(m *types.MsgRemoveGuardian) { m.Guardian = "" }, types.ErrInvalidAddress},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			msg := &types.MsgRemoveGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian)}
			tc.malleate(msg)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.RemoveGuardian, msg))
		})
	}
}

// ---------------------------------------------------------------------------
// BreakGlass
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestBreakGlass() {
	window := s.params().BreakGlassWindow
	s.freshEvents()
	msg := breakGlassMsg(s.T(), s.addrStr(s.hospital), s.addrStr(s.patient), types.JustificationCode_JUSTIFICATION_CODE_PATIENT_UNCONSCIOUS)
	res, err := s.msgServer.BreakGlass(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.ID)
	s.Require().Equal(blockTime.Add(window), res.ExpiresAt)
	s.Require().Equal(1, s.consortium.calls)

	bg, err := s.keeper.BreakGlasses.Get(s.ctx, res.ID)
	s.Require().NoError(err)
	s.Require().Equal(types.BreakGlass{
		ID: 1, Patient: s.addrStr(s.patient), Member: s.addrStr(s.hospital),
		JustificationCommitment: msg.JustificationCommitment, JustificationCiphertext: msg.JustificationCiphertext,
		OpenedAt: blockTime, ExpiresAt: blockTime.Add(window),
	}, bg)
	ev := event[*types.EventBreakGlass](s)
	s.Require().Equal(types.EventBreakGlass{
		BreakGlassID: 1, Patient: s.addrStr(s.patient), Member: s.addrStr(s.hospital), ExpiresAt: blockTime.Add(window),
	}, *ev)
	s.Require().Equal([]string{evBreak}, s.moduleEvents())
	s.Require().Equal(types.AuditEntry{
		Seq: 1, Patient: s.addrStr(s.patient), Action: types.AuditAction_AUDIT_ACTION_BREAK_GLASS,
		Actor: s.addrStr(s.hospital), BreakGlassID: 1, Counterparty: s.addrStr(s.hospital), Time: blockTime,
	}, s.lastAudit(s.patient))

	bgAllowed := keeper.CheckResult{Allowed: true, BreakGlassID: 1, Reason: types.CheckReason_CHECK_REASON_ALLOWED}
	for _, cat := range []string{"Observation", "Condition", "MedicationStatement", "vital-signs"} {
		s.Require().Equal(bgAllowed, s.check(s.patient, s.hospital, "ETREAT", cat), cat)
	}
	auth, err := s.keeper.Authorize(s.ctx, s.patient, s.hospital, "ETREAT", "Condition")
	s.Require().NoError(err)
	bgRec, err := s.keeper.BreakGlasses.Get(s.ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(types.Authorization{BreakGlassID: 1, Until: bgRec.ExpiresAt}, auth, "Until is the break-glass expiry")

	// break glass covers emergency treatment only
	s.requireDenied(s.check(s.patient, s.hospital, "TREAT", "Observation"), types.CheckReason_CHECK_REASON_NO_CONSENT)
	s.requireDenied(s.check(s.patient, s.hospital, "HPAYMT", "Observation"), types.CheckReason_CHECK_REASON_NO_CONSENT)
	// for this patient and this member only
	s.requireDenied(s.check(s.patient2, s.hospital, "ETREAT", "Observation"), types.CheckReason_CHECK_REASON_NO_CONSENT)
	s.requireDenied(s.check(s.patient, s.lab, "ETREAT", "Observation"), types.CheckReason_CHECK_REASON_NO_CONSENT)

	// while the window lasts, and not after
	s.setTime(blockTime.Add(window - time.Nanosecond))
	s.Require().Equal(bgAllowed, s.check(s.patient, s.hospital, "ETREAT", "Observation"))
	s.setTime(blockTime.Add(window))
	s.requireDenied(s.check(s.patient, s.hospital, "ETREAT", "Observation"), types.CheckReason_CHECK_REASON_NO_CONSENT)
	_, err = s.keeper.Authorize(s.ctx, s.patient, s.hospital, "ETREAT", "Observation")
	s.Require().ErrorIs(err, types.ErrNotAuthorized)

	// a new opening gives a new window and a new ID
	res2 := s.breakGlass(s.hospital, s.patient)
	s.Require().Equal(uint64(2), res2.ID)
	s.Require().Equal(s.now().Add(window), res2.ExpiresAt)
	s.Require().Equal(keeper.CheckResult{Allowed: true, BreakGlassID: 2, Reason: types.CheckReason_CHECK_REASON_ALLOWED},
		s.check(s.patient, s.hospital, "ETREAT", "Observation"))
}

// A consent for ETREAT wins over break glass (its ID is reported), and break
// glass still answers when the consent does not cover the category.
func (s *KeeperTestSuite) TestBreakGlassAndEmergencyConsent() {
	id := s.grantSimple(s.patient, s.hospital, "ETREAT", "Observation")
	s.breakGlass(s.hospital, s.patient)
	s.requireAllowed(s.check(s.patient, s.hospital, "ETREAT", "Observation"), id)
	s.Require().Equal(keeper.CheckResult{Allowed: true, BreakGlassID: 1, Reason: types.CheckReason_CHECK_REASON_ALLOWED},
		s.check(s.patient, s.hospital, "ETREAT", "Condition"))
}

func (s *KeeperTestSuite) TestBreakGlassRefusals() {
	testCases := []struct {
		name     string
		setup    func()
		malleate func(m *types.MsgBreakGlass)
		expErr   error
	}{
		{"not a member", nil, func(m *types.MsgBreakGlass) { m.Member = s.addrStr(s.stranger) }, consortiumtypes.ErrNotMember},
		{"member without the hospital role", nil, func(m *types.MsgBreakGlass) { m.Member = s.addrStr(s.lab) }, consortiumtypes.ErrMissingRole},
		{"no justification", nil, func(m *types.MsgBreakGlass) {
			m.JustificationCommitment, m.JustificationCiphertext = nil, nil
		}, types.ErrInvalidJustification},
		{"short commitment", nil, func(m *types.MsgBreakGlass) { m.JustificationCommitment = m.JustificationCommitment[:31] }, types.ErrInvalidJustification},
		{"ciphertext not age", nil, func(m *types.MsgBreakGlass) {
			m.JustificationCiphertext = bytes.Repeat([]byte{'x'}, len(m.JustificationCiphertext))
		}, types.ErrInvalidJustification},
		{"ciphertext too long", nil, func(m *types.MsgBreakGlass) {
			m.JustificationCiphertext = append(m.JustificationCiphertext, make([]byte, types.MaxJustificationCiphertext)...)
		}, types.ErrInvalidJustification},
		{"member is the patient", func() { s.members.Admit(s.patient, consortiumtypes.Role_ROLE_HOSPITAL) },
			func(m *types.MsgBreakGlass) { m.Member = m.Patient }, types.ErrGranteeIsPatient},
		{"invalid member", nil, func(m *types.MsgBreakGlass) { m.Member = "" }, types.ErrInvalidAddress},
		{"invalid patient", nil, func(m *types.MsgBreakGlass) { m.Patient = testkit.OtherPrefix(s.patient) }, types.ErrInvalidAddress},
		{"rate limit", func() {
			for i := range 5 {
				s.breakGlass(s.hospital, indexAddr("p", i))
				s.advance(time.Hour)
			}
		}, func(m *types.MsgBreakGlass) {}, types.ErrBreakGlassRateLimit},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			if tc.setup != nil {
				tc.setup()
			}
			msg := breakGlassMsg(s.T(), s.addrStr(s.hospital), s.addrStr(s.patient), types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING)
			tc.malleate(msg)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.BreakGlass, msg))
			s.requireDenied(s.check(s.patient, s.hospital, "ETREAT", "Observation"), types.CheckReason_CHECK_REASON_NO_CONSENT)
		})
	}
}

func (s *KeeperTestSuite) TestBreakGlassRateLimit() {
	p := s.params()
	s.Require().Equal(uint32(5), p.BreakGlassMaxPerWindow)
	s.Require().Equal(24*time.Hour, p.BreakGlassRateWindow)

	for i := range 5 {
		s.breakGlass(s.hospital, indexAddr("p", i))
		s.advance(time.Hour)
	}
	rw, err := s.keeper.RateWindows.Get(s.ctx, s.hospital)
	s.Require().NoError(err)
	s.Require().Equal(types.RateWindow{Start: blockTime, Count: 5}, rw)

	// sixth within 24h of the first: refused, up to the last nanosecond of the window
	for _, at := range []time.Time{s.now(), blockTime.Add(24*time.Hour - time.Nanosecond)} {
		s.setTime(at)
		s.refuse(types.ErrBreakGlassRateLimit, testkit.Call(s.msgServer.BreakGlass, breakGlassMsg(s.T(), s.addrStr(s.hospital), s.addrStr(s.patient), types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING)))
	}
	// another hospital has its own budget
	other := testkit.Addr("hospital2")
	s.members.Admit(other, consortiumtypes.Role_ROLE_HOSPITAL, consortiumtypes.Role_ROLE_LABORATORY)
	s.breakGlass(other, s.patient)

	// after the rate window: allowed again, in a new window
	s.setTime(blockTime.Add(24 * time.Hour))
	res := s.breakGlass(s.hospital, s.patient)
	s.Require().Equal(uint64(7), res.ID)
	rw, err = s.keeper.RateWindows.Get(s.ctx, s.hospital)
	s.Require().NoError(err)
	s.Require().Equal(types.RateWindow{Start: blockTime.Add(24 * time.Hour), Count: 1}, rw)
}

// ---------------------------------------------------------------------------
// UpdateParams
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestUpdateParams() {
	p := types.DefaultParams()
	p.MaxActivePerPair = 3
	p.BreakGlassWindow = time.Hour
	_, err := s.msgServer.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	s.Require().NoError(err)
	s.Require().Equal(p, s.params())
	res, err := s.queryServer.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(p, res.Params)

	// a consensus-params authority replaces the fallback
	multisig := testkit.Addr("multisig")
	s.ctx = s.ctx.WithConsensusParams(cmtproto.ConsensusParams{Authority: &cmtproto.AuthorityParams{Authority: s.addrStr(multisig)}})
	p.MaxActivePerPair = 4
	_, err = s.msgServer.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: s.addrStr(multisig), Params: p})
	s.Require().NoError(err)
	s.Require().Equal(uint32(4), s.params().MaxActivePerPair)
	s.refuse(sdkerrors.ErrUnauthorized, testkit.Call(s.msgServer.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: types.DefaultParams()}))
}

func (s *KeeperTestSuite) TestUpdateParamsRefusals() {
	testCases := []struct {
		name     string
		malleate func(m *types.MsgUpdateParams)
		expErr   error
	}{
		{"stranger", func(m *types.MsgUpdateParams) { m.Authority = s.addrStr(s.stranger) }, sdkerrors.ErrUnauthorized},
		{"the patient", func(m *types.MsgUpdateParams) { m.Authority = s.addrStr(s.patient) }, sdkerrors.ErrUnauthorized},
		{"empty authority", func(m *types.MsgUpdateParams) { m.Authority = "" }, sdkerrors.ErrUnauthorized},
		{"gov with another prefix", func(m *types.MsgUpdateParams) {
			bz, err := testkit.AddressCodec.StringToBytes(testkit.Gov)
			s.Require().NoError(err)
			m.Authority = testkit.OtherPrefix(bz)
		}, sdkerrors.ErrUnauthorized},
		{"zero max duration", func(m *types.MsgUpdateParams) { m.Params.MaxDuration = 0 }, types.ErrInvalidParams},
		{"negative max duration", func(m *types.MsgUpdateParams) { m.Params.MaxDuration = -time.Hour }, types.ErrInvalidParams},
		{"zero break-glass window", func(m *types.MsgUpdateParams) { m.Params.BreakGlassWindow = 0 }, types.ErrInvalidParams},
		{"break-glass window above 72h", func(m *types.MsgUpdateParams) { m.Params.BreakGlassWindow = 72*time.Hour + time.Nanosecond }, types.ErrInvalidParams},
		{"zero rate window", func(m *types.MsgUpdateParams) { m.Params.BreakGlassRateWindow = 0 }, types.ErrInvalidParams},
		{"zero max per window", func(m *types.MsgUpdateParams) { m.Params.BreakGlassMaxPerWindow = 0 }, types.ErrInvalidParams},
		{"zero expirations per block", func(m *types.MsgUpdateParams) { m.Params.MaxExpirationsPerBlock = 0 }, types.ErrInvalidParams},
		{"too many expirations per block", func(m *types.MsgUpdateParams) { m.Params.MaxExpirationsPerBlock = 10_001 }, types.ErrInvalidParams},
		{"zero active per pair", func(m *types.MsgUpdateParams) { m.Params.MaxActivePerPair = 0 }, types.ErrInvalidParams},
		{"too many active per pair", func(m *types.MsgUpdateParams) { m.Params.MaxActivePerPair = 1001 }, types.ErrInvalidParams},
		{"empty params", func(m *types.MsgUpdateParams) { m.Params = types.Params{} }, types.ErrInvalidParams},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			s.SetupTest()
			p := types.DefaultParams()
			p.MaxActivePerPair = 7
			msg := &types.MsgUpdateParams{Authority: testkit.Gov, Params: p}
			tc.malleate(msg)
			s.refuse(tc.expErr, testkit.Call(s.msgServer.UpdateParams, msg))
		})
	}
}
