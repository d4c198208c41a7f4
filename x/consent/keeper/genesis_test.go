package keeper_test

import (
	"time"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/client/consentclient"
	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
)

// importedEnv is a second keeper over its own store, initialised from gs.
type importedEnv struct {
	key *storetypes.KVStoreKey
	ctx sdk.Context
	k   keeper.Keeper
}

func (s *KeeperTestSuite) importGenesis(gs *types.GenesisState) importedEnv {
	s.T().Helper()
	e := newBareEnv(s.T())
	ctx := e.ctx.WithBlockTime(s.now())
	s.Require().NoError(e.keeper.InitGenesis(ctx, gs))
	return importedEnv{key: e.key, ctx: ctx, k: e.keeper}
}

// requireSameState checks that the imported keeper exports the same genesis as
// the suite's and that both stores hold exactly the same bytes.
func (s *KeeperTestSuite) requireSameState(imp importedEnv) {
	s.T().Helper()
	want, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	got, err := imp.k.ExportGenesis(imp.ctx)
	s.Require().NoError(err)
	s.Require().Equal(want, got)
	s.Require().Equal(testkit.Dump(s.ctx, s.key), testkit.Dump(imp.ctx, imp.key), "raw stores differ: some index is not rebuilt from genesis")
}

// richHistory drives the keeper through every kind of message and an expiry.
func (s *KeeperTestSuite) richHistory() {
	s.appoint(s.patient, s.guardian, blockTime.Add(90*24*time.Hour))
	s.appoint(s.patient, s.guardian2, blockTime.Add(90*24*time.Hour))
	s.appoint(s.patient2, s.guardian, blockTime.Add(10*24*time.Hour))

	treat := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation", "Condition")
	s.advance(time.Minute)
	gm := s.grantMsg(s.patient, s.doctor2, "HPAYMT")
	gm.Signer = s.addrStr(s.guardian)
	byGuardian := s.grant(gm)
	s.advance(time.Minute)
	short := s.grantMsg(s.patient, s.doctor, "HRESCH", "laboratory")
	short.End = s.now().Add(time.Hour)
	expiring := s.grant(short)
	unswept := s.grantMsg(s.patient2, s.doctor, "TREAT")
	unswept.End = s.now().Add(2 * time.Hour)
	s.grant(unswept)
	future := s.grantMsg(s.patient2, s.doctor2, "CAREMGT", "CarePlan")
	start := s.now().Add(7 * 24 * time.Hour)
	future.Start, future.End = &start, start.Add(24*time.Hour)
	s.grant(future)
	toRevoke := s.grantSimple(s.patient, s.doctor2, "TREAT", "Immunization")
	all1 := s.grantSimple(s.patient, s.lab, "TREAT", "Observation")
	s.grantSimple(s.patient, s.lab, "HOPERAT")

	s.advance(time.Minute)
	// amend: extend the end only
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, treat, s.consent(treat).End.Add(24*time.Hour), "Condition", "Observation"))
	s.Require().NoError(err)
	s.revoke(s.patient, toRevoke)
	_, err = s.msgServer.RevokeAllForGrantee(s.ctx, s.revokeAllMsg(s.addrStr(s.guardian), s.addrStr(s.patient), s.addrStr(s.lab)))
	s.Require().NoError(err)
	// re-grant a revoked slot: Latest must point at the newer consent
	s.grantSimple(s.patient, s.lab, "TREAT", "Observation")
	_ = all1
	_, err = s.msgServer.RemoveGuardian(s.ctx, &types.MsgRemoveGuardian{Patient: s.addrStr(s.patient), Guardian: s.addrStr(s.guardian2)})
	s.Require().NoError(err)

	// break glass, twice on the same patient (ActiveBreakGlass keeps the newest)
	s.breakGlass(s.hospital, s.patient)
	s.advance(time.Minute)
	s.breakGlass(s.hospital, s.patient)
	s.breakGlass(s.hospital, s.patient2)

	// expiry: sweep `expiring`, leave the other ended consent unswept
	s.setTime(s.consent(expiring).End)
	n, err := s.keeper.ExpireDue(s.ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(uint32(1), n)
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_EXPIRED, s.consent(expiring).Status)
	s.setTime(unswept.End.Add(time.Minute))
	s.Require().Equal(types.ConsentStatus_CONSENT_STATUS_ACTIVE, s.consent(byGuardian).Status)

	p := s.params()
	p.MaxActivePerPair = 9
	_, err = s.msgServer.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	s.richHistory()
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().NoError(gs.Validate(testkit.AddressCodec))
	s.Require().NotEmpty(gs.Consents)
	s.Require().NotEmpty(gs.Guardians)
	s.Require().NotEmpty(gs.BreakGlasses)
	for _, bg := range gs.BreakGlasses {
		// The sealed justification goes through export and import and still opens.
		opened, err := consentclient.OpenBreakGlass(bg, patientKey)
		s.Require().NoError(err, "break-glass %d", bg.ID)
		s.Require().Equal(types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING, opened.Code)
	}
	s.Require().NotEmpty(gs.Audit)
	s.Require().NotEmpty(gs.RateWindows)
	s.Require().Equal(uint64(len(gs.Consents)+1), gs.NextConsentID)
	s.Require().Equal(uint64(len(gs.Audit)+1), gs.NextAuditSeq)

	imp := s.importGenesis(gs)
	s.requireSameState(imp)

	// both keepers keep behaving the same: checks, the end-blocker, new messages
	for _, grantee := range []sdk.AccAddress{s.doctor, s.doctor2, s.lab, s.hospital} {
		for _, purpose := range []string{"TREAT", "HPAYMT", "HRESCH", "ETREAT", "CAREMGT", "HOPERAT"} {
			for _, cat := range []string{"Observation", "Condition", "laboratory", "Immunization", "CarePlan"} {
				for _, patient := range []sdk.AccAddress{s.patient, s.patient2} {
					want, err := s.keeper.Check(s.ctx, patient, grantee, purpose, cat)
					s.Require().NoError(err)
					got, err := imp.k.Check(imp.ctx, patient, grantee, purpose, cat)
					s.Require().NoError(err)
					s.Require().Equal(want, got, "%s %s %s", grantee, purpose, cat)
				}
			}
		}
	}
	s.Require().NoError(s.keeper.EndBlocker(s.ctx))
	s.Require().NoError(imp.k.EndBlocker(imp.ctx))
	s.requireSameState(imp)

	msg := s.grantMsg(s.patient2, s.doctor, "TREAT")
	_, err = s.msgServer.GrantConsent(s.ctx, msg)
	s.Require().NoError(err)
	_, err = keeper.NewMsgServerImpl(imp.k).GrantConsent(imp.ctx, msg)
	s.Require().NoError(err)
	s.requireSameState(imp)
}

// Amending a consent's categories leaves Latest pointing at it for the
// categories it no longer covers; genesis cannot rebuild those entries, so an
// imported chain answers checks differently.
func (s *KeeperTestSuite) TestGenesisRoundTripAfterCategoryAmendment() {
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation", "Condition")
	_, err := s.msgServer.AmendConsent(s.ctx, s.amendMsg(s.patient, id, s.consent(id).End, "Condition"))
	s.Require().NoError(err)
	s.revoke(s.patient, id)

	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	imp := s.importGenesis(gs)
	want, err := s.keeper.Check(s.ctx, s.patient, s.doctor, "TREAT", "Observation")
	s.Require().NoError(err)
	got, err := imp.k.Check(imp.ctx, s.patient, s.doctor, "TREAT", "Observation")
	s.Require().NoError(err)
	s.Require().Equal(want, got, "check on a dropped category differs after import")
	s.requireSameState(imp)
}

func (s *KeeperTestSuite) TestInitGenesisRefusesInvalid() {
	s.richHistory()
	valid, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().GreaterOrEqual(len(valid.Consents), 3)

	clone := func() *types.GenesisState {
		bz, err := s.cdc.Marshal(valid)
		s.Require().NoError(err)
		var gs types.GenesisState
		s.Require().NoError(s.cdc.Unmarshal(bz, &gs))
		return &gs
	}
	s.Require().Equal(valid, clone())

	testCases := []struct {
		name     string
		malleate func(gs *types.GenesisState)
	}{
		{"next consent id 0", func(gs *types.GenesisState) { gs.NextConsentID = 0 }},
		{"next break-glass id 0", func(gs *types.GenesisState) { gs.NextBreakGlassID = 0 }},
		{"next audit seq 0", func(gs *types.GenesisState) { gs.NextAuditSeq = 0 }},
		{"duplicate consent id", func(gs *types.GenesisState) { gs.Consents[2].ID = gs.Consents[1].ID }},
		{"unordered consent ids", func(gs *types.GenesisState) { gs.Consents[1], gs.Consents[2] = gs.Consents[2], gs.Consents[1] }},
		{"consent id 0", func(gs *types.GenesisState) { gs.Consents[0].ID = 0 }},
		{"consent id not below next id", func(gs *types.GenesisState) { gs.NextConsentID = gs.Consents[len(gs.Consents)-1].ID }},
		{"consent with invalid patient", func(gs *types.GenesisState) { gs.Consents[0].Patient = "x" }},
		{"consent with unknown purpose", func(gs *types.GenesisState) { gs.Consents[0].Purpose = "treat" }},
		{"consent with empty categories", func(gs *types.GenesisState) {
			gs.Consents[0].Categories, gs.Consents[0].AllCategories = nil, false
		}},
		{"consent ending before it starts", func(gs *types.GenesisState) { gs.Consents[0].End = gs.Consents[0].Start }},
		{"consent with unspecified status", func(gs *types.GenesisState) { gs.Consents[0].Status = types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED }},
		{"invalid params", func(gs *types.GenesisState) { gs.Params.MaxExpirationsPerBlock = 0 }},
		{"guardian with invalid address", func(gs *types.GenesisState) { gs.Guardians[0].Guardian = "" }},
		{"duplicate break-glass id", func(gs *types.GenesisState) { gs.BreakGlasses[1].ID = gs.BreakGlasses[0].ID }},
		{"break-glass id not below next", func(gs *types.GenesisState) { gs.NextBreakGlassID = 1 }},
		{"audit seq not below next", func(gs *types.GenesisState) { gs.NextAuditSeq = gs.Audit[len(gs.Audit)-1].Seq }},
		{"rate window with invalid member", func(gs *types.GenesisState) { gs.RateWindows[0].Member = "bad" }},
	}
	for _, tc := range testCases {
		s.Run(tc.name, func() {
			gs := clone()
			tc.malleate(gs)
			s.Require().ErrorIs(gs.Validate(testkit.AddressCodec), types.ErrInvalidGenesis)
			e := newBareEnv(s.T())
			s.Require().ErrorIs(e.keeper.InitGenesis(e.ctx, gs), types.ErrInvalidGenesis)
			s.Require().Empty(testkit.Dump(e.ctx, e.key), "a refused genesis wrote state")
		})
	}
	// the clone itself is fine
	s.Require().NoError(clone().Validate(testkit.AddressCodec))
}
