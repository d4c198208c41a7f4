package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLoadSmoke runs the harness end to end against the healthd binary named
// by HEALTHD_BIN (make test builds it and sets it; tests/e2e reads the same
// variable): a fresh chain, 100 record anchors and 100 commissions. Every
// transaction must be committed exactly once with code 0, and the report's
// numbers must agree with each other. It says nothing about speed.
func TestLoadSmoke(t *testing.T) {
	bin := os.Getenv("HEALTHD_BIN")
	if bin == "" {
		t.Skip("HEALTHD_BIN is not set: make test builds healthd and sets it")
	}
	o, err := parseFlags([]string{"-bin", bin, "-workloads", "anchor,commission", "-txs", "100",
		"-users", "20", "-authors", "2", "-manufacturers", "2", "-concurrency", "8",
		"-block-time", "500ms", "-workload-timeout", "2m", "-timeout", "8m", "-quiet"})
	require.NoError(t, err)
	o.Home = t.TempDir() + "/node"
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	reps, env, err := run(ctx, o)
	require.NoError(t, err)
	require.Len(t, reps, 2)
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
		require.Greater(t, r.DataAfter, r.DataBefore, "%s: the data directory grew", r.Workload)
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
