package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// report is what one workload run measured. Durations are in milliseconds
// and sizes in bytes in the JSON form.
type report struct {
	Workload    string `json:"workload"`
	Doc         string `json:"doc"`
	Txs         int    `json:"txs"`         // transactions signed for the run
	Signers     int    `json:"signers"`     // accounts signing them
	Concurrency int    `json:"concurrency"` // broadcasting goroutines
	GasLimit    uint64 `json:"gas_limit"`
	UnitsPerTx  int    `json:"units_per_tx,omitempty"`
	// Checked is what the workload's check read from the chain after the run.
	Checked string `json:"checked,omitempty"`

	// What became of the transactions: Txs = Accepted + RejectedCheckTx + NotSubmitted,
	// Accepted = Committed + FailedInBlock + NeverSeen.
	Accepted        int `json:"accepted"`          // CheckTx accepted (broadcast_tx_sync code 0)
	RejectedCheckTx int `json:"rejected_check_tx"` // CheckTx refused
	NotSubmitted    int `json:"not_submitted"`     // never answered (RPC errors, timeout, or an earlier refusal of the signer)
	Committed       int `json:"committed"`         // in a block, code 0
	FailedInBlock   int `json:"failed_in_block"`   // in a block, code != 0
	NeverSeen       int `json:"never_seen"`        // accepted but in no block by the end of the run
	Duplicates      int `json:"duplicates"`        // extra appearances of a transaction in blocks (0 when all is well)

	Rejections []rejection `json:"rejections,omitempty"`

	MempoolFullRetries int64    `json:"mempool_full_retries"`
	RPCErrorRetries    int64    `json:"rpc_error_retries"`
	RPCErrorSamples    []string `json:"rpc_error_samples,omitempty"`

	// Blocks holding the run's transactions.
	FirstHeight    int64   `json:"first_height"`
	LastHeight     int64   `json:"last_height"`
	Blocks         int     `json:"blocks"` // blocks from first to last height
	MaxTxsPerBlock int     `json:"max_txs_per_block"`
	MeanTxsPerBlk  float64 `json:"mean_txs_per_block"`
	OtherTxs       int     `json:"other_txs"` // transactions in those blocks that were not the run's

	// Rates.
	CommittedTPS   float64 `json:"committed_tps"` // committed / (time of last block − time of the block before the first)
	UnitsPerSecond float64 `json:"units_per_second,omitempty"`
	SubmitTPS      float64 `json:"submit_tps"`     // accepted / (last acceptance − first broadcast)
	BlockSpanMS    float64 `json:"block_span_ms"`  // the denominator of committed_tps
	SubmitSpanMS   float64 `json:"submit_span_ms"` // the denominator of submit_tps
	WallMS         float64 `json:"wall_ms"`        // first broadcast to the end of block reading
	TimedOut       bool    `json:"timed_out"`

	// Broadcast → commit of committed transactions: from the start of the
	// first broadcast_tx_sync to the harness reading the block's results.
	LatencyMS latency `json:"latency_ms"`

	// Gas used by committed transactions.
	GasMean float64 `json:"gas_mean"`
	GasMin  int64   `json:"gas_min"`
	GasMax  int64   `json:"gas_max"`

	RSSBefore     int64  `json:"rss_before"`
	RSSAfter      int64  `json:"rss_after"`
	DataBefore    int64  `json:"data_bytes_before"`
	DataAfter     int64  `json:"data_bytes_after"`
	LoadAvgBefore string `json:"loadavg_before"`
	LoadAvgAfter  string `json:"loadavg_after"`

	Wall time.Duration `json:"-"`
}

// latency holds percentiles (nearest rank) in milliseconds.
type latency struct {
	N   int     `json:"n"`
	Min float64 `json:"min"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// rejection groups refusals by where they happened and their code.
type rejection struct {
	Stage     string   `json:"stage"` // check_tx, in_block or broadcast
	Codespace string   `json:"codespace"`
	Code      uint32   `json:"code"`
	Count     int      `json:"count"`
	Samples   []string `json:"samples"`
}

// percentile is the nearest-rank percentile p (0..100) of sorted values.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fill computes the report from the run's transactions and the blocks read;
// prevTime is the header time of the block before the run's first.
func (rep *report) fill(txs []*signed, blocks []blockInfo, prevTime time.Time) {
	rejections := map[string]*rejection{}
	reject := func(stage, space string, code uint32, log string) {
		key := fmt.Sprintf("%s/%s/%d", stage, space, code)
		rj, ok := rejections[key]
		if !ok {
			rj = &rejection{Stage: stage, Codespace: space, Code: code}
			rejections[key] = rj
		}
		rj.Count++
		if len(rj.Samples) < 3 {
			if len(log) > 300 {
				log = log[:300] + "…"
			}
			rj.Samples = append(rj.Samples, log)
		}
	}
	var lat []float64
	var firstStart, lastEnd time.Time
	var gasSum int64
	for _, t := range txs {
		switch {
		case t.Accepted:
			rep.Accepted++
			if firstStart.IsZero() || t.Start.Before(firstStart) {
				firstStart = t.Start
			}
			if t.End.After(lastEnd) {
				lastEnd = t.End
			}
		case t.Answered:
			rep.RejectedCheckTx++
			reject("check_tx", t.Space, t.Code, t.Log)
			continue
		default:
			rep.NotSubmitted++
			if t.Log != "" {
				reject("broadcast", "", 0, t.Log)
			}
			continue
		}
		if t.Seen > 1 {
			rep.Duplicates += t.Seen - 1
		}
		switch {
		case t.Seen == 0:
			rep.NeverSeen++
		case t.TxCode != 0:
			rep.FailedInBlock++
			reject("in_block", t.TxSpace, t.TxCode, t.TxLog)
		default:
			rep.Committed++
			lat = append(lat, ms(t.Committed.Sub(t.Start)))
			gasSum += t.GasUsed
			if rep.GasMin == 0 || t.GasUsed < rep.GasMin {
				rep.GasMin = t.GasUsed
			}
			rep.GasMax = max(rep.GasMax, t.GasUsed)
		}
	}
	for _, rj := range rejections {
		rep.Rejections = append(rep.Rejections, *rj)
	}
	sort.Slice(rep.Rejections, func(i, j int) bool { return rep.Rejections[i].Count > rep.Rejections[j].Count })

	slices.Sort(lat)
	if len(lat) > 0 {
		rep.LatencyMS = latency{N: len(lat), Min: lat[0], P50: percentile(lat, 50), P95: percentile(lat, 95),
			P99: percentile(lat, 99), Max: lat[len(lat)-1]}
		rep.GasMean = float64(gasSum) / float64(len(lat))
	}
	if !lastEnd.IsZero() && lastEnd.After(firstStart) {
		rep.SubmitSpanMS = ms(lastEnd.Sub(firstStart))
		rep.SubmitTPS = float64(rep.Accepted) / lastEnd.Sub(firstStart).Seconds()
	}
	rep.WallMS = ms(rep.Wall)

	// The blocks from the first to the last holding one of the run's
	// transactions; the time before the first is the previous block's.
	first, last := -1, -1
	for i, b := range blocks {
		if b.Ours > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		rep.FirstHeight, rep.LastHeight = blocks[first].Height, blocks[last].Height
		rep.Blocks = last - first + 1
		before := prevTime
		if first > 0 {
			before = blocks[first-1].Time
		}
		ours := 0
		for _, b := range blocks[first : last+1] {
			rep.MaxTxsPerBlock = max(rep.MaxTxsPerBlock, b.Ours)
			rep.OtherTxs += b.Txs - b.Ours
			ours += b.Ours
		}
		rep.MeanTxsPerBlk = float64(ours) / float64(rep.Blocks)
		if span := blocks[last].Time.Sub(before); span > 0 {
			rep.BlockSpanMS = ms(span)
			rep.CommittedTPS = float64(rep.Committed) / span.Seconds()
			if rep.UnitsPerTx > 0 {
				rep.UnitsPerSecond = rep.CommittedTPS * float64(rep.UnitsPerTx)
			}
		}
	}
}

func mib(b int64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }

// printTable writes the reports as a human table, then each run's details.
func printTable(w io.Writer, env runEnv, reps []*report) {
	fmt.Fprintf(w, "\nhealthd-load: %s; %d CPUs; blocks every %s; generator on the same machine\n", env.Version, env.CPUs, env.BlockTime)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\ttxs\tcommitted\ttx/s\tunits/s\tsubmit/s\tp50 ms\tp95 ms\tp99 ms\tgas/tx\tblocks\tmax/block\trefused\tunseen\tfull retries\tRSS MiB\tdata MiB\t")
	for _, r := range reps {
		units := "-"
		if r.UnitsPerTx > 0 {
			units = fmt.Sprintf("%.0f", r.UnitsPerSecond)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\t%d\t%s→%s\t%s→%s\t\n",
			r.Workload, r.Txs, r.Committed, r.CommittedTPS, units, r.SubmitTPS,
			r.LatencyMS.P50, r.LatencyMS.P95, r.LatencyMS.P99, r.GasMean, r.Blocks, r.MaxTxsPerBlock,
			r.RejectedCheckTx+r.FailedInBlock+r.NotSubmitted, r.NeverSeen, r.MempoolFullRetries,
			mib(r.RSSBefore), mib(r.RSSAfter), mib(r.DataBefore), mib(r.DataAfter))
	}
	_ = tw.Flush()
	for _, r := range reps {
		fmt.Fprintf(w, "\n%s: %s\n", r.Workload, r.Doc)
		fmt.Fprintf(w, "  %d signers, %d goroutines, gas limit %d; load average %s → %s\n", r.Signers, r.Concurrency, r.GasLimit, r.LoadAvgBefore, r.LoadAvgAfter)
		fmt.Fprintf(w, "  accepted %d, refused at CheckTx %d, not submitted %d; committed %d, failed in block %d, never seen %d, duplicates %d\n",
			r.Accepted, r.RejectedCheckTx, r.NotSubmitted, r.Committed, r.FailedInBlock, r.NeverSeen, r.Duplicates)
		fmt.Fprintf(w, "  blocks %d..%d (%d, %.1f of ours per block, %d others); block span %.0f ms, submit span %.0f ms, wall %.0f ms%s\n",
			r.FirstHeight, r.LastHeight, r.Blocks, r.MeanTxsPerBlk, r.OtherTxs, r.BlockSpanMS, r.SubmitSpanMS, r.WallMS, timedOut(r.TimedOut))
		fmt.Fprintf(w, "  broadcast→commit ms: min %.0f p50 %.0f p95 %.0f p99 %.0f max %.0f; gas used min %d mean %.0f max %d\n",
			r.LatencyMS.Min, r.LatencyMS.P50, r.LatencyMS.P95, r.LatencyMS.P99, r.LatencyMS.Max, r.GasMin, r.GasMean, r.GasMax)
		if r.Committed > 0 && r.DataAfter > r.DataBefore {
			fmt.Fprintf(w, "  data directory +%d bytes (%.0f per committed tx; includes block store and indexes)\n",
				r.DataAfter-r.DataBefore, float64(r.DataAfter-r.DataBefore)/float64(r.Committed))
		}
		if r.Checked != "" {
			fmt.Fprintf(w, "  checked on the chain after the run: %s\n", r.Checked)
		}
		if r.MempoolFullRetries+r.RPCErrorRetries > 0 {
			fmt.Fprintf(w, "  retries: mempool full %d, RPC errors %d %s\n", r.MempoolFullRetries, r.RPCErrorRetries, strings.Join(r.RPCErrorSamples, " | "))
		}
		for _, rj := range r.Rejections {
			fmt.Fprintf(w, "  refused %d× at %s (%s code %d), e.g.:\n", rj.Count, rj.Stage, rj.Codespace, rj.Code)
			for _, s := range rj.Samples {
				fmt.Fprintf(w, "    %s\n", s)
			}
		}
	}
}

func timedOut(b bool) string {
	if b {
		return " (TIMED OUT)"
	}
	return ""
}
