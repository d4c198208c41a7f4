package keeper_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

const (
	accPrefix = "health"
	valPrefix = "healthvaloper"

	evGranted   = "healthd.consent.v1.EventConsentGranted"
	evAmended   = "healthd.consent.v1.EventConsentAmended"
	evRevoked   = "healthd.consent.v1.EventConsentRevoked"
	evExpired   = "healthd.consent.v1.EventConsentExpired"
	evAppointed = "healthd.consent.v1.EventGuardianAppointed"
	evRemoved   = "healthd.consent.v1.EventGuardianRemoved"
	evBreak     = "healthd.consent.v1.EventBreakGlass"
)

// blockTime is the block time of every test context: UTC, no monotonic
// reading, so it survives a protobuf round trip unchanged.
var blockTime = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

func init() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount(accPrefix, accPrefix+"pub")
	cfg.SetBech32PrefixForValidator(valPrefix, valPrefix+"pub")
	cfg.SetBech32PrefixForConsensusNode(accPrefix+"valcons", accPrefix+"valconspub")
}

// testAddr returns a deterministic 20-byte account address derived from seed.
func testAddr(seed string) sdk.AccAddress {
	h := sha256.Sum256([]byte("consent-test/" + seed))
	return sdk.AccAddress(h[:20])
}

// indexAddr returns the i-th of a family of distinct addresses.
func indexAddr(family string, i int) sdk.AccAddress {
	return testAddr(fmt.Sprintf("%s-%d", family, i))
}

// ---------------------------------------------------------------------------
// fake x/consortium
// ---------------------------------------------------------------------------

// fakeConsortium implements types.ConsortiumKeeper with a fixed member table,
// answering like x/consortium: ErrNotMember for strangers, ErrMissingRole for
// members without any of the required roles.
type fakeConsortium struct {
	roles map[string][]consortiumtypes.Role // key: string(address bytes)
	calls int
}

var _ types.ConsortiumKeeper = (*fakeConsortium)(nil)

func newFakeConsortium() *fakeConsortium {
	return &fakeConsortium{roles: map[string][]consortiumtypes.Role{}}
}

func (f *fakeConsortium) set(addr sdk.AccAddress, roles ...consortiumtypes.Role) {
	f.roles[string(addr)] = roles
}

func (f *fakeConsortium) RequireRole(_ context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error {
	f.calls++
	held, ok := f.roles[string(addr)]
	if !ok {
		return errorsmod.Wrapf(consortiumtypes.ErrNotMember, "%s is not a consortium member", addr)
	}
	for _, r := range roles {
		if slices.Contains(held, r) {
			return nil
		}
	}
	return errorsmod.Wrapf(consortiumtypes.ErrMissingRole, "%s holds none of %v", addr, roles)
}

// ---------------------------------------------------------------------------
// suite
// ---------------------------------------------------------------------------

type KeeperTestSuite struct {
	suite.Suite

	key         *storetypes.KVStoreKey
	cms         store.CommitMultiStore
	ctx         sdk.Context
	cdc         codec.Codec
	ac          address.Codec
	consortium  *fakeConsortium
	keeper      keeper.Keeper
	msgServer   types.MsgServer
	queryServer types.QueryServer

	govAddr string

	// actors
	patient, patient2, doctor, doctor2, guardian, guardian2, stranger sdk.AccAddress
	hospital, lab                                                     sdk.AccAddress
}

func TestKeeperTestSuite(t *testing.T) {
	suite.Run(t, new(KeeperTestSuite))
}

// newEnv builds a fresh keeper over a fresh IAVL-backed store with the default
// genesis, at blockTime.
func newEnv(tb testing.TB, consortium types.ConsortiumKeeper) (*storetypes.KVStoreKey, testutil.TestContext, codec.Codec, address.Codec, string, keeper.Keeper) {
	tb.Helper()
	key, tc, cdc, ac, gov, k := newBareEnv(tb, consortium)
	if err := k.InitGenesis(tc.Ctx, types.DefaultGenesisState()); err != nil {
		tb.Fatal(err)
	}
	return key, tc, cdc, ac, gov, k
}

// newBareEnv is newEnv without any genesis: the store is empty.
func newBareEnv(tb testing.TB, consortium types.ConsortiumKeeper) (*storetypes.KVStoreKey, testutil.TestContext, codec.Codec, address.Codec, string, keeper.Keeper) {
	tb.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tc := testutil.DefaultContextWithDB(tb, key, storetypes.NewTransientStoreKey("transient_test"))
	tc.Ctx = tc.Ctx.WithBlockTime(blockTime).WithBlockHeight(42).WithEventManager(sdk.NewEventManager())
	encCfg := moduletestutil.MakeTestEncodingConfig()
	types.RegisterInterfaces(encCfg.InterfaceRegistry)
	ac := addresscodec.NewBech32Codec(accPrefix)
	gov, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	if err != nil {
		tb.Fatal(err)
	}
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, gov, consortium)
	return key, tc, encCfg.Codec, ac, gov, k
}

func (s *KeeperTestSuite) SetupTest() {
	s.consortium = newFakeConsortium()
	var tc testutil.TestContext
	s.key, tc, s.cdc, s.ac, s.govAddr, s.keeper = newEnv(s.T(), s.consortium)
	s.ctx = tc.Ctx
	s.cms = tc.CMS
	s.msgServer = keeper.NewMsgServerImpl(s.keeper)
	s.queryServer = keeper.NewQueryServerImpl(s.keeper)

	s.patient = testAddr("patient")
	s.patient2 = testAddr("patient2")
	s.doctor = testAddr("doctor")
	s.doctor2 = testAddr("doctor2")
	s.guardian = testAddr("guardian")
	s.guardian2 = testAddr("guardian2")
	s.stranger = testAddr("stranger")
	s.hospital = testAddr("hospital")
	s.lab = testAddr("lab")
	s.consortium.set(s.hospital, consortiumtypes.Role_ROLE_HOSPITAL)
	s.consortium.set(s.lab, consortiumtypes.Role_ROLE_LABORATORY)
}

func (s *KeeperTestSuite) addrStr(a sdk.AccAddress) string {
	str, err := s.ac.BytesToString(a)
	s.Require().NoError(err)
	return str
}

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
	res, err := s.msgServer.BreakGlass(s.ctx, &types.MsgBreakGlass{
		Member: s.addrStr(member), Patient: s.addrStr(patient), Justification: types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING,
	})
	s.Require().NoError(err)
	return res
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

func rawKV(ctx sdk.Context, key storetypes.StoreKey) []string {
	var raw []string
	it := ctx.KVStore(key).Iterator(nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		raw = append(raw, fmt.Sprintf("%X=%X", it.Key(), it.Value()))
	}
	return raw
}

func (s *KeeperTestSuite) dumpState() stateDump {
	s.T().Helper()
	gs, err := s.keeper.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	return stateDump{Genesis: gs, RawKV: rawKV(s.ctx, s.key)}
}

// moduleEvents returns the types of the events of this module emitted on s.ctx.
func (s *KeeperTestSuite) moduleEvents() []string {
	var out []string
	for _, e := range s.ctx.EventManager().Events() {
		if strings.HasPrefix(e.Type, "healthd.consent.") {
			out = append(out, e.Type)
		}
	}
	return out
}

// typedEvents returns every typed event of type typ emitted on s.ctx.
func (s *KeeperTestSuite) typedEvents(typ string) []any {
	s.T().Helper()
	var found []any
	for _, e := range s.ctx.EventManager().ABCIEvents() {
		if e.Type != typ {
			continue
		}
		msg, err := sdk.ParseTypedEvent(e)
		s.Require().NoError(err)
		found = append(found, msg)
	}
	return found
}

// typedEvent returns the one typed event of type typ emitted on s.ctx.
func (s *KeeperTestSuite) typedEvent(typ string) any {
	s.T().Helper()
	found := s.typedEvents(typ)
	s.Require().Len(found, 1, "want exactly one %s event", typ)
	return found[0]
}

// requireRefused checks that err is (wraps) want, and that neither the state
// nor the emitted events changed.
func (s *KeeperTestSuite) requireRefused(err, want error, before stateDump) {
	s.T().Helper()
	s.Require().Error(err)
	s.Require().ErrorIs(err, want)
	s.Require().Equal(before, s.dumpState(), "state changed although the message was refused")
	s.Require().Empty(s.moduleEvents(), "a refused message emitted events")
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
	other, err := addresscodec.NewBech32Codec("cosmos").BytesToString(testAddr("gov"))
	s.Require().NoError(err)
	for _, authority := range []string{"", other, "not-an-address"} {
		s.Require().Panics(func() {
			keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), s.ac, authority, s.consortium)
		}, "authority %q", authority)
	}
	s.Require().Equal(s.govAddr, s.keeper.GetAuthority())
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

// otherPrefixAddr renders addr with the "cosmos" prefix, which this chain refuses.
func otherPrefixAddr(addr sdk.AccAddress) string {
	s, err := addresscodec.NewBech32Codec("cosmos").BytesToString(addr)
	if err != nil {
		panic(err)
	}
	return s
}
