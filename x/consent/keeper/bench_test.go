package keeper_test

import (
	"fmt"
	"runtime/debug"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
)

var authorizeSizes = []int{1, 1_000, 100_000}

type benchEnv struct {
	ctx              sdk.Context
	k                keeper.Keeper
	patient, grantee sdk.AccAddress
	consentID        uint64
}

// benchEnvs caches one environment per size, shared by the benchmarks below.
var benchEnvs = map[int]*benchEnv{}

// benchEnd is the end of every benchmark consent.
var benchEnd = blockTime.Add(365 * 24 * time.Hour)

// msgServerBuildLimit: up to this many consents the benchmark state is built
// through the Msg service; above, from an equivalent genesis (see
// TestSyntheticGenesisMatchesMsgServer), which is much faster to load.
const msgServerBuildLimit = 1_000

// benchPatient and benchGrantee are the checked pair; grantee i is
// indexAddr("bench-grantee", i).
var benchPatient, benchGrantee = testkit.Addr("bench-patient"), testkit.Addr("bench-grantee")

// grantThroughMsgServer has benchPatient grant n consents through the Msg
// service: n-1 to distinct grantees (grantee i, TREAT, Observation) and the
// last to benchGrantee (TREAT, Condition and Observation). Grants go in blocks
// of 1,000 as on a chain: each block works on a cache of the state that is
// then written to the IAVL tree and committed.
func grantThroughMsgServer(tb testing.TB, tc testkit.Context, ac address.Codec, k keeper.Keeper, n int) uint64 {
	tb.Helper()
	ms := keeper.NewMsgServerImpl(k)
	str := func(a sdk.AccAddress) string {
		s, err := ac.BytesToString(a)
		require.NoError(tb, err)
		return s
	}
	pStr := str(benchPatient)
	var block storetypes.CacheMultiStore
	var bctx sdk.Context
	beginBlock := func() {
		block = tc.CMS.CacheMultiStore()
		bctx = tc.Ctx.WithMultiStore(block).WithEventManager(sdk.NewEventManager())
	}
	endBlock := func() {
		block.Write()
		tc.CMS.Commit()
	}
	grant := func(g sdk.AccAddress, cats ...string) uint64 {
		res, err := ms.GrantConsent(bctx, &types.MsgGrantConsent{
			Signer: pStr, Patient: pStr, Grantee: str(g), Purpose: "TREAT", Categories: cats, End: benchEnd,
		})
		require.NoError(tb, err)
		return res.ID
	}
	beginBlock()
	for i := range n - 1 {
		if i > 0 && i%1000 == 0 {
			endBlock()
			beginBlock()
		}
		grant(indexAddr("bench-grantee", i), "Observation")
	}
	id := grant(benchGrantee, "Condition", "Observation")
	endBlock()
	return id
}

// syntheticGenesis is the genesis state grantThroughMsgServer leads to, all
// at blockTime: the consents and their GRANTED audit entries.
func syntheticGenesis(tb testing.TB, ac address.Codec, n int) *types.GenesisState {
	tb.Helper()
	str := func(a sdk.AccAddress) string {
		s, err := ac.BytesToString(a)
		require.NoError(tb, err)
		return s
	}
	p := str(benchPatient)
	gs := types.DefaultGenesisState()
	gs.Consents = make([]types.Consent, 0, n)
	gs.Audit = make([]types.AuditEntry, 0, n)
	for i := range n {
		id := uint64(i + 1)
		g, cats := benchGrantee, []string{"Condition", "Observation"}
		if i < n-1 {
			g, cats = indexAddr("bench-grantee", i), []string{"Observation"}
		}
		gStr := str(g)
		gs.Consents = append(gs.Consents, types.Consent{
			ID: id, Patient: p, Grantee: gStr, Purpose: "TREAT", Categories: cats, Start: blockTime, End: benchEnd,
			Status: types.ConsentStatus_CONSENT_STATUS_ACTIVE, GrantedBy: p, GrantedAt: blockTime, Version: 1,
		})
		gs.Audit = append(gs.Audit, types.AuditEntry{
			Seq: id, Patient: p, Action: types.AuditAction_AUDIT_ACTION_GRANTED, Actor: p, ConsentID: id, Counterparty: gStr, Time: blockTime,
		})
	}
	gs.NextConsentID, gs.NextAuditSeq = uint64(n+1), uint64(n+1)
	return gs
}

// TestSyntheticGenesisMatchesMsgServer shows that the synthetic genesis the
// large benchmark loads is byte for byte the state the Msg service builds.
func TestSyntheticGenesisMatchesMsgServer(t *testing.T) {
	const n = 1500
	e1 := newEnv(t)
	id := grantThroughMsgServer(t, e1.tc, testkit.AddressCodec, e1.keeper, n)
	require.Equal(t, uint64(n), id)

	e2 := newBareEnv(t)
	require.NoError(t, e2.keeper.InitGenesis(e2.ctx, syntheticGenesis(t, testkit.AddressCodec, n)))
	e2.tc.CMS.Commit()

	raw1, raw2 := testkit.Dump(e1.ctx, e1.key), testkit.Dump(e2.ctx, e2.key)
	require.Greater(t, len(raw1), 8*n)
	require.Equal(t, raw1, raw2)
}

// authorizeEnv returns a keeper over an IAVL store, committed, in which
// benchPatient holds n active consents (see grantThroughMsgServer).
func authorizeEnv(b *testing.B, n int) *benchEnv {
	b.Helper()
	if e, ok := benchEnvs[n]; ok {
		return e
	}
	started := time.Now()
	// Building a large IAVL tree is allocation-heavy: collect less often meanwhile.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	var (
		built *env
		id    uint64
	)
	if n <= msgServerBuildLimit {
		built = newEnv(b)
		id = grantThroughMsgServer(b, built.tc, testkit.AddressCodec, built.keeper, n)
	} else {
		built = newBareEnv(b)
		require.NoError(b, built.keeper.InitGenesis(built.ctx, syntheticGenesis(b, testkit.AddressCodec, n)))
		built.tc.CMS.Commit()
		id = uint64(n)
	}
	k := built.keeper
	ctx := built.tc.Ctx.WithEventManager(sdk.NewEventManager())

	res, err := k.Authorize(ctx, benchPatient, benchGrantee, "TREAT", "Observation")
	require.NoError(b, err)
	require.Equal(b, id, res.ConsentID)
	// sanity: the patient really holds n consents
	count := 0
	require.NoError(b, k.Consents.Indexes.Patient.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, uint64](benchPatient),
		func(sdk.AccAddress, uint64) (bool, error) {
			count++
			return false, nil
		}))
	require.Equal(b, n, count)
	b.Logf("setup consents=%d: %s", n, time.Since(started).Round(time.Millisecond))
	e := &benchEnv{ctx: ctx, k: k, patient: benchPatient, grantee: benchGrantee, consentID: id}
	benchEnvs[n] = e
	return e
}

// BenchmarkAuthorize measures the consent check other modules call before
// disclosing data, for a patient holding 1, 1,000 and 100,000 consents. An
// allowed check is two point reads (Active, then the consent), so ns/op and
// gas/op should not grow with the patient's history beyond the IAVL depth.
func BenchmarkAuthorize(b *testing.B) {
	for _, n := range authorizeSizes {
		b.Run(fmt.Sprintf("consents=%d", n), func(b *testing.B) {
			e := authorizeEnv(b, n)
			gctx := e.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			if _, err := e.k.Authorize(gctx, e.patient, e.grantee, "TREAT", "Observation"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				res, err := e.k.Authorize(e.ctx, e.patient, e.grantee, "TREAT", "Observation")
				if err != nil {
					b.Fatal(err)
				}
				if res.ConsentID != e.consentID {
					b.Fatalf("consent %d, want %d", res.ConsentID, e.consentID)
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}

// BenchmarkAuthorizeRefused measures a refusal (category not covered), which
// also walks the patient's live consents to this grantee: bounded by
// params.MaxActivePerPair, not by the patient's history.
func BenchmarkAuthorizeRefused(b *testing.B) {
	for _, n := range authorizeSizes {
		b.Run(fmt.Sprintf("consents=%d", n), func(b *testing.B) {
			e := authorizeEnv(b, n)
			gctx := e.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			_, err := e.k.Authorize(gctx, e.patient, e.grantee, "TREAT", "Immunization")
			require.ErrorIs(b, err, types.ErrNotAuthorized)
			require.Contains(b, err.Error(), types.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED.String())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.k.Authorize(e.ctx, e.patient, e.grantee, "TREAT", "Immunization"); err == nil {
					b.Fatal("authorized")
				}
			}
			b.ReportMetric(float64(gctx.GasMeter().GasConsumed()), "gas/op")
		})
	}
}
