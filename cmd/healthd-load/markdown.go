package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// machine describes the host for the benchmark page: the CPU model, the
// cores and the memory, from /proc (empty parts are left out).
func machine() string {
	var parts []string
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				parts = append(parts, strings.TrimSpace(v))
				break
			}
		}
		_ = f.Close()
	}
	parts = append(parts, fmt.Sprintf("%d CPUs", runtime.NumCPU()))
	if bz, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(bz), "\n") {
			var kb int64
			if _, err := fmt.Sscanf(l, "MemTotal: %d kB", &kb); err == nil {
				parts = append(parts, fmt.Sprintf("%.0f GiB RAM", float64(kb)/(1<<20)))
			}
		}
	}
	return strings.Join(parts, ", ")
}

// writeMarkdown writes the benchmark page: the machine, the binary and the
// commit, then one row per run with its ratio to the bank-send run before it
// (make bench-chain interleaves one before each workload, so the ratio
// compares runs minutes apart on the same chain), then each run's check and
// the load average the host had, since a busy host lowers every figure.
func writeMarkdown(w io.Writer, env runEnv, commit string, reps []*report) {
	fmt.Fprintf(w, "# Chain benchmarks\n\n")
	fmt.Fprintf(w, "Written by `make bench-chain` (cmd/healthd-load) on %s. Do not edit by hand: run it again.\n\n", env.Started)
	fmt.Fprintf(w, "- machine: %s\n", machine())
	fmt.Fprintf(w, "- binary: %s; commit %s\n", env.Version, commit)
	fmt.Fprintf(w, "- one validator on 127.0.0.1, blocks every %s, the load generator on the same cores; each workload's transactions pre-signed, then broadcast from one goroutine per signing account (at most -concurrency)\n\n", env.BlockTime)
	fmt.Fprintf(w, "| workload | txs | committed tx/s | units/s | ratio to bank | p50 / p95 / p99 ms | gas/tx | max txs/block | refused | never seen | RSS MiB | load average (1 min) before → after |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var bank *report
	for _, r := range reps {
		ratio := "-"
		if r.Workload == "bank" {
			bank = r
		} else if bank != nil && bank.CommittedTPS > 0 {
			ratio = fmt.Sprintf("%.2f", r.CommittedTPS/bank.CommittedTPS)
		}
		units := "-"
		if r.UnitsPerTx > 0 {
			units = fmt.Sprintf("%.0f", r.UnitsPerSecond)
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %.0f / %.0f / %.0f | %.0f | %d | %d | %d | %s → %s | %s → %s |\n",
			r.Workload, r.Txs, r.CommittedTPS, units, ratio, r.LatencyMS.P50, r.LatencyMS.P95, r.LatencyMS.P99,
			r.GasMean, r.MaxTxsPerBlock, r.RejectedCheckTx+r.FailedInBlock+r.NotSubmitted, r.NeverSeen,
			mib(r.RSSBefore), mib(r.RSSAfter), firstField(r.LoadAvgBefore), firstField(r.LoadAvgAfter))
	}
	fmt.Fprintf(w, "\n## What each workload sends\n\n")
	seen := map[string]bool{}
	for _, r := range reps {
		if seen[r.Workload] {
			continue
		}
		seen[r.Workload] = true
		fmt.Fprintf(w, "- **%s**: %s", r.Workload, strings.TrimSuffix(r.Doc, ".")+".")
		if r.Checked != "" {
			fmt.Fprintf(w, " Checked after the run: %s.", r.Checked)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nA load average above the core count means other work shared the cores: compare runs\n")
	fmt.Fprintf(w, "made on an idle machine only. `healthd-load -h` lists the flags; `-json` gives every figure.\n")
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return "?"
}
