// Command healthd-load measures a healthd chain under load: it creates a fresh
// single-validator chain on 127.0.0.1 with deterministic funded accounts (and
// the consortium members the workloads need), pre-signs a fixed number of
// transactions with the app's own TxConfig, broadcasts them from many
// goroutines over CometBFT RPC, reads every block and its results, and
// reports throughput, latency, gas, refusals and the node's memory and disk.
//
// See README.md in this directory.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"

	"github.com/healthchain/healthd/app"
)

// options are the command line's.
type options struct {
	Bin             string
	Workloads       string
	Txs             int
	Users           int
	Authors         int
	Manufacturers   int
	Distributors    int
	Pharmacies      int
	Providers       int
	Concurrency     int
	Rate            float64
	WorkloadTimeout time.Duration
	Timeout         time.Duration
	BlockTime       time.Duration
	PortOffset      int
	Home            string
	Keep            bool
	JSON            bool
	Pprof           bool
	CPUProfileDir   string
	ProfileSecs     int
	Seed            uint64
	LogLevel        string
	Quiet           bool
	Markdown        string
	Commit          string
}

// runEnv describes where the run happened, for the report's header.
type runEnv struct {
	Version   string `json:"version"`
	CPUs      int    `json:"cpus"`
	BlockTime string `json:"block_time"`
	ChainID   string `json:"chain_id"`
	Started   string `json:"started"`
}

func defaultBin() string {
	if b := os.Getenv("HEALTHD_BIN"); b != "" {
		return b
	}
	return filepath.Join("build", "healthd")
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("healthd-load", flag.ContinueOnError)
	fs.StringVar(&o.Bin, "bin", defaultBin(), "the healthd binary (default $HEALTHD_BIN, else build/healthd)")
	fs.StringVar(&o.Workloads, "workloads", "all", "comma-separated workloads, run in order on one chain: "+strings.Join(workloadOrder, ", ")+", or all")
	fs.IntVar(&o.Txs, "txs", 2000, "transactions per workload")
	fs.IntVar(&o.Users, "users", 200, "funded user accounts (senders of bank sends, patients granting consents)")
	fs.IntVar(&o.Authors, "authors", 8, "hospital and laboratory members anchoring records (admitted in genesis)")
	fs.IntVar(&o.Manufacturers, "manufacturers", 8, "manufacturer members commissioning units, each with a GS1 prefix and a product")
	fs.IntVar(&o.Distributors, "distributors", 4, "distributor members receiving shipments (ship, receive, mixed)")
	fs.IntVar(&o.Pharmacies, "pharmacies", 8, "pharmacy members dispensing (dispense, mixed)")
	fs.IntVar(&o.Providers, "providers", 8, "hospital members submitting claims to the one payer (claim, mixed)")
	fs.IntVar(&o.Concurrency, "concurrency", 32, "broadcasting goroutines (at most one per signing account)")
	fs.Float64Var(&o.Rate, "rate", 0, "target submissions per second over all goroutines (0: as fast as the node accepts them)")
	fs.DurationVar(&o.WorkloadTimeout, "workload-timeout", 5*time.Minute, "bound on one workload, from its first broadcast to its last block read")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "bound on the whole run, setup included")
	fs.DurationVar(&o.BlockTime, "block-time", time.Second, "the node's timeout_commit")
	fs.IntVar(&o.PortOffset, "port-offset", 6000, "added to every node port (RPC 26657+offset, P2P, gRPC 9090+offset, pprof 6060+offset)")
	fs.StringVar(&o.Home, "home", "", "node home to create (default: a new temporary directory, removed at the end unless -keep)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary node home (its node.log, data and genesis)")
	fs.BoolVar(&o.JSON, "json", false, "print the reports as JSON on stdout (the table goes to stderr)")
	fs.BoolVar(&o.Pprof, "pprof", false, "serve the node's pprof on 127.0.0.1:6060+offset")
	fs.StringVar(&o.CPUProfileDir, "cpuprofile", "", "write a CPU profile of the node per workload into this directory (implies -pprof)")
	fs.IntVar(&o.ProfileSecs, "profile-seconds", 15, "length of each CPU profile, from the workload's first broadcast")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the random commitments, CIDs and grantees")
	fs.StringVar(&o.LogLevel, "log-level", "info", "the node's log level")
	fs.BoolVar(&o.Quiet, "quiet", false, "no progress lines on stderr")
	fs.StringVar(&o.Markdown, "markdown", "", "also write the results as the benchmark page (docs/benchmarks.md) to this file")
	fs.StringVar(&o.Commit, "commit", "", "the commit the binary was built from, for the benchmark page")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: healthd-load [flags]\n\nworkloads:\n")
		for _, n := range workloadOrder {
			fmt.Fprintf(fs.Output(), "  %-11s %s\n", n, workloads[n].Doc)
		}
		fmt.Fprintf(fs.Output(), "\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.Txs < 1 || o.Users < 2 || o.Authors < 1 || o.Manufacturers < 1 || o.Distributors < 1 || o.Pharmacies < 1 || o.Providers < 1 || o.Concurrency < 1 {
		return o, errors.New("-txs, -authors, -manufacturers, -distributors, -pharmacies, -providers and -concurrency must be at least 1, -users at least 2")
	}
	if o.CPUProfileDir != "" {
		o.Pprof = true
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthd-load:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	reps, env, err := run(ctx, o)
	if len(reps) > 0 {
		if o.JSON {
			// JSON on stdout for a file or a pipe; the table still on stderr.
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			_ = enc.Encode(struct {
				Env       runEnv    `json:"env"`
				Workloads []*report `json:"workloads"`
			}{env, reps})
			printTable(os.Stderr, env, reps)
		} else {
			printTable(os.Stdout, env, reps)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthd-load:", err)
		os.Exit(1)
	}
	// The page only from a whole run: a partial one would read as a result.
	if o.Markdown != "" {
		var b strings.Builder
		writeMarkdown(&b, env, o.Commit, reps)
		tmp := o.Markdown + ".tmp"
		if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err == nil {
			err = os.Rename(tmp, o.Markdown)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "healthd-load: writing", o.Markdown+":", err)
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "healthd-load: wrote", o.Markdown)
	}
}

// pools returns how many accounts of each kind the named workloads need: only
// those, since each member is a CLI call at genesis. The mixed workload
// needs at least its day's share of each kind (dayShare).
func pools(o options, names []string) poolSizes {
	n := poolSizes{Users: o.Users}
	uses := func(ws ...string) bool {
		return slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(names, w) })
	}
	mixed := uses("mixed")
	share := map[string]int{}
	if mixed {
		for _, s := range dayShare {
			share[s.Kind] = s.Count
		}
	}
	pick := func(count, need int, ws ...string) int {
		if !uses(ws...) && !mixed {
			return 0
		}
		return max(count, need)
	}
	n.Authors = pick(o.Authors, share["anchor"], "anchor")
	n.Manufacturers = pick(o.Manufacturers, share["ship"], "commission", "ship", "receive", "dispense")
	n.Distributors = pick(o.Distributors, share["receive"], "ship", "receive")
	n.Pharmacies = pick(o.Pharmacies, share["dispense"], "dispense")
	n.Providers = pick(o.Providers, share["claim"], "claim")
	if uses("claim") || mixed {
		n.Payers = 1
	}
	n.Users = max(n.Users, share["consent"]+claimPatients)
	return n
}

// run creates the chain, runs every workload in turn and stops the node. It
// returns the reports of the workloads that ran, also on error.
func run(ctx context.Context, o options) ([]*report, runEnv, error) {
	logf := func(format string, args ...any) {
		if !o.Quiet {
			fmt.Fprintf(os.Stderr, "[healthd-load %s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}
	}
	env := runEnv{CPUs: runtime.NumCPU(), BlockTime: o.BlockTime.String(), ChainID: "healthd-load", Started: time.Now().UTC().Format(time.RFC3339)}
	ws, err := parseWorkloads(o.Workloads)
	if err != nil {
		return nil, env, err
	}
	bin, err := exec.LookPath(o.Bin)
	if err != nil {
		return nil, env, fmt.Errorf("healthd binary %q: %w (run make build, or pass -bin)", o.Bin, err)
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return nil, env, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	// Only the members the chosen workloads need: each add-member is a CLI call.
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.Name
	}
	fx := newFixture(pools(o, names), o.Txs)

	home := o.Home
	if home == "" {
		dir, err := os.MkdirTemp("", "healthd-load-")
		if err != nil {
			return nil, env, err
		}
		home = filepath.Join(dir, "node")
		if o.Keep {
			defer logf("kept the node home %s", home)
		} else {
			defer os.RemoveAll(dir)
		}
	}
	ch := &chain{cfg: chainConfig{Bin: bin, Home: home, ChainID: env.ChainID, PortOffset: o.PortOffset,
		BlockTime: o.BlockTime, Pprof: o.Pprof, LogLevel: o.LogLevel, Log: logf}}
	env.Version = binaryVersion(ctx, bin)
	if err := ch.portsFree(); err != nil {
		return nil, env, err
	}
	funded := make([]string, 0, len(fx.all()))
	for _, a := range fx.all() {
		funded = append(funded, a.Bech32)
	}
	if err := ch.setup(ctx, funded, fx.members()); err != nil {
		return nil, env, fmt.Errorf("setup: %w", err)
	}
	if err := ch.start(ctx, 5*time.Minute); err != nil {
		ch.stop(30 * time.Second)
		return nil, env, fmt.Errorf("start: %w", err)
	}
	defer ch.stop(30 * time.Second)

	// The app's own codecs and TxConfig, from a throwaway in-memory app as
	// the healthd command line builds them.
	tmp, err := os.MkdirTemp("", "healthd-load-app-")
	if err != nil {
		return nil, env, err
	}
	defer os.RemoveAll(tmp)
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), false, simtestutil.NewAppOptionsWithFlagHome(tmp))
	r := &runner{chain: ch, txCfg: a.TxConfig(), cdc: a.AppCodec(), logf: logf, fx: fx, chainID: env.ChainID,
		cfg: runConfig{Txs: o.Txs, Concurrency: o.Concurrency, Rate: o.Rate, Timeout: o.WorkloadTimeout,
			Seed: o.Seed, Poll: 50 * time.Millisecond, ProfileDir: o.CPUProfileDir, ProfileSecs: o.ProfileSecs}}
	if o.CPUProfileDir != "" {
		if err := os.MkdirAll(o.CPUProfileDir, 0o755); err != nil {
			return nil, env, err
		}
	}
	var reps []*report
	for _, w := range ws {
		rep, err := r.run(ctx, w)
		if err != nil {
			return reps, env, fmt.Errorf("workload %s: %w (node log: %s)", w.Name, err, filepath.Join(home, "node.log"))
		}
		logf("%s: %d committed, %.0f tx/s, p50 %.0f ms, p99 %.0f ms", w.Name, rep.Committed, rep.CommittedTPS, rep.LatencyMS.P50, rep.LatencyMS.P99)
		reps = append(reps, rep)
		if w.Check != nil {
			saw, err := w.Check(ctx, r)
			if err != nil {
				return reps, env, fmt.Errorf("workload %s: check: %w", w.Name, err)
			}
			rep.Checked = saw
			logf("%s: checked: %s", w.Name, saw)
		}
		if ctx.Err() != nil {
			return reps, env, ctx.Err()
		}
	}
	return reps, env, nil
}

// binaryVersion names the healthd binary's version and commit, as
// `healthd version --long` gives them (empty when built without make).
func binaryVersion(ctx context.Context, bin string) string {
	out, err := exec.CommandContext(ctx, bin, "version", "--long", "-o", "json").Output()
	var v struct {
		Version string `json:"version"`
		Commit  string `json:"commit"`
	}
	if err != nil || json.Unmarshal(out, &v) != nil || v.Version+v.Commit == "" {
		return "healthd (no version: built without make)"
	}
	return strings.TrimSpace("healthd " + v.Version + " " + v.Commit)
}
