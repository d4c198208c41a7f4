package keeper_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"runtime/debug"
	"testing"
	"time"

	"cosmossdk.io/collections"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/testkit"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/records/types"
)

// benchSizes are the numbers of records the state holds before measuring.
// The 1,000,000-record state is built once and shared by every benchmark; on
// two cores it takes about 9 minutes (2 to write the collections, 7 for the
// IAVL commit of ~5M entries) and peaks near 12 GB resident.
var benchSizes = []int{1, 1_000_000}

const (
	// benchPatientCount and benchAuthorCount spread the records: record id
	// belongs to patient (id-1) % benchPatientCount and author (id-1) % benchAuthorCount.
	benchPatientCount = 10_000
	benchAuthorCount  = 16
)

// benchKinds cycle over the records: (kind, category).
var benchKinds = [][2]string{
	{"Observation", "laboratory"}, {"Condition", "Condition"}, {"DiagnosticReport", "imaging"}, {"Observation", "vital-signs"},
}

func benchPatient(i int) sdk.AccAddress { return testkit.Addr(fmt.Sprintf("bench-patient-%d", i)) }
func benchAuthor(i int) sdk.AccAddress  { return testkit.Addr(fmt.Sprintf("bench-author-%d", i)) }

var benchGrantee = testkit.Addr("bench-grantee")

// benchRecord is record id of a filled state: what the Msg service anchors
// for the same message at blockTime.
func benchRecord(id uint64, patients, authors []string) types.Record {
	var seed [8]byte
	binary.BigEndian.PutUint64(seed[:], id)
	c := sha256.Sum256(seed[:])
	k := benchKinds[(id-1)%uint64(len(benchKinds))]
	return types.Record{
		ID: id, Patient: patients[(id-1)%uint64(len(patients))], Author: authors[(id-1)%uint64(len(authors))],
		Format: types.Format_FORMAT_FHIR_R4, Kind: k[0], Category: k[1], Commitment: c[:],
		CID: rawCID(append([]byte{0x01, 0x55, 0x12, 0x20}, c[:]...)), BlobSize: 1000 + id,
		Version: 1, RootID: id, AnchoredAt: blockTime,
	}
}

// benchAddresses returns the bech32 strings of the first n patients (at most
// benchPatientCount) and of the authors.
func benchAddresses(tb testing.TB, e *env, n int) (patients, authors []string) {
	tb.Helper()
	patients = make([]string, min(n, benchPatientCount))
	for i := range patients {
		patients[i] = testkit.String(benchPatient(i))
	}
	authors = make([]string, benchAuthorCount)
	for i := range authors {
		authors[i] = testkit.String(benchAuthor(i))
	}
	return patients, authors
}

// fillRecords writes records 1..n straight into Records (which writes their
// indexes), as AnchorRecord would (see TestFillMatchesMsgServer).
func fillRecords(tb testing.TB, e *env, n int) {
	tb.Helper()
	patients, authors := benchAddresses(tb, e, n)
	ctx := e.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	for id := uint64(1); id <= uint64(n); id++ {
		require.NoError(tb, e.k.Records.Set(ctx, id, benchRecord(id, patients, authors)))
	}
	require.NoError(tb, e.k.RecordSeq.Set(ctx, uint64(n)+1))
}

// anchorThroughMsgServer anchors the same n records through the Msg service.
func anchorThroughMsgServer(tb testing.TB, e *env, n int) {
	tb.Helper()
	patients, authors := benchAddresses(tb, e, n)
	for i := range authors {
		e.members.Admit(benchAuthor(i), consortiumtypes.Role_ROLE_HOSPITAL)
	}
	for id := uint64(1); id <= uint64(n); id++ {
		r := benchRecord(id, patients, authors)
		res, err := e.ms.AnchorRecord(e.ctx, &types.MsgAnchorRecord{
			Author: r.Author, Patient: r.Patient, Format: r.Format, Kind: r.Kind, Category: r.Category,
			Commitment: r.Commitment, CID: r.CID, BlobSize: r.BlobSize,
		})
		require.NoError(tb, err)
		require.Equal(tb, id, res.ID)
	}
}

// TestFillMatchesMsgServer shows that the state the benchmarks write straight
// into the collections is byte for byte the one the Msg service builds.
func TestFillMatchesMsgServer(t *testing.T) {
	const n = 300
	viaMsgs, direct := newEnv(t), newEnv(t)
	anchorThroughMsgServer(t, viaMsgs, n)
	fillRecords(t, direct, n)
	raw := testkit.Dump(viaMsgs.ctx, viaMsgs.recKey)
	require.Greater(t, len(raw), 5*n)
	require.Equal(t, raw, testkit.Dump(direct.ctx, direct.recKey))
}

type benchState struct {
	*env
	patient sdk.AccAddress
	author  sdk.AccAddress
	target  uint64 // a record of patient, which benchGrantee holds a live grant for
	grantID uint64
}

// benchStates caches one committed state per size, shared by the benchmarks
// below; each benchmark works on a cache of it that it then discards.
var benchStates = map[int]*benchState{}

func benchSetup(b *testing.B, n int) *benchState {
	b.Helper()
	if st, ok := benchStates[n]; ok {
		return st
	}
	started := time.Now()
	// Building a large IAVL tree is allocation-heavy: collect less often
	// meanwhile, within a soft memory limit.
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(8 << 30))
	e := newEnv(b)
	fillRecords(b, e, n)
	filled := time.Since(started)

	target := uint64(n/2 + 1)
	patient := benchPatient(int(target-1) % benchPatientCount)
	author := benchAuthor(int(target-1) % benchAuthorCount)
	e.members.Admit(author, consortiumtypes.Role_ROLE_HOSPITAL)
	e.members.Admit(benchGrantee, consortiumtypes.Role_ROLE_HOSPITAL)
	_, err := e.consentMS.GrantConsent(e.ctx, &consenttypes.MsgGrantConsent{
		Signer: testkit.String(patient), Patient: testkit.String(patient), Grantee: testkit.String(benchGrantee),
		Purpose: "TREAT", AllCategories: true, End: blockTime.Add(365 * 24 * time.Hour),
	})
	require.NoError(b, err)
	res, err := e.ms.RequestAccess(e.ctx, &types.MsgRequestAccess{Grantee: testkit.String(benchGrantee), RecordID: target, Purpose: "TREAT"})
	require.NoError(b, err)
	e.cms.Commit()
	e.ctx = e.ctx.WithEventManager(sdk.NewEventManager())

	// sanity: the state holds n records and the patient's share of them
	next, err := e.k.RecordSeq.Peek(e.ctx)
	require.NoError(b, err)
	require.Equal(b, uint64(n+1), next)
	r, err := e.k.Records.Get(e.ctx, target)
	require.NoError(b, err)
	require.Equal(b, testkit.String(patient), r.Patient)
	count := 0
	require.NoError(b, e.k.Records.Indexes.Patient.Walk(e.ctx, collections.NewPrefixedPairRange[sdk.AccAddress, uint64](patient),
		func(sdk.AccAddress, uint64) (bool, error) { count++; return false, nil }))
	require.Equal(b, (n+benchPatientCount-1)/benchPatientCount, count)

	b.Logf("setup records=%d: filled in %s, total %s", n, filled.Round(time.Millisecond), time.Since(started).Round(time.Millisecond))
	st := &benchState{env: e, patient: patient, author: author, target: target, grantID: res.GrantID}
	benchStates[n] = st
	return st
}

// block returns a context over a fresh cache of the committed state, as a
// block works on: its writes are discarded with it.
func (st *benchState) block() sdk.Context {
	return st.ctx.WithMultiStore(st.cms.CacheMultiStore()).WithEventManager(sdk.NewEventManager())
}

// BenchmarkAnchor anchors a record for a patient who already holds records,
// over 1 and 1,000,000 records. Anchoring writes one record and five index
// entries (CID, patient, kind, category, version): ns/op and gas/op should
// grow only with the IAVL depth. Each iteration starts from the committed
// state: a CID is anchored once.
func BenchmarkAnchor(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			st := benchSetup(b, n)
			msg := &types.MsgAnchorRecord{
				Author: testkit.String(st.author), Patient: testkit.String(st.patient), Format: types.Format_FORMAT_FHIR_R4,
				Kind: "Observation", Category: "laboratory", Commitment: commitment("bench"), CID: cidOf("bench"), BlobSize: 4096,
			}
			gctx := st.block().WithGasMeter(storetypes.NewInfiniteGasMeter())
			res, err := st.ms.AnchorRecord(gctx, msg)
			require.NoError(b, err)
			require.Equal(b, uint64(n+1), res.ID)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ctx := st.block()
				b.StartTimer()
				if _, err := st.ms.AnchorRecord(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}

// BenchmarkRequestAccess grants access to a record under the patient's
// consent: a role check, the consent check (two reads), the check that the
// grantee's latest grant has ended (two reads) and four writes. It runs a
// day after the setup's grant, which has then expired (a live one refuses
// the request); each iteration starts from the committed state.
func BenchmarkRequestAccess(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			st := benchSetup(b, n)
			later := st.ctx.BlockTime().Add(24 * time.Hour)
			msg := &types.MsgRequestAccess{Grantee: testkit.String(benchGrantee), RecordID: st.target, Purpose: "TREAT"}
			gctx := st.block().WithBlockTime(later).WithGasMeter(storetypes.NewInfiniteGasMeter())
			res, err := st.ms.RequestAccess(gctx, msg)
			require.NoError(b, err)
			require.Equal(b, st.grantID+1, res.GrantID)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ctx := st.block().WithBlockTime(later)
				b.StartTimer()
				if _, err := st.ms.RequestAccess(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}

// eraseGrantSizes are the numbers of grants a record has had before it is
// erased; eraseGrantees the members they went to, in turn.
var eraseGrantSizes = []int{10, 1_000, 100_000}

const eraseGrantees = 10

// eraseState is a committed state in which the patient's record 1 has had
// n grants (to eraseGrantees grantees in turn, each ended before the next),
// written straight into Grants as RequestAccess writes them, with the
// latest-grant entries of the record's grantees.
func eraseState(b *testing.B, n int) (*env, sdk.AccAddress) {
	b.Helper()
	e := newEnv(b)
	fillRecords(b, e, 1)
	r, err := e.k.Records.Get(e.ctx, 1)
	require.NoError(b, err)
	patient, err := testkit.AddressCodec.StringToBytes(r.Patient)
	require.NoError(b, err)
	ctx := e.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	latest := map[string]uint64{}
	for id := uint64(1); id <= uint64(n); id++ {
		grantee := testkit.Addr(fmt.Sprintf("bench-grantee-%d", id%eraseGrantees))
		at := blockTime.Add(time.Duration(id) * time.Hour)
		g := types.AccessGrant{ID: id, RecordID: 1, Patient: r.Patient, Grantee: testkit.String(grantee), Purpose: "TREAT",
			ConsentID: 1, GrantedAt: at, ExpiresAt: at.Add(time.Hour)}
		require.NoError(b, e.k.Grants.Set(ctx, id, g))
		latest[string(grantee)] = id
	}
	for grantee, id := range latest {
		require.NoError(b, e.k.LatestGrant.Set(ctx, collections.Join(uint64(1), sdk.AccAddress(grantee)), id))
	}
	require.NoError(b, e.k.GrantSeq.Set(ctx, uint64(n)+1))
	e.cms.Commit()
	return e, patient
}

// BenchmarkEraseRecord erases a one-version record that has had 10, 1,000 or
// 100,000 grants to the same ten grantees: the erasure walks the versions and
// their latest-grant entries (one per grantee), never the grant history, so
// gas is the same at every size and time grows with the IAVL depth only.
func BenchmarkEraseRecord(b *testing.B) {
	for _, n := range eraseGrantSizes {
		b.Run(fmt.Sprintf("grants=%d", n), func(b *testing.B) {
			e, patient := eraseState(b, n)
			block := func() sdk.Context {
				return e.ctx.WithMultiStore(e.cms.CacheMultiStore()).WithEventManager(sdk.NewEventManager())
			}
			msg := &types.MsgEraseRecord{Signer: testkit.String(patient), RecordID: 1, LatestVersion: 1}
			gctx := block().WithGasMeter(storetypes.NewInfiniteGasMeter())
			res, err := e.ms.EraseRecord(gctx, msg)
			require.NoError(b, err)
			require.Equal(b, []uint64{1}, res.ErasedIDs)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ctx := block()
				b.StartTimer()
				if _, err := e.ms.EraseRecord(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}

// BenchmarkCheckAccess is the vault's check of a live grant: the record, the
// latest grant, the grant, the consent and the membership, one read each.
func BenchmarkCheckAccess(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			st := benchSetup(b, n)
			ctx := st.block()
			gctx := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			res, _, err := st.k.CheckAccess(gctx, st.target, benchGrantee)
			require.NoError(b, err)
			require.True(b, res.Allowed)
			require.Equal(b, types.AccessBasis_ACCESS_BASIS_GRANT, res.Basis)
			require.Equal(b, st.grantID, res.GrantID)
			b.ReportAllocs()
			for b.Loop() {
				res, _, err := st.k.CheckAccess(ctx, st.target, benchGrantee)
				if err != nil {
					b.Fatal(err)
				}
				if !res.Allowed {
					b.Fatalf("refused: %s", res.Basis)
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}

// BenchmarkEraseVersions erases a record of 1 or 100 versions (100 is the
// default max_versions), each granted once: the cost grows with the versions,
// which max_versions bounds.
func BenchmarkEraseVersions(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("versions=%d", n), func(b *testing.B) {
			e := newEnv(b)
			fillRecords(b, e, 1)
			r, err := e.k.Records.Get(e.ctx, 1)
			require.NoError(b, err)
			author, err := testkit.AddressCodec.StringToBytes(r.Author)
			require.NoError(b, err)
			patient, err := testkit.AddressCodec.StringToBytes(r.Patient)
			require.NoError(b, err)
			e.members.Admit(author, consortiumtypes.Role_ROLE_HOSPITAL)
			e.members.Admit(benchGrantee, consortiumtypes.Role_ROLE_HOSPITAL)
			_, err = e.consentMS.GrantConsent(e.ctx, &consenttypes.MsgGrantConsent{
				Signer: r.Patient, Patient: r.Patient, Grantee: testkit.String(benchGrantee),
				Purpose: "TREAT", AllCategories: true, End: blockTime.Add(365 * 24 * time.Hour),
			})
			require.NoError(b, err)
			id := uint64(1)
			for v := 1; v <= n; v++ {
				if v > 1 {
					seed := fmt.Sprintf("v%d", v)
					res, err := e.ms.AmendRecord(e.ctx, &types.MsgAmendRecord{Author: r.Author, Supersedes: id, Kind: "Observation",
						Category: "laboratory", Commitment: commitment(seed), CID: cidOf(seed), BlobSize: 2345})
					require.NoError(b, err)
					id = res.ID
				}
				_, err := e.ms.RequestAccess(e.ctx, &types.MsgRequestAccess{Grantee: testkit.String(benchGrantee), RecordID: id, Purpose: "TREAT"})
				require.NoError(b, err)
			}
			e.cms.Commit()
			block := func() sdk.Context {
				return e.ctx.WithMultiStore(e.cms.CacheMultiStore()).WithEventManager(sdk.NewEventManager())
			}
			msg := &types.MsgEraseRecord{Signer: testkit.String(patient), RecordID: 1, LatestVersion: uint32(n)}
			gctx := block().WithGasMeter(storetypes.NewInfiniteGasMeter())
			res, err := e.ms.EraseRecord(gctx, msg)
			require.NoError(b, err)
			require.Len(b, res.ErasedIDs, n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ctx := block()
				b.StartTimer()
				if _, err := e.ms.EraseRecord(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}
