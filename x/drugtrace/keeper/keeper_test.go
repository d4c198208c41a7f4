package keeper_test

import (
	"bytes"
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
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/internal/gs1"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/keeper"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

const (
	accPrefix = "health"
	valPrefix = "healthvaloper"

	// gtinA (manufacturer M) and gtinB (manufacturer M2) are valid GTIN-14s,
	// under the GS1 company prefixes prefixM and prefixM2.
	gtinA    = "09506000134352"
	gtinB    = "04006381333931"
	prefixM  = "9506000"
	prefixM2 = "4006381"
	// badGTIN is gtinA with a wrong check digit.
	badGTIN = "09506000134353"

	// ssccA is a valid SSCC; more are made with sscc(n).
	ssccA   = "106141411234567897"
	badSSCC = "106141411234567898"

	lotA  = "LOT-A1"
	lotA2 = "LOT-A2"
	lotB  = "LOT-B1"

	// stdExpiry is the default expiry date; stdExpiryGS1 the same as AI (17).
	stdExpiry    = "2028-12-31"
	stdExpiryGS1 = "281231"
)

// blockTime is the block time of every test context (UTC, no monotonic clock
// reading, so it survives a protobuf round trip unchanged).
var blockTime = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

func init() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount(accPrefix, accPrefix+"pub")
	cfg.SetBech32PrefixForValidator(valPrefix, valPrefix+"pub")
	cfg.SetBech32PrefixForConsensusNode(accPrefix+"valcons", accPrefix+"valconspub")
}

// testAddr returns a deterministic 20-byte account address derived from seed.
func testAddr(seed string) sdk.AccAddress {
	h := sha256.Sum256([]byte("drugtrace-test/" + seed))
	return sdk.AccAddress(h[:20])
}

// withCheckDigit appends the GS1 check digit to data.
func withCheckDigit(data string) string {
	cd, err := gs1.CheckDigit(data)
	if err != nil {
		panic(err)
	}
	return data + string(cd)
}

// sscc returns the n-th valid test SSCC (extension digit 1, company prefix 0614141).
func sscc(n int) string { return withCheckDigit(fmt.Sprintf("106141412%08d", n)) }

// gtinRx is a third valid GTIN (manufacturer M, prescription only).
var gtinRx = withCheckDigit("0950600013437")

// unitRef is the "GTIN/serial" reference of a unit.
func unitRef(gtin, serial string) string { return types.UnitKey(gtin, serial) }

// elementString is the bracketed GS1 element string of a unit.
func elementString(gtin, expiryYYMMDD, lot, serial string) string {
	return "(01)" + gtin + "(17)" + expiryYYMMDD + "(10)" + lot + "(21)" + serial
}

// serials returns n serials "<prefix>00001".. .
func serials(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%05d", prefix, i+1)
	}
	return out
}

// ---------------------------------------------------------------------------
// fake x/consortium
// ---------------------------------------------------------------------------

// fakeConsortium answers role checks from a map address -> roles, with the
// errors x/consortium returns: unknown and suspended accounts are not members.
type fakeConsortium struct {
	roles     map[string][]consortiumtypes.Role // key: string(address bytes)
	prefixes  map[string][]string
	suspended map[string]bool
}

var _ types.ConsortiumKeeper = (*fakeConsortium)(nil)

func newFakeConsortium() *fakeConsortium {
	return &fakeConsortium{roles: map[string][]consortiumtypes.Role{}, prefixes: map[string][]string{}, suspended: map[string]bool{}}
}

func (f *fakeConsortium) set(addr sdk.AccAddress, roles ...consortiumtypes.Role) {
	f.roles[string(addr)] = roles
}

// setPrefixes records the GS1 company prefixes of a member.
func (f *fakeConsortium) setPrefixes(addr sdk.AccAddress, prefixes ...string) {
	f.prefixes[string(addr)] = prefixes
}

func (f *fakeConsortium) suspend(addr sdk.AccAddress) { f.suspended[string(addr)] = true }

func (f *fakeConsortium) reinstate(addr sdk.AccAddress) { delete(f.suspended, string(addr)) }

func (f *fakeConsortium) remove(addr sdk.AccAddress) { delete(f.roles, string(addr)) }

func (f *fakeConsortium) RequireRole(_ context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error {
	if len(roles) == 0 {
		return errorsmod.Wrap(consortiumtypes.ErrInvalidRole, "no role to require")
	}
	held, ok := f.roles[string(addr)]
	if !ok {
		return errorsmod.Wrapf(consortiumtypes.ErrNotMember, "%s is not a consortium member", addr)
	}
	if f.suspended[string(addr)] {
		return errorsmod.Wrapf(consortiumtypes.ErrNotMember, "%s is suspended", addr)
	}
	for _, r := range roles {
		if slices.Contains(held, r) {
			return nil
		}
	}
	return errorsmod.Wrapf(consortiumtypes.ErrMissingRole, "%s holds none of %v", addr, roles)
}

func (f *fakeConsortium) GetMember(_ context.Context, addr sdk.AccAddress) (consortiumtypes.Member, error) {
	roles, ok := f.roles[string(addr)]
	if !ok {
		return consortiumtypes.Member{}, errorsmod.Wrapf(consortiumtypes.ErrMemberNotFound, "%s", addr)
	}
	status := consortiumtypes.MemberStatus_MEMBER_STATUS_ACTIVE
	if f.suspended[string(addr)] {
		status = consortiumtypes.MemberStatus_MEMBER_STATUS_SUSPENDED
	}
	return consortiumtypes.Member{Roles: roles, GS1CompanyPrefixes: f.prefixes[string(addr)], Status: status}, nil
}

// ---------------------------------------------------------------------------
// environment (shared with the benchmarks)
// ---------------------------------------------------------------------------

type env struct {
	key  *storetypes.KVStoreKey
	ctx  sdk.Context
	cdc  codec.Codec
	ac   address.Codec
	cons *fakeConsortium
	k    keeper.Keeper
	ms   types.MsgServer
	qs   types.QueryServer
	gov  string
}

func newEnv(tb testing.TB, cons *fakeConsortium) *env {
	tb.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey("transient_test")
	ctx := testutil.DefaultContextWithDB(tb, key, tkey).Ctx.
		WithBlockTime(blockTime).
		WithBlockHeight(7).
		WithEventManager(sdk.NewEventManager())
	encCfg := moduletestutil.MakeTestEncodingConfig()
	types.RegisterInterfaces(encCfg.InterfaceRegistry)
	ac := addresscodec.NewBech32Codec(accPrefix)
	gov, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(tb, err)
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, gov, cons)
	require.NoError(tb, k.InitGenesis(ctx, types.DefaultGenesisState()))
	return &env{key: key, ctx: ctx, cdc: encCfg.Codec, ac: ac, cons: cons, k: k,
		ms: keeper.NewMsgServerImpl(k), qs: keeper.NewQueryServerImpl(k), gov: gov}
}

// rawKV returns every entry of the module store as "hexkey=hexvalue", keeping
// the entries whose first key byte (the collection prefix) passes keep.
func rawKV(ctx sdk.Context, key storetypes.StoreKey, keep func(prefix byte) bool) []string {
	var out []string
	it := ctx.KVStore(key).Iterator(nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if keep != nil && !keep(it.Key()[0]) {
			continue
		}
		out = append(out, fmt.Sprintf("%X=%X", it.Key(), it.Value()))
	}
	return out
}

// onlyPrefixes / exceptPrefixes build keep functions for rawKV.
func onlyPrefixes(ps ...collections.Prefix) func(byte) bool {
	return func(b byte) bool {
		return slices.ContainsFunc(ps, func(p collections.Prefix) bool { return p.Bytes()[0] == b })
	}
}

func exceptPrefixes(ps ...collections.Prefix) func(byte) bool {
	only := onlyPrefixes(ps...)
	return func(b byte) bool { return !only(b) }
}

// ---------------------------------------------------------------------------
// suite
// ---------------------------------------------------------------------------

type KeeperTestSuite struct {
	suite.Suite
	*env

	// Actors (bech32 strings): manufacturers M and M2, distributor D,
	// pharmacies P and P2, hospital H, regulator R, laboratory L (not a
	// receiver), non-member X and a patient account Pt (no membership).
	M, M2, D, P, P2, H, R, L, X, Pt string
}

func TestKeeperTestSuite(t *testing.T) {
	suite.Run(t, new(KeeperTestSuite))
}

func (s *KeeperTestSuite) SetupTest() {
	s.env = newEnv(s.T(), newFakeConsortium())
	mk := func(seed string, roles ...consortiumtypes.Role) string {
		a := testAddr(seed)
		if len(roles) > 0 {
			s.cons.set(a, roles...)
		}
		return s.addrStr(a)
	}
	s.M = mk("manufacturer", consortiumtypes.Role_ROLE_MANUFACTURER)
	s.M2 = mk("manufacturer-2", consortiumtypes.Role_ROLE_MANUFACTURER)
	s.cons.setPrefixes(s.acc(s.M), prefixM)
	s.cons.setPrefixes(s.acc(s.M2), prefixM2)
	s.D = mk("distributor", consortiumtypes.Role_ROLE_DISTRIBUTOR)
	s.P = mk("pharmacy", consortiumtypes.Role_ROLE_PHARMACY)
	s.P2 = mk("pharmacy-2", consortiumtypes.Role_ROLE_PHARMACY)
	s.H = mk("hospital", consortiumtypes.Role_ROLE_HOSPITAL)
	s.R = mk("regulator", consortiumtypes.Role_ROLE_REGULATOR)
	s.L = mk("laboratory", consortiumtypes.Role_ROLE_LABORATORY)
	s.X = mk("stranger")
	s.Pt = mk("patient")

	s.registerProduct(s.M, gtinA, false)
	s.registerProduct(s.M2, gtinB, false)
	s.registerProduct(s.M, gtinRx, true)
	s.freshEvents()
}

func (s *KeeperTestSuite) addrStr(a sdk.AccAddress) string {
	str, err := s.ac.BytesToString(a)
	s.Require().NoError(err)
	return str
}

func (s *KeeperTestSuite) acc(str string) sdk.AccAddress {
	bz, err := s.ac.StringToBytes(str)
	s.Require().NoError(err)
	return bz
}

func (s *KeeperTestSuite) setBlockTime(t time.Time) { s.ctx = s.ctx.WithBlockTime(t) }

func (s *KeeperTestSuite) freshEvents() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

// dump is every entry of the module store.
func (s *KeeperTestSuite) dump() []string { return rawKV(s.ctx, s.key, nil) }

func (s *KeeperTestSuite) dumpOnly(ps ...collections.Prefix) []string {
	return rawKV(s.ctx, s.key, onlyPrefixes(ps...))
}

func (s *KeeperTestSuite) dumpExcept(ps ...collections.Prefix) []string {
	return rawKV(s.ctx, s.key, exceptPrefixes(ps...))
}

// run executes one message the way baseapp does: on a branch of the state
// that is written back only when the handler succeeds (a failed transaction
// leaves no trace, events included).
func run[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req) (Res, error) {
	s.T().Helper()
	before := s.dump()
	cc, write := s.ctx.CacheContext()
	res, err := f(cc, req)
	if err == nil {
		write()
		return res, nil
	}
	if !slices.Equal(before, rawKV(cc, s.key, nil)) {
		s.T().Logf("note: %T failed (%v) after writing to its branch (discarded, as by a failed tx)", req, err)
	}
	return res, err
}

// mustRun runs a message that must succeed.
func mustRun[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req) Res {
	s.T().Helper()
	res, err := run(s, f, req)
	s.Require().NoError(err, "%T", req)
	return res
}

// refuse runs a message that must fail with want and leave state and events untouched.
func refuse[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req, want error) error {
	s.T().Helper()
	before := s.dump()
	evBefore := len(s.ctx.EventManager().Events())
	_, err := run(s, f, req)
	s.Require().Error(err, "%T was accepted", req)
	s.Require().ErrorIs(err, want, "%T", req)
	s.Require().Equal(before, s.dump(), "state changed although %T was refused", req)
	s.Require().Len(s.ctx.EventManager().Events(), evBefore, "a refused %T emitted events", req)
	return err
}

// moduleEventTypes lists the drugtrace event types emitted on s.ctx.
func (s *KeeperTestSuite) moduleEventTypes() []string {
	var out []string
	for _, e := range s.ctx.EventManager().Events() {
		if strings.HasPrefix(e.Type, "healthd.drugtrace.") {
			out = append(out, e.Type)
		}
	}
	return out
}

// typedEvents parses the emitted events of type typ.
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

// ---------------------------------------------------------------------------
// scenario helpers
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) registerProduct(mfr, gtin string, rx bool) {
	s.T().Helper()
	mustRun(s, s.ms.RegisterProduct, &types.MsgRegisterProduct{Manufacturer: mfr, GTIN: gtin, NDC: "12345-678-90",
		Name: "Product " + gtin, Strength: "500 mg", Form: "tablet", PrescriptionOnly: rx})
}

func (s *KeeperTestSuite) commission(mfr, gtin, lot, expiry string, serials ...string) {
	s.T().Helper()
	res := mustRun(s, s.ms.Commission, &types.MsgCommission{Manufacturer: mfr, GTIN: gtin, Lot: lot, Expiry: expiry, Serials: serials})
	s.Require().EqualValues(len(serials), res.Commissioned)
}

// commissionA commissions units of gtinA, lot lotA, by M.
func (s *KeeperTestSuite) commissionA(serials ...string) {
	s.T().Helper()
	s.commission(s.M, gtinA, lotA, stdExpiry, serials...)
}

func refsOf(gtin string, serials ...string) []string {
	out := make([]string, len(serials))
	for i, sr := range serials {
		out[i] = unitRef(gtin, sr)
	}
	return out
}

func (s *KeeperTestSuite) pack(actor, sscc string, units []string, containers ...string) {
	s.T().Helper()
	mustRun(s, s.ms.Pack, &types.MsgPack{Actor: actor, SSCC: sscc, Units: units, Containers: containers})
}

func (s *KeeperTestSuite) ship(actor, to string, containers, units []string) uint64 {
	s.T().Helper()
	res := mustRun(s, s.ms.Ship, &types.MsgShip{Actor: actor, To: to, Containers: containers, Units: units})
	s.Require().False(res.Refused, "shipment refused")
	s.Require().NotZero(res.ShipmentID)
	return res.ShipmentID
}

func (s *KeeperTestSuite) receive(actor string, id uint64) {
	s.T().Helper()
	mustRun(s, s.ms.Receive, &types.MsgReceive{Actor: actor, ShipmentID: id})
}

// unitsAt commissions units of gtin (lot, stdExpiry) by its manufacturer and
// moves them, loose, to holder.
func (s *KeeperTestSuite) unitsAt(holder, mfr, gtin, lot string, serials ...string) {
	s.T().Helper()
	s.commission(mfr, gtin, lot, stdExpiry, serials...)
	if holder != mfr {
		id := s.ship(mfr, holder, nil, refsOf(gtin, serials...))
		s.receive(holder, id)
	}
	for _, sr := range serials {
		u := s.unit(gtin, sr)
		s.Require().Equal(holder, u.Custodian)
		s.Require().Equal(types.UnitStatus_UNIT_STATUS_ACTIVE, u.Status)
	}
}

func (s *KeeperTestSuite) unit(gtin, serial string) types.Unit {
	s.T().Helper()
	u, err := s.k.Units.Get(s.ctx, collections.Join(gtin, serial))
	s.Require().NoError(err)
	return u
}

func (s *KeeperTestSuite) container(sscc string) types.Container {
	s.T().Helper()
	c, err := s.k.Containers.Get(s.ctx, sscc)
	s.Require().NoError(err)
	return c
}

func (s *KeeperTestSuite) shipment(id uint64) types.Shipment {
	s.T().Helper()
	sh, err := s.k.Shipments.Get(s.ctx, id)
	s.Require().NoError(err)
	return sh
}

// history reads a unit's events straight from the collection.
func (s *KeeperTestSuite) history(gtin, serial string) []types.TraceEvent {
	s.T().Helper()
	var out []types.TraceEvent
	s.Require().NoError(s.k.History.Walk(s.ctx, collections.NewSuperPrefixedTripleRange[string, string, uint64](gtin, serial),
		func(_ collections.Triple[string, string, uint64], e types.TraceEvent) (bool, error) {
			out = append(out, e)
			return false, nil
		}))
	return out
}

func bizSteps(evs []types.TraceEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.BizStep
	}
	return out
}

func (s *KeeperTestSuite) lastEvent(gtin, serial string) types.TraceEvent {
	s.T().Helper()
	h := s.history(gtin, serial)
	s.Require().NotEmpty(h)
	return h[len(h)-1]
}

// verify asks the query server for a verdict.
func (s *KeeperTestSuite) verify(ref, asker string) types.Verdict {
	s.T().Helper()
	res, err := s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Unit: ref, Asker: asker})
	s.Require().NoError(err)
	s.Require().Equal(res.Verdict == types.Verdict_VERDICT_AUTHENTIC_SALEABLE, res.Saleable)
	return res.Verdict
}

func (s *KeeperTestSuite) setParams(p types.Params) {
	s.T().Helper()
	mustRun(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: s.gov, Params: p})
}

func (s *KeeperTestSuite) alerts() []types.Alert {
	s.T().Helper()
	var out []types.Alert
	s.Require().NoError(s.k.Alerts.Walk(s.ctx, nil, func(_ uint64, a types.Alert) (bool, error) {
		out = append(out, a)
		return false, nil
	}))
	return out
}

// storeContains reports whether any key or value of the module store contains needle.
func (s *KeeperTestSuite) storeContains(needle []byte) bool {
	it := s.ctx.KVStore(s.key).Iterator(nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if bytes.Contains(it.Key(), needle) || bytes.Contains(it.Value(), needle) {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// keeper construction and params
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestNewKeeperRefusesInvalidAuthority() {
	other, err := addresscodec.NewBech32Codec("cosmos").BytesToString(testAddr("gov"))
	s.Require().NoError(err)
	for _, authority := range []string{"", other, "not-an-address"} {
		s.Require().Panics(func() {
			keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), s.ac, authority, s.cons)
		}, "authority %q", authority)
	}
	s.Require().Equal(s.gov, s.k.GetAuthority())
}

func (s *KeeperTestSuite) TestFixtures() {
	s.Require().NoError(gs1.ValidateSSCC(ssccA))
	s.Require().Error(gs1.ValidateSSCC(badSSCC))
	s.Require().NoError(gs1.ValidateGTIN14(gtinA))
	s.Require().NoError(gs1.ValidateGTIN14(gtinB))
	s.Require().NoError(gs1.ValidateGTIN14(gtinRx))
	s.Require().Error(gs1.ValidateGTIN14(badGTIN))
	for i := range 5 {
		s.Require().NoError(gs1.ValidateSSCC(sscc(i)))
	}
	s.Require().NotEqual(ssccA, sscc(0))
}
