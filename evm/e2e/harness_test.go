// Package e2e settles healthd claims and shipments on Ethereum with real
// processes on 127.0.0.1: a healthd localnet (scripts/localnet.sh), geth --dev
// and healthd-evm-relay. It needs HEALTHD_BIN and a geth binary (GETH_BIN, or
// build/geth from scripts/localnet-eth.sh build); without them it is skipped.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/healthchain/healthd/evm/htlc"
	"github.com/healthchain/healthd/evm/internal/ethtx"
	"github.com/healthchain/healthd/evm/relay"
)

// Ports: the healthd localnet at PORT_OFFSET 4500 (RPC 31157, gRPC 13590, REST
// 5817, vault 12588, gateway 12589), geth's http at 8545+4500, the relay's status at 8590+4500.
const (
	portOffset = 4500
	chainID    = "healthd-evm-e2e"
	// margin and window are the settlement params set in genesis (seconds):
	// short, so that a denied claim's lock can be refunded within the test.
	margin = 10
	window = 5
)

var (
	repoRoot   string
	healthdBin string
	gethBin    string
	relayBin   string
	deployBin  string
)

func TestMain(m *testing.M) {
	wd, _ := os.Getwd()
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	healthdBin = os.Getenv("HEALTHD_BIN")
	gethBin = os.Getenv("GETH_BIN")
	if gethBin == "" {
		if p := filepath.Join(repoRoot, "build", "geth"); fileExists(p) {
			gethBin = p
		}
	}
	if healthdBin == "" || gethBin == "" {
		os.Exit(m.Run()) // the tests skip
	}
	dir, err := os.MkdirTemp("", "healthd-evm-e2e-bin")
	if err != nil {
		panic(err)
	}
	relayBin, deployBin = filepath.Join(dir, "healthd-evm-relay"), filepath.Join(dir, "healthd-evm-deploy")
	for bin, pkg := range map[string]string{relayBin: "./cmd/healthd-evm-relay", deployBin: "./cmd/healthd-evm-deploy"} {
		build := exec.Command("go", "build", "-o", bin, pkg)
		build.Dir, build.Stdout, build.Stderr = filepath.Join(repoRoot, "evm"), os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			panic(fmt.Sprintf("build %s: %v", pkg, err))
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func need(t *testing.T) {
	t.Helper()
	if healthdBin == "" || gethBin == "" {
		t.Skip("set HEALTHD_BIN and GETH_BIN (or build build/geth with scripts/localnet-eth.sh build); make test-evm-e2e does both")
	}
}

// env is one run: the healthd localnet, geth, the deployment and the relay.
type env struct {
	t        *testing.T // the running (sub)test
	root     *testing.T // the whole run: processes are stopped when it ends
	ctx      context.Context
	dir      string
	home     string // healthd node home
	rpc      string // healthd CometBFT RPC
	ethURL   string
	eth      *ethtx.Client
	dep      deployment
	password string
	relay    *exec.Cmd
	relayLog string
	status   string
	runs     int
}

type deployment struct {
	HTLC     common.Address `json:"htlc"`
	Token    common.Address `json:"token"`
	Accounts map[string]struct {
		Address  common.Address `json:"address"`
		Keystore string         `json:"keystore"`
	} `json:"accounts"`
}

func start(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, root: t, ctx: context.Background(), dir: t.TempDir()}
	e.home = filepath.Join(e.dir, "healthd", "node")
	e.rpc = fmt.Sprintf("http://127.0.0.1:%d", 26657+portOffset)
	e.ethURL = fmt.Sprintf("http://127.0.0.1:%d", 8545+portOffset)
	e.status = fmt.Sprintf("127.0.0.1:%d", 8590+portOffset)

	// healthd: set up, shorten the settlement params in genesis, run.
	t0 := time.Now()
	lenv := []string{"HEALTHD=" + healthdBin, "LOCALNET_HOME=" + filepath.Join(e.dir, "healthd"),
		"PORT_OFFSET=" + strconv.Itoa(portOffset), "CHAIN_ID=" + chainID, "BLOCK_TIME=500ms"}
	setup := exec.Command(filepath.Join(repoRoot, "scripts", "localnet.sh"), "setup")
	setup.Env = append(os.Environ(), lenv...)
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("localnet setup: %v\n%s", err, out)
	}
	e.setParams()
	e.startScript(lenv)
	t.Logf("healthd localnet up in %s", time.Since(t0).Round(time.Second))

	// geth --dev.
	e.password = filepath.Join(e.dir, "password")
	must(t, os.WriteFile(e.password, []byte("e2e-password\n"), 0o600))
	geth := exec.Command(gethBin, "--dev", "--dev.period", "1", "--datadir", filepath.Join(e.dir, "geth"), "--password", e.password, "--ipcdisable",
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(8545+portOffset), "--http.api", "eth,net,web3",
		"--authrpc.addr", "127.0.0.1", "--authrpc.port", strconv.Itoa(8551+portOffset), "--verbosity", "2")
	gl, err := os.Create(filepath.Join(e.dir, "geth.log"))
	must(t, err)
	geth.Stdout, geth.Stderr = gl, gl
	must(t, geth.Start())
	t.Cleanup(func() { stop(geth) })
	deadline := time.Now().Add(time.Minute)
	for {
		if e.eth, err = ethtx.Dial(e.ctx, e.ethURL); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("geth did not answer: %v (log %s)", err, gl.Name())
		}
		time.Sleep(300 * time.Millisecond)
	}

	// Contracts, keystores, tokens.
	out, err := exec.Command(deployBin, "--eth-rpc", e.ethURL, "--out", filepath.Join(e.dir, "eth"), "--password-file", e.password,
		"--accounts", "payer,pharmacy,hospital,distributor,relay").CombinedOutput()
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
	bz, err := os.ReadFile(filepath.Join(e.dir, "eth", "deployment.json"))
	must(t, err)
	must(t, json.Unmarshal(bz, &e.dep))
	e.relayLog = filepath.Join(e.dir, "relay.log")
	e.startRelay()
	return e
}

// setParams sets the settlement margin and reveal window of x/claims and
// x/drugtrace in the node's genesis.
func (e *env) setParams() {
	path := filepath.Join(e.home, "config", "genesis.json")
	bz, err := os.ReadFile(path)
	must(e.t, err)
	var g map[string]any
	must(e.t, json.Unmarshal(bz, &g))
	app := g["app_state"].(map[string]any)
	for _, mod := range []string{"claims", "drugtrace"} {
		p, ok := app[mod].(map[string]any)["params"].(map[string]any)
		if !ok {
			e.t.Fatalf("genesis has no %s params", mod)
		}
		if _, ok := p["evm_settlement_margin"]; !ok {
			e.t.Fatalf("%s params have no evm_settlement_margin: the healthd side is not in this binary", mod)
		}
		p["evm_settlement_margin"] = strconv.Itoa(margin)
		if _, ok := p["evm_min_reveal_window"]; ok {
			p["evm_min_reveal_window"] = strconv.Itoa(window)
		}
	}
	bz, err = json.MarshalIndent(g, "", "  ")
	must(e.t, err)
	must(e.t, os.WriteFile(path, bz, 0o600))
}

func (e *env) startScript(lenv []string) {
	cmd := exec.Command(filepath.Join(repoRoot, "scripts", "localnet.sh"), "run")
	cmd.Env = append(os.Environ(), lenv...)
	stdout, err := cmd.StdoutPipe()
	must(e.t, err)
	cmd.Stderr = os.Stderr
	must(e.t, cmd.Start())
	e.t.Cleanup(func() { stop(cmd) })
	ready, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "localnet is running") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-exited:
		e.t.Fatalf("localnet.sh exited before it was up; logs in %s", filepath.Dir(e.home))
	case <-time.After(8 * time.Minute):
		e.t.Fatalf("localnet.sh not up after 8 minutes; logs in %s", filepath.Dir(e.home))
	}
}

// stop sends SIGTERM (a script stops exactly what it started) and waits.
func stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func (e *env) startRelay() {
	e.runs++
	f, err := os.OpenFile(e.relayLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	must(e.t, err)
	fmt.Fprintf(f, "=== relay run %d\n", e.runs)
	cmd := exec.Command(relayBin, "run", "--home", filepath.Join(e.dir, "relay"), "--healthd-rpc", e.rpc, "--eth-rpc", e.ethURL,
		"--deployment", filepath.Join(e.dir, "eth", "deployment.json"), "--keystore", e.dep.Accounts["relay"].Keystore,
		"--password-file", e.password, "--status", e.status, "--poll", "500ms",
		// The relay runs for the receivers too: it confirms on healthd, with
		// their healthd keys, the locks that pay them once it has checked
		// them on Ethereum (healthd reveals only confirmed locks).
		"--confirm", e.dep.Accounts["hospital"].Address.Hex()+"=hospital",
		"--confirm", e.dep.Accounts["distributor"].Address.Hex()+"=distributor",
		"--healthd-bin", healthdBin, "--healthd-home", e.home, "--healthd-keyring-backend", "test", "--healthd-chain-id", chainID)
	cmd.Stdout, cmd.Stderr = f, f
	must(e.t, cmd.Start())
	f.Close()
	e.relay = cmd
	e.root.Cleanup(func() { stop(cmd) })
	e.waitFor("the relay's status", 30*time.Second, func() bool { _, err := e.relayStatus(); return err == nil })
}

// killRelay kills the relay with SIGKILL: no handler runs, nothing is flushed.
func (e *env) killRelay() {
	must(e.t, e.relay.Process.Signal(syscall.SIGKILL))
	_ = e.relay.Wait()
}

func (e *env) relayStatus() (relay.StatusReport, error) {
	var st relay.StatusReport
	resp, err := http.Get("http://" + e.status + "/status")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

func (e *env) mustStatus() relay.StatusReport {
	e.t.Helper()
	st, err := e.relayStatus()
	must(e.t, err)
	return st
}

func (e *env) waitFor(what string, d time.Duration, ok func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out after %s waiting for %s (relay log %s)", d, what, e.relayLog)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cli runs healthd with the node's home.
func (e *env) cli(args ...string) (string, error) {
	cmd := exec.Command(healthdBin, append(args, "--home", e.home)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("healthd %s: %w: %s%s", strings.Join(args, " "), err, errb.String(), out.String())
	}
	return out.String(), nil
}

func (e *env) mustCLI(args ...string) string {
	e.t.Helper()
	out, err := e.cli(args...)
	must(e.t, err)
	return out
}

func (e *env) addr(key string) string {
	return strings.TrimSpace(e.mustCLI("keys", "show", key, "-a"))
}

// txResult is a committed healthd transaction.
type txResult struct {
	Code   uint32 `json:"code"`
	TxHash string `json:"txhash"`
	RawLog string `json:"raw_log"`
	Height string `json:"height"`
}

// tx sends a healthd transaction and wants it committed and successful.
func (e *env) tx(args ...string) txResult {
	e.t.Helper()
	r := e.tryTx(args...)
	if r.Code != 0 {
		e.t.Fatalf("healthd %s: code %d: %s", strings.Join(args, " "), r.Code, r.RawLog)
	}
	return r
}

func (e *env) tryTx(args ...string) txResult {
	e.t.Helper()
	out, err := e.cli(append(args, "-y", "-o", "json", "--gas", "auto", "--gas-adjustment", "1.5")...)
	var r txResult
	if jerr := json.Unmarshal([]byte(out), &r); jerr != nil {
		if err != nil && strings.TrimSpace(out) == "" {
			// Refused at simulation (--gas auto): nothing was broadcast.
			return txResult{Code: 1, RawLog: err.Error()}
		}
		e.t.Fatalf("healthd %s: %v (%v)", strings.Join(args, " "), err, jerr)
	}
	if r.Code == 0 && (r.Height == "" || r.Height == "0") {
		out := e.mustCLI("q", "wait-tx", r.TxHash, "--timeout", "30s", "-o", "json")
		must(e.t, json.Unmarshal([]byte(out), &r))
	}
	return r
}

// blockTime is a healthd block's header time.
func (e *env) blockTime(height string) time.Time {
	e.t.Helper()
	resp, err := http.Get(e.rpc + "/block?height=" + height)
	must(e.t, err)
	defer resp.Body.Close()
	var b struct {
		Result struct {
			Block struct {
				Header struct {
					Time time.Time `json:"time"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	bz, _ := io.ReadAll(resp.Body)
	must(e.t, json.Unmarshal(bz, &b))
	return b.Result.Block.Header.Time
}

// party runs a healthd-evm-relay party command (lock, refund) as name.
func (e *env) party(name string, args ...string) map[string]any {
	e.t.Helper()
	full := append([]string{args[0], "--eth-rpc", e.ethURL, "--deployment", filepath.Join(e.dir, "eth", "deployment.json"),
		"--keystore", e.dep.Accounts[name].Keystore, "--password-file", e.password}, args[1:]...)
	out, err := exec.Command(relayBin, full...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			e.t.Fatalf("healthd-evm-relay %s: %v: %s", strings.Join(full, " "), err, ee.Stderr)
		}
		e.t.Fatal(err)
	}
	var m map[string]any
	must(e.t, json.Unmarshal(out, &m))
	return m
}

// ethLock is a lock a party made with healthd-evm-relay lock.
type ethLock struct {
	ID, Hashlock, PreimageFile, Flags string
	Timelock                          uint64
	GasUsed                           uint64
}

func (e *env) lock(from, receiver string, amount int64, ttl time.Duration) ethLock {
	e.t.Helper()
	m := e.party(from, "lock", "--receiver", e.dep.Accounts[receiver].Address.Hex(), "--amount", strconv.FormatInt(amount, 10),
		"--ttl", ttl.String(), "--preimage-dir", filepath.Join(e.dir, from+"-preimages"))
	return ethLock{ID: m["lock_id"].(string), Hashlock: m["hashlock"].(string), PreimageFile: m["preimage_file"].(string),
		Flags: m["healthd_flags"].(string), Timelock: uint64(m["timelock"].(float64)), GasUsed: uint64(m["lock_gas_used"].(float64))}
}

func (l ethLock) preimage(t *testing.T) string {
	bz, err := os.ReadFile(l.PreimageFile)
	must(t, err)
	return strings.TrimSpace(string(bz))
}

func (e *env) tokenBalance(name string) *big.Int {
	e.t.Helper()
	erc20 := htlc.NewTestToken()
	b, err := bind.Call(erc20.Instance(e.eth, e.dep.Token), &bind.CallOpts{Context: e.ctx}, erc20.PackBalanceOf(e.dep.Accounts[name].Address), erc20.UnpackBalanceOf)
	must(e.t, err)
	return b
}

func (e *env) lockState(id string) uint8 {
	e.t.Helper()
	h := htlc.NewHashedTimelockERC20()
	var lid [32]byte
	copy(lid[:], common.FromHex(id))
	l, err := bind.Call(h.Instance(e.eth, e.dep.HTLC), &bind.CallOpts{Context: e.ctx}, h.PackGetLock(lid), h.UnpackGetLock)
	must(e.t, err)
	return l.State
}

func (e *env) relayNonce() uint64 {
	e.t.Helper()
	n, err := e.eth.NonceAt(e.ctx, e.dep.Accounts["relay"].Address, nil)
	must(e.t, err)
	return n
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
