package keeper_test

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/log/v2"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/internal/unixfs"
	consentkeeper "github.com/healthchain/healthd/x/consent/keeper"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumkeeper "github.com/healthchain/healthd/x/consortium/keeper"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/records/keeper"
	"github.com/healthchain/healthd/x/records/types"
)

const (
	accPrefix = "health"
	valPrefix = "healthvaloper"

	evAnchored   = "healthd.records.v1.EventRecordAnchored"
	evGranted    = "healthd.records.v1.EventAccessGranted"
	evKey        = "healthd.records.v1.EventEncryptionKeyRegistered"
	recordsEvent = "healthd.records."

	// dicomCT is the CT Image Storage SOP class UID.
	dicomCT = "1.2.840.10008.5.1.4.1.1.2"
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
	h := sha256.Sum256([]byte("records-test/" + seed))
	return sdk.AccAddress(h[:20])
}

// commitment returns a 32-byte commitment derived from seed.
func commitment(seed string) []byte {
	h := sha256.Sum256([]byte("commitment/" + seed))
	return h[:]
}

// cidOf returns the valid CIDv1 of a blob derived from seed.
func cidOf(seed string) string { return unixfs.SumBytes([]byte("blob/" + seed)) }

var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// rawCID renders raw CID bytes as multibase base32 lower case ('b' prefix).
func rawCID(raw []byte) string {
	return "b" + strings.ToLower(base32NoPad.EncodeToString(raw))
}

// otherPrefix renders addr with the "cosmos" prefix, which this chain refuses.
func otherPrefix(addr sdk.AccAddress) string {
	s, err := addresscodec.NewBech32Codec("cosmos").BytesToString(addr)
	if err != nil {
		panic(err)
	}
	return s
}

// newRecipient returns a fresh age X25519 recipient string.
func newRecipient(tb testing.TB) string {
	tb.Helper()
	id, err := age.GenerateX25519Identity()
	require.NoError(tb, err)
	return id.Recipient().String()
}

// ageIdentityString returns a fresh age X25519 identity (a secret key) string.
func ageIdentityString() (string, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// ---------------------------------------------------------------------------
// environment: the records keeper over the real consortium and consent keepers
// ---------------------------------------------------------------------------

type env struct {
	db            dbm.DB
	cms           store.CommitMultiStore
	ctx           sdk.Context
	cdc           codec.Codec
	ac            address.Codec
	gov           string
	recKey        *storetypes.KVStoreKey
	consentKey    *storetypes.KVStoreKey
	consortiumKey *storetypes.KVStoreKey

	consortium   consortiumkeeper.Keeper
	consent      consentkeeper.Keeper
	k            keeper.Keeper
	ms           types.MsgServer
	qs           types.QueryServer
	consortiumMS consortiumtypes.MsgServer
	consentMS    consenttypes.MsgServer
}

// newEnv mounts the three module stores on one IAVL multistore and builds the
// keepers with their default genesis, at blockTime.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{
		db:            dbm.NewMemDB(),
		recKey:        storetypes.NewKVStoreKey(types.StoreKey),
		consentKey:    storetypes.NewKVStoreKey(consenttypes.StoreKey),
		consortiumKey: storetypes.NewKVStoreKey(consortiumtypes.StoreKey),
	}
	e.cms = store.NewCommitMultiStore(e.db, log.NewNopLogger())
	// nil: each store gets its own prefix of the database, so that they can be committed.
	for _, k := range []*storetypes.KVStoreKey{e.recKey, e.consentKey, e.consortiumKey} {
		e.cms.MountStoreWithDB(k, storetypes.StoreTypeIAVL, nil)
	}
	e.cms.MountStoreWithDB(storetypes.NewTransientStoreKey("transient_test"), storetypes.StoreTypeTransient, nil)
	require.NoError(tb, e.cms.LoadLatestVersion())
	e.ctx = sdk.NewContext(e.cms, cmtproto.Header{Time: blockTime, Height: 42}, false, log.NewNopLogger()).
		WithBlockTime(blockTime).WithBlockHeight(42).WithEventManager(sdk.NewEventManager())

	encCfg := moduletestutil.MakeTestEncodingConfig()
	types.RegisterInterfaces(encCfg.InterfaceRegistry)
	consenttypes.RegisterInterfaces(encCfg.InterfaceRegistry)
	consortiumtypes.RegisterInterfaces(encCfg.InterfaceRegistry)
	e.cdc = encCfg.Codec
	e.ac = addresscodec.NewBech32Codec(accPrefix)
	gov, err := e.ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(tb, err)
	e.gov = gov

	e.consortium = consortiumkeeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.consortiumKey), e.ac, gov, nil)
	e.consent = consentkeeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.consentKey), e.ac, gov, e.consortium)
	e.k = keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.recKey), e.ac, gov, e.consortium, e.consent)
	require.NoError(tb, e.consent.InitGenesis(e.ctx, consenttypes.DefaultGenesisState()))
	require.NoError(tb, e.k.InitGenesis(e.ctx, types.DefaultGenesisState()))
	e.ms = keeper.NewMsgServerImpl(e.k)
	e.qs = keeper.NewQueryServerImpl(e.k)
	e.consortiumMS = consortiumkeeper.NewMsgServerImpl(e.consortium)
	e.consentMS = consentkeeper.NewMsgServerImpl(e.consent)
	return e
}

func (e *env) str(tb testing.TB, a sdk.AccAddress) string {
	tb.Helper()
	s, err := e.ac.BytesToString(a)
	require.NoError(tb, err)
	return s
}

// npiFor returns a valid NPI (Luhn check digit over "80840" and the nine
// digits) derived from addr, so that each member has its own.
func npiFor(addr sdk.AccAddress) string {
	base := make([]byte, 9)
	base[0] = '1'
	for i := 1; i < 9; i++ {
		base[i] = '0' + addr[i]%10
	}
	digits := "80840" + string(base)
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		// the check digit goes to the right, so the rightmost digit here is doubled
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(base) + string(rune('0'+(10-sum%10)%10))
}

// admit makes addr an active member holding roles, through the consortium's
// Msg service with the gov authority.
func (e *env) admit(tb testing.TB, addr sdk.AccAddress, name string, roles ...consortiumtypes.Role) {
	tb.Helper()
	_, err := e.consortiumMS.AdmitMember(e.ctx, &consortiumtypes.MsgAdmitMember{
		Authority: e.gov, Address: e.str(tb, addr), Name: name, Roles: roles, NPI: npiFor(addr),
	})
	require.NoError(tb, err)
}

// rawKV returns every entry of a store as "hexkey=hexvalue".
// indexHas reports whether a multi index holds (ref, id).
func indexHas[R, V any](ctx context.Context, idx *indexes.Multi[R, uint64, V], ref R, id uint64) (bool, error) {
	key := collections.Join(ref, id)
	it, err := idx.Iterate(ctx, new(collections.Range[collections.Pair[R, uint64]]).StartInclusive(key).EndInclusive(key))
	if err != nil {
		return false, err
	}
	defer it.Close()
	return it.Valid(), nil
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

// ---------------------------------------------------------------------------
// suite
// ---------------------------------------------------------------------------

type KeeperTestSuite struct {
	suite.Suite
	*env

	// non-members
	patient, patient2, stranger sdk.AccAddress
	// members: hospital and lab author records; clinic and er are hospitals
	// that read them; pharmacy holds the wrong role to author; suspended is a
	// hospital that was suspended.
	hospital, lab, clinic, er, pharmacy, suspended sdk.AccAddress
}

func TestKeeperTestSuite(t *testing.T) {
	suite.Run(t, new(KeeperTestSuite))
}

func (s *KeeperTestSuite) SetupTest() {
	s.env = newEnv(s.T())
	s.patient = testAddr("patient")
	s.patient2 = testAddr("patient2")
	s.stranger = testAddr("stranger")
	s.hospital = testAddr("hospital")
	s.lab = testAddr("lab")
	s.clinic = testAddr("clinic")
	s.er = testAddr("er")
	s.pharmacy = testAddr("pharmacy")
	s.suspended = testAddr("suspended")
	t := s.T()
	s.admit(t, s.hospital, "General Hospital", consortiumtypes.Role_ROLE_HOSPITAL)
	s.admit(t, s.lab, "Central Laboratory", consortiumtypes.Role_ROLE_LABORATORY)
	s.admit(t, s.clinic, "Clinic", consortiumtypes.Role_ROLE_HOSPITAL)
	s.admit(t, s.er, "Emergency Room", consortiumtypes.Role_ROLE_HOSPITAL)
	s.admit(t, s.pharmacy, "Pharmacy", consortiumtypes.Role_ROLE_PHARMACY)
	s.admit(t, s.suspended, "Suspended Hospital", consortiumtypes.Role_ROLE_HOSPITAL)
	s.suspend(s.suspended)
	s.freshEvents()
}

func (s *KeeperTestSuite) addr(a sdk.AccAddress) string { return s.str(s.T(), a) }

func (s *KeeperTestSuite) now() time.Time { return s.ctx.BlockTime() }

// advance moves the block time forward by d.
func (s *KeeperTestSuite) advance(d time.Duration) { s.ctx = s.ctx.WithBlockTime(s.now().Add(d)) }

// freshEvents gives the context a new, empty event manager.
func (s *KeeperTestSuite) freshEvents() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

func (s *KeeperTestSuite) suspend(a sdk.AccAddress) {
	s.T().Helper()
	_, err := s.consortiumMS.SuspendMember(s.ctx, &consortiumtypes.MsgSuspendMember{Authority: s.gov, Address: s.addr(a), Reason: "audit finding"})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) params() types.Params {
	s.T().Helper()
	p, err := s.k.Params.Get(s.ctx)
	s.Require().NoError(err)
	return p
}

func (s *KeeperTestSuite) setParams(f func(*types.Params)) {
	s.T().Helper()
	p := s.params()
	f(&p)
	_, err := s.ms.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: s.gov, Params: p})
	s.Require().NoError(err)
}

// ---------------------------------------------------------------------------
// message helpers
// ---------------------------------------------------------------------------

// anchorMsg is a valid FHIR Observation (category laboratory) anchored by
// author for patient; seed makes its content distinct.
func (s *KeeperTestSuite) anchorMsg(author, patient sdk.AccAddress, seed string) *types.MsgAnchorRecord {
	return &types.MsgAnchorRecord{
		Author: s.addr(author), Patient: s.addr(patient), Format: types.Format_FORMAT_FHIR_R4,
		Kind: "Observation", Category: "laboratory",
		Commitment: commitment(seed), CID: cidOf(seed), BlobSize: 1234,
	}
}

func (s *KeeperTestSuite) anchorWith(msg *types.MsgAnchorRecord) uint64 {
	s.T().Helper()
	res, err := s.ms.AnchorRecord(s.ctx, msg)
	s.Require().NoError(err)
	return res.ID
}

// anchor anchors a default record of patient by the hospital.
func (s *KeeperTestSuite) anchor(patient sdk.AccAddress, seed string) uint64 {
	s.T().Helper()
	return s.anchorWith(s.anchorMsg(s.hospital, patient, seed))
}

func (s *KeeperTestSuite) amendMsg(author sdk.AccAddress, id uint64, seed string) *types.MsgAmendRecord {
	return &types.MsgAmendRecord{
		Author: s.addr(author), Supersedes: id, Kind: "Observation", Category: "laboratory",
		Commitment: commitment(seed), CID: cidOf(seed), BlobSize: 2345,
	}
}

func (s *KeeperTestSuite) amend(author sdk.AccAddress, id uint64, seed string) uint64 {
	s.T().Helper()
	res, err := s.ms.AmendRecord(s.ctx, s.amendMsg(author, id, seed))
	s.Require().NoError(err)
	return res.ID
}

func (s *KeeperTestSuite) record(id uint64) types.Record {
	s.T().Helper()
	r, err := s.k.Records.Get(s.ctx, id)
	s.Require().NoError(err)
	return r
}

func (s *KeeperTestSuite) grant(id uint64) types.AccessGrant {
	s.T().Helper()
	g, err := s.k.Grants.Get(s.ctx, id)
	s.Require().NoError(err)
	return g
}

// consentTo has patient consent to grantee for purpose over cats (all when
// none) until end, through the consent Msg service.
func (s *KeeperTestSuite) consentTo(patient, grantee sdk.AccAddress, purpose string, end time.Time, cats ...string) uint64 {
	s.T().Helper()
	res, err := s.consentMS.GrantConsent(s.ctx, &consenttypes.MsgGrantConsent{
		Signer: s.addr(patient), Patient: s.addr(patient), Grantee: s.addr(grantee),
		Purpose: purpose, Categories: cats, AllCategories: len(cats) == 0, End: end,
	})
	s.Require().NoError(err)
	return res.ID
}

func (s *KeeperTestSuite) revoke(patient sdk.AccAddress, consentID uint64) {
	s.T().Helper()
	_, err := s.consentMS.RevokeConsent(s.ctx, &consenttypes.MsgRevokeConsent{
		Signer: s.addr(patient), ConsentID: consentID, Reason: consenttypes.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST,
	})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) breakGlass(member, patient sdk.AccAddress) *consenttypes.MsgBreakGlassResponse {
	s.T().Helper()
	res, err := s.consentMS.BreakGlass(s.ctx, &consenttypes.MsgBreakGlass{
		Member: s.addr(member), Patient: s.addr(patient), Justification: consenttypes.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING,
	})
	s.Require().NoError(err)
	return res
}

func (s *KeeperTestSuite) requestAccess(grantee sdk.AccAddress, id uint64, purpose string) (*types.MsgRequestAccessResponse, error) {
	return s.ms.RequestAccess(s.ctx, &types.MsgRequestAccess{Grantee: s.addr(grantee), RecordID: id, Purpose: purpose})
}

func (s *KeeperTestSuite) mustRequest(grantee sdk.AccAddress, id uint64, purpose string) *types.MsgRequestAccessResponse {
	s.T().Helper()
	res, err := s.requestAccess(grantee, id, purpose)
	s.Require().NoError(err)
	return res
}

func (s *KeeperTestSuite) checkAccess(id uint64, account sdk.AccAddress) types.QueryAccessCheckResponse {
	s.T().Helper()
	res, _, err := s.k.CheckAccess(s.ctx, id, account)
	s.Require().NoError(err)
	return res
}

// ---------------------------------------------------------------------------
// state and events
// ---------------------------------------------------------------------------

// stateDump is every raw entry of the three module stores.
type stateDump struct {
	Records, Consent, Consortium []string
}

func (s *KeeperTestSuite) dumpState() stateDump {
	return stateDump{
		Records:    rawKV(s.ctx, s.recKey),
		Consent:    rawKV(s.ctx, s.consentKey),
		Consortium: rawKV(s.ctx, s.consortiumKey),
	}
}

// recordsEvents returns the types of this module's events emitted on s.ctx.
func (s *KeeperTestSuite) recordsEvents() []string {
	var out []string
	for _, e := range s.ctx.EventManager().Events() {
		if strings.HasPrefix(e.Type, recordsEvent) {
			out = append(out, e.Type)
		}
	}
	return out
}

// typedEvent returns the one typed event of type typ emitted on s.ctx, and
// the names of its attributes.
func (s *KeeperTestSuite) typedEvent(typ string) (any, map[string]string) {
	s.T().Helper()
	var (
		found []any
		attrs map[string]string
	)
	for _, e := range s.ctx.EventManager().ABCIEvents() {
		if e.Type != typ {
			continue
		}
		msg, err := sdk.ParseTypedEvent(e)
		s.Require().NoError(err)
		found = append(found, msg)
		attrs = map[string]string{}
		for _, a := range e.Attributes {
			attrs[a.Key] = a.Value
		}
	}
	s.Require().Len(found, 1, "want exactly one %s event", typ)
	return found[0], attrs
}

// requireAttrs checks that an event carries exactly the attributes named.
func (s *KeeperTestSuite) requireAttrs(attrs map[string]string, names ...string) {
	s.T().Helper()
	got := make([]string, 0, len(attrs))
	for k := range attrs {
		got = append(got, k)
	}
	s.Require().ElementsMatch(names, got)
}

// requireNoContent checks that no attribute value reveals the record's
// content: its commitment (hex or base64), CID or kind.
func (s *KeeperTestSuite) requireNoContent(attrs map[string]string, r types.Record) {
	s.T().Helper()
	for k, v := range attrs {
		for _, secret := range []string{r.CID, hex.EncodeToString(r.Commitment), base64.StdEncoding.EncodeToString(r.Commitment), r.Kind} {
			s.Require().NotContains(v, secret, "attribute %s reveals record content", k)
		}
	}
}

// requireRefused checks that err wraps want and that neither any module store
// nor this module's events changed.
func (s *KeeperTestSuite) requireRefused(err, want error, before stateDump) {
	s.T().Helper()
	s.Require().Error(err)
	s.Require().ErrorIs(err, want)
	s.Require().Equal(before, s.dumpState(), "state changed although the message was refused")
	s.Require().Empty(s.recordsEvents(), "a refused message emitted events")
}
