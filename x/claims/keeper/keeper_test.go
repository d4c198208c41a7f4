package keeper_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sort"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/log/v2"
	"cosmossdk.io/math"
	"filippo.io/age"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/stretchr/testify/require"
	"github.com/stretchr/testify/suite"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/claims/client/claimsclient"
	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
	consentkeeper "github.com/healthchain/healthd/x/consent/keeper"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	recordskeeper "github.com/healthchain/healthd/x/records/keeper"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

const (
	// denom is the default settlement denom.
	denom = "uhealth"
	// minter is a module account allowed to mint: it funds the test accounts.
	minter = "minter"

	claimsEvent   = "healthd.claims."
	evClaimStatus = "healthd.claims.v1.EventClaimStatus"
	evClaimPaid   = "healthd.claims.v1.EventClaimPaid"

	cpt   = types.CodeSystem_CODE_SYSTEM_CPT
	hcpcs = types.CodeSystem_CODE_SYSTEM_HCPCS
	ndc   = types.CodeSystem_CODE_SYSTEM_NDC

	stPended    = types.ClaimStatus_CLAIM_STATUS_PENDED
	stApproved  = types.ClaimStatus_CLAIM_STATUS_APPROVED
	stPartial   = types.ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED
	stDenied    = types.ClaimStatus_CLAIM_STATUS_DENIED
	stPayable   = types.ClaimStatus_CLAIM_STATUS_PAYABLE
	stPaid      = types.ClaimStatus_CLAIM_STATUS_PAID
	stAppealed  = types.ClaimStatus_CLAIM_STATUS_APPEALED
	stWithdrawn = types.ClaimStatus_CLAIM_STATUS_WITHDRAWN

	approve = types.ReviewDecision_REVIEW_DECISION_APPROVE
	partial = types.ReviewDecision_REVIEW_DECISION_PARTIAL
	denyAll = types.ReviewDecision_REVIEW_DECISION_DENY

	necessity = types.AppealReason_APPEAL_REASON_MEDICAL_NECESSITY
)

var (
	// payerMemberIDKey stands for a payer's member id key (derived on its
	// client from its signing key; the chain never sees it).
	payerMemberIDKey = func() []byte { k := sha256.Sum256([]byte("payer member id key")); return k[:] }()
	// payerIdentity and providerIdentity stand for the x/records encryption
	// keys of a claim's payer and provider: diagnoses are sealed to them.
	payerIdentity, providerIdentity = newIdentity(), newIdentity()
	// diagnosesE119 is the sealed diagnosis most claims carry (E11.9).
	diagnosesE119 = seal("E11.9")
	// blockTime is the block time of every test context.
	blockTime = testkit.BlockTime
	// serviceDate is the day before, the date of most claims.
	serviceDate = time.Date(2026, time.March, 1, 10, 0, 0, 0, time.UTC)
	// every coverage of the fixture runs over calendar 2026 (end exclusive).
	covStart = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	covEnd   = time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)
	year     = int32(2026)

	moduleAddr = authtypes.NewModuleAddress(types.ModuleName)
)

func n(i int64) math.Int { return math.NewInt(i) }

// ---------------------------------------------------------------------------
// environment: the claims keeper over the real consortium, consent, records,
// auth and bank keepers, all on one IAVL multistore
// ---------------------------------------------------------------------------

type env struct {
	db  dbm.DB
	cms store.CommitMultiStore
	ctx sdk.Context
	cdc codec.Codec

	claimsKey, recKey, consentKey, authKey, bankKey *storetypes.KVStoreKey

	members *members.Consortium
	consent consentkeeper.Keeper
	records recordskeeper.Keeper
	auth    authkeeper.AccountKeeper
	bank    bankkeeper.BaseKeeper
	k       keeper.Keeper

	ms        types.MsgServer
	qs        types.QueryServer
	consentMS consenttypes.MsgServer
	recordsMS recordstypes.MsgServer
}

// newEnv mounts the six module stores and builds the keepers with their
// default genesis, at blockTime. The claims module account has no
// permissions (as in app.go); the minter module account may mint.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := buildEnv(tb, dbm.NewMemDB())
	e.initDefaultGenesis(tb)
	return e
}

// initDefaultGenesis stores the default genesis of bank, consent, records and claims.
func (e *env) initDefaultGenesis(tb testing.TB) {
	tb.Helper()
	e.bank.InitGenesis(e.ctx, banktypes.DefaultGenesisState())
	require.NoError(tb, e.consent.InitGenesis(e.ctx, consenttypes.DefaultGenesisState()))
	require.NoError(tb, e.records.InitGenesis(e.ctx, recordstypes.DefaultGenesisState()))
	require.NoError(tb, e.k.InitGenesis(e.ctx, types.DefaultGenesisState()))
}

// buildEnv mounts the stores on db and builds the keepers (x/consortium
// through internal/testkit/members), without genesis.
func buildEnv(tb testing.TB, db dbm.DB) *env {
	tb.Helper()
	e := &env{
		db:         db,
		claimsKey:  storetypes.NewKVStoreKey(types.StoreKey),
		recKey:     storetypes.NewKVStoreKey(recordstypes.StoreKey),
		consentKey: storetypes.NewKVStoreKey(consenttypes.StoreKey),
		authKey:    storetypes.NewKVStoreKey(authtypes.StoreKey),
		bankKey:    storetypes.NewKVStoreKey(banktypes.StoreKey),
		cdc: testkit.Codec(authtypes.RegisterInterfaces, banktypes.RegisterInterfaces, types.RegisterInterfaces,
			recordstypes.RegisterInterfaces, consenttypes.RegisterInterfaces, consortiumtypes.RegisterInterfaces),
	}
	consortiumKey := members.NewKey()
	tc := testkit.NewContextOn(tb, db, e.claimsKey, e.recKey, e.consentKey, consortiumKey, e.authKey, e.bankKey)
	e.cms, e.ctx = tc.CMS, tc.Ctx

	ac, gov := testkit.AddressCodec, testkit.Gov
	e.auth = authkeeper.NewAccountKeeper(e.cdc, runtime.NewKVStoreService(e.authKey), authtypes.ProtoBaseAccount,
		map[string][]string{types.ModuleName: nil, minter: {authtypes.Minter}}, ac, testkit.AccountPrefix, gov)
	e.bank = bankkeeper.NewBaseKeeper(e.cdc, runtime.NewKVStoreService(e.bankKey), e.auth, map[string]bool{}, gov, log.NewNopLogger())
	e.members = members.New(tb, e.cdc, consortiumKey, func() sdk.Context { return e.ctx })
	e.consent = consentkeeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.consentKey), ac, gov, e.members.Keeper)
	e.records = recordskeeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.recKey), ac, gov, e.members.Keeper, e.consent)
	e.k = keeper.NewKeeper(e.cdc, runtime.NewKVStoreService(e.claimsKey), ac, gov, e.members.Keeper, e.consent, e.records, e.bank)

	e.ms = keeper.NewMsgServerImpl(e.k)
	e.qs = keeper.NewQueryServerImpl(e.k)
	e.consentMS = consentkeeper.NewMsgServerImpl(e.consent)
	e.recordsMS = recordskeeper.NewMsgServerImpl(e.records)
	return e
}

// mint gives addr amount of denom, minted by the minter module account.
func (e *env) mint(tb testing.TB, addr sdk.AccAddress, amount int64) {
	tb.Helper()
	coins := sdk.NewCoins(sdk.NewInt64Coin(denom, amount))
	require.NoError(tb, e.bank.MintCoins(e.ctx, minter, coins))
	require.NoError(tb, e.bank.SendCoinsFromModuleToAccount(e.ctx, minter, addr, coins))
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

// ---------------------------------------------------------------------------
// suite
// ---------------------------------------------------------------------------

type KeeperTestSuite struct {
	suite.Suite
	*env

	// members: two payers; a hospital, a laboratory and a pharmacy that bill;
	// a manufacturer (no billing role); a suspended hospital. patient and
	// patient2 consent to the hospital, the laboratory and the pharmacy for
	// TREAT/Claim (the treatment relationship).
	payer, payer2, hospital, lab, pharmacy, manufacturer, suspended sdk.AccAddress
	// non-members
	patient, patient2, stranger sdk.AccAddress

	// plan 1 of payer (the fixture plan); coverage 1 of patient and coverage 2
	// of patient2 in it; consents 1 and 2 of them to payer for HPAYMT/Claim.
	plan, cov, cov2 uint64
}

func TestKeeperTestSuite(t *testing.T) {
	suite.Run(t, new(KeeperTestSuite))
}

// payerFunds is what each payer holds at the start.
const payerFunds = 100_000

func (s *KeeperTestSuite) SetupTest() {
	s.env = newEnv(s.T())
	t := s.T()
	s.payer, s.payer2 = testkit.Addr("payer"), testkit.Addr("payer2")
	s.hospital, s.lab, s.pharmacy = testkit.Addr("hospital"), testkit.Addr("lab"), testkit.Addr("pharmacy")
	s.manufacturer, s.suspended = testkit.Addr("manufacturer"), testkit.Addr("suspended")
	s.patient, s.patient2, s.stranger = testkit.Addr("patient"), testkit.Addr("patient2"), testkit.Addr("stranger")
	s.members.Admit(s.payer, consortiumtypes.Role_ROLE_PAYER)
	s.members.Admit(s.payer2, consortiumtypes.Role_ROLE_PAYER)
	s.members.Admit(s.hospital, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Admit(s.lab, consortiumtypes.Role_ROLE_LABORATORY)
	s.members.Admit(s.pharmacy, consortiumtypes.Role_ROLE_PHARMACY)
	s.members.Admit(s.manufacturer, consortiumtypes.Role_ROLE_MANUFACTURER)
	s.members.Admit(s.suspended, consortiumtypes.Role_ROLE_HOSPITAL)
	s.members.Suspend(s.suspended)
	s.mint(t, s.payer, payerFunds)
	s.mint(t, s.payer2, payerFunds)

	s.plan = s.createPlan(s.planMsg(s.payer))
	s.cov = s.enroll(s.enrollMsg(s.payer, s.plan, s.patient))
	s.cov2 = s.enroll(s.enrollMsg(s.payer, s.plan, s.patient2))
	s.consentPayment(s.patient, s.payer)
	s.consentPayment(s.patient2, s.payer)
	for _, p := range []sdk.AccAddress{s.patient, s.patient2} {
		for _, provider := range []sdk.AccAddress{s.hospital, s.lab, s.pharmacy} {
			s.consentTreatment(p, provider)
		}
	}
	s.freshEvents()
}

func (s *KeeperTestSuite) addr(a sdk.AccAddress) string { return testkit.String(a) }

func (s *KeeperTestSuite) now() time.Time { return s.ctx.BlockTime() }

// advance moves the block time forward by d.
func (s *KeeperTestSuite) advance(d time.Duration) { s.ctx = s.ctx.WithBlockTime(s.now().Add(d)) }

// freshEvents gives the context a new, empty event manager.
func (s *KeeperTestSuite) freshEvents() { s.ctx = s.ctx.WithEventManager(sdk.NewEventManager()) }

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
// fixtures
// ---------------------------------------------------------------------------

func svc(system types.CodeSystem, code string, allowed, copay int64, bps uint32) types.CoveredService {
	return types.CoveredService{System: system, Code: code, AllowedPerUnit: n(allowed), Copay: n(copay), CoinsuranceBps: bps}
}

// fixtureServices, as a plan stores them (sorted by system, then code):
//
//	CPT 0042T          allowed 300/unit  copay 0   coinsurance 0    manual review
//	CPT 70553          allowed 1000/unit copay 0   coinsurance 20%  prior auth required
//	CPT 97110          allowed 100/unit  copay 15  coinsurance 20%
//	CPT 99213          allowed 150/unit  copay 20  coinsurance 20%
//	HCPCS J1100        allowed 10/unit   copay 0   coinsurance 10%
//	NDC 00093-4155-73  allowed 5/unit    copay 10  coinsurance 0
func fixtureServices() []types.CoveredService {
	mri := svc(cpt, "70553", 1000, 0, 2000)
	mri.PriorAuthRequired = true
	manual := svc(cpt, "0042T", 300, 0, 0)
	manual.ManualReview = true
	return []types.CoveredService{manual, mri, svc(cpt, "97110", 100, 15, 2000), svc(cpt, "99213", 150, 20, 2000),
		svc(hcpcs, "J1100", 10, 0, 1000), svc(ndc, "00093-4155-73", 5, 10, 0)}
}

// planMsg is the fixture plan: the services above, a deductible of 100 and
// an out-of-pocket maximum of 500 per plan year, no review threshold. The
// services are given out of order.
func (s *KeeperTestSuite) planMsg(payer sdk.AccAddress) *types.MsgCreatePlan {
	svcs := fixtureServices()
	for i, j := 0, len(svcs)-1; i < j; i, j = i+1, j-1 {
		svcs[i], svcs[j] = svcs[j], svcs[i]
	}
	return &types.MsgCreatePlan{
		Payer: s.addr(payer), Name: "Silver PPO", Services: svcs,
		Deductible: n(100), OutOfPocketMax: n(500), ReviewThreshold: n(0),
	}
}

func (s *KeeperTestSuite) createPlan(msg *types.MsgCreatePlan) uint64 {
	s.T().Helper()
	res, err := s.ms.CreatePlan(s.ctx, msg)
	s.Require().NoError(err)
	return res.ID
}

func (s *KeeperTestSuite) enrollMsg(payer sdk.AccAddress, plan uint64, patient sdk.AccAddress) *types.MsgEnroll {
	return &types.MsgEnroll{
		Payer: s.addr(payer), PlanID: plan, Patient: s.addr(patient),
		MemberIDMAC: types.MemberIDMAC(payerMemberIDKey, s.addr(patient), "M-"+s.addr(patient)[7:15]), MemberIDScheme: types.CurrentMemberIDScheme,
		Start: covStart, End: covEnd,
	}
}

func (s *KeeperTestSuite) enroll(msg *types.MsgEnroll) uint64 {
	s.T().Helper()
	res, err := s.ms.Enroll(s.ctx, msg)
	s.Require().NoError(err)
	return res.CoverageID
}

// consentTo has patient consent to grantee for purpose over cats until a
// year from now, through the consent Msg service.
func (s *KeeperTestSuite) consentTo(patient, grantee sdk.AccAddress, purpose string, cats ...string) uint64 {
	s.T().Helper()
	res, err := s.consentMS.GrantConsent(s.ctx, &consenttypes.MsgGrantConsent{
		Signer: s.addr(patient), Patient: s.addr(patient), Grantee: s.addr(grantee),
		Purpose: purpose, Categories: cats, AllCategories: len(cats) == 0, End: s.now().Add(365 * 24 * time.Hour),
	})
	s.Require().NoError(err)
	return res.ID
}

// consentPayment is the consent a claim needs: HPAYMT, category Claim, to the payer.
func (s *KeeperTestSuite) consentPayment(patient, payer sdk.AccAddress) uint64 {
	return s.consentTo(patient, payer, keeper.PurposePayment, keeper.CategoryClaim)
}

// consentTreatment is the treatment relationship a claim needs: TREAT,
// category Claim, to the provider.
func (s *KeeperTestSuite) consentTreatment(patient, provider sdk.AccAddress) uint64 {
	return s.consentTo(patient, provider, keeper.PurposeTreatment, keeper.CategoryClaim)
}

func (s *KeeperTestSuite) revoke(patient sdk.AccAddress, consentID uint64) {
	s.T().Helper()
	_, err := s.consentMS.RevokeConsent(s.ctx, &consenttypes.MsgRevokeConsent{
		Signer: s.addr(patient), ConsentID: consentID, Reason: consenttypes.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST,
	})
	s.Require().NoError(err)
}

// anchor anchors a FHIR Observation of patient, authored by the hospital.
func (s *KeeperTestSuite) anchor(patient sdk.AccAddress, seed string) uint64 {
	s.T().Helper()
	c := sha256.Sum256([]byte("commitment/" + seed))
	res, err := s.recordsMS.AnchorRecord(s.ctx, &recordstypes.MsgAnchorRecord{
		Author: s.addr(s.hospital), Patient: s.addr(patient), Format: recordstypes.Format_FORMAT_FHIR_R4,
		Kind: "Observation", Category: "laboratory", Commitment: c[:], CID: unixfs.SumBytes([]byte("blob/" + seed)), BlobSize: 1234,
	})
	s.Require().NoError(err)
	return res.ID
}

func line(system types.CodeSystem, code string, units uint32, charge int64) types.ClaimLine {
	return types.ClaimLine{System: system, Code: code, Units: units, Charge: n(charge)}
}

// claimMsg is provider's claim for patient under coverage, for services on
// serviceDate, diagnosis E11.9 (sealed), no records.
func (s *KeeperTestSuite) claimMsg(provider, patient sdk.AccAddress, coverage uint64, lines ...types.ClaimLine) *types.MsgSubmitClaim {
	return &types.MsgSubmitClaim{
		Provider: s.addr(provider), Patient: s.addr(patient), CoverageID: coverage, ServiceDate: serviceDate,
		DiagnosesCommitment: diagnosesE119.Commitment, DiagnosesCiphertext: diagnosesE119.Ciphertext, Lines: lines,
	}
}

// seal seals diagnoses for the fixture's payer and provider keys, as the
// provider's client does (`healthd tx claims submit`).
func seal(codes ...string) *claimsclient.SealedDiagnoses {
	sealed, err := claimsclient.SealDiagnoses(codes, 0, payerIdentity.Recipient(), providerIdentity.Recipient())
	if err != nil {
		panic(err)
	}
	return sealed
}

func newIdentity() *age.X25519Identity {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		panic(err)
	}
	return id
}

func (s *KeeperTestSuite) claim(id uint64) types.Claim {
	s.T().Helper()
	c, err := s.k.GetClaim(s.ctx, id)
	s.Require().NoError(err)
	return c
}

// ---------------------------------------------------------------------------
// balances, escrow, accumulators and the invariants of every transaction
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) balance(a sdk.AccAddress) int64 {
	return s.bank.GetBalance(s.ctx, a, denom).Amount.Int64()
}

func (s *KeeperTestSuite) escrowOf(payer sdk.AccAddress) int64 {
	s.T().Helper()
	res, err := s.qs.Escrow(s.ctx, &types.QueryEscrowRequest{Payer: s.addr(payer)})
	s.Require().NoError(err)
	return res.Balance.Int64()
}

// acc returns (deductible met, out of pocket met) of a coverage in 2026.
func (s *KeeperTestSuite) acc(coverage uint64) [2]int64 {
	s.T().Helper()
	res, err := s.qs.Accumulators(s.ctx, &types.QueryAccumulatorsRequest{CoverageId: coverage, Year: year})
	s.Require().NoError(err)
	return [2]int64{res.Accumulator.DeductibleMet.Int64(), res.Accumulator.OutOfPocketMet.Int64()}
}

// parties are the accounts coins move between: payers, the module account, providers.
func (s *KeeperTestSuite) parties() []sdk.AccAddress {
	return []sdk.AccAddress{s.payer, s.payer2, moduleAddr, s.hospital, s.lab, s.pharmacy}
}

func (s *KeeperTestSuite) sumParties() int64 {
	var sum int64
	for _, a := range s.parties() {
		sum += s.balance(a)
	}
	return sum
}

// requireInvariants checks that the module account holds exactly the sum of
// the escrow balances, and that the payable queue lists exactly the PAYABLE
// claims.
func (s *KeeperTestSuite) requireInvariants() {
	s.T().Helper()
	var escrow int64
	s.Require().NoError(s.k.Escrow.Walk(s.ctx, nil, func(_ sdk.AccAddress, b math.Int) (bool, error) {
		s.Require().False(b.IsNegative())
		escrow += b.Int64()
		return false, nil
	}))
	s.Require().Equal(escrow, s.balance(moduleAddr), "module account balance != sum of escrow")

	var queued, payable []uint64
	owed := map[string]math.Int{}
	s.Require().NoError(s.k.PayableQueue.Walk(s.ctx, nil, func(k collections.Pair[sdk.AccAddress, uint64], amount math.Int) (bool, error) {
		queued = append(queued, k.K2())
		c := s.claim(k.K2())
		s.Require().Equal(c.Payer, s.addr(k.K1()))
		s.Require().Equal(types.SumPlanPays(c.Results).Sub(c.Paid).String(), amount.String(), "claim %d queued for what it is owed", k.K2())
		has, err := s.k.PayableByAmount.Has(s.ctx, collections.Join3(k.K1(), amount.BigInt().FillBytes(make([]byte, 32)), k.K2()))
		s.Require().NoError(err)
		s.Require().True(has, "claim %d missing from the amount index", k.K2())
		if o, ok := owed[s.addr(k.K1())]; ok {
			amount = amount.Add(o)
		}
		owed[s.addr(k.K1())] = amount
		return false, nil
	}))
	byAmount := 0
	s.Require().NoError(s.k.PayableByAmount.Walk(s.ctx, nil, func(collections.Triple[sdk.AccAddress, []byte, uint64]) (bool, error) {
		byAmount++
		return false, nil
	}))
	s.Require().Equal(len(queued), byAmount, "amount index has stale entries")
	gotOwed := map[string]math.Int{}
	s.Require().NoError(s.k.Owed.Walk(s.ctx, nil, func(p sdk.AccAddress, o math.Int) (bool, error) {
		gotOwed[s.addr(p)] = o
		return false, nil
	}))
	s.Require().Equal(fmt.Sprint(owed), fmt.Sprint(gotOwed), "owed totals != sum of the payable queue")
	s.Require().NoError(s.k.Claims.Indexes.Status.Walk(s.ctx, collections.NewPrefixedPairRange[int32, uint64](int32(stPayable)),
		func(_ int32, id uint64) (bool, error) {
			payable = append(payable, id)
			return false, nil
		}))
	sort.Slice(queued, func(i, j int) bool { return queued[i] < queued[j] })
	s.Require().Equal(payable, queued, "payable queue != PAYABLE claims")
	// the status index agrees with every claim
	s.Require().NoError(s.k.Claims.Walk(s.ctx, nil, func(id uint64, c types.Claim) (bool, error) {
		has, err := indexHas(s.ctx, s.k.Claims.Indexes.Status, int32(c.Status), id)
		s.Require().NoError(err)
		s.Require().True(has, "claim %d (%s) missing from the status index", id, c.Status)
		return false, nil
	}))
	count := 0
	s.Require().NoError(s.k.Claims.Indexes.Status.Walk(s.ctx, nil, func(int32, uint64) (bool, error) { count++; return false, nil }))
	claims := 0
	s.Require().NoError(s.k.Claims.Walk(s.ctx, nil, func(uint64, types.Claim) (bool, error) { claims++; return false, nil }))
	s.Require().Equal(claims, count, "status index has stale entries")
}

// tx runs one message on the suite's context with fresh events and checks
// that coins were only moved between the parties (their total is unchanged)
// and the invariants.
func (s *KeeperTestSuite) tx(f func(sdk.Context) error) {
	s.T().Helper()
	s.freshEvents()
	before := s.sumParties()
	s.Require().NoError(f(s.ctx))
	s.Require().Equal(before, s.sumParties(), "coins appeared or vanished")
	s.requireInvariants()
}

func (s *KeeperTestSuite) fund(payer sdk.AccAddress, amount int64) []uint64 {
	s.T().Helper()
	var res *types.MsgFundEscrowResponse
	s.tx(func(ctx sdk.Context) (err error) {
		res, err = s.ms.FundEscrow(ctx, &types.MsgFundEscrow{Payer: s.addr(payer), Amount: sdk.NewInt64Coin(denom, amount)})
		return err
	})
	return res.PaidClaims
}

func (s *KeeperTestSuite) submit(msg *types.MsgSubmitClaim) *types.MsgSubmitClaimResponse {
	s.T().Helper()
	var res *types.MsgSubmitClaimResponse
	s.tx(func(ctx sdk.Context) (err error) {
		res, err = s.ms.SubmitClaim(ctx, msg)
		return err
	})
	s.Require().Equal(res.Status, s.claim(res.ID).Status)
	return res
}

func (s *KeeperTestSuite) review(payer sdk.AccAddress, id uint64, d types.ReviewDecision, reason string, lines ...uint64) types.ClaimStatus {
	s.T().Helper()
	var res *types.MsgReviewClaimResponse
	s.tx(func(ctx sdk.Context) (err error) {
		res, err = s.ms.ReviewClaim(ctx, &types.MsgReviewClaim{Payer: s.addr(payer), ClaimID: id, Decision: d, ApproveLines: lines, Reason: reason})
		return err
	})
	return res.Status
}

func (s *KeeperTestSuite) appeal(provider sdk.AccAddress, id uint64) {
	s.T().Helper()
	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(provider), ClaimID: id, Reason: necessity})
		return err
	})
}

func (s *KeeperTestSuite) withdraw(provider sdk.AccAddress, id uint64) {
	s.T().Helper()
	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.WithdrawClaim(ctx, &types.MsgWithdrawClaim{Provider: s.addr(provider), ClaimID: id})
		return err
	})
}

// ---------------------------------------------------------------------------
// refusals leave everything as it was
// ---------------------------------------------------------------------------

// claimsEvents returns the types of this module's events emitted on s.ctx.
func (s *KeeperTestSuite) claimsEvents() []string { return testkit.EventTypes(s.ctx, claimsEvent) }

// refuse runs f as a transaction that must be refused with want, having
// changed neither the claims store (accumulators included), the exported
// claims genesis nor the bank store (every balance) and emitted no event
// (testkit.Refused).
func (s *KeeperTestSuite) refuse(want error, f func(sdk.Context) error) {
	s.T().Helper()
	testkit.Refused(s.T(), s.ctx, want, f, testkit.Store(s.claimsKey), testkit.Genesis(s.k.ExportGenesis), testkit.Store(s.bankKey))
}

// statusEvents returns the EventClaimStatus events emitted on s.ctx.
func (s *KeeperTestSuite) statusEvents() []types.EventClaimStatus {
	var out []types.EventClaimStatus
	for _, e := range testkit.Events[*types.EventClaimStatus](s.ctx) {
		out = append(out, *e)
	}
	return out
}

// paidEvents returns the amounts of the EventClaimPaid events emitted on s.ctx, by claim.
func (s *KeeperTestSuite) paidEvents() map[uint64]string {
	out := map[uint64]string{}
	for _, p := range testkit.Events[*types.EventClaimPaid](s.ctx) {
		out[p.ClaimID] = p.Amount
	}
	return out
}

// lineView is a LineResult with amounts as strings.
type lineView struct {
	Approved                                                        bool
	Allowed, Deductible, Copay, Coinsurance, PlanPays, PatientShare string
	Reasons                                                         []string
	PriorAuthID                                                     uint64
}

func view(r types.LineResult) lineView {
	v := lineView{
		Approved: r.Approved, Allowed: r.Allowed.String(), Deductible: r.Deductible.String(), Copay: r.Copay.String(),
		Coinsurance: r.Coinsurance.String(), PlanPays: r.PlanPays.String(), PatientShare: r.PatientResponsibility.String(),
		PriorAuthID: r.PriorAuthID,
	}
	if len(r.Reasons) > 0 {
		v.Reasons = r.Reasons
	}
	return v
}

// ok is an approved line: allowed, deductible, copay, coinsurance, patient
// responsibility, plan pays, then the CARC reasons.
func ok(allowed, ded, copay, coins, patient, plan int64, reasons ...string) lineView {
	s := func(i int64) string { return fmt.Sprint(i) }
	v := lineView{Approved: true, Allowed: s(allowed), Deductible: s(ded), Copay: s(copay), Coinsurance: s(coins), PatientShare: s(patient), PlanPays: s(plan)}
	if len(reasons) > 0 {
		v.Reasons = reasons
	}
	return v
}

func (v lineView) pa(id uint64) lineView { v.PriorAuthID = id; return v }

func deny(reasons ...string) lineView {
	return lineView{Allowed: "0", Deductible: "0", Copay: "0", Coinsurance: "0", PlanPays: "0", PatientShare: "0", Reasons: reasons}
}

func (s *KeeperTestSuite) requireLines(id uint64, want ...lineView) {
	s.T().Helper()
	c := s.claim(id)
	got := make([]lineView, len(c.Results))
	for i, r := range c.Results {
		got[i] = view(r)
	}
	s.Require().Equal(want, got, "claim %d", id)
}
