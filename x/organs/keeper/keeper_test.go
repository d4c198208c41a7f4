package keeper_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/internal/isbt128"
	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/organs/keeper"
	"github.com/healthchain/healthd/x/organs/types"
)

const (
	// dinA and dinB are DINs with check characters computed by hand (see
	// internal/isbt128); dinABarcode is dinA as barcode data content.
	dinA        = "G123498654321H"
	dinABarcode = "=G12349865432177"
	dinB        = "A000126000001I"
	// badDIN is dinA with a wrong check character.
	badDIN = "G123498654321I"
	// finA and finB are the facility codes of dinA and dinB; finOther is
	// opo2's.
	finA, finB, finOther = "G1234", "A0001", "B0002"

	kidneyL = "KIDNEY_L"
	kidneyR = "KIDNEY_R"
	heart   = "HEART"

	chainID = "healthd-organs-test"
)

var (
	aboO  = types.ABO_ABO_O
	aboA  = types.ABO_ABO_A
	aboB  = types.ABO_ABO_B
	aboAB = types.ABO_ABO_AB
)

// commitment is a deterministic 32-byte commitment named by seed.
func commitment(seed string) []byte {
	h := sha256.Sum256([]byte(seed))
	return h[:]
}

// fakeConsent is x/consent's Authorize and StillAuthorized: a DONAT consent
// from patient to grantee is live when listed (0 stands for break-glass
// access only) and not ended (revoked or expired).
type fakeConsent struct {
	live  map[string]uint64
	ended map[uint64]bool
}

func (f *fakeConsent) grant(patient, grantee string, id uint64) { f.live[patient+"|"+grantee] = id }

// end revokes (or expires) consent id; resume undoes it.
func (f *fakeConsent) end(id uint64)    { f.ended[id] = true }
func (f *fakeConsent) resume(id uint64) { delete(f.ended, id) }

func (f *fakeConsent) StillAuthorized(_ context.Context, auth consenttypes.Authorization, purpose, category string) (bool, error) {
	if auth.ConsentID == 0 || f.ended[auth.ConsentID] || purpose != types.DonationPurpose || category != types.DonationCategory {
		return false, nil
	}
	for _, id := range f.live {
		if id == auth.ConsentID {
			return true, nil
		}
	}
	return false, nil
}

func (f *fakeConsent) Authorize(_ context.Context, patient, grantee sdk.AccAddress, purpose, category string) (consenttypes.Authorization, error) {
	id, ok := f.live[testkit.String(patient)+"|"+testkit.String(grantee)]
	if !ok || purpose != types.DonationPurpose || category != types.DonationCategory {
		return consenttypes.Authorization{}, errorsmod.Wrap(consenttypes.ErrNotAuthorized, "no consent")
	}
	return consenttypes.Authorization{ConsentID: id, BreakGlassID: 1}, nil
}

// env is the organs keeper over a real x/consortium, both stores on one
// multistore, with the default genesis.
type env struct {
	key     *storetypes.KVStoreKey
	ctx     sdk.Context
	cdc     codec.Codec
	members *members.Consortium
	consent *fakeConsent
	k       keeper.Keeper
	ms      types.MsgServer
	qs      types.QueryServer
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{key: storetypes.NewKVStoreKey(types.StoreKey), cdc: testkit.Codec(types.RegisterInterfaces), consent: &fakeConsent{live: map[string]uint64{}, ended: map[uint64]bool{}}}
	consKey := members.NewKey()
	e.ctx = testkit.NewContext(tb, e.key, consKey).Ctx.WithChainID(chainID)
	e.members = members.New(tb, e.cdc, consKey, func() sdk.Context { return e.ctx })
	e.k = keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.key), testkit.AddressCodec, testkit.Gov, e.members.Keeper, e.consent)
	e.ms, e.qs = keeper.NewMsgServerImpl(e.k), keeper.NewQueryServerImpl(e.k)
	require.NoError(tb, e.k.InitGenesis(e.ctx, types.DefaultGenesisState()))
	return e
}

type KeeperTestSuite struct {
	suite.Suite
	*env

	// Actors (bech32): opo and its staff coordinator and coordinator2, opo2
	// (another OPO), centre with its staff surgeon, centre2, courier (a
	// member holding no organ role: couriers are any member the holder
	// names), regulator, stranger (no member), donor (an account).
	opo, coordinator, coordinator2, opo2, centre, surgeon, centre2, courier, regulator, stranger, donor string

	loggerKey, otherKey *secp256k1.PrivKey
	t0                  time.Time
}

func TestKeeperTestSuite(t *testing.T) { suite.Run(t, new(KeeperTestSuite)) }

func (s *KeeperTestSuite) SetupTest() {
	s.env = newEnv(s.T())
	mk := func(seed string, roles ...consortiumtypes.Role) string {
		a := testkit.Addr(seed)
		if len(roles) > 0 {
			s.members.Admit(a, roles...)
		}
		return testkit.String(a)
	}
	s.opo = mk("opo", consortiumtypes.Role_ROLE_ORGAN_PROCUREMENT)
	s.opo2 = mk("opo-2", consortiumtypes.Role_ROLE_ORGAN_PROCUREMENT)
	s.centre = mk("centre", consortiumtypes.Role_ROLE_TRANSPLANT_CENTRE)
	s.centre2 = mk("centre-2", consortiumtypes.Role_ROLE_TRANSPLANT_CENTRE)
	s.courier = mk("courier", consortiumtypes.Role_ROLE_DISTRIBUTOR)
	s.regulator = mk("regulator", consortiumtypes.Role_ROLE_REGULATOR)
	s.coordinator, s.coordinator2, s.surgeon = mk("coordinator"), mk("coordinator-2"), mk("surgeon")
	s.stranger, s.donor = mk("stranger"), mk("donor")
	// The authority registered the OPOs' ISBT 128 facility codes: dinA's and
	// dinB's FINs are opo's.
	s.setFINs(s.opo, finA, finB)
	s.setFINs(s.opo2, finOther)
	s.setStaff(s.opo, s.coordinator)
	s.setStaff(s.opo, s.coordinator2)
	s.setStaff(s.centre, s.surgeon)
	s.loggerKey = secp256k1.GenPrivKeyFromSecret([]byte("logger-1"))
	s.otherKey = secp256k1.GenPrivKeyFromSecret([]byte("logger-2"))
	s.t0 = testkit.BlockTime
	s.freshEvents()
}

func (s *KeeperTestSuite) setBlockTime(t time.Time) { s.ctx = s.ctx.WithBlockTime(t) }

func (s *KeeperTestSuite) advance(d time.Duration) { s.setBlockTime(s.ctx.BlockTime().Add(d)) }

func (s *KeeperTestSuite) freshEvents() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

func (s *KeeperTestSuite) dump() []string { return testkit.Dump(s.ctx, s.key) }

// mustRun runs a message that must succeed, on a branch written back on
// success as baseapp does.
func mustRun[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req) Res {
	s.T().Helper()
	cc, write := s.ctx.CacheContext()
	res, err := f(cc, req)
	s.Require().NoError(err, "%T", req)
	write()
	return res
}

// refuse runs a message that must fail with want having written nothing
// and emitted no event: every organs handler checks before it writes.
func refuse[Req, Res any](s *KeeperTestSuite, f func(context.Context, Req) (Res, error), req Req, want error) error {
	s.T().Helper()
	return testkit.Refused(s.T(), s.ctx, want, testkit.Call(f, req), testkit.Store(s.key), testkit.Genesis(s.k.ExportGenesis))
}

func events[T proto.Message](s *KeeperTestSuite) []T { return testkit.Events[T](s.ctx) }

// ---------------------------------------------------------------------------
// scenario helpers
// ---------------------------------------------------------------------------

// setFINs has the authority replace the ISBT 128 FINs of member (keeping its NPI).
func (s *KeeperTestSuite) setFINs(member string, fins ...string) {
	s.T().Helper()
	m, err := s.members.Keeper.GetMember(s.ctx, s.acc(member))
	s.Require().NoError(err)
	_, err = s.members.MsgServer.UpdateIdentifiers(s.ctx.WithEventManager(sdk.NewEventManager()), &consortiumtypes.MsgUpdateIdentifiers{
		Authority: testkit.Gov, Address: member, NPI: m.NPI, GLN: m.GLN, DEA: m.DEA, GS1CompanyPrefixes: m.GS1CompanyPrefixes, FINs: fins})
	s.Require().NoError(err)
}

// dinOf is the 13-character DIN number with its check character.
func dinOf(number string) string {
	d, err := isbt128.ParseNumber(number)
	if err != nil {
		panic(err)
	}
	return d.String()
}

// salt is a living donor's 32-byte salt named by seed.
func salt(seed string) []byte { return commitment("salt " + seed) }

func (s *KeeperTestSuite) setStaff(member, account string) {
	s.T().Helper()
	mustRun(s, s.ms.SetStaff, &types.MsgSetStaff{Member: member, Account: account})
}

func (s *KeeperTestSuite) registerLogger(actor, id string, key *secp256k1.PrivKey) {
	s.T().Helper()
	mustRun(s, s.ms.RegisterLogger, &types.MsgRegisterLogger{Actor: actor, Logger: id, PubKey: key.PubKey().Bytes()})
}

// openDeceased opens din for a deceased donor, by opo's coordinator.
func (s *KeeperTestSuite) openDeceased(din string) {
	s.T().Helper()
	mustRun(s, s.ms.OpenCase, &types.MsgOpenCase{Actor: s.coordinator, DIN: din, AuthorisationCommitment: commitment("authorisation " + din)})
}

// confirmedABO records abo (coordinator) and confirms it (coordinator2).
func (s *KeeperTestSuite) confirmedABO(din string, abo types.ABO) {
	s.T().Helper()
	mustRun(s, s.ms.RecordABO, &types.MsgRecordABO{Actor: s.coordinator, DIN: din, ABO: abo})
	mustRun(s, s.ms.ConfirmABO, &types.MsgConfirmABO{Actor: s.coordinator2, DIN: din, ABO: abo})
}

// recover recovers organType of din with cross-clamp at the block time and
// logger (may be "").
func (s *KeeperTestSuite) recover(din, organType, logger string) {
	s.T().Helper()
	mustRun(s, s.ms.RecoverOrgan, &types.MsgRecoverOrgan{Actor: s.coordinator, DIN: din, OrganType: organType, CrossClamp: s.ctx.BlockTime(), Logger: logger})
}

func cand(seed, centre string, abo types.ABO) types.CandidateEntry {
	return types.CandidateEntry{Commitment: commitment(seed), Centre: centre, ABO: abo}
}

func (s *KeeperTestSuite) matchRun(din, organType string, cs ...types.CandidateEntry) {
	s.T().Helper()
	mustRun(s, s.ms.PostMatchRun, &types.MsgPostMatchRun{Actor: s.coordinator, DIN: din, OrganType: organType, Candidates: cs})
}

func (s *KeeperTestSuite) offer(din, organType string, rank uint32) {
	s.T().Helper()
	mustRun(s, s.ms.Offer, &types.MsgOffer{Actor: s.coordinator, DIN: din, OrganType: organType, Rank: rank})
}

func (s *KeeperTestSuite) accept(actor, din, organType string, rank uint32) {
	s.T().Helper()
	mustRun(s, s.ms.RespondOffer, &types.MsgRespondOffer{Actor: actor, DIN: din, OrganType: organType, Rank: rank, Accept: true})
}

func (s *KeeperTestSuite) handOff(actor, din, organType, to string) {
	s.T().Helper()
	mustRun(s, s.ms.HandOff, &types.MsgHandOff{Actor: actor, DIN: din, OrganType: organType, To: to})
}

func (s *KeeperTestSuite) acceptHandOff(actor, din, organType string) {
	s.T().Helper()
	mustRun(s, s.ms.AcceptHandOff, &types.MsgAcceptHandOff{Actor: actor, DIN: din, OrganType: organType})
}

// allocated brings din/organType (donor O, the OPO's logger TL-1 attached) to an
// accepted offer for recipient "r1" at centre, held by the OPO.
func (s *KeeperTestSuite) allocated(din, organType string) {
	s.T().Helper()
	s.openDeceased(din)
	s.confirmedABO(din, aboO)
	if ok, _ := s.k.Loggers.Has(s.ctx, "TL-1"); !ok {
		s.registerLogger(s.opo, "TL-1", s.loggerKey)
	}
	s.recover(din, organType, "TL-1")
	s.matchRun(din, organType, cand("r1", s.centre, aboA))
	s.offer(din, organType, 1)
	s.accept(s.surgeon, din, organType, 1)
}

// atCentre is allocated, then OPO → courier → centre.
func (s *KeeperTestSuite) atCentre(din, organType string) {
	s.T().Helper()
	s.allocated(din, organType)
	s.handOff(s.coordinator, din, organType, s.courier)
	s.acceptHandOff(s.courier, din, organType)
	s.handOff(s.courier, din, organType, s.centre)
	s.acceptHandOff(s.surgeon, din, organType)
}

// readings signs rs with key for chain.
func readingsMsg(submitter, logger, din, organType, chain string, key *secp256k1.PrivKey, rs ...types.Reading) *types.MsgPostReadings {
	m := &types.MsgPostReadings{Submitter: submitter, Logger: logger, DIN: din, OrganType: organType, Readings: rs}
	doc, err := types.SignBytes(chain, m)
	if err != nil {
		panic(err)
	}
	if m.Signature, err = key.Sign(doc); err != nil {
		panic(err)
	}
	return m
}

func reading(seq uint64, t time.Time, centi int32) types.Reading {
	return types.Reading{Seq: seq, Time: t, CentiCelsius: centi}
}

func (s *KeeperTestSuite) organ(din, organType string) types.Organ {
	s.T().Helper()
	res, err := s.qs.Organ(s.ctx, &types.QueryOrganRequest{Din: din, OrganType: organType})
	s.Require().NoError(err)
	return res.Organ
}

func (s *KeeperTestSuite) getCase(din string) types.Case {
	s.T().Helper()
	res, err := s.qs.Case(s.ctx, &types.QueryCaseRequest{Din: din})
	s.Require().NoError(err)
	return res.Case
}

// transplantMsg is the transplant of r1 by the surgeon at reperfusion t.
func (s *KeeperTestSuite) transplantMsg(din, organType string, t time.Time, override types.OverrideReason) *types.MsgTransplant {
	return &types.MsgTransplant{Actor: s.surgeon, DIN: din, OrganType: organType, RecipientCommitment: commitment("r1"), Reperfusion: t, Override: override}
}

func (s *KeeperTestSuite) acc(str string) sdk.AccAddress {
	bz, err := testkit.AddressCodec.StringToBytes(str)
	s.Require().NoError(err)
	return bz
}

func newBadKeeper(e *env, authority string) keeper.Keeper {
	return keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.key), testkit.AddressCodec, authority, e.members.Keeper, e.consent)
}
