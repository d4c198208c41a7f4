package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cometbft/cometbft/p2p"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/healthchain/healthd/app"
	"github.com/healthchain/healthd/internal/gs1"
)

// Base ports of a healthd node; the chain adds its port offset to each, as
// scripts/localnet.sh does with PORT_OFFSET.
const (
	baseRPCPort   = 26657
	baseP2PPort   = 26656
	baseGRPCPort  = 9090
	basePprofPort = 6060
)

// chainConfig says how to create and run the chain under load.
type chainConfig struct {
	Bin        string        // the healthd binary
	Home       string        // node home (created; must not exist yet)
	ChainID    string        // chain id
	PortOffset int           // added to every port
	BlockTime  time.Duration // timeout_commit
	Pprof      bool          // serve the node's pprof on 127.0.0.1
	LogLevel   string        // the node's log level
	Log        func(format string, args ...any)
}

// chain is one single-validator healthd node on 127.0.0.1, started and
// stopped by the harness.
type chain struct {
	cfg    chainConfig
	cmd    *exec.Cmd
	exited chan struct{}
	client *rpchttp.HTTP
	http   *http.Client
}

func (c *chain) rpcPort() int   { return baseRPCPort + c.cfg.PortOffset }
func (c *chain) p2pPort() int   { return baseP2PPort + c.cfg.PortOffset }
func (c *chain) grpcPort() int  { return baseGRPCPort + c.cfg.PortOffset }
func (c *chain) pprofPort() int { return basePprofPort + c.cfg.PortOffset }

// RPCURL is the node's CometBFT RPC endpoint.
func (c *chain) RPCURL() string { return fmt.Sprintf("http://127.0.0.1:%d", c.rpcPort()) }

// PprofURL is the node's pprof endpoint ("" unless enabled).
func (c *chain) PprofURL() string {
	if !c.cfg.Pprof {
		return ""
	}
	return fmt.Sprintf("http://127.0.0.1:%d/debug/pprof", c.pprofPort())
}

// healthd runs one healthd command with the chain's home and returns its stdout.
func (c *chain) healthd(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, c.cfg.Bin, append(args, "--home", c.cfg.Home)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("healthd %s: %w: %s%s", strings.Join(args, " "), err, errb.String(), out.String())
	}
	return out.String(), nil
}

// member is a consortium member the genesis admits with `healthd genesis add-member`.
type member struct {
	Addr     string
	Name     string
	Roles    string
	GLN      string
	Prefixes string // GS1 company prefixes (manufacturers)
	NodeID   string
}

// gln returns a valid, unique GS1 Global Location Number for member i.
func gln(i int) string {
	data := fmt.Sprintf("061414177%03d", i%1000)
	d, err := gs1.CheckDigit(data)
	if err != nil {
		panic(err) // unreachable: data is 12 digits
	}
	return data + string(d)
}

// setup creates the chain's home the way scripts/localnet.sh does, through the
// healthd binary's own commands: init, a test-keyring validator key, the
// funded accounts (bulk-add-genesis-account), the members (genesis add-member),
// a gentx and collect-gentxs. Then it puts the node on loopback with
// the block time asked for.
func (c *chain) setup(ctx context.Context, funded []string, members []member) error {
	if _, err := os.Stat(c.cfg.Home); err == nil {
		return fmt.Errorf("home %s already exists: the harness starts a fresh chain", c.cfg.Home)
	}
	step := func(what string) { c.cfg.Log("setup: %s", what) }
	step("healthd init")
	if _, err := c.healthd(ctx, "init", "load", "--chain-id", c.cfg.ChainID, "--default-denom", app.BondDenom); err != nil {
		return err
	}
	kr := []string{"--keyring-backend", "test"}
	step("validator key (test keyring)")
	out, err := c.healthd(ctx, append([]string{"keys", "add", "validator", "--output", "json"}, kr...)...)
	if err != nil {
		return err
	}
	var key struct {
		Address string `json:"address"`
	}
	if err := json.Unmarshal([]byte(lastJSONLine(out)), &key); err != nil || key.Address == "" {
		return fmt.Errorf("keys add validator: no address in %q: %v", out, err)
	}

	step(fmt.Sprintf("%d funded accounts (genesis bulk-add-genesis-account)", len(funded)+1))
	type genAccount struct {
		Address string `json:"address"`
		Coins   []struct {
			Denom  string `json:"denom"`
			Amount string `json:"amount"`
		} `json:"coins"`
	}
	accounts := make([]genAccount, 0, len(funded)+1)
	for _, a := range append([]string{key.Address}, funded...) {
		ga := genAccount{Address: a}
		ga.Coins = append(ga.Coins, struct {
			Denom  string `json:"denom"`
			Amount string `json:"amount"`
		}{app.BondDenom, "1000000000000"})
		accounts = append(accounts, ga)
	}
	bz, err := json.Marshal(accounts)
	if err != nil {
		return err
	}
	accountsFile := filepath.Join(c.cfg.Home, "load-accounts.json")
	if err := os.WriteFile(accountsFile, bz, 0o600); err != nil {
		return err
	}
	if _, err := c.healthd(ctx, "genesis", "bulk-add-genesis-account", accountsFile); err != nil {
		return err
	}

	nodeKey, err := p2p.LoadNodeKey(filepath.Join(c.cfg.Home, "config", "node_key.json"))
	if err != nil {
		return err
	}
	// The validator runs as a hospital member's node: only active members
	// may run a validator, and filter_peers accepts only registered nodes.
	members = append([]member{{Addr: key.Address, Name: "Load Validator Hospital", Roles: "hospital", NodeID: string(nodeKey.ID())}}, members...)
	for i, m := range members {
		step(fmt.Sprintf("genesis add-member %d/%d (%s)", i+1, len(members), m.Roles))
		args := []string{"genesis", "add-member", m.Addr, m.Name, "--roles", m.Roles, "--gln", gln(i)}
		if m.Prefixes != "" {
			args = append(args, "--gs1-prefixes", m.Prefixes)
		}
		if m.NodeID != "" {
			args = append(args, "--node-id", m.NodeID)
		}
		if _, err := c.healthd(ctx, args...); err != nil {
			return err
		}
	}
	step("gentx and collect-gentxs")
	if _, err := c.healthd(ctx, append([]string{"genesis", "gentx", "validator", "100000000" + app.BondDenom, "--chain-id", c.cfg.ChainID}, kr...)...); err != nil {
		return err
	}
	if _, err := c.healthd(ctx, "genesis", "collect-gentxs"); err != nil {
		return err
	}
	return c.writeConfig()
}

// writeConfig sets the block time and the pprof address in config.toml (the
// other addresses are start flags, so that every port is on loopback).
func (c *chain) writeConfig() error {
	path := filepath.Join(c.cfg.Home, "config", "config.toml")
	bz, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	pprof := ""
	if c.cfg.Pprof {
		pprof = fmt.Sprintf("127.0.0.1:%d", c.pprofPort())
	}
	for _, r := range []struct{ key, value string }{
		{"timeout_commit", c.cfg.BlockTime.String()},
		{"pprof_laddr", pprof},
	} {
		re := regexp.MustCompile(`(?m)^` + r.key + ` = .*$`)
		if !re.Match(bz) {
			return fmt.Errorf("%s: no %s", path, r.key)
		}
		bz = re.ReplaceAll(bz, []byte(r.key+` = "`+r.value+`"`))
	}
	return os.WriteFile(path, bz, 0o600)
}

// lastJSONLine returns the last line of out that looks like a JSON object
// (keys add prints its mnemonic warning around the JSON on some versions).
func lastJSONLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "{") {
			return lines[i]
		}
	}
	return out
}

// portsFree fails if something already listens on one of the chain's ports.
func (c *chain) portsFree() error {
	ports := []int{c.rpcPort(), c.p2pPort(), c.grpcPort()}
	if c.cfg.Pprof {
		ports = append(ports, c.pprofPort())
	}
	for _, p := range ports {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return fmt.Errorf("port %d is in use (another node? choose another -port-offset): %w", p, err)
		}
		_ = l.Close()
	}
	return nil
}

// start runs `healthd start` on loopback, records its PID, and waits for the
// first block.
func (c *chain) start(ctx context.Context, wait time.Duration) error {
	if err := c.portsFree(); err != nil {
		return err
	}
	logPath := filepath.Join(c.cfg.Home, "node.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	args := []string{"start", "--home", c.cfg.Home,
		"--rpc.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", c.rpcPort()),
		"--p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", c.p2pPort()),
		"--grpc.address", fmt.Sprintf("127.0.0.1:%d", c.grpcPort()),
		"--api.enable=false",
		"--minimum-gas-prices", "0" + app.BondDenom,
		"--log_level", c.cfg.LogLevel,
	}
	if c.cfg.Pprof {
		args = append(args, "--rpc.pprof_laddr", fmt.Sprintf("127.0.0.1:%d", c.pprofPort()))
	}
	// Not CommandContext: the node is stopped by stop(), with SIGTERM, not killed.
	c.cmd = exec.Command(c.cfg.Bin, args...)
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	// If the harness dies, the kernel stops the node with it.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := c.cmd.Start(); err != nil {
		_ = logFile.Close()
		return err
	}
	c.exited = make(chan struct{})
	go func() {
		_ = c.cmd.Wait()
		_ = logFile.Close()
		close(c.exited)
	}()
	if err := os.WriteFile(filepath.Join(c.cfg.Home, "node.pid"), []byte(strconv.Itoa(c.cmd.Process.Pid)+"\n"), 0o600); err != nil {
		return err
	}
	c.cfg.Log("node started (pid %d, RPC %s, log %s)", c.cmd.Process.Pid, c.RPCURL(), logPath)

	c.http = &http.Client{Transport: &http.Transport{
		MaxIdleConns: 512, MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0, IdleConnTimeout: 90 * time.Second,
	}}
	if c.client, err = rpchttp.NewWithClient(c.RPCURL(), "/websocket", c.http); err != nil {
		return err
	}
	deadline := time.Now().Add(wait)
	for {
		st, err := c.client.Status(ctx)
		if err == nil && st.SyncInfo.LatestBlockHeight >= 1 {
			return nil
		}
		select {
		case <-c.exited:
			return fmt.Errorf("the node exited before its first block; see %s", logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no first block after %s; see %s", wait, logPath)
		}
	}
}

// stop sends SIGTERM to exactly the node this chain started and waits for it;
// SIGKILL to the same process if it has not exited after grace.
func (c *chain) stop(grace time.Duration) {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	select {
	case <-c.exited:
		return
	default:
	}
	c.cfg.Log("stopping node (pid %d)", c.cmd.Process.Pid)
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
	_ = os.Remove(filepath.Join(c.cfg.Home, "node.pid"))
}

// running reports whether the node is still up.
func (c *chain) running() bool {
	if c.exited == nil {
		return false
	}
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// rssBytes is the node's resident set size, from /proc (0 if unknown).
func (c *chain) rssBytes() int64 {
	if !c.running() {
		return 0
	}
	bz, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(bz), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// dataBytes is the size of the node's data directory (the files' lengths).
func (c *chain) dataBytes() int64 {
	var total int64
	_ = filepath.WalkDir(filepath.Join(c.cfg.Home, "data"), func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil //nolint:nilerr // a file that went away while walking (compaction) is skipped
		}
		if info, err := d.Info(); err == nil {
			total += info.Size()
		}
		return nil
	})
	return total
}
