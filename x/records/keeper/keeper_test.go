package keeper_test

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/consent/client/consentclient"
	consentkeeper "github.com/healthchain/healthd/x/consent/keeper"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/records/keeper"
	"github.com/healthchain/healthd/x/records/types"
)

const (
	evAnchored   = "healthd.records.v1.EventRecordAnchored"
	evGranted    = "healthd.records.v1.EventAccessGranted"
	evKey        = "healthd.records.v1.EventEncryptionKeyRegistered"
	recordsEvent = "healthd.records."

	// dicomCT is the CT Image Storage SOP class UID.
	dicomCT = "1.2.840.10008.5.1.4.1.1.2"
)

// blockTime is the block time of every test context.
var blockTime = testkit.BlockTime

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
	cms        store.CommitMultiStore
	ctx        sdk.Context
	cdc        codec.Codec
	recKey     *storetypes.KVStoreKey
	consentKey *storetypes.KVStoreKey

	members   *members.Consortium
	consent   consentkeeper.Keeper
	k         keeper.Keeper
	ms        types.MsgServer
	qs        types.QueryServer
	consentMS consenttypes.MsgServer
}

// newEnv mounts the three module stores on one multistore and builds the
// keepers (x/consortium through internal/testkit/members) with their default
// genesis, at blockTime.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{
		recKey:     storetypes.NewKVStoreKey(types.StoreKey),
		consentKey: storetypes.NewKVStoreKey(consenttypes.StoreKey),
		cdc:        testkit.Codec(types.RegisterInterfaces, consenttypes.RegisterInterfaces, consortiumtypes.RegisterInterfaces),
	}
	consortiumKey := members.NewKey()
	tc := testkit.NewContext(tb, e.recKey, e.consentKey, consortiumKey)
	e.cms, e.ctx = tc.CMS, tc.Ctx
	e.members = members.New(tb, e.cdc, consortiumKey, func() sdk.Context { return e.ctx })
	e.consent = consentkeeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.consentKey), testkit.AddressCodec, testkit.Gov, e.members.Keeper)
	e.k = keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.recKey), testkit.AddressCodec, testkit.Gov, e.members.Keeper, e.consent)
	require.NoError(tb, e.consent.InitGenesis(e.ctx, consenttypes.DefaultGenesisState()))
	require.NoError(tb, e.k.InitGenesis(e.ctx, types.DefaultGenesisState()))
	e.ms = keeper.NewMsgServerImpl(e.k)
	e.qs = keeper.NewQueryServerImpl(e.k)
	e.consentMS = consentkeeper.NewMsgServerImpl(e.consent)
	return e
}

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
	s.patient = testkit.Addr("patient")
	s.patient2 = testkit.Addr("patient2")
	s.stranger = testkit.Addr("stranger")
	s.hospital = testkit.Addr("hospital")
	s.lab = testkit.Addr("lab")
	s.clinic = testkit.Addr("clinic")
	s.er = testkit.Addr("er")
	s.pharmacy = testkit.Addr("pharmacy")
	s.suspended = testkit.Addr("suspended")
	s.members.Admit(s.hospital, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.lab, consortiumtypes.Role_ROLE_LABORATORY)
	s.members.Admit(s.clinic, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.er, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.pharmacy, consortiumtypes.Role_ROLE_PHARMACY)
	s.members.Admit(s.suspended, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Suspend(s.suspended)
	s.freshEvents()
}

func (s *KeeperTestSuite) addr(a sdk.AccAddress) string { return testkit.String(a) }

func (s *KeeperTestSuite) now() time.Time { return s.ctx.BlockTime() }

// advance moves the block time forward by d.
func (s *KeeperTestSuite) advance(d time.Duration) { s.ctx = s.ctx.WithBlockTime(s.now().Add(d)) }

// freshEvents gives the context a new, empty event manager.
func (s *KeeperTestSuite) freshEvents() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

func (s *KeeperTestSuite) suspend(a sdk.AccAddress) { s.members.Suspend(a) }

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
	_, err := s.ms.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
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
	g, err := keeper.GrantView(s.k, s.ctx, id)
	s.Require().NoError(err)
	return g
}

// storedGrant is grant id as the store holds it: as granted, without its
// category or record_erased, which queries derive.
func (s *KeeperTestSuite) storedGrant(id uint64) types.AccessGrant {
	s.T().Helper()
	g, err := s.k.Grants.Get(s.ctx, id)
	s.Require().NoError(err)
	s.Require().Empty(g.Category, "grant %d stores no category", id)
	s.Require().False(g.RecordErased, "grant %d stores no record_erased", id)
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
	id, err := age.GenerateX25519Identity()
	s.Require().NoError(err)
	sealed, err := consentclient.SealJustification(consenttypes.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING, id.Recipient())
	s.Require().NoError(err)
	res, err := s.consentMS.BreakGlass(s.ctx, &consenttypes.MsgBreakGlass{
		Member: s.addr(member), Patient: s.addr(patient),
		JustificationCommitment: sealed.Commitment, JustificationCiphertext: sealed.Ciphertext,
	})
	s.Require().NoError(err)
	return res
}

// erase erases the record chain of id as signer (the patient or a guardian).
func (s *KeeperTestSuite) erase(signer sdk.AccAddress, id uint64) *types.MsgEraseRecordResponse {
	s.T().Helper()
	res, err := s.ms.EraseRecord(s.ctx, s.eraseMsg(signer, id))
	s.Require().NoError(err)
	return res
}

// eraseMsg erases the record chain of id as signer, naming its latest
// version as it stands.
func (s *KeeperTestSuite) eraseMsg(signer sdk.AccAddress, id uint64) *types.MsgEraseRecord {
	s.T().Helper()
	return &types.MsgEraseRecord{Signer: s.addr(signer), RecordID: id, LatestVersion: s.latestVersion(id)}
}

// latestVersion is the newest version number of the chain id belongs to
// (0 when it is unknown or erased).
func (s *KeeperTestSuite) latestVersion(id uint64) uint32 {
	s.T().Helper()
	res, err := s.qs.Versions(s.ctx, &types.QueryVersionsRequest{Id: id})
	if err != nil {
		return 0
	}
	return res.Versions[len(res.Versions)-1].Version
}

func (s *KeeperTestSuite) requestMsg(grantee sdk.AccAddress, id uint64, purpose string) *types.MsgRequestAccess {
	return &types.MsgRequestAccess{Grantee: s.addr(grantee), RecordID: id, Purpose: purpose}
}

func (s *KeeperTestSuite) requestAccess(grantee sdk.AccAddress, id uint64, purpose string) (*types.MsgRequestAccessResponse, error) {
	return s.ms.RequestAccess(s.ctx, s.requestMsg(grantee, id, purpose))
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
		Records:    testkit.Dump(s.ctx, s.recKey),
		Consent:    testkit.Dump(s.ctx, s.consentKey),
		Consortium: testkit.Dump(s.ctx, s.members.Key),
	}
}

// recordsEvents returns the types of this module's events emitted on s.ctx.
func (s *KeeperTestSuite) recordsEvents() []string { return testkit.EventTypes(s.ctx, recordsEvent) }

// event returns the one typed event of type T emitted on s.ctx, and its
// attributes by name.
func event[T proto.Message](s *KeeperTestSuite) (T, map[string]string) {
	s.T().Helper()
	evs := testkit.Events[T](s.ctx)
	s.Require().Len(evs, 1, "want exactly one %T event", *new(T))
	attrs := map[string]string{}
	for _, e := range s.ctx.EventManager().ABCIEvents() {
		if e.Type == proto.MessageName(evs[0]) {
			for _, a := range e.Attributes {
				attrs[a.Key] = a.Value
			}
		}
	}
	return evs[0], attrs
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

// refuse runs fn as a transaction that must be refused with want, having
// changed none of the three module stores nor the exported records genesis
// and emitted no event (testkit.Refused). It returns fn's error.
func (s *KeeperTestSuite) refuse(want error, fn func(sdk.Context) error) error {
	s.T().Helper()
	return testkit.Refused(s.T(), s.ctx, want, fn, testkit.Store(s.recKey), testkit.Store(s.consentKey),
		testkit.Store(s.members.Key), testkit.Genesis(s.k.ExportGenesis))
}
