package keeper_test

import (
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/testkit"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/trials/types"
)

func (s *KeeperTestSuite) TestRegisterTrial() {
	msg := s.registerMsg()
	msg.RegistryID = "nct04368728"
	msg.Sites = []string{s.str(s.site2), s.str(s.site)}
	res, err := s.ms.RegisterTrial(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().EqualValues(1, res.ID)

	t := s.trial(res.ID)
	s.Require().Equal(nct, t.RegistryID, "canonical")
	s.Require().Equal(types.TrialStatus_TRIAL_STATUS_REGISTERED, t.Status)
	s.Require().EqualValues(0, t.CurrentVersion)
	s.Require().EqualValues(1, t.LatestVersion)
	s.Require().True(t.Sites[0] < t.Sites[1], "sites sorted")
	for i, o := range t.Outcomes {
		s.Require().EqualValues(i+1, o.Number)
	}
	v, err := s.qs.Versions(s.ctx, &types.QueryVersionsRequest{TrialId: res.ID})
	s.Require().NoError(err)
	s.Require().Len(v.Versions, 1)
	s.Require().Equal(types.VersionStatus_VERSION_STATUS_PENDING, v.Versions[0].Status)
	// Registered, not approved: the trial does not hold its registry id yet.
	s.Require().Equal(types.RegistryClaim_REGISTRY_CLAIM_UNSPECIFIED, t.RegistryClaim)
	s.Require().Zero(s.holder("NCT04368728"))
	ev := testkit.Events[*types.EventTrialRegistered](s.ctx)
	s.Require().Len(ev, 1)
	s.Require().Equal(nct, ev[0].RegistryID)

	// An EU CT number registers too.
	eu := s.registerMsg()
	eu.RegistryID = "2022-500014-26-00"
	_, err = s.ms.RegisterTrial(s.ctx, eu)
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) TestRegisterTrialRefused() {
	s.register()
	s.fresh()
	s.members.Suspend(s.suspended)
	cases := []struct {
		name     string
		malleate func(*types.MsgRegisterTrial)
		want     error
	}{
		{"stranger as sponsor", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Sponsor = "NCT00000001", s.str(s.stranger) }, consortiumtypes.ErrNotMember},
		{"hospital as sponsor", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Sponsor = "NCT00000001", s.str(s.otherHospital) }, consortiumtypes.ErrMissingRole},
		{"ethics committee as sponsor", func(m *types.MsgRegisterTrial) {
			m.RegistryID, m.Sponsor, m.EthicsCommittee = "NCT00000001", s.str(s.irb), s.str(s.irb2)
		}, consortiumtypes.ErrMissingRole},
		{"regulator as sponsor", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Sponsor = "NCT00000001", s.str(s.regulator) }, consortiumtypes.ErrMissingRole},
		{"hospital as ethics committee", func(m *types.MsgRegisterTrial) {
			m.RegistryID, m.EthicsCommittee = "NCT00000001", s.str(s.otherHospital)
		}, consortiumtypes.ErrMissingRole},
		{"stranger as ethics committee", func(m *types.MsgRegisterTrial) { m.RegistryID, m.EthicsCommittee = "NCT00000001", s.str(s.stranger) }, consortiumtypes.ErrNotMember},
		{"laboratory as site", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Sites = "NCT00000001", []string{s.str(s.lab)} }, consortiumtypes.ErrMissingRole},
		{"suspended site", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Sites = "NCT00000001", []string{s.str(s.suspended)} }, consortiumtypes.ErrNotMember},
		{"stranger as site", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Sites = "NCT00000001", []string{s.str(s.stranger)} }, consortiumtypes.ErrNotMember},
		{"sponsor as site", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Sites = "NCT00000001", []string{s.str(s.sponsor)} }, types.ErrInvalidTrial},
		{"sponsor as ethics committee", func(m *types.MsgRegisterTrial) { m.RegistryID, m.EthicsCommittee = "NCT00000001", s.str(s.sponsor) }, types.ErrInvalidTrial},
		{"primary completion passed", func(m *types.MsgRegisterTrial) { m.RegistryID, m.PrimaryCompletion = "NCT00000001", s.ctx.BlockTime() }, types.ErrInvalidTrial},
		{"primary completion beyond 50 years", func(m *types.MsgRegisterTrial) {
			m.RegistryID, m.PrimaryCompletion = "NCT00000001", s.ctx.BlockTime().Add(51*365*day)
		}, types.ErrInvalidTrial},
		{"bad registry id", func(m *types.MsgRegisterTrial) { m.RegistryID = "NCT123" }, types.ErrInvalidRegistryID},
		{"no primary outcome", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Outcomes = "NCT00000001", m.Outcomes[1:] }, types.ErrInvalidOutcome},
		{"bad LOINC check digit", func(m *types.MsgRegisterTrial) { m.RegistryID, m.Outcomes[1].Code = "NCT00000001", "4548-5" }, types.ErrInvalidOutcome},
		{"short commitment", func(m *types.MsgRegisterTrial) {
			m.RegistryID, m.ProtocolCommitment = "NCT00000001", m.ProtocolCommitment[:31]
		}, types.ErrInvalidCommitment},
		{"bad CID", func(m *types.MsgRegisterTrial) { m.RegistryID, m.ProtocolCID = "NCT00000001", "Qm-not-a-cid" }, types.ErrInvalidCID},
		{"unknown consent category", func(m *types.MsgRegisterTrial) { m.RegistryID, m.ConsentCategory = "NCT00000001", "Diary" }, types.ErrInvalidTrial},
		{"bad sponsor address", func(m *types.MsgRegisterTrial) {
			m.RegistryID, m.Sponsor = "NCT00000001", testkit.OtherPrefix(s.sponsor)
		}, types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := s.registerMsg()
			tc.malleate(msg)
			s.refuse(tc.want, testkit.Call(s.ms.RegisterTrial, msg))
		})
	}
}

func (s *KeeperTestSuite) TestAmendProtocol() {
	id := s.recruiting()
	s.fresh()
	v := s.amend(id, true)
	s.Require().EqualValues(2, v)
	t := s.trial(id)
	s.Require().EqualValues(2, t.LatestVersion)
	s.Require().EqualValues(1, t.CurrentVersion, "in force only once approved")
	s.Require().EqualValues(0, t.ReconsentVersion)
	s.Require().Len(testkit.Events[*types.EventVersionSubmitted](s.ctx), 1)

	msg := func(signer string) *types.MsgAmendProtocol {
		return &types.MsgAmendProtocol{Sponsor: signer, TrialID: id, Commitment: commitment("a2"), CID: cid("a2")}
	}
	s.refuse(types.ErrVersionPending, testkit.Call(s.ms.AmendProtocol, msg(s.str(s.sponsor))))
	s.approve(id, 2)
	s.Require().EqualValues(2, s.trial(id).ReconsentVersion)
	for name, who := range map[string]string{
		"second sponsor": s.str(s.sponsor2), "ethics committee": s.str(s.irb), "site": s.str(s.site),
		"subject": s.str(s.subject), "stranger": s.str(s.stranger), "regulator": s.str(s.regulator),
	} {
		s.Run(name, func() { s.refuse(types.ErrNotSponsor, testkit.Call(s.ms.AmendProtocol, msg(who))) })
	}
	bad := msg(s.str(s.sponsor))
	bad.TrialID = 99
	s.refuse(types.ErrTrialNotFound, testkit.Call(s.ms.AmendProtocol, bad))
	s.members.SetRoles(s.sponsor, consortiumtypes.Role_ROLE_HOSPITAL)
	s.refuse(consortiumtypes.ErrMissingRole, testkit.Call(s.ms.AmendProtocol, msg(s.str(s.sponsor))))
}

func (s *KeeperTestSuite) TestApproveAndRejectVersion() {
	id := s.register()
	s.fresh()
	approve := func(signer string, v uint32) *types.MsgApproveVersion {
		return &types.MsgApproveVersion{EthicsCommittee: signer, TrialID: id, Version: v}
	}
	reject := func(signer string, v uint32) *types.MsgRejectVersion {
		return &types.MsgRejectVersion{EthicsCommittee: signer, TrialID: id, Version: v}
	}
	for name, who := range map[string]string{
		"another ethics committee": s.str(s.irb2), "sponsor": s.str(s.sponsor), "site": s.str(s.site),
		"regulator": s.str(s.regulator), "stranger": s.str(s.stranger), "subject": s.str(s.subject),
	} {
		s.Run(name, func() {
			s.refuse(types.ErrNotEthicsCommittee, testkit.Call(s.ms.ApproveVersion, approve(who, 1)))
			s.refuse(types.ErrNotEthicsCommittee, testkit.Call(s.ms.RejectVersion, reject(who, 1)))
		})
	}
	s.refuse(types.ErrVersionNotFound, testkit.Call(s.ms.ApproveVersion, approve(s.str(s.irb), 2)))

	// Reject version 1: the trial does not recruit; the sponsor submits version 2.
	_, err := s.ms.RejectVersion(s.ctx, reject(s.str(s.irb), 1))
	s.Require().NoError(err)
	s.Require().Equal(types.TrialStatus_TRIAL_STATUS_REGISTERED, s.trial(id).Status)
	s.refuse(types.ErrVersionNotPending, testkit.Call(s.ms.ApproveVersion, approve(s.str(s.irb), 1)))
	s.refuse(types.ErrNotRecruiting, testkit.Call(s.ms.ConsentToVersion, s.consentMsg(s.subject, s.site, id, 1)))
	v := s.amend(id, false)
	s.fresh()
	_, err = s.ms.ApproveVersion(s.ctx, approve(s.str(s.irb), v))
	s.Require().NoError(err)
	t := s.trial(id)
	s.Require().Equal(types.TrialStatus_TRIAL_STATUS_RECRUITING, t.Status)
	s.Require().EqualValues(2, t.CurrentVersion)
	ev := testkit.Events[*types.EventVersionDecided](s.ctx)
	s.Require().Len(ev, 1)
	s.Require().Equal(types.VersionStatus_VERSION_STATUS_APPROVED, ev[0].Status)
	s.refuse(types.ErrVersionNotPending, testkit.Call(s.ms.ApproveVersion, approve(s.str(s.irb), 2)))

	// A suspended ethics committee approves nothing.
	s.amend(id, false)
	s.members.Suspend(s.irb)
	s.refuse(consortiumtypes.ErrNotMember, testkit.Call(s.ms.ApproveVersion, approve(s.str(s.irb), 3)))
}

func (s *KeeperTestSuite) TestUpdateParams() {
	p := types.DefaultParams()
	p.SAEExpeditedWindow = 5 * day
	for name, who := range map[string]string{"sponsor": s.str(s.sponsor), "ethics committee": s.str(s.irb), "stranger": s.str(s.stranger)} {
		s.Run(name, func() {
			s.refuse(sdkerrors.ErrUnauthorized, testkit.Call(s.ms.UpdateParams, &types.MsgUpdateParams{Authority: who, Params: p}))
		})
	}
	bad := p
	bad.SAEExpeditedWindow = 20 * day
	s.refuse(types.ErrInvalidParams, testkit.Call(s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: bad}))
	_, err := s.ms.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	s.Require().NoError(err)
	res, err := s.qs.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(p, res.Params)
}

func (s *KeeperTestSuite) TestTrialsQueries() {
	s.register()
	msg := s.registerMsg()
	msg.RegistryID = "NCT00000002"
	_, err := s.ms.RegisterTrial(s.ctx, msg)
	s.Require().NoError(err)
	res, err := s.qs.Trials(s.ctx, &types.QueryTrialsRequest{Pagination: &query.PageRequest{Limit: 1}})
	s.Require().NoError(err)
	s.Require().Len(res.Trials, 1)
	s.Require().NotEmpty(res.Pagination.NextKey)
	_, err = s.qs.Trial(s.ctx, &types.QueryTrialRequest{Id: 9})
	s.Require().Error(err)
	_, err = s.qs.TrialByRegistryID(s.ctx, &types.QueryTrialByRegistryIDRequest{RegistryId: "NCT00000009"})
	s.Require().Error(err)
}
