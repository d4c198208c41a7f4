package keeper_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"filippo.io/age"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	"github.com/healthchain/healthd/x/consent/client/consentclient"
	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

const (
	evGranted   = "healthd.consent.v1.EventConsentGranted"
	evAmended   = "healthd.consent.v1.EventConsentAmended"
	evRevoked   = "healthd.consent.v1.EventConsentRevoked"
	evExpired   = "healthd.consent.v1.EventConsentExpired"
	evAppointed = "healthd.consent.v1.EventGuardianAppointed"
	evRemoved   = "healthd.consent.v1.EventGuardianRemoved"
	evBreak     = "healthd.consent.v1.EventBreakGlass"
)

// blockTime is the block time of every test context.
var blockTime = testkit.BlockTime

// indexAddr returns the i-th of a family of distinct addresses.
func indexAddr(family string, i int) sdk.AccAddress {
	return testkit.Addr(fmt.Sprintf("%s-%d", family, i))
}

// countingConsortium is the real x/consortium keeper, counting the role
// checks consent asks of it.
type countingConsortium struct {
	types.ConsortiumKeeper
	calls int
}

func (c *countingConsortium) RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error {
	c.calls++
	return c.ConsortiumKeeper.RequireRole(ctx, addr, roles...)
}

// ---------------------------------------------------------------------------
// environment (shared with the benchmarks)
// ---------------------------------------------------------------------------

// env is the consent keeper over a real x/consortium (members), both stores
// on one multistore.
type env struct {
	key         *storetypes.KVStoreKey
	tc          testkit.Context
	ctx         sdk.Context
	cdc         codec.Codec
	members     *members.Consortium
	consortium  *countingConsortium
	keeper      keeper.Keeper
	msgServer   types.MsgServer
	queryServer types.QueryServer
}

// newEnv builds a fresh keeper with the default genesis, at blockTime.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := newBareEnv(tb)
	require.NoError(tb, e.keeper.InitGenesis(e.ctx, types.DefaultGenesisState()))
	return e
}

// newBareEnv is newEnv without any genesis: the store is empty.
func newBareEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{key: storetypes.NewKVStoreKey(types.StoreKey), cdc: testkit.Codec(types.RegisterInterfaces)}
	consKey := members.NewKey()
	e.tc = testkit.NewContext(tb, e.key, consKey)
	e.ctx = e.tc.Ctx
	e.members = members.New(tb, e.cdc, consKey, func() sdk.Context { return e.ctx })
	e.consortium = &countingConsortium{ConsortiumKeeper: e.members.Keeper}
	e.keeper = keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.key), testkit.AddressCodec, testkit.Gov, e.consortium)
	e.msgServer = keeper.NewMsgServerImpl(e.keeper)
	e.queryServer = keeper.NewQueryServerImpl(e.keeper)
	return e
}

// ---------------------------------------------------------------------------
// suite
// ---------------------------------------------------------------------------

type KeeperTestSuite struct {
	suite.Suite
	*env

	// accounts: patients, doctors, guardians, a stranger
	patient, patient2, doctor, doctor2, guardian, guardian2, stranger sdk.AccAddress
	// consortium members
	hospital, lab sdk.AccAddress
}

func TestKeeperTestSuite(t *testing.T) {
	suite.Run(t, new(KeeperTestSuite))
}

func (s *KeeperTestSuite) SetupTest() {
	s.env = newEnv(s.T())
	s.patient = testkit.Addr("patient")
	s.patient2 = testkit.Addr("patient2")
	s.doctor = testkit.Addr("doctor")
	s.doctor2 = testkit.Addr("doctor2")
	s.guardian = testkit.Addr("guardian")
	s.guardian2 = testkit.Addr("guardian2")
	s.stranger = testkit.Addr("stranger")
	s.hospital = testkit.Addr("hospital")
	s.lab = testkit.Addr("lab")
	s.members.Admit(s.hospital, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.lab, consortiumtypes.Role_ROLE_LABORATORY)
}

func (s *KeeperTestSuite) addrStr(a sdk.AccAddress) string { return testkit.String(a) }

func (s *KeeperTestSuite) now() time.Time { return s.ctx.BlockTime() }

// setTime moves the block time.
func (s *KeeperTestSuite) setTime(t time.Time) { s.ctx = s.ctx.WithBlockTime(t) }

// advance moves the block time forward by d.
func (s *KeeperTestSuite) advance(d time.Duration) { s.setTime(s.now().Add(d)) }

func (s *KeeperTestSuite) params() types.Params {
	p, err := s.keeper.Params.Get(s.ctx)
	s.Require().NoError(err)
	return p
}

// setParams changes the params in place (bypassing UpdateParams).
func (s *KeeperTestSuite) setParams(f func(*types.Params)) {
	p := s.params()
	f(&p)
	s.Require().NoError(p.Validate())
	s.Require().NoError(s.keeper.Params.Set(s.ctx, p))
}

// deliver runs f as a transaction does: on a cache of the state, written back
// (with its events) only when f succeeds.
func (s *KeeperTestSuite) deliver(f func(ctx sdk.Context) error) error {
	cc, write := s.ctx.CacheContext()
	err := f(cc)
	if err == nil {
		write()
	}
	return err
}

// freshEvents gives the context a new, empty event manager.
func (s *KeeperTestSuite) freshEvents() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

// ---------------------------------------------------------------------------
// message helpers
// ---------------------------------------------------------------------------

// grantMsg is a valid grant, signed by the patient, from now for 30 days.
func (s *KeeperTestSuite) grantMsg(patient, grantee sdk.AccAddress, purpose string, cats ...string) *types.MsgGrantConsent {
	return &types.MsgGrantConsent{
		Signer: s.addrStr(patient), Patient: s.addrStr(patient), Grantee: s.addrStr(grantee),
		Purpose: purpose, Categories: cats, AllCategories: len(cats) == 0,
		End: s.now().Add(30 * 24 * time.Hour),
	}
}

// grant sends msg through the Msg service and returns the new consent ID.
func (s *KeeperTestSuite) grant(msg *types.MsgGrantConsent) uint64 {
	s.T().Helper()
	res, err := s.msgServer.GrantConsent(s.ctx, msg)
	s.Require().NoError(err)
	return res.ID
}

// grantSimple grants patient->grantee for purpose over cats (all when none) for 30 days.
func (s *KeeperTestSuite) grantSimple(patient, grantee sdk.AccAddress, purpose string, cats ...string) uint64 {
	s.T().Helper()
	return s.grant(s.grantMsg(patient, grantee, purpose, cats...))
}

func (s *KeeperTestSuite) appoint(patient, guardian sdk.AccAddress, end time.Time) {
	s.T().Helper()
	_, err := s.msgServer.AppointGuardian(s.ctx, &types.MsgAppointGuardian{Patient: s.addrStr(patient), Guardian: s.addrStr(guardian), End: end})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) revoke(signer sdk.AccAddress, id uint64) {
	s.T().Helper()
	_, err := s.msgServer.RevokeConsent(s.ctx, &types.MsgRevokeConsent{Signer: s.addrStr(signer), ConsentID: id, Reason: types.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) breakGlass(member, patient sdk.AccAddress) *types.MsgBreakGlassResponse {
	s.T().Helper()
	res, err := s.msgServer.BreakGlass(s.ctx, breakGlassMsg(s.T(), s.addrStr(member), s.addrStr(patient), types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING))
	s.Require().NoError(err)
	return res
}

// patientKey and memberKey stand for the patient's registered encryption key
// and the member's own: a test's justifications are sealed to them.
var patientKey, memberKey = newIdentity(), newIdentity()

func newIdentity() *age.X25519Identity {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		panic(err)
	}
	return id
}

// breakGlassMsg is a break-glass message with j sealed, as the CLI seals it,
// to patientKey and memberKey.
func breakGlassMsg(tb testing.TB, member, patient string, j types.JustificationCode) *types.MsgBreakGlass {
	tb.Helper()
	sealed, err := consentclient.SealJustification(j, memberKey.Recipient(), patientKey.Recipient())
	require.NoError(tb, err)
	return &types.MsgBreakGlass{Member: member, Patient: patient, JustificationCommitment: sealed.Commitment, JustificationCiphertext: sealed.Ciphertext}
}

func (s *KeeperTestSuite) consent(id uint64) types.Consent {
	s.T().Helper()
	c, err := s.keeper.Consents.Get(s.ctx, id)
	s.Require().NoError(err)
	return c
}

func (s *KeeperTestSuite) check(patient, grantee sdk.AccAddress, purpose, category string) keeper.CheckResult {
	s.T().Helper()
	res, err := s.keeper.Check(s.ctx, patient, grantee, purpose, category)
	s.Require().NoError(err)
	return res
}

func (s *KeeperTestSuite) requireAllowed(res keeper.CheckResult, consentID uint64) {
	s.T().Helper()
	s.Require().Equal(keeper.CheckResult{Allowed: true, ConsentID: consentID, Reason: types.CheckReason_CHECK_REASON_ALLOWED}, res)
}

func (s *KeeperTestSuite) requireDenied(res keeper.CheckResult, reason types.CheckReason) {
	s.T().Helper()
	s.Require().False(res.Allowed, "check allowed, want %s", reason)
	s.Require().Equal(reason, res.Reason)
	s.Require().Zero(res.BreakGlassID)
}

// ---------------------------------------------------------------------------
// state inspection
// ---------------------------------------------------------------------------

// stateDump is a full picture of the module's state: the genesis export and
// every raw entry of the module store (which covers every index).
type stateDump struct {
	Genesis *types.GenesisState
	RawKV   []string
}

func (s *KeeperTestSuite) dumpState() stateDump {
	s.T().Helper()
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	return stateDump{Genesis: gs, RawKV: testkit.Dump(s.ctx, s.key)}
}

// refuse runs fn as a transaction that must be refused with want, having
// changed neither the module store nor the exported genesis and emitted no
// event (testkit.Refused).
func (s *KeeperTestSuite) refuse(want error, fn func(sdk.Context) error) error {
	s.T().Helper()
	return testkit.Refused(s.T(), s.ctx, want, fn, testkit.Store(s.key), testkit.Genesis(s.keeper.ExportGenesis))
}

// moduleEvents returns the types of the events of this module emitted on s.ctx.
func (s *KeeperTestSuite) moduleEvents() []string {
	return testkit.EventTypes(s.ctx, "healthd.consent.")
}

// event returns the one typed event of type T emitted on s.ctx.
func event[T proto.Message](s *KeeperTestSuite) T {
	s.T().Helper()
	evs := testkit.Events[T](s.ctx)
	s.Require().Len(evs, 1, "want exactly one %T event", *new(T))
	return evs[0]
}

// auditOf returns the patient's audit trail, in order.
func (s *KeeperTestSuite) auditOf(patient sdk.AccAddress) []types.AuditEntry {
	s.T().Helper()
	var out []types.AuditEntry
	s.Require().NoError(s.keeper.Audit.Walk(s.ctx, collections.NewPrefixedPairRange[sdk.AccAddress, uint64](patient),
		func(_ collections.Pair[sdk.AccAddress, uint64], e types.AuditEntry) (bool, error) {
			out = append(out, e)
			return false, nil
		}))
	return out
}

// lastAudit returns the patient's newest audit entry.
func (s *KeeperTestSuite) lastAudit(patient sdk.AccAddress) types.AuditEntry {
	s.T().Helper()
	a := s.auditOf(patient)
	s.Require().NotEmpty(a)
	return a[len(a)-1]
}

// activeIndex returns the Active index as "patient/grantee/purpose/category=id" lines.
func (s *KeeperTestSuite) activeIndex() []string {
	s.T().Helper()
	var out []string
	s.Require().NoError(s.keeper.Active.Walk(s.ctx, nil, func(k keeper.QuadKey, id uint64) (bool, error) {
		out = append(out, fmt.Sprintf("%s/%s/%s/%s=%d", s.addrStr(k.K1()), s.addrStr(k.K2()), k.K3(), k.K4(), id))
		return false, nil
	}))
	return out
}

// activeIDsOfPair lists the ActiveByPair entries of (patient, grantee).
func (s *KeeperTestSuite) activeIDsOfPair(patient, grantee sdk.AccAddress) []uint64 {
	s.T().Helper()
	var out []uint64
	s.Require().NoError(s.keeper.ActiveByPair.Walk(s.ctx, collections.NewSuperPrefixedTripleRange[sdk.AccAddress, sdk.AccAddress, uint64](patient, grantee),
		func(k collections.Triple[sdk.AccAddress, sdk.AccAddress, uint64]) (bool, error) {
			out = append(out, k.K3())
			return false, nil
		}))
	return out
}

// expiryQueue lists the expiry queue as "RFC3339Nano/id".
func (s *KeeperTestSuite) expiryQueue() []string {
	s.T().Helper()
	var out []string
	s.Require().NoError(s.keeper.ExpiryQueue.Walk(s.ctx, nil, func(k collections.Pair[time.Time, uint64]) (bool, error) {
		out = append(out, fmt.Sprintf("%s/%d", k.K1().UTC().Format(time.RFC3339Nano), k.K2()))
		return false, nil
	}))
	return out
}

func queueEntry(end time.Time, id uint64) string {
	return fmt.Sprintf("%s/%d", end.UTC().Format(time.RFC3339Nano), id)
}

// ---------------------------------------------------------------------------
// keeper construction
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestNewKeeperRefusesInvalidAuthority() {
	for _, authority := range []string{"", testkit.OtherPrefix(testkit.Addr("gov")), "not-an-address"} {
		s.Require().Panics(func() {
			keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), testkit.AddressCodec, authority, s.consortium)
		}, "authority %q", authority)
	}
	s.Require().Equal(testkit.Gov, s.keeper.GetAuthority())
}

func (s *KeeperTestSuite) TestDefaultGenesisStartsSequencesAtOne() {
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(types.DefaultGenesisState(), gs)
	id := s.grantSimple(s.patient, s.doctor, "TREAT", "Observation")
	s.Require().Equal(uint64(1), id)
	s.Require().Equal(uint64(1), s.lastAudit(s.patient).Seq)
	s.Require().Equal(uint64(1), s.breakGlass(s.hospital, s.patient).ID)
}
