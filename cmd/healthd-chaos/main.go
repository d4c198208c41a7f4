// Command healthd-chaos injects faults into a four-validator healthd network
// on 127.0.0.1 under steady load and checks, after each one, that the
// chain kept its promises: blocks resume, every node reaches the same app
// hash at the same height, a fixed set of queries answers the same on every
// node and as before the fault, and no transaction a block held is ever
// lost. Transactions that CheckTx accepted but a killed node's mempool
// dropped are counted apart (they expire at their timeout height and are
// sent again): that is CometBFT's contract, not a loss of committed data.
//
//	healthd-chaos -bin build/healthd                 # every perturbation (make chaos)
//	healthd-chaos -bin build/healthd -only kill-one -down 5s   # the smoke in make test
//
// It starts and signals only the processes it started, and stops them all
// when it ends.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

type options struct {
	Bin, Script, Home string
	PortOffset        int
	BlockTime         time.Duration
	Down              time.Duration // how long a killed or paused node stays down
	Only              []string
	Timeout           time.Duration
	Quiet             bool
}

// perturbations, in the order they run.
var allPerturbations = []string{"kill-one", "kill-two", "pause", "kill-all", "wal-lost", "db-torn", "state-sync"}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("healthd-chaos", flag.ContinueOnError)
	var o options
	var only string
	fs.StringVar(&o.Bin, "bin", "build/healthd", "the healthd binary")
	fs.StringVar(&o.Script, "script", "scripts/localnet-4.sh", "the four-validator setup script")
	fs.StringVar(&o.Home, "home", "", "directory for the network (default: a new temporary directory, removed at the end)")
	// 5600: the four nodes' ports (RPC and P2P 32256–32557, gRPC 14690–14720,
	// REST 6917–6920) stay below Linux's ephemeral range (32768 up), where an
	// outgoing connection of another process may hold a port first, and
	// clear of the e2e tests' offsets (1000–5500) and the load harness's (6000).
	fs.IntVar(&o.PortOffset, "port-offset", 5600, "added to every port of scripts/localnet-4.sh's layout")
	fs.DurationVar(&o.BlockTime, "block-time", time.Second, "timeout_commit")
	fs.DurationVar(&o.Down, "down", 60*time.Second, "how long a killed or paused node stays down")
	fs.StringVar(&only, "only", "", "comma-separated perturbations to run (default all: "+strings.Join(allPerturbations, ",")+")")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "stop everything after this long")
	fs.BoolVar(&o.Quiet, "quiet", false, "no progress lines")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.Only = allPerturbations
	if only != "" {
		o.Only = strings.Split(only, ",")
		for _, p := range o.Only {
			if !slices.Contains(allPerturbations, p) {
				return o, fmt.Errorf("unknown perturbation %q (have %s)", p, strings.Join(allPerturbations, ", "))
			}
		}
	}
	if o.Down < time.Second || o.BlockTime < 100*time.Millisecond {
		return o, errors.New("-down must be at least 1s and -block-time at least 100ms")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rows, err := run(ctx, o, os.Stderr)
	printTable(os.Stdout, rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthd-chaos:", err)
		os.Exit(1)
	}
	for _, r := range rows {
		if !r.ok() {
			os.Exit(1)
		}
	}
}

// row is one perturbation's outcome.
type row struct {
	Name           string
	BlocksMissed   int64
	LongestGap     time.Duration
	Recovery       time.Duration
	Accepted       int
	Committed      int
	Expired        int // accepted, dropped with a mempool, expired and sent again
	Lost           int // accepted, neither in a block nor expired: must be zero
	Missing        int // in a block, later absent from a node: must be zero
	Height         int64
	AppHashesEqual bool
	QueriesEqual   bool
	Note           string
}

func (r row) ok() bool {
	return r.Lost == 0 && r.Missing == 0 && r.AppHashesEqual && r.QueriesEqual
}

func printTable(w io.Writer, rows []row) {
	fmt.Fprintf(w, "%-10s %7s %9s %9s %8s %9s %8s %5s %8s %7s %9s  %s\n",
		"fault", "missed", "long gap", "recovery", "accepted", "committed", "expired", "lost", "missing", "height", "same hash", "note")
	for _, r := range rows {
		fmt.Fprintf(w, "%-10s %7d %8.1fs %8.1fs %8d %9d %8d %5d %8d %7d %9v  %s\n",
			r.Name, r.BlocksMissed, r.LongestGap.Seconds(), r.Recovery.Seconds(), r.Accepted, r.Committed, r.Expired,
			r.Lost, r.Missing, r.Height, r.AppHashesEqual && r.QueriesEqual, r.Note)
	}
}

// chaos is one run.
type chaos struct {
	// base is each node's first block: above 1 once it joined by state
	// sync, and it has neither the blocks nor the state before it.
	base [4]int64
	o    options
	net  *network
	load *loader
	logf func(format string, args ...any)
}

func run(ctx context.Context, o options, logw io.Writer) ([]row, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	logf := func(format string, args ...any) {
		if !o.Quiet {
			fmt.Fprintf(logw, "[chaos %s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}
	}
	home := o.Home
	if home == "" {
		tmp, err := os.MkdirTemp("", "healthd-chaos-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		home = filepath.Join(tmp, "net")
	}
	bin, err := filepath.Abs(o.Bin)
	if err != nil {
		return nil, err
	}
	n := &network{bin: bin, script: o.Script, dir: home, chainID: "healthd-chaos", off: o.PortOffset,
		blockTime: o.BlockTime, hc: &http.Client{Timeout: 10 * time.Second}, logf: logf}
	logf("setting up four validators in %s (ports +%d)", home, o.PortOffset)
	if err := n.setup(ctx); err != nil {
		return nil, err
	}
	defer n.stopAll(30 * time.Second)
	for i := range n.nodes {
		if err := n.start(i); err != nil {
			return nil, err
		}
	}
	if err := n.waitHeight(ctx, 0, 2, 90*time.Second); err != nil {
		return nil, err
	}
	for i, nd := range n.nodes {
		if !nd.running() {
			lp := filepath.Join(n.dir, fmt.Sprintf("node%d.log", i))
			return nil, fmt.Errorf("node%d exited at start; the end of %s:\n%s", i, lp, tail(lp, 25))
		}
	}
	l, err := newLoader(ctx, n, []string{"patient1", "patient2", "hospital", "lab", "pharmacy", "payer"})
	if err != nil {
		return nil, err
	}
	c := &chaos{o: o, net: n, load: l, logf: logf}
	lctx, lstop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.run(lctx, 250*time.Millisecond)
	}()
	defer func() { lstop(); <-done }()

	// Steady state first: some committed load before any fault.
	l.setPhase("warm-up")
	if err := sleep(ctx, 5*o.BlockTime); err != nil {
		return nil, err
	}
	var rows []row
	for _, p := range o.Only {
		r, err := c.perturb(ctx, p)
		rows = append(rows, r)
		if err != nil {
			return rows, fmt.Errorf("%s: %w", p, err)
		}
	}
	lstop()
	<-done
	l.settle(ctx, time.Duration(timeoutBlocks+4)*o.BlockTime*3)
	return rows, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// perturb runs one perturbation and checks the invariants after it.
func (c *chaos) perturb(ctx context.Context, name string) (row, error) {
	r := row{Name: name}
	n := c.net
	c.load.setPhase(name)
	before := n.maxHeight(ctx)
	// A reference height before the fault: its answers must not change.
	ref := before - 1
	refAnswers, err := c.queries(ctx, 0, ref)
	if err != nil {
		return r, fmt.Errorf("reading the reference answers at height %d: %w", ref, err)
	}
	c.logf("%s: from height %d", name, before)
	var restartedAt time.Time
	switch name {
	case "kill-one":
		if err := n.kill(3); err != nil {
			return r, err
		}
		if err := sleep(ctx, c.o.Down); err != nil {
			return r, err
		}
		restartedAt = time.Now()
		if err := n.start(3); err != nil {
			return r, err
		}
	case "kill-two":
		if err := n.kill(2); err != nil {
			return r, err
		}
		if err := n.kill(3); err != nil {
			return r, err
		}
		halted := n.maxHeight(ctx)
		if err := sleep(ctx, max(c.o.Down/2, 5*c.o.BlockTime)); err != nil {
			return r, err
		}
		if h := n.maxHeight(ctx); h > halted+1 {
			r.Note = fmt.Sprintf("blocks went on with two of four validators down (%d → %d)", halted, h)
			return r, errors.New(r.Note)
		}
		restartedAt = time.Now()
		if err := n.start(2); err != nil {
			return r, err
		}
		if err := n.waitHeight(ctx, 0, halted+2, 2*time.Minute); err != nil {
			return r, fmt.Errorf("the chain did not resume with three validators: %w", err)
		}
		r.Note = fmt.Sprintf("halted at %d with two down, resumed with three", halted)
		if err := n.start(3); err != nil {
			return r, err
		}
	case "pause":
		if err := n.pause(1); err != nil {
			return r, err
		}
		if err := sleep(ctx, max(c.o.Down/4, 15*time.Second)); err != nil {
			return r, err
		}
		restartedAt = time.Now()
		if err := n.resume(1); err != nil {
			return r, err
		}
	case "kill-all":
		for i := range n.nodes {
			if err := n.kill(i); err != nil {
				return r, err
			}
		}
		if err := sleep(ctx, 2*time.Second); err != nil {
			return r, err
		}
		restartedAt = time.Now()
		for i := range n.nodes {
			if err := n.start(i); err != nil {
				return r, err
			}
		}
	case "wal-lost":
		if err := n.kill(3); err != nil {
			return r, err
		}
		wal := filepath.Join(n.home(3), "data", "cs.wal")
		if err := os.RemoveAll(wal); err != nil {
			return r, err
		}
		restartedAt = time.Now()
		if err := n.start(3); err != nil {
			return r, err
		}
		r.Note = "consensus WAL deleted"
	case "db-torn":
		if err := n.kill(3); err != nil {
			return r, err
		}
		torn, err := tearJournal(filepath.Join(n.home(3), "data", "application.db"))
		if err != nil {
			return r, err
		}
		restartedAt = time.Now()
		if err := n.start(3); err != nil {
			return r, err
		}
		r.Note = "application journal " + torn
	case "state-sync":
		// Wait for a snapshot the others can serve, then wipe node3 and
		// let it join from it.
		if err := n.waitHeight(ctx, 0, 2*snapshotInterval+2, 5*time.Minute); err != nil {
			return r, err
		}
		trust := n.maxHeight(ctx) - 3
		hash, err := n.blockHash(ctx, 0, trust)
		if err != nil {
			return r, err
		}
		if err := n.kill(3); err != nil {
			return r, err
		}
		if err := n.wipeForStateSync(3, trust, hash); err != nil {
			return r, err
		}
		restartedAt = time.Now()
		if err := n.start(3); err != nil {
			return r, err
		}
	}
	// Recovery: every node at the height the others reached after the fault.
	// (Right after a restart of all four no node answers yet: at least
	// two blocks past the height before the fault.)
	target := max(n.maxHeight(ctx), before) + 2
	for i := range n.nodes {
		if err := n.waitHeight(ctx, i, target, 3*time.Minute); err != nil {
			if !n.nodes[i].running() {
				lp := filepath.Join(n.dir, fmt.Sprintf("node%d.log", i))
				return r, fmt.Errorf("node%d exited; the end of %s:\n%s", i, lp, tail(lp, 25))
			}
			return r, err
		}
	}
	r.Recovery = time.Since(restartedAt)
	r.Height = target
	if name == "state-sync" {
		base, err := n.earliest(ctx, 3)
		if err != nil {
			return r, err
		}
		if base <= 1 {
			return r, fmt.Errorf("node3 holds blocks from %d: it replayed the chain instead of restoring a snapshot", base)
		}
		r.Note = fmt.Sprintf("node3 wiped, restored from a snapshot; its first block is %d", base)
		c.base[3] = base
	}
	if name == "db-torn" {
		if warned(filepath.Join(n.dir, "node3.log")) {
			r.Note += "; the node warned that it replays lost heights"
		} else {
			r.Note += "; no heights were lost"
		}
	}
	// Blocks missed and the longest gap, from node0's block times.
	if err := c.gaps(ctx, &r, before, target); err != nil {
		return r, err
	}
	// Same app hash at the same height everywhere.
	r.AppHashesEqual = true
	var first string
	for i := range n.nodes {
		b, err := n.block(ctx, i, target)
		if err != nil {
			return r, err
		}
		if i == 0 {
			first = b.AppHash
		} else if b.AppHash != first {
			r.AppHashesEqual = false
			r.Note += fmt.Sprintf("; node%d app hash %s != node0's %s at %d", i, b.AppHash, first, target)
		}
	}
	// The reference answers, on every node, as before the fault; and the
	// answers at the new height equal on every node.
	r.QueriesEqual = true
	now0, err := c.queries(ctx, 0, target)
	if err != nil {
		return r, err
	}
	for i := range n.nodes {
		if ref >= c.base[i] {
			got, err := c.queries(ctx, i, ref)
			if err != nil {
				return r, err
			}
			if d := diff(refAnswers, got); d != "" {
				r.QueriesEqual = false
				r.Note += fmt.Sprintf("; node%d answers at %d changed: %s", i, ref, d)
			}
		}
		got, err := c.queries(ctx, i, target)
		if err != nil {
			return r, err
		}
		if d := diff(now0, got); d != "" {
			r.QueriesEqual = false
			r.Note += fmt.Sprintf("; node%d differs from node0 at %d: %s", i, target, d)
		}
	}
	// The transactions accepted during this perturbation: let them settle
	// (committed, or expired past their timeout height).
	if err := sleep(ctx, time.Duration(timeoutBlocks+2)*c.o.BlockTime); err != nil {
		return r, err
	}
	c.count(ctx, &r, name)
	c.logf("%s: recovered in %.1fs; %d accepted, %d committed, %d expired, %d lost, %d missing; same state %v",
		name, r.Recovery.Seconds(), r.Accepted, r.Committed, r.Expired, r.Lost, r.Missing, r.AppHashesEqual && r.QueriesEqual)
	return r, nil
}

// tail is the last n lines of a file.
func tail(path string, n int) string {
	bz, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(bz), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// tearJournal cuts the newest leveldb journal (*.log) of an application
// database in half, as a crash in the middle of a write would.
func tearJournal(dir string) (string, error) {
	logs, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil || len(logs) == 0 {
		return "", fmt.Errorf("no leveldb journal in %s", dir)
	}
	slices.Sort(logs)
	newest := logs[len(logs)-1]
	st, err := os.Stat(newest)
	if err != nil {
		return "", err
	}
	if err := os.Truncate(newest, st.Size()/2); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s cut from %d to %d bytes", filepath.Base(newest), st.Size(), st.Size()/2), nil
}

// warned says whether a node's log has the warning of an application
// database behind its block store (cmd/healthd's warnIfAppBehind).
func warned(logPath string) bool {
	bz, err := os.ReadFile(logPath)
	return err == nil && strings.Contains(string(bz), "heights behind the block store")
}

// gaps fills the blocks missed and the longest gap between from and to.
func (c *chaos) gaps(ctx context.Context, r *row, from, to int64) error {
	prev, err := c.net.block(ctx, 0, from)
	if err != nil {
		return err
	}
	for h := from + 1; h <= to; h++ {
		b, err := c.net.block(ctx, 0, h)
		if err != nil {
			return err
		}
		gap := b.Time.Sub(prev.Time)
		r.LongestGap = max(r.LongestGap, gap)
		if gap > 2*c.o.BlockTime {
			r.BlocksMissed += int64(gap/c.o.BlockTime) - 1
		}
		prev = b
	}
	return nil
}

// count classifies the transactions accepted during a perturbation, once
// each is committed or past its timeout height (the loader keeps following
// them), and checks that each committed one is in every node's block store.
func (c *chaos) count(ctx context.Context, r *row, phase string) {
	l := c.load
	snapshot := func() (mine []tracked) {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, t := range l.txs {
			if t.phase == phase {
				mine = append(mine, *t)
			}
		}
		return mine
	}
	deadline := time.Now().Add(time.Duration(timeoutBlocks+6) * c.o.BlockTime * 2)
	mine := snapshot()
	for time.Now().Before(deadline) {
		open := 0
		for _, t := range mine {
			if t.height == 0 && !t.expired {
				open++
			}
		}
		if open == 0 {
			break
		}
		if sleep(ctx, c.o.BlockTime) != nil {
			break
		}
		mine = snapshot()
	}
	for _, t := range mine {
		r.Accepted++
		switch {
		case t.height > 0:
			r.Committed++
			for i := range c.net.nodes {
				if t.height < c.base[i] {
					continue // before the node's snapshot
				}
				if got, ok := l.committedAt(ctx, i, t.hash); !ok || got != t.height {
					r.Missing++
				}
			}
		case t.expired:
			r.Expired++
		default:
			r.Lost++
		}
	}
}

// queries are the fixed questions asked of every node at a height: the
// senders' balances and the consortium's members.
func (c *chaos) queries(ctx context.Context, i int, height int64) (map[string]string, error) {
	out := map[string]string{}
	paths := []string{"/healthd/consortium/v1/members"}
	for _, s := range c.load.senders {
		paths = append(paths, "/cosmos/bank/v1beta1/balances/"+s.addr)
	}
	for _, p := range paths {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.net.api(i)+p, nil)
		if err != nil {
			cancel()
			return nil, err
		}
		req.Header.Set("x-cosmos-block-height", fmt.Sprint(height))
		resp, err := c.net.hc.Do(req)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("node%d %s: %w", i, p, err)
		}
		bz, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		cancel()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("node%d %s at %d: %s %.200s", i, p, height, resp.Status, bz)
		}
		out[p] = string(bz)
	}
	return out, nil
}

// diff names the first query whose answers differ.
func diff(a, b map[string]string) string {
	for k, v := range a {
		if b[k] != v {
			return k
		}
	}
	return ""
}
