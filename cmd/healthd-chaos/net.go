package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Base ports of node i, as scripts/localnet-4.sh lays them out.
func rpcPort(i, off int) int  { return 26657 + 100*i + off }
func p2pPort(i, off int) int  { return 26656 + 100*i + off }
func grpcPort(i, off int) int { return 9090 + 10*i + off }
func apiPort(i, off int) int  { return 1317 + i + off }

// snapshotInterval is how often the nodes take state-sync snapshots.
const snapshotInterval = 20

// names are the founding members, in node order (scripts/localnet-4.sh).
var names = [4]string{"hospital", "lab", "pharmacy", "payer"}

// node is one validator process the harness started.
type node struct {
	i      int
	home   string
	cmd    *exec.Cmd
	exited chan struct{}
	paused bool
}

// network is the four validators of scripts/localnet-4.sh on 127.0.0.1,
// which the harness starts, kills, pauses and restarts one by one. It only
// ever signals processes it started itself.
type network struct {
	bin, script, dir, chainID string
	off                       int
	blockTime                 time.Duration
	mu                        sync.Mutex // guards nodes and their paused flags (the loader reads them)
	nodes                     [4]*node
	hc                        *http.Client
	logf                      func(format string, args ...any)
}

func (n *network) home(i int) string { return filepath.Join(n.dir, fmt.Sprintf("node%d", i)) }
func (n *network) rpc(i int) string  { return fmt.Sprintf("http://127.0.0.1:%d", rpcPort(i, n.off)) }
func (n *network) api(i int) string  { return fmt.Sprintf("http://127.0.0.1:%d", apiPort(i, n.off)) }

// setup creates the four homes and the genesis with the project's script.
func (n *network) setup(ctx context.Context) error {
	if _, err := os.Stat(n.dir); err == nil {
		return fmt.Errorf("%s exists: the harness builds a fresh network each run (remove it or pass another -home)", n.dir)
	}
	cmd := exec.CommandContext(ctx, "bash", n.script, "setup")
	cmd.Env = append(os.Environ(), "HEALTHD="+n.bin, "LOCALNET4_HOME="+n.dir, "CHAIN_ID="+n.chainID,
		"PORT_OFFSET="+strconv.Itoa(n.off), "BLOCK_TIME="+n.blockTime.String(), "SNAPSHOT_INTERVAL="+strconv.Itoa(snapshotInterval))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s setup: %w\n%s", n.script, err, out.String())
	}
	return nil
}

// start starts node i (which must not be running).
func (n *network) start(i int) error {
	if nd := n.nodes[i]; nd != nil && nd.running() {
		return fmt.Errorf("node%d is already running", i)
	}
	lf, err := os.OpenFile(filepath.Join(n.dir, fmt.Sprintf("node%d.log", i)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.bin, "start", "--home", n.home(i),
		"--rpc.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort(i, n.off)),
		"--p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", p2pPort(i, n.off)),
		"--grpc.address", fmt.Sprintf("127.0.0.1:%d", grpcPort(i, n.off)),
		"--api.enable", "--api.address", fmt.Sprintf("tcp://127.0.0.1:%d", apiPort(i, n.off)),
		"--minimum-gas-prices", "0uhealth")
	cmd.Stdout, cmd.Stderr = lf, lf
	// Its own process group, so a Ctrl-C of the harness does not reach it
	// before the harness stops it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		lf.Close()
		return err
	}
	nd := &node{i: i, home: n.home(i), cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		lf.Close()
		close(nd.exited)
	}()
	n.mu.Lock()
	n.nodes[i] = nd
	n.mu.Unlock()
	n.logf("node%d (%s) started, pid %d", i, names[i], cmd.Process.Pid)
	return nil
}

func (nd *node) running() bool {
	select {
	case <-nd.exited:
		return false
	default:
		return true
	}
}

// signal sends sig to node i's process if it is one the harness started
// and still runs.
func (n *network) signal(i int, sig syscall.Signal) error {
	nd := n.nodes[i]
	if nd == nil || !nd.running() {
		return fmt.Errorf("node%d is not running", i)
	}
	return nd.cmd.Process.Signal(sig)
}

// kill SIGKILLs node i and waits for it to be gone.
func (n *network) kill(i int) error {
	if err := n.signal(i, syscall.SIGKILL); err != nil {
		return err
	}
	<-n.nodes[i].exited
	n.setPaused(i, false)
	n.logf("node%d killed (SIGKILL)", i)
	return nil
}

func (n *network) pause(i int) error {
	if err := n.signal(i, syscall.SIGSTOP); err != nil {
		return err
	}
	n.setPaused(i, true)
	n.logf("node%d paused (SIGSTOP)", i)
	return nil
}

func (n *network) resume(i int) error {
	if err := n.signal(i, syscall.SIGCONT); err != nil {
		return err
	}
	n.setPaused(i, false)
	n.logf("node%d resumed (SIGCONT)", i)
	return nil
}

// stopAll stops every node the harness started: SIGCONT if paused, SIGTERM,
// then SIGKILL after grace.
func (n *network) stopAll(grace time.Duration) {
	for _, nd := range n.nodes {
		if nd == nil || !nd.running() {
			continue
		}
		_ = nd.cmd.Process.Signal(syscall.SIGCONT)
		_ = nd.cmd.Process.Signal(syscall.SIGTERM)
	}
	deadline := time.After(grace)
	for _, nd := range n.nodes {
		if nd == nil {
			continue
		}
		select {
		case <-nd.exited:
		case <-deadline:
			_ = nd.cmd.Process.Signal(syscall.SIGKILL)
			<-nd.exited
		}
	}
}

func (n *network) setPaused(i int, p bool) {
	n.mu.Lock()
	n.nodes[i].paused = p
	n.mu.Unlock()
}

// up says whether node i runs and is not paused.
func (n *network) up(i int) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	nd := n.nodes[i]
	return nd != nil && nd.running() && !nd.paused
}

// getJSON GETs url into out.
func (n *network) getJSON(ctx context.Context, url string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := n.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	bz, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %.300s", url, resp.Status, bz)
	}
	return json.Unmarshal(bz, out)
}

// height is node i's latest block height.
func (n *network) height(ctx context.Context, i int) (int64, error) {
	var st struct {
		Result struct {
			SyncInfo struct {
				Height     string `json:"latest_block_height"`
				CatchingUp bool   `json:"catching_up"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := n.getJSON(ctx, n.rpc(i)+"/status", &st); err != nil {
		return 0, err
	}
	return strconv.ParseInt(st.Result.SyncInfo.Height, 10, 64)
}

// maxHeight is the highest height any live node reports.
func (n *network) maxHeight(ctx context.Context) int64 {
	var best int64
	for i := range n.nodes {
		if !n.up(i) {
			continue
		}
		if h, err := n.height(ctx, i); err == nil && h > best {
			best = h
		}
	}
	return best
}

// waitHeight waits until node i reaches h.
func (n *network) waitHeight(ctx context.Context, i int, h int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		got, err := n.height(ctx, i)
		if err == nil && got >= h {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("node%d did not reach height %d in %s: %w", i, h, timeout, err)
			}
			return fmt.Errorf("node%d did not reach height %d in %s (at %d)", i, h, timeout, got)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// blockInfo is a committed block's time, app hash and transactions.
type blockInfo struct {
	Height  int64
	Time    time.Time
	AppHash string
}

func (n *network) block(ctx context.Context, i int, h int64) (blockInfo, error) {
	var b struct {
		Result struct {
			Block struct {
				Header struct {
					Height  string    `json:"height"`
					Time    time.Time `json:"time"`
					AppHash string    `json:"app_hash"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	if err := n.getJSON(ctx, fmt.Sprintf("%s/block?height=%d", n.rpc(i), h), &b); err != nil {
		return blockInfo{}, err
	}
	hdr := b.Result.Block.Header
	if hdr.Height == "" {
		return blockInfo{}, errors.New("no such block")
	}
	return blockInfo{Height: h, Time: hdr.Time, AppHash: strings.ToUpper(hdr.AppHash)}, nil
}

// blockHash is the hash of the block at h, as node i has it.
func (n *network) blockHash(ctx context.Context, i int, h int64) (string, error) {
	var b struct {
		Result struct {
			BlockID struct {
				Hash string `json:"hash"`
			} `json:"block_id"`
		} `json:"result"`
	}
	if err := n.getJSON(ctx, fmt.Sprintf("%s/block?height=%d", n.rpc(i), h), &b); err != nil {
		return "", err
	}
	if b.Result.BlockID.Hash == "" {
		return "", fmt.Errorf("node%d has no block %d", i, h)
	}
	return b.Result.BlockID.Hash, nil
}

// earliest is the lowest block node i holds (above 1 after a state sync).
func (n *network) earliest(ctx context.Context, i int) (int64, error) {
	var st struct {
		Result struct {
			SyncInfo struct {
				Earliest string `json:"earliest_block_height"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := n.getJSON(ctx, n.rpc(i)+"/status", &st); err != nil {
		return 0, err
	}
	return strconv.ParseInt(st.Result.SyncInfo.Earliest, 10, 64)
}

// wipeForStateSync deletes a stopped node's data except its validator's
// last-signed state (which keeps it from signing twice at a height), and
// turns state sync on in its config, trusting the block at trustHeight.
func (n *network) wipeForStateSync(i int, trustHeight int64, trustHash string) error {
	data := filepath.Join(n.home(i), "data")
	pvState := filepath.Join(data, "priv_validator_state.json")
	keep, err := os.ReadFile(pvState)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(pvState, keep, 0o600); err != nil {
		return err
	}
	cfgPath := filepath.Join(n.home(i), "config", "config.toml")
	bz, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	var servers []string
	for j := range n.nodes {
		if j != i {
			servers = append(servers, fmt.Sprintf("127.0.0.1:%d", rpcPort(j, n.off)))
		}
	}
	set := map[string]string{
		"enable":       "true",
		"rpc_servers":  fmt.Sprintf("%q", strings.Join(servers, ",")),
		"trust_height": strconv.FormatInt(trustHeight, 10),
		"trust_hash":   fmt.Sprintf("%q", trustHash),
	}
	lines := strings.Split(string(bz), "\n")
	section, done := "", 0
	for k, line := range lines {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			section = strings.Trim(t, "[]")
			continue
		}
		if section != "statesync" {
			continue
		}
		key, _, ok := strings.Cut(t, " = ")
		if v, want := set[key]; ok && want {
			lines[k] = key + " = " + v
			done++
		}
	}
	if done != len(set) {
		return fmt.Errorf("%s: found %d of the %d [statesync] keys", cfgPath, done, len(set))
	}
	return os.WriteFile(cfgPath, []byte(strings.Join(lines, "\n")), 0o600)
}
