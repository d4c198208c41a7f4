package keeper_test

import (
	"strings"

	"cosmossdk.io/collections"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/healthchain/healthd/internal/testkit"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	"github.com/healthchain/healthd/x/trials/types"
)

// fullTrial runs a trial through every message, so that every collection
// holds something; it returns the trial id.
func (s *KeeperTestSuite) fullTrial() uint64 {
	s.T().Helper()
	id, _ := s.enrolled()
	s.grant(s.subject2, s.site2, "HRESCH", category)
	s.bind(s.subject2, s.site2, id, 1)
	s.enrol(s.site2, s.subject2, id)
	s.record(s.site, s.subject, id, "V1")
	_, err := s.ms.AmendData(s.ctx, s.amendMsg(id, "V1"))
	s.Require().NoError(err)
	s.record(s.site2, s.subject2, id, "V1")
	s.approve(id, s.amend(id, true))
	s.bind(s.subject, s.site, id, 2)
	s.record(s.site, s.subject, id, "V2")
	_, err = s.ms.Withdraw(s.ctx, &types.MsgWithdraw{Subject: s.str(s.subject2), TrialID: id})
	s.Require().NoError(err)
	sae, err := s.ms.ReportSAE(s.ctx, s.saeMsg(id, true, true))
	s.Require().NoError(err)
	_, err = s.ms.ReportSAE(s.ctx, s.saeMsg(id, false, false))
	s.Require().NoError(err)
	s.advance(8 * day)
	_, err = s.ms.SubmitSAEReport(s.ctx, s.saeReport(sae.ID))
	s.Require().NoError(err)
	_, err = s.ms.LockDatabase(s.ctx, s.lockMsg(id))
	s.Require().NoError(err)
	out := faithful()[:2]
	_, err = s.ms.ReportResults(s.ctx, s.resultsMsg(id, out, types.Omission{Number: 3, Reason: types.SwitchReason_SWITCH_REASON_DATA_NOT_COLLECTED}))
	s.Require().NoError(err)
	// A second trial, registered and not approved, with a rejected and a pending version.
	msg := s.registerMsg()
	msg.RegistryID = "2023-503367-32-00"
	other, err := s.ms.RegisterTrial(s.ctx, msg)
	s.Require().NoError(err)
	_, err = s.ms.RejectVersion(s.ctx, &types.MsgRejectVersion{EthicsCommittee: s.str(s.irb), TrialID: other.ID, Version: 1})
	s.Require().NoError(err)
	s.amend(other.ID, false)
	// A squatter's registration under the first trial's id, holding nothing
	// (trial 3); a trial whose id the authority released (trial 4), and the
	// trial that then claimed it (trial 5).
	s.registerAs(s.sponsor2, s.irb2, nct)
	released := s.registerAs(s.sponsor2, s.irb2, "NCT00000002")
	_, err = s.ms.ApproveVersion(s.ctx, s.approveMsg(s.irb2, released, 1))
	s.Require().NoError(err)
	_, err = s.ms.ReleaseRegistryID(s.ctx, s.releaseMsg(testkit.Gov, released))
	s.Require().NoError(err)
	s.approve(s.registerAs(s.sponsor, s.irb, "NCT00000002"), 1)
	return id
}

// TestGenesisRoundTrip: export, import into a fresh store, identical bytes
// (indexes, counters and queues included), and the same export again.
func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	s.fullTrial()
	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().NoError(gs.Validate(testkit.AddressCodec))

	fresh := buildEnv(s.T(), dbm.NewMemDB())
	fresh.ctx = fresh.ctx.WithBlockTime(s.ctx.BlockTime())
	fresh.members.CopyFrom(s.members)
	s.Require().NoError(fresh.consent.InitGenesis(fresh.ctx, consenttypes.DefaultGenesisState()))
	s.Require().NoError(fresh.k.InitGenesis(fresh.ctx, gs))
	s.Require().Equal(testkit.Dump(s.ctx, s.trialsKey), testkit.Dump(fresh.ctx, fresh.trialsKey))
	// The registry holders are rebuilt from the trials' claims: the first
	// trial and the one that claimed the released id, not the squatter.
	holders, err := fresh.k.RegistryHolders.Iterate(fresh.ctx, nil)
	s.Require().NoError(err)
	kvs, err := holders.KeyValues()
	s.Require().NoError(err)
	s.Require().Len(kvs, 2)
	s.Require().Equal(collections.KeyValue[string, uint64]{Key: nct, Value: 1}, kvs[1])
	s.Require().Equal(collections.KeyValue[string, uint64]{Key: "NCT00000002", Value: 5}, kvs[0])
	again, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, again)
}

func (s *KeeperTestSuite) TestGenesisValidate() {
	s.fullTrial()
	cases := []struct {
		name     string
		malleate func(*types.GenesisState)
		contains string
	}{
		{"next trial id 0", func(gs *types.GenesisState) { gs.NextTrialID = 0 }, "start at 1"},
		{"trial id at next id", func(gs *types.GenesisState) { gs.NextTrialID = gs.Trials[1].ID }, "not below next id"},
		{"registry id held twice", func(gs *types.GenesisState) {
			gs.Trials[3].RegistryClaim, gs.Trials[3].RegistryReleasedAt, gs.Trials[3].RegistryReleaseReason = types.RegistryClaim_REGISTRY_CLAIM_HELD, nil, ""
		}, "held twice"},
		{"registry id held twice, other id", func(gs *types.GenesisState) {
			gs.Trials[1].RegistryID = gs.Trials[0].RegistryID
			gs.Trials[1].RegistryClaim, gs.Trials[1].CurrentVersion = types.RegistryClaim_REGISTRY_CLAIM_HELD, 2
			gs.Trials[1].Status = types.TrialStatus_TRIAL_STATUS_RECRUITING
		}, "held twice"},
		{"held before any approval", func(gs *types.GenesisState) { gs.Trials[2].RegistryClaim = types.RegistryClaim_REGISTRY_CLAIM_HELD }, "registry claim"},
		{"approved without a claim", func(gs *types.GenesisState) {
			gs.Trials[4].RegistryClaim = types.RegistryClaim_REGISTRY_CLAIM_UNSPECIFIED
		}, "registry claim"},
		{"unknown claim", func(gs *types.GenesisState) { gs.Trials[4].RegistryClaim = 7 }, "registry claim"},
		{"released without a time", func(gs *types.GenesisState) { gs.Trials[3].RegistryReleasedAt = nil }, "release time"},
		{"released without a reason", func(gs *types.GenesisState) { gs.Trials[3].RegistryReleaseReason = "" }, "release reason"},
		{"reason without a release", func(gs *types.GenesisState) { gs.Trials[4].RegistryReleaseReason = "x" }, "release reason"},
		{"lower-case registry id", func(gs *types.GenesisState) { gs.Trials[0].RegistryID = "nct04368728" }, "registry id"},
		{"unsorted sites", func(gs *types.GenesisState) {
			gs.Trials[0].Sites[0], gs.Trials[0].Sites[1] = gs.Trials[0].Sites[1], gs.Trials[0].Sites[0]
		}, "sorted"},
		{"missing version", func(gs *types.GenesisState) { gs.Versions = gs.Versions[1:] }, "out of order"},
		{"enrolment count", func(gs *types.GenesisState) { gs.Trials[0].Enrolled++ }, "subjects enrolled"},
		{"enrolment at no site", func(gs *types.GenesisState) { gs.Enrolments[0].Site = testkit.String(testkit.Addr("nowhere")) }, "not a site"},
		{"data version gap", func(gs *types.GenesisState) { gs.Data[1].Version = 3 }, "out of order"},
		{"late but open SAE", func(gs *types.GenesisState) { gs.SAEClocks[1].Late = true }, "late but not reported"},
		{"results of unreported trial", func(gs *types.GenesisState) { gs.Trials[0].Status = types.TrialStatus_TRIAL_STATUS_LOCKED }, "results"},
		{"switch out of order", func(gs *types.GenesisState) { gs.Switches[0].Seq = 2 }, "out of order"},
		{"bad params", func(gs *types.GenesisState) { gs.Params.ResultsDueAfter = 0 }, "results_due_after"},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			gs, err := s.k.ExportGenesis(s.ctx)
			s.Require().NoError(err)
			tc.malleate(gs)
			err = gs.Validate(testkit.AddressCodec)
			s.Require().ErrorIs(err, types.ErrInvalidGenesis)
			s.Require().ErrorContains(err, tc.contains)
		})
	}
	s.Require().NoError(types.DefaultGenesisState().Validate(testkit.AddressCodec))
}

// TestEventsNameNoSubject: no event of a whole trial names a subject: an
// account beside a trial would say who takes part in it.
func (s *KeeperTestSuite) TestEventsNameNoSubject() {
	s.fullTrial()
	for _, ev := range s.ctx.EventManager().Events() {
		if !strings.HasPrefix(ev.Type, "healthd.trials.") {
			continue
		}
		for _, a := range ev.Attributes {
			for _, subj := range []string{s.str(s.subject), s.str(s.subject2)} {
				s.Require().NotContains(a.Value, subj, "%s.%s", ev.Type, a.Key)
			}
		}
	}
	s.Require().NotEmpty(testkit.EventTypes(s.ctx, "healthd.trials."))
}
