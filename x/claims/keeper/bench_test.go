package keeper_test

import (
	"fmt"
	"os"
	"runtime/debug"
	"testing"
	"time"

	"cosmossdk.io/collections"

	dbm "github.com/cosmos/cosmos-db"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// benchSizes are the numbers of claims the state holds before measuring.
// The state of each size is built once, on a goleveldb database in a
// temporary directory, and shared by the benchmarks below; each benchmark
// iteration works on a fresh cache of it that it then discards.
var benchSizes = []int{1, 1_000_000}

const (
	// Claim id belongs to patient (id-1) % benchPatientCount and provider
	// (id-1) % benchProviderCount; the pair repeats every 10,000 claims, one
	// service day earlier each time (see benchServiceDate).
	benchPatientCount  = 10_000
	benchProviderCount = 16
	// benchCommitEvery bounds the memory of the fill: the IAVL tree is
	// committed, and its nodes written out, every so many claims.
	benchCommitEvery = 100_000
)

func benchPatient(i int) sdk.AccAddress  { return testkit.Addr(fmt.Sprintf("bench-patient-%d", i)) }
func benchProvider(i int) sdk.AccAddress { return testkit.Addr(fmt.Sprintf("bench-provider-%d", i)) }

var benchPayer = testkit.Addr("bench-payer")

// benchServiceDate is the service date of filled claim id: 2026-03-01 10:00
// UTC for the first round of patients, a day earlier for each later round.
// The benchmarks' new claims are on 2026-03-02, a day no filled claim uses.
func benchServiceDate(id uint64, patients int) time.Time {
	return serviceDate.AddDate(0, 0, -int((id-1)/uint64(patients)))
}

// benchLine is the one line of every filled claim.
var benchLine = line(cpt, "99213", 1, 150)

// benchBase sets up what the filled claims refer to: the payer and the
// providers as members, plan 1 of the payer (the fixture services, review
// threshold 1, so that every claim pends), and for each patient coverage
// i+1 in plan 1 and consent i+1 to the payer, all through the Msg services.
// commitEvery > 0 commits every so many patients (IAVL iterators over many
// uncommitted writes are slow, and the consent checks iterate).
func benchBase(tb testing.TB, e *env, patients, commitEvery int) {
	tb.Helper()
	e.members.Admit(benchPayer, consortiumtypes.Role_ROLE_PAYER)
	for i := range benchProviderCount {
		e.members.Admit(benchProvider(i), consortiumtypes.Role_ROLE_HOSPITAL)
	}
	payer := testkit.String(benchPayer)
	res, err := e.ms.CreatePlan(e.ctx, &types.MsgCreatePlan{
		Payer: payer, Name: "Bench Reviewed", Services: fixtureServices(),
		Deductible: n(100), OutOfPocketMax: n(500), ReviewThreshold: n(1),
	})
	require.NoError(tb, err)
	require.Equal(tb, uint64(1), res.ID)
	for i := range patients {
		p := testkit.String(benchPatient(i))
		cov, err := e.ms.Enroll(e.ctx, &types.MsgEnroll{
			Payer: payer, PlanID: 1, Patient: p, MemberIDMAC: types.MemberIDMAC(payerMemberIDKey, p, fmt.Sprint(i)), MemberIDScheme: types.CurrentMemberIDScheme,
			Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), End: covEnd,
		})
		require.NoError(tb, err)
		require.Equal(tb, uint64(i+1), cov.CoverageID)
		c, err := e.consentMS.GrantConsent(e.ctx, &consenttypes.MsgGrantConsent{
			Signer: p, Patient: p, Grantee: payer, Purpose: keeper.PurposePayment,
			Categories: []string{keeper.CategoryClaim}, End: blockTime.Add(365 * 24 * time.Hour),
		})
		require.NoError(tb, err)
		require.Equal(tb, uint64(i+1), c.ID)
		if commitEvery > 0 && (i+1)%commitEvery == 0 {
			e.cms.Commit()
		}
	}
	// the treatment relationship: each patient consents to TREAT/Claim for
	// the providers its claims come from (see benchTreatmentConsent)
	for i := range patients {
		p := testkit.String(benchPatient(i))
		for r := range benchProviderCount {
			if patients%benchProviderCount == 0 && r != i%benchProviderCount {
				continue
			}
			c, err := e.consentMS.GrantConsent(e.ctx, &consenttypes.MsgGrantConsent{
				Signer: p, Patient: p, Grantee: testkit.String(benchProvider(r)), Purpose: keeper.PurposeTreatment,
				Categories: []string{keeper.CategoryClaim}, End: blockTime.Add(365 * 24 * time.Hour),
			})
			require.NoError(tb, err)
			require.Equal(tb, benchTreatmentConsent(i, r, patients), c.ID)
		}
		if commitEvery > 0 && (i+1)%commitEvery == 0 {
			e.cms.Commit()
		}
	}
}

// benchTreatmentConsent is the id of patient p's TREAT consent to provider r.
// Claim id's patient is (id-1) % patients and provider (id-1) % 16: when
// patients is a multiple of 16 a patient only sees provider p % 16 and
// consents to it alone; otherwise it consents to all 16.
func benchTreatmentConsent(p, r, patients int) uint64 {
	if patients%benchProviderCount == 0 {
		return uint64(patients + p + 1)
	}
	return uint64(patients + p*benchProviderCount + r + 1)
}

// benchClaimMsg is the Msg that submits filled claim id.
func benchClaimMsg(tb testing.TB, e *env, id uint64, patients int) *types.MsgSubmitClaim {
	p, r := int((id-1)%uint64(patients)), int((id-1)%benchProviderCount)
	return &types.MsgSubmitClaim{
		Provider: testkit.String(benchProvider(r)), Patient: testkit.String(benchPatient(p)), CoverageID: uint64(p + 1),
		ServiceDate: benchServiceDate(id, patients), Lines: []types.ClaimLine{benchLine},
		DiagnosesCommitment: diagnosesE119.Commitment, DiagnosesCiphertext: diagnosesE119.Ciphertext,
	}
}

// fillClaims writes claims 1..n (Claims.Set writes their indexes) and their
// duplicate slots straight into the collections, as SubmitClaim stores them
// (see TestFillMatchesMsgServer): each is PENDED over the review threshold
// with the line priced as a first claim of the year (deductible 100, copay
// 20, coinsurance 6, plan 24). commitEvery > 0 commits the store that often.
func fillClaims(tb testing.TB, e *env, count, patients, commitEvery int) {
	tb.Helper()
	ctx := e.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	pb := make([]sdk.AccAddress, patients)
	ps := make([]string, patients)
	for i := range pb {
		pb[i] = benchPatient(i)
		ps[i] = testkit.String(pb[i])
	}
	rb := make([]sdk.AccAddress, benchProviderCount)
	rs := make([]string, benchProviderCount)
	for i := range rb {
		rb[i] = benchProvider(i)
		rs[i] = testkit.String(rb[i])
	}
	payer := testkit.String(benchPayer)
	result := types.LineResult{Approved: true, Allowed: n150, Deductible: n(100), Copay: n(20), Coinsurance: n(6),
		PlanPays: n(24), PatientResponsibility: n(126), Reasons: []string{types.CARCDeductible, types.CARCCopay, types.CARCCoinsurance}}
	for id := uint64(1); id <= uint64(count); id++ {
		p, r := int((id-1)%uint64(patients)), int((id-1)%benchProviderCount)
		date := benchServiceDate(id, patients)
		c := types.Claim{
			ID: id, Provider: rs[r], Patient: ps[p], Payer: payer, CoverageID: uint64(p + 1), PlanID: 1,
			ServiceDate: date, Lines: []types.ClaimLine{benchLine}, ConsentID: uint64(p + 1),
			DiagnosesCommitment: diagnosesE119.Commitment, DiagnosesCiphertext: diagnosesE119.Ciphertext,
			TreatmentConsentID: benchTreatmentConsent(p, r, patients),
			Status:             stPended, Results: []types.LineResult{result}, PendReasons: []string{types.PendOverThreshold},
			Paid: n(0), SubmittedAt: blockTime, UpdatedAt: blockTime, Outcome: stPended,
		}
		require.NoError(tb, e.k.Claims.Set(ctx, id, c))
		require.NoError(tb, e.k.Duplicates.Set(ctx, collections.Join4(rb[r], pb[p], benchLine.Code, types.ServiceDay(date).Unix()), id))
		if commitEvery > 0 && id%uint64(commitEvery) == 0 {
			e.cms.Commit()
		}
	}
	require.NoError(tb, e.k.ClaimSeq.Set(ctx, uint64(count)+1))
}

var n150 = n(150)

// TestFillMatchesMsgServer shows that the state the benchmarks write straight
// into the collections is byte for byte the one the Msg service builds.
func TestFillMatchesMsgServer(t *testing.T) {
	const claims, patients = 300, 120 // patients come back: 2.5 rounds of service days
	viaMsgs, direct := newEnv(t), newEnv(t)
	benchBase(t, viaMsgs, patients, 0)
	benchBase(t, direct, patients, 0)
	for id := uint64(1); id <= claims; id++ {
		res, err := viaMsgs.ms.SubmitClaim(viaMsgs.ctx, benchClaimMsg(t, viaMsgs, id, patients))
		require.NoError(t, err)
		require.Equal(t, &types.MsgSubmitClaimResponse{ID: id, Status: stPended, Outcome: stPended}, res)
	}
	fillClaims(t, direct, claims, patients, 0)
	raw := testkit.Dump(viaMsgs.ctx, viaMsgs.claimsKey)
	require.Greater(t, len(raw), 7*claims)
	require.Equal(t, raw, testkit.Dump(direct.ctx, direct.claimsKey))
}

type benchState struct {
	*env
	claims int
	// submit is a new claim of three lines for a patient who has claims of
	// the same provider on other days: approved and paid.
	submit *types.MsgSubmitClaim
	// dup bills again the line of the filled claim in the middle: denied (18).
	dup *types.MsgSubmitClaim
}

// benchStates caches one committed state per size; benchDirs are their
// databases, removed by TestMain.
var (
	benchStates = map[int]*benchState{}
	benchDirs   []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range benchDirs {
		_ = os.RemoveAll(d)
	}
	os.Exit(code)
}

func benchSetup(b *testing.B, size int) *benchState {
	b.Helper()
	if st, ok := benchStates[size]; ok {
		return st
	}
	started := time.Now()
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(6 << 30))
	dir, err := os.MkdirTemp("", "claims-bench-")
	require.NoError(b, err)
	benchDirs = append(benchDirs, dir)
	db, err := dbm.NewGoLevelDB("bench", dir, nil)
	require.NoError(b, err)
	e := buildEnv(b, db)
	e.initDefaultGenesis(b)
	patients := min(size, benchPatientCount)
	benchBase(b, e, patients, 500)
	based := time.Since(started)
	fillClaims(b, e, size, patients, benchCommitEvery)
	filled := time.Since(started)

	// the patient of the middle claim, enrolled also in plan 2 (no review
	// threshold), whose escrow is funded: its new claims are paid at once
	mid := uint64(size/2 + 1)
	target := int((mid - 1) % uint64(patients))
	payer := testkit.String(benchPayer)
	plan, err := e.ms.CreatePlan(e.ctx, &types.MsgCreatePlan{
		Payer: payer, Name: "Bench Auto", Services: fixtureServices(), Deductible: n(100), OutOfPocketMax: n(500), ReviewThreshold: n(0),
	})
	require.NoError(b, err)
	cov, err := e.ms.Enroll(e.ctx, &types.MsgEnroll{
		Payer: payer, PlanID: plan.ID, Patient: testkit.String(benchPatient(target)),
		MemberIDMAC: types.MemberIDMAC(payerMemberIDKey, testkit.String(benchPatient(target)), "auto"), MemberIDScheme: types.CurrentMemberIDScheme, Start: covStart, End: covEnd,
	})
	require.NoError(b, err)
	e.mint(b, benchPayer, 1_000_000_000_000)
	_, err = e.ms.FundEscrow(e.ctx, &types.MsgFundEscrow{Payer: payer, Amount: sdk.NewInt64Coin(denom, 1_000_000_000_000)})
	require.NoError(b, err)
	e.cms.Commit()
	e.ctx = e.ctx.WithEventManager(sdk.NewEventManager())

	st := &benchState{env: e, claims: size}
	st.submit = &types.MsgSubmitClaim{
		Provider: testkit.String(benchProvider(0)), Patient: testkit.String(benchPatient(target)), CoverageID: cov.CoverageID,
		ServiceDate: blockTime, DiagnosesCommitment: diagnosesE119.Commitment, DiagnosesCiphertext: diagnosesE119.Ciphertext,
		Lines: []types.ClaimLine{benchLine, line(cpt, "97110", 1, 100), line(hcpcs, "J1100", 10, 100)},
	}
	st.dup = benchClaimMsg(b, e, mid, patients)

	// sanity: the claims, the target patient's share of them, and the
	// middle claim's duplicate slot
	next, err := e.k.ClaimSeq.Peek(e.ctx)
	require.NoError(b, err)
	require.Equal(b, uint64(size+1), next)
	count := 0
	require.NoError(b, e.k.Claims.Indexes.Patient.Walk(e.ctx, collections.NewPrefixedPairRange[sdk.AccAddress, uint64](benchPatient(target)),
		func(sdk.AccAddress, uint64) (bool, error) { count++; return false, nil }))
	require.Equal(b, (size-target+patients-1)/patients, count)
	owner, err := e.k.Duplicates.Get(e.ctx, collections.Join4(benchProvider(int((mid-1)%benchProviderCount)), benchPatient(target),
		benchLine.Code, types.ServiceDay(benchServiceDate(mid, patients)).Unix()))
	require.NoError(b, err)
	require.Equal(b, mid, owner)

	b.Logf("setup claims=%d: members, plans, %d coverages and consents in %s, filled at %s, total %s (target patient holds %d claims)",
		size, patients, based.Round(time.Millisecond), filled.Round(time.Millisecond), time.Since(started).Round(time.Millisecond), count)
	benchStates[size] = st
	return st
}

// block returns a context over a fresh cache of the committed state, as a
// block works on: its writes are discarded with it.
func (st *benchState) block() sdk.Context {
	return st.ctx.WithMultiStore(st.cms.CacheMultiStore()).WithEventManager(sdk.NewEventManager())
}

// BenchmarkSubmitClaim submits a three-line claim that is approved and paid
// in the same transaction, over 1 and 1,000,000 claims in state: the role
// check, the coverage, the consent, the plan, one accumulator, per line one
// prior-authorisation and one duplicate-slot lookup, the escrow, the bank
// transfer and the writes. Each iteration starts from the committed state.
// gas/op is the same at both sizes: the duplicate check is one indexed read
// per line whatever the number of claims.
func BenchmarkSubmitClaim(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("claims=%d", n), func(b *testing.B) {
			st := benchSetup(b, n)
			gctx := st.block().WithGasMeter(storetypes.NewInfiniteGasMeter())
			res, err := st.ms.SubmitClaim(gctx, st.submit)
			require.NoError(b, err)
			require.Equal(b, &types.MsgSubmitClaimResponse{ID: uint64(n + 1), Status: stPaid, Outcome: stApproved}, res)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ctx := st.block()
				b.StartTimer()
				res, err := st.ms.SubmitClaim(ctx, st.submit)
				if err != nil {
					b.Fatal(err)
				}
				if res.Status != stPaid {
					b.Fatalf("claim %s", res.Status)
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}

// BenchmarkSubmitClaimDuplicate submits again the line of the filled claim
// in the middle of the state: found in its duplicate slot with one read,
// and denied with CARC 18.
func BenchmarkSubmitClaimDuplicate(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("claims=%d", n), func(b *testing.B) {
			st := benchSetup(b, n)
			gctx := st.block().WithGasMeter(storetypes.NewInfiniteGasMeter())
			res, err := st.ms.SubmitClaim(gctx, st.dup)
			require.NoError(b, err)
			require.Equal(b, &types.MsgSubmitClaimResponse{ID: uint64(n + 1), Status: stDenied, Outcome: stDenied}, res)
			c, err := st.k.GetClaim(gctx, res.ID)
			require.NoError(b, err)
			require.Equal(b, []string{types.CARCDuplicate}, c.Results[0].Reasons)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ctx := st.block()
				b.StartTimer()
				res, err := st.ms.SubmitClaim(ctx, st.dup)
				if err != nil {
					b.Fatal(err)
				}
				if res.Status != stDenied {
					b.Fatalf("claim %s", res.Status)
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}

// opCounts counts the operations a message makes on each store.
type opCounts map[string]map[string]int

// countingMS is a multistore whose KV stores count their operations.
type countingMS struct {
	cacheMS
	ops opCounts
}

// cacheMS names the embedded store apart from its CacheMultiStore method.
type cacheMS = storetypes.CacheMultiStore

func (m countingMS) GetKVStore(key storetypes.StoreKey) storetypes.KVStore {
	if m.ops[key.Name()] == nil {
		m.ops[key.Name()] = map[string]int{}
	}
	return countingKV{KVStore: m.cacheMS.GetKVStore(key), ops: m.ops[key.Name()]}
}

type countingKV struct {
	storetypes.KVStore
	ops map[string]int
}

func (s countingKV) Get(key []byte) []byte { s.ops["get"]++; return s.KVStore.Get(key) }
func (s countingKV) Has(key []byte) bool   { s.ops["has"]++; return s.KVStore.Has(key) }
func (s countingKV) Set(key, value []byte) { s.ops["set"]++; s.KVStore.Set(key, value) }
func (s countingKV) Delete(key []byte)     { s.ops["delete"]++; s.KVStore.Delete(key) }
func (s countingKV) Iterator(start, end []byte) storetypes.Iterator {
	s.ops["iterator"]++
	return s.KVStore.Iterator(start, end)
}

func (s countingKV) ReverseIterator(start, end []byte) storetypes.Iterator {
	s.ops["iterator"]++
	return s.KVStore.ReverseIterator(start, end)
}

// TestSubmitClaimCostIndependentOfState submits the benchmarks' claims over
// 1 and over 2,000 claims of the same patient (125 of them by the same
// provider, on other days) and counts the store operations: the same at both
// sizes, and no iteration of the claims store. The duplicate check is one
// read per line, whatever the number of claims.
func TestSubmitClaimCostIndependentOfState(t *testing.T) {
	measure := func(size int) (submit, dup opCounts) {
		e := newEnv(t)
		benchBase(t, e, 1, 0)
		fillClaims(t, e, size, 1, 0)
		payer := testkit.String(benchPayer)
		plan, err := e.ms.CreatePlan(e.ctx, &types.MsgCreatePlan{
			Payer: payer, Name: "Bench Auto", Services: fixtureServices(), Deductible: n(100), OutOfPocketMax: n(500), ReviewThreshold: n(0),
		})
		require.NoError(t, err)
		cov, err := e.ms.Enroll(e.ctx, &types.MsgEnroll{Payer: payer, PlanID: plan.ID, Patient: testkit.String(benchPatient(0)),
			MemberIDMAC: types.MemberIDMAC(payerMemberIDKey, testkit.String(benchPatient(0)), "auto"), MemberIDScheme: types.CurrentMemberIDScheme, Start: covStart, End: covEnd})
		require.NoError(t, err)
		e.mint(t, benchPayer, 1_000_000)
		_, err = e.ms.FundEscrow(e.ctx, &types.MsgFundEscrow{Payer: payer, Amount: sdk.NewInt64Coin(denom, 1_000_000)})
		require.NoError(t, err)

		run := func(msg *types.MsgSubmitClaim, want types.ClaimStatus) opCounts {
			ms := countingMS{cacheMS: e.cms.CacheMultiStore(), ops: opCounts{}}
			res, err := e.ms.SubmitClaim(e.ctx.WithMultiStore(ms).WithEventManager(sdk.NewEventManager()), msg)
			require.NoError(t, err)
			require.Equal(t, want, res.Status)
			require.Zero(t, ms.ops[types.StoreKey]["iterator"], "the claims store is iterated")
			return ms.ops
		}
		submit = run(&types.MsgSubmitClaim{
			Provider: testkit.String(benchProvider(0)), Patient: testkit.String(benchPatient(0)), CoverageID: cov.CoverageID,
			ServiceDate: blockTime, DiagnosesCommitment: diagnosesE119.Commitment, DiagnosesCiphertext: diagnosesE119.Ciphertext,
			Lines: []types.ClaimLine{benchLine, line(cpt, "97110", 1, 100), line(hcpcs, "J1100", 10, 100)},
		}, stPaid)
		dup = run(benchClaimMsg(t, e, uint64(size/2+1), 1), stDenied)
		return submit, dup
	}
	submit1, dup1 := measure(1)
	submitN, dupN := measure(2_000)
	require.Equal(t, submit1, submitN)
	require.Equal(t, dup1, dupN)
	t.Logf("SubmitClaim, paid: %v", submitN)
	t.Logf("SubmitClaim, duplicate: %v", dupN)
}
