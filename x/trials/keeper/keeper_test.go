package keeper_test

import (
	"crypto/sha256"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/suite"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	"github.com/healthchain/healthd/internal/unixfs"
	consentkeeper "github.com/healthchain/healthd/x/consent/keeper"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/trials/keeper"
	"github.com/healthchain/healthd/x/trials/types"
)

const (
	category = "QuestionnaireResponse"
	nct      = "NCT04368728"
	day      = 24 * time.Hour
)

// env is the trials keeper over a real x/consortium and x/consent, on one
// multistore.
type env struct {
	ctx                sdk.Context
	cdc                codec.Codec
	trialsKey, consKey *storetypes.KVStoreKey
	members            *members.Consortium
	consent            consentkeeper.Keeper
	consentMS          consenttypes.MsgServer
	k                  keeper.Keeper
	ms                 types.MsgServer
	qs                 types.QueryServer
}

func buildEnv(tb testing.TB, db dbm.DB) *env {
	tb.Helper()
	e := &env{
		trialsKey: storetypes.NewKVStoreKey(types.StoreKey),
		consKey:   storetypes.NewKVStoreKey(consenttypes.StoreKey),
		cdc:       testkit.Codec(types.RegisterInterfaces, consenttypes.RegisterInterfaces, consortiumtypes.RegisterInterfaces),
	}
	consortiumKey := members.NewKey()
	e.ctx = testkit.NewContextOn(tb, db, e.trialsKey, e.consKey, consortiumKey).Ctx
	ac, gov := testkit.AddressCodec, testkit.Gov
	e.members = members.New(tb, e.cdc, consortiumKey, func() sdk.Context { return e.ctx })
	e.consent = consentkeeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.consKey), ac, gov, e.members.Keeper)
	e.consentMS = consentkeeper.NewMsgServerImpl(e.consent)
	e.k = keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.trialsKey), ac, gov, e.members.Keeper, e.consent)
	e.ms = keeper.NewMsgServerImpl(e.k)
	e.qs = keeper.NewQueryServerImpl(e.k)
	return e
}

// KeeperTestSuite: a research sponsor and a second one; the ethics committee
// and a second one; two trial sites (hospitals), a hospital that is not a
// site, a suspended hospital, a regulator, a laboratory; subjects (patients)
// and a stranger.
type KeeperTestSuite struct {
	suite.Suite
	*env

	sponsor, sponsor2, irb, irb2, site, site2, otherHospital, suspended, regulator, lab sdk.AccAddress
	subject, subject2, stranger                                                         sdk.AccAddress
}

func TestKeeperTestSuite(t *testing.T) { suite.Run(t, new(KeeperTestSuite)) }

func (s *KeeperTestSuite) SetupTest() {
	s.env = buildEnv(s.T(), dbm.NewMemDB())
	s.Require().NoError(s.consent.InitGenesis(s.ctx, consenttypes.DefaultGenesisState()))
	s.Require().NoError(s.k.InitGenesis(s.ctx, types.DefaultGenesisState()))
	a := testkit.Addr
	s.sponsor, s.sponsor2, s.irb, s.irb2 = a("sponsor"), a("sponsor2"), a("irb"), a("irb2")
	s.site, s.site2, s.otherHospital, s.suspended = a("site"), a("site2"), a("other-hospital"), a("suspended")
	s.regulator, s.lab = a("regulator"), a("lab")
	s.subject, s.subject2, s.stranger = a("subject"), a("subject-2"), a("stranger")
	s.members.Admit(s.sponsor, consortiumtypes.Role_ROLE_RESEARCH_SPONSOR)
	s.members.Admit(s.sponsor2, consortiumtypes.Role_ROLE_RESEARCH_SPONSOR)
	s.members.Admit(s.irb, consortiumtypes.Role_ROLE_ETHICS_COMMITTEE)
	s.members.Admit(s.irb2, consortiumtypes.Role_ROLE_ETHICS_COMMITTEE)
	s.members.Admit(s.site, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.site2, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.otherHospital, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.suspended, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.regulator, consortiumtypes.Role_ROLE_REGULATOR)
	s.members.Admit(s.lab, consortiumtypes.Role_ROLE_LABORATORY)
	s.fresh()
}

func (s *KeeperTestSuite) str(a sdk.AccAddress) string { return testkit.String(a) }

// fresh gives the context an empty event manager.
func (s *KeeperTestSuite) fresh() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

func (s *KeeperTestSuite) advance(d time.Duration) {
	s.ctx = s.ctx.WithBlockTime(s.ctx.BlockTime().Add(d))
}

// commitment and cid stand for an encrypted document in the vault.
func commitment(label string) []byte { h := sha256.Sum256([]byte(label)); return h[:] }

func cid(label string) string { return unixfs.SumBytes([]byte(label)) }

// watch is the whole trials store: a refusal leaves every byte of it as it was.
func (s *KeeperTestSuite) watch() testkit.Watch { return testkit.Store(s.trialsKey) }

// refuse requires that fn fails with want and changes nothing.
func (s *KeeperTestSuite) refuse(want error, fn func(sdk.Context) error) error {
	s.T().Helper()
	return testkit.Refused(s.T(), s.ctx, want, fn, s.watch())
}

// registerMsg is the fixture trial: two sites, one primary and two secondary
// outcomes (one coded in LOINC), completion in a year.
func (s *KeeperTestSuite) registerMsg() *types.MsgRegisterTrial {
	return &types.MsgRegisterTrial{
		Sponsor: s.str(s.sponsor), RegistryID: nct, Title: "Drug X versus placebo in type 2 diabetes", Phase: types.Phase_PHASE_PHASE_3,
		Sites: []string{s.str(s.site), s.str(s.site2)}, EthicsCommittee: s.str(s.irb), TargetEnrolment: 200,
		Outcomes: []types.Outcome{
			{Kind: types.OutcomeKind_OUTCOME_KIND_PRIMARY, Measure: "Change in HbA1c", TimeFrame: "26 weeks"},
			{Kind: types.OutcomeKind_OUTCOME_KIND_SECONDARY, CodeSystem: types.CodeSystem_CODE_SYSTEM_LOINC, Code: "4548-4", TimeFrame: "52 weeks"},
			{Kind: types.OutcomeKind_OUTCOME_KIND_SECONDARY, Measure: "Body weight change", TimeFrame: "26 weeks"},
		},
		ConsentCategory: category, PrimaryCompletion: s.ctx.BlockTime().Add(365 * day),
		ProtocolCommitment: commitment("protocol v1"), ProtocolCID: cid("protocol v1"),
	}
}

func (s *KeeperTestSuite) register() uint64 {
	s.T().Helper()
	res, err := s.ms.RegisterTrial(s.ctx, s.registerMsg())
	s.Require().NoError(err)
	return res.ID
}

func (s *KeeperTestSuite) approve(trial uint64, v uint32) {
	s.T().Helper()
	_, err := s.ms.ApproveVersion(s.ctx, &types.MsgApproveVersion{EthicsCommittee: s.str(s.irb), TrialID: trial, Version: v})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) amend(trial uint64, reconsent bool) uint32 {
	s.T().Helper()
	res, err := s.ms.AmendProtocol(s.ctx, &types.MsgAmendProtocol{Sponsor: s.str(s.sponsor), TrialID: trial,
		Commitment: commitment("amendment"), CID: cid("amendment"), RequiresReconsent: reconsent})
	s.Require().NoError(err)
	return res.Version
}

// grant is the subject's x/consent consent to grantee for purpose over category.
func (s *KeeperTestSuite) grant(subject, grantee sdk.AccAddress, purpose, cat string) uint64 {
	s.T().Helper()
	res, err := s.consentMS.GrantConsent(s.ctx, &consenttypes.MsgGrantConsent{Signer: s.str(subject), Patient: s.str(subject),
		Grantee: s.str(grantee), Purpose: purpose, Categories: []string{cat}, End: s.ctx.BlockTime().Add(365 * day)})
	s.Require().NoError(err)
	return res.ID
}

func (s *KeeperTestSuite) revoke(subject sdk.AccAddress, consentID uint64) {
	s.T().Helper()
	_, err := s.consentMS.RevokeConsent(s.ctx, &consenttypes.MsgRevokeConsent{Signer: s.str(subject), ConsentID: consentID,
		Reason: consenttypes.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) consentMsg(subject, site sdk.AccAddress, trial uint64, v uint32) *types.MsgConsentToVersion {
	return &types.MsgConsentToVersion{Subject: s.str(subject), TrialID: trial, Site: s.str(site), Version: v}
}

func (s *KeeperTestSuite) bind(subject, site sdk.AccAddress, trial uint64, v uint32) {
	s.T().Helper()
	_, err := s.ms.ConsentToVersion(s.ctx, s.consentMsg(subject, site, trial, v))
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) enrolMsg(site, subject sdk.AccAddress, trial uint64) *types.MsgEnrolSubject {
	return &types.MsgEnrolSubject{Site: s.str(site), TrialID: trial, Subject: s.str(subject)}
}

func (s *KeeperTestSuite) enrol(site, subject sdk.AccAddress, trial uint64) {
	s.T().Helper()
	_, err := s.ms.EnrolSubject(s.ctx, s.enrolMsg(site, subject, trial))
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) recordMsg(site, subject sdk.AccAddress, trial uint64, visit string) *types.MsgRecordData {
	return &types.MsgRecordData{Site: s.str(site), TrialID: trial, Subject: s.str(subject), Visit: visit,
		Commitment: commitment("crf " + visit), CID: cid("crf " + visit)}
}

func (s *KeeperTestSuite) record(site, subject sdk.AccAddress, trial uint64, visit string) uint64 {
	s.T().Helper()
	res, err := s.ms.RecordData(s.ctx, s.recordMsg(site, subject, trial, visit))
	s.Require().NoError(err)
	return res.ID
}

// recruiting registers the fixture trial and approves version 1.
func (s *KeeperTestSuite) recruiting() uint64 {
	s.T().Helper()
	id := s.register()
	s.approve(id, 1)
	return id
}

// enrolled is a recruiting trial with subject enrolled at site under a
// CLINTRL consent; it returns the trial and the consent.
func (s *KeeperTestSuite) enrolled() (uint64, uint64) {
	s.T().Helper()
	id := s.recruiting()
	c := s.grant(s.subject, s.site, "CLINTRL", category)
	s.bind(s.subject, s.site, id, 1)
	s.enrol(s.site, s.subject, id)
	s.fresh()
	return id, c
}

func (s *KeeperTestSuite) trial(id uint64) types.Trial {
	s.T().Helper()
	t, err := s.k.Trials.Get(s.ctx, id)
	s.Require().NoError(err)
	return t
}

func (s *KeeperTestSuite) enrolment(id uint64, subject sdk.AccAddress) types.Enrolment {
	s.T().Helper()
	res, err := s.qs.Enrolment(s.ctx, &types.QueryEnrolmentRequest{TrialId: id, Subject: s.str(subject)})
	s.Require().NoError(err)
	return res.Enrolment
}

func (s *KeeperTestSuite) mayRecord(id uint64, subject sdk.AccAddress) bool {
	s.T().Helper()
	res, err := s.qs.Enrolment(s.ctx, &types.QueryEnrolmentRequest{TrialId: id, Subject: s.str(subject)})
	s.Require().NoError(err)
	return res.MayRecordData
}
