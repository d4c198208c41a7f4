package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/gs1"
)

// TestLoadSmoke runs the harness end to end against the healthd binary named
// by HEALTHD_BIN (make test builds it and sets it; tests/e2e reads the same
// variable): a fresh chain, 100 record anchors, 100 commissions and 100
// transactions of the mixed hospital day (claims, dispenses, shipments and
// receipts, with their staged setup), whose check must pass. Every
// transaction must be committed exactly once with code 0, and the report's
// numbers must agree with each other. It says nothing about speed.
func TestLoadSmoke(t *testing.T) {
	bin := os.Getenv("HEALTHD_BIN")
	if bin == "" {
		t.Skip("HEALTHD_BIN is not set: make test builds healthd and sets it")
	}
	o, err := parseFlags([]string{"-bin", bin, "-workloads", "anchor,commission,mixed", "-txs", "100",
		"-users", "20", "-authors", "2", "-manufacturers", "2", "-concurrency", "8",
		"-block-time", "500ms", "-workload-timeout", "2m", "-timeout", "8m", "-quiet"})
	require.NoError(t, err)
	o.Home = t.TempDir() + "/node"
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	reps, env, err := run(ctx, o)
	require.NoError(t, err)
	require.Len(t, reps, 3)
	require.Positive(t, env.CPUs)
	for _, r := range reps {
		t.Logf("%s: %d committed in %d blocks, %.0f tx/s, p50 %.0f ms, p99 %.0f ms, gas %.0f",
			r.Workload, r.Committed, r.Blocks, r.CommittedTPS, r.LatencyMS.P50, r.LatencyMS.P99, r.GasMean)
		// Every transaction committed exactly once, with code 0.
		require.Equal(t, 100, r.Txs, r.Workload)
		require.Equal(t, r.Txs, r.Committed, "%s: %+v", r.Workload, r.Rejections)
		require.Zero(t, r.Duplicates, r.Workload)
		require.Zero(t, r.FailedInBlock, r.Workload)
		require.Zero(t, r.NeverSeen, r.Workload)
		require.Empty(t, r.Rejections, r.Workload)
		require.False(t, r.TimedOut, r.Workload)
		requireConsistent(t, r)
	}
	require.Equal(t, commissionUnits, reps[1].UnitsPerTx)
	require.Contains(t, reps[2].Checked, "no suspect-product alert")
	require.Regexp(t, `^no suspect-product alert; \d+ claims on the chain, all paid$`, reps[2].Checked)
	require.InDelta(t, reps[1].CommittedTPS*commissionUnits, reps[1].UnitsPerSecond, 1e-6)
}

// requireConsistent checks that a report's numbers agree with each other.
func requireConsistent(t *testing.T, r *report) {
	t.Helper()
	require.Equal(t, r.Txs, r.Accepted+r.RejectedCheckTx+r.NotSubmitted, "%s: submissions add up", r.Workload)
	require.Equal(t, r.Accepted, r.Committed+r.FailedInBlock+r.NeverSeen, "%s: outcomes add up", r.Workload)
	l := r.LatencyMS
	require.Equal(t, r.Committed, l.N, r.Workload)
	if r.Committed > 0 {
		require.Positive(t, l.Min, r.Workload)
		require.True(t, l.Min <= l.P50 && l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max, "%s: percentiles ordered: %+v", r.Workload, l)
		require.LessOrEqual(t, l.Max, r.WallMS, "%s: no latency exceeds the run", r.Workload)
		require.Positive(t, r.CommittedTPS, r.Workload)
		require.Positive(t, r.SubmitTPS, r.Workload)
		require.Positive(t, r.BlockSpanMS, r.Workload)
		require.Equal(t, int(r.LastHeight-r.FirstHeight+1), r.Blocks, r.Workload)
		require.InDelta(t, float64(r.Committed+r.FailedInBlock), r.MeanTxsPerBlk*float64(r.Blocks), 1e-6, r.Workload)
		require.GreaterOrEqual(t, float64(r.MaxTxsPerBlock), r.MeanTxsPerBlk, r.Workload)
		require.LessOrEqual(t, r.MaxTxsPerBlock, r.Committed+r.FailedInBlock, r.Workload)
		require.True(t, r.GasMin > 0 && float64(r.GasMin) <= r.GasMean && r.GasMean <= float64(r.GasMax), "%s: gas %d %f %d", r.Workload, r.GasMin, r.GasMean, r.GasMax)
		require.LessOrEqual(t, uint64(r.GasMax), r.GasLimit, r.Workload)
		require.Positive(t, r.RSSBefore, r.Workload)
		require.Positive(t, r.RSSAfter, r.Workload)
		// Measured, not necessarily grown: a compaction after a large setup
		// (mixed commits hundreds of transactions first) can shrink it.
		require.Positive(t, r.DataBefore, r.Workload)
		require.Positive(t, r.DataAfter, r.Workload)
	}
}

// TestReportFill checks the report's arithmetic on made-up transactions: one
// committed, one committed twice, one failed in its block, one never seen,
// one refused at CheckTx, one never answered.
func TestReportFill(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	txs := []*signed{
		{Accepted: true, Answered: true, Start: at(0), End: at(10), Seen: 1, Height: 5, Committed: at(900), GasUsed: 100},
		{Accepted: true, Answered: true, Start: at(5), End: at(20), Seen: 2, Height: 6, Committed: at(1900), GasUsed: 300},
		{Accepted: true, Answered: true, Start: at(6), End: at(30), Seen: 1, Height: 6, Committed: at(1900), TxCode: 7, TxSpace: "consent", TxLog: "overlap"},
		{Accepted: true, Answered: true, Start: at(7), End: at(40)},
		{Answered: true, Start: at(8), End: at(41), Code: 32, Space: "sdk", Log: "account sequence mismatch"},
		{Start: at(9)},
	}
	blocks := []blockInfo{
		{Height: 4, Time: at(0), Txs: 0},
		{Height: 5, Time: at(1000), Txs: 2, Ours: 1},
		{Height: 6, Time: at(2000), Txs: 3, Ours: 3},
		{Height: 7, Time: at(3000), Txs: 0},
	}
	rep := &report{Workload: "test", Txs: len(txs), GasLimit: 1000, Wall: 3 * time.Second}
	rep.fill(txs, blocks, t0.Add(-time.Second))
	require.Equal(t, 4, rep.Accepted)
	require.Equal(t, 1, rep.RejectedCheckTx)
	require.Equal(t, 1, rep.NotSubmitted)
	require.Equal(t, 2, rep.Committed)
	require.Equal(t, 1, rep.FailedInBlock)
	require.Equal(t, 1, rep.NeverSeen)
	require.Equal(t, 1, rep.Duplicates)
	require.Equal(t, int64(5), rep.FirstHeight)
	require.Equal(t, int64(6), rep.LastHeight)
	require.Equal(t, 2, rep.Blocks)
	require.Equal(t, 3, rep.MaxTxsPerBlock)
	require.Equal(t, 1, rep.OtherTxs)
	require.InDelta(t, 2000, rep.BlockSpanMS, 1e-9, "from the block before the first (height 4) to the last")
	require.InDelta(t, 1.0, rep.CommittedTPS, 1e-9)
	require.InDelta(t, 4/0.040, rep.SubmitTPS, 1e-6)
	require.Equal(t, latency{N: 2, Min: 900, P50: 900, P95: 1895, P99: 1895, Max: 1895}, rep.LatencyMS)
	require.InDelta(t, 200, rep.GasMean, 1e-9)
	require.Len(t, rep.Rejections, 2)
}

func TestPercentile(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	require.Equal(t, 5.0, percentile(v, 50))
	require.Equal(t, 10.0, percentile(v, 95))
	require.Equal(t, 10.0, percentile(v, 99))
	require.Equal(t, 1.0, percentile(v, 0))
	require.Equal(t, 0.0, percentile(nil, 50))
}

// TestDaySigners checks the mixed workload's proportions: 20 distinct
// signers, each kind as many times as its share, and pools() admitting at
// least that many accounts of each kind even when the flags ask for fewer.
func TestDaySigners(t *testing.T) {
	o, err := parseFlags([]string{"-workloads", "mixed", "-authors", "1", "-manufacturers", "1", "-distributors", "1",
		"-pharmacies", "1", "-providers", "1", "-users", "2"})
	require.NoError(t, err)
	f := newFixture(pools(o, []string{"mixed"}), 40)
	signers := daySigners(f)
	require.Len(t, signers, 20)
	seen := map[*account]bool{}
	kinds := map[string]int{}
	for _, s := range signers {
		require.False(t, seen[s], "%s signs twice in a round: its sequence would interleave", s.Name)
		seen[s] = true
		kinds[dayKind(f, s)]++
	}
	for _, s := range dayShare {
		require.Equal(t, s.Count, kinds[s.Kind], s.Kind)
	}
	// Transactions of a kind: 40 transactions, two rounds.
	require.Len(t, dayJobs("claim")(f), 8)
	require.Len(t, dayJobs("anchor")(f), 12)
	// The claim patients and the consenting users are different accounts.
	for _, u := range f.claimPatients() {
		require.False(t, seen[u], "claim patient %s also signs in the day", u.Name)
	}
}

// TestGoodsIdentifiers checks what the goods workloads put in messages
// against the chain's own rules: GTINs with their check digit, serials within
// GS1 AI 21's 20 characters, distinct per workload tag and transaction.
func TestGoodsIdentifiers(t *testing.T) {
	for _, item := range []int{itemShip, itemReceive, itemDispense, itemMixed, itemMixed + 1, itemMixed + 2} {
		g := productGTIN(3, item)
		require.Len(t, g, 14)
		d, err := gs1.CheckDigit(g[:13])
		require.NoError(t, err)
		require.Equal(t, g[13], d)
		require.NotEqual(t, gtin(3), g, "the commission workload's product")
	}
	require.LessOrEqual(t, len(serial("DYD", 9_999_999, 49)), 20)
	require.NotEqual(t, serial("SH", 1, 0), serial("RV", 1, 0))
	require.NotEqual(t, serial("SH", 1, 0), serial("SH", 10, 0))
}

// TestMarkdownRatios checks the benchmark page: each run's ratio is to the
// bank run before it, a run with no bank run before it has none, and every
// workload is described once.
func TestMarkdownRatios(t *testing.T) {
	reps := []*report{
		{Workload: "consent", Doc: "grants.", CommittedTPS: 300},
		{Workload: "bank", Doc: "sends.", CommittedTPS: 500},
		{Workload: "anchor", Doc: "anchors.", CommittedTPS: 250, Checked: "fine"},
		{Workload: "bank", Doc: "sends.", CommittedTPS: 400},
		{Workload: "consent", Doc: "grants.", CommittedTPS: 600},
	}
	var b strings.Builder
	writeMarkdown(&b, runEnv{Version: "v9", BlockTime: "1s", Started: "today"}, "abc123", reps)
	page := b.String()
	require.Contains(t, page, "commit abc123")
	require.Regexp(t, `\n\| consent \| 0 \| 300 \| - \| - \|`, page)
	require.Regexp(t, `\n\| anchor \| 0 \| 250 \| - \| 0\.50 \|`, page)
	require.Regexp(t, `\n\| consent \| 0 \| 600 \| - \| 1\.50 \|`, page)
	require.Equal(t, 1, strings.Count(page, "- **consent**"))
	require.Contains(t, page, "- **anchor**: anchors. Checked after the run: fine.")
}
