package keeper_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/drugtrace/keeper"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

const (
	// gtinA (manufacturer) and gtinB (manufacturer2) are valid GTIN-14s,
	// under their GS1 company prefixes prefixM and prefixM2.
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

	// Recall classes and reasons the tests use.
	classI        = types.RecallClass_RECALL_CLASS_I
	classII       = types.RecallClass_RECALL_CLASS_II
	contamination = types.RecallReason_RECALL_REASON_CONTAMINATION
	potency       = types.RecallReason_RECALL_REASON_POTENCY
)

// blockTime is the block time of every test context.
var blockTime = testkit.BlockTime

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

// gtinRx is a third valid GTIN (manufacturer, prescription only).
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
// environment (shared with the benchmarks)
// ---------------------------------------------------------------------------

// env is the drugtrace keeper over a real x/consortium (members), both
// stores on one multistore, with the default genesis.
type env struct {
	key     *storetypes.KVStoreKey
	ctx     sdk.Context
	cdc     codec.Codec
	members *members.Consortium
	k       keeper.Keeper
	ms      types.MsgServer
	qs      types.QueryServer
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{key: storetypes.NewKVStoreKey(types.StoreKey), cdc: testkit.Codec(types.RegisterInterfaces)}
	consKey := members.NewKey()
	e.ctx = testkit.NewContext(tb, e.key, consKey).Ctx
	e.members = members.New(tb, e.cdc, consKey, func() sdk.Context { return e.ctx })
	e.k = keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.key), testkit.AddressCodec, testkit.Gov, e.members.Keeper)
	e.ms, e.qs = keeper.NewMsgServerImpl(e.k), keeper.NewQueryServerImpl(e.k)
	require.NoError(tb, e.k.InitGenesis(e.ctx, types.DefaultGenesisState()))
	return e
}

// exceptPrefixes is the dump of the module store without the collections
// under ps.
func exceptPrefixes(dump []string, ps ...collections.Prefix) []string {
	return slices.DeleteFunc(dump, func(entry string) bool {
		return slices.ContainsFunc(ps, func(p collections.Prefix) bool { return strings.HasPrefix(entry, fmt.Sprintf("%X", p.Bytes())) })
	})
}

// ---------------------------------------------------------------------------
// suite
// ---------------------------------------------------------------------------

type KeeperTestSuite struct {
	suite.Suite
	*env

	// Actors (bech32 strings): manufacturer and manufacturer2, distributor,
	// pharmacy and pharmacy2, hospital, regulator, lab (a laboratory, not a
	// receiver), stranger (no member) and patient (an account, no member).
	manufacturer, manufacturer2, distributor, pharmacy, pharmacy2, hospital, regulator, lab, stranger, patient string
}

func TestKeeperTestSuite(t *testing.T) {
	suite.Run(t, new(KeeperTestSuite))
}

func (s *KeeperTestSuite) SetupTest() {
	s.env = newEnv(s.T())
	mk := func(seed string, roles ...consortiumtypes.Role) string {
		a := testkit.Addr(seed)
		if len(roles) > 0 {
			s.members.Admit(a, roles...)
		}
		return testkit.String(a)
	}
	s.manufacturer = mk("manufacturer", consortiumtypes.Role_ROLE_MANUFACTURER)
	s.manufacturer2 = mk("manufacturer-2", consortiumtypes.Role_ROLE_MANUFACTURER)
	s.members.SetCompanyPrefixes(s.acc(s.manufacturer), prefixM)
	s.members.SetCompanyPrefixes(s.acc(s.manufacturer2), prefixM2)
	s.distributor = mk("distributor", consortiumtypes.Role_ROLE_DISTRIBUTOR)
	s.pharmacy = mk("pharmacy", consortiumtypes.Role_ROLE_PHARMACY)
	s.pharmacy2 = mk("pharmacy-2", consortiumtypes.Role_ROLE_PHARMACY)
	s.hospital = mk("hospital", consortiumtypes.Role_ROLE_HOSPITAL)
	s.regulator = mk("regulator", consortiumtypes.Role_ROLE_REGULATOR)
	s.lab = mk("laboratory", consortiumtypes.Role_ROLE_LABORATORY)
	s.stranger = mk("stranger")
	s.patient = mk("patient")

	s.registerProduct(s.manufacturer, gtinA, false)
	s.registerProduct(s.manufacturer2, gtinB, false)
	s.registerProduct(s.manufacturer, gtinRx, true)
	s.freshEvents()
}

func (s *KeeperTestSuite) addrStr(a sdk.AccAddress) string { return testkit.String(a) }

func (s *KeeperTestSuite) acc(str string) sdk.AccAddress {
	bz, err := testkit.AddressCodec.StringToBytes(str)
	s.Require().NoError(err)
	return bz
}

func (s *KeeperTestSuite) setBlockTime(t time.Time) { s.ctx = s.ctx.WithBlockTime(t) }

func (s *KeeperTestSuite) freshEvents() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

// dump is every entry of the module store.
func (s *KeeperTestSuite) dump() []string { return testkit.Dump(s.ctx, s.key) }

func (s *KeeperTestSuite) dumpOnly(ps ...collections.Prefix) []string {
	return testkit.Dump(s.ctx, s.key, ps...)
}

func (s *KeeperTestSuite) dumpExcept(ps ...collections.Prefix) []string {
	return exceptPrefixes(s.dump(), ps...)
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
	if !slices.Equal(before, testkit.Dump(cc, s.key)) {
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

// refuse runs a message that must fail with want, as a failed transaction:
// state and events stay as they were. Many drugtrace refusals come after the
// handler began writing (the transaction discards the writes); those are
// noted in the log.
func refuse[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req, want error) error {
	s.T().Helper()
	err, wrote := testkit.RefusedInTx(s.T(), s.ctx, want, testkit.Call(f, req),
		testkit.Store(s.key), testkit.Genesis(s.k.ExportGenesis))
	if wrote {
		s.T().Logf("note: %T failed (%v) after writing to its branch (discarded, as by a failed tx)", req, err)
	}
	return err
}

// moduleEventTypes lists the drugtrace event types emitted on s.ctx.
func (s *KeeperTestSuite) moduleEventTypes() []string {
	return testkit.EventTypes(s.ctx, "healthd.drugtrace.")
}

// events returns the typed events of type T emitted on s.ctx.
func events[T proto.Message](s *KeeperTestSuite) []T { return testkit.Events[T](s.ctx) }

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
	s.commission(s.manufacturer, gtinA, lotA, stdExpiry, serials...)
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
	mustRun(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
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
	for _, authority := range []string{"", testkit.OtherPrefix(testkit.Addr("gov")), "not-an-address"} {
		s.Require().Panics(func() {
			keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(s.key), testkit.AddressCodec, authority, s.members.Keeper)
		}, "authority %q", authority)
	}
	s.Require().Equal(testkit.Gov, s.k.GetAuthority())
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
