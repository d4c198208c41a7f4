package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Ports of TestPeerFilter: the localnet at PORT_OFFSET 5000 (TestLocalnetIBC's
// two chains take 3000 and 4000) and a second node 500 above it.
const (
	peerFilterOffset = 5000
	joinerOffset     = 5500
	peerFilterChain  = "healthd-peers"
)

// TestPeerFilter: only nodes registered to active members hold the ledger.
// A second, non-validator node made by `healthd init` (filter_peers = true,
// loopback RPC/REST/gRPC) with the localnet's genesis and the localnet's node
// as persistent peer gets nothing while unregistered; once a member (the demo
// distributor) registers its id it connects and syncs; when the authority
// suspends that member, the localnet disconnects it and its height stops.
func TestPeerFilter(t *testing.T) {
	dir := t.TempDir()
	startScript(t, "localnet.sh", "localnet is running", localnetUp, dir,
		"HEALTHD="+binary, "LOCALNET_HOME="+dir, fmt.Sprintf("PORT_OFFSET=%d", peerFilterOffset), "BLOCK_TIME=300ms", "CHAIN_ID="+peerFilterChain)
	n := &node{t: t, home: filepath.Join(dir, "node")}
	localRPC := fmt.Sprintf("http://127.0.0.1:%d", 26657+peerFilterOffset)
	joinerRPC := fmt.Sprintf("http://127.0.0.1:%d", 26657+joinerOffset)

	// The localnet's node is the hospital's, named in genesis.
	localID := strings.TrimSpace(n.mustCLI("comet", "show-node-id"))
	var q struct {
		Node struct {
			NodeID string `json:"node_id"`
			Member string `json:"member"`
		} `json:"node"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "consortium", "node", localID, "-o", "json")), &q))
	require.Equal(t, n.addr("hospital"), q.Node.Member)

	// The second node, with healthd init's defaults.
	jhome := filepath.Join(t.TempDir(), "joiner")
	out, err := exec.Command(binary, "init", "joiner", "--chain-id", peerFilterChain, "--home", jhome).CombinedOutput()
	require.NoError(t, err, string(out))
	cfgFile := filepath.Join(jhome, "config", "config.toml")
	cfg := string(mustRead(t, cfgFile))
	require.Contains(t, cfg, "\nfilter_peers = true\n")
	require.Regexp(t, `(?m)^\[rpc\]\n(?:.*\n)*?laddr = "tcp://127\.0\.0\.1:26657"$`, cfg)
	appCfg := string(mustRead(t, filepath.Join(jhome, "config", "app.toml")))
	require.Regexp(t, `(?m)^\[api\]\n(?:.*\n)*?address = "tcp://127\.0\.0\.1:1317"$`, appCfg)
	require.Regexp(t, `(?m)^\[grpc\]\n(?:.*\n)*?address = "127\.0\.0\.1:9090"$`, appCfg)

	require.NoError(t, os.WriteFile(filepath.Join(jhome, "config", "genesis.json"), mustRead(t, filepath.Join(n.home, "config", "genesis.json")), 0o600))
	for key, value := range map[string]string{
		"persistent_peers":   fmt.Sprintf("%q", fmt.Sprintf("%s@127.0.0.1:%d", localID, 26656+peerFilterOffset)),
		"pprof_laddr":        `""`,
		"addr_book_strict":   "false",
		"allow_duplicate_ip": "true",
	} {
		re := regexp.MustCompile(`(?m)^` + key + ` = .*$`)
		require.Regexp(t, re, cfg)
		cfg = re.ReplaceAllLiteralString(cfg, key+" = "+value)
	}
	require.NoError(t, os.WriteFile(cfgFile, []byte(cfg), 0o600))
	out, err = exec.Command(binary, "comet", "show-node-id", "--home", jhome).Output()
	require.NoError(t, err)
	joinerID := strings.TrimSpace(string(out))
	require.NotEqual(t, localID, joinerID)
	startJoiner(t, jhome, filepath.Join(dir, "joiner.log"))

	// 1. Unregistered: the joiner's node dials the localnet's, which refuses it.
	waitFor(t, "the joiner's RPC", time.Minute, func() bool { _, err := rpcHeight(joinerRPC); return err == nil })
	began, h0 := time.Now(), mustHeight(t, localRPC)
	for time.Since(began) < 10*time.Second {
		require.Zero(t, mustHeight(t, joinerRPC), "an unregistered node got a block")
		require.NotContains(t, mustPeers(t, localRPC), joinerID, "the localnet kept an unregistered peer")
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("unregistered: joiner at height 0 while the localnet went from %d to %d", h0, mustHeight(t, localRPC))
	t.Logf("localnet log: %s", logLine(t, filepath.Join(dir, "node.log"), "error while adding peer", joinerID))

	// 2. The distributor registers the joiner's node: it connects and syncs.
	keyFile := filepath.Join(jhome, "config", "node_key.json")
	code, log := n.txResult(n.txCLI("tx", "consortium", "register-node", "--node-key", keyFile,
		"--node-address", fmt.Sprintf("127.0.0.1:%d", 26656+joinerOffset), "--from", "distributor", "-y", "-o", "json"))
	require.Zero(t, code, log)
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "consortium", "node", joinerID, "-o", "json")), &q))
	require.Equal(t, n.addr("distributor"), q.Node.Member)
	// Another member cannot take the id over, even holding the key.
	code, log = n.txResult(n.txCLI("tx", "consortium", "register-node", "--node-key", keyFile, "--from", "manufacturer", "-y", "-o", "json"))
	require.NotZero(t, code)
	require.Contains(t, log, "registered by another member")

	registered := time.Now()
	waitFor(t, "the joiner to connect and sync", 2*time.Minute, func() bool {
		return strings.Contains(mustPeers(t, localRPC), joinerID) && mustHeight(t, joinerRPC) >= mustHeight(t, localRPC)-2
	})
	t.Logf("registered: joiner connected and synced to height %d in %s", mustHeight(t, joinerRPC), time.Since(registered).Round(100*time.Millisecond))

	// 3. The authority (3 of the 4 founders) suspends the distributor: the
	// localnet disconnects the joiner, whose height then stops.
	code, log = n.txResult(n.multisigBroadcast([]string{"hospital", "lab", "pharmacy"},
		"tx", "consortium", "suspend-member", n.addr("distributor"), "licence lapsed"))
	require.Zero(t, code, log)
	suspended := time.Now()
	waitFor(t, "the localnet to disconnect the joiner", time.Minute, func() bool {
		return !strings.Contains(mustPeers(t, localRPC), joinerID)
	})
	t.Logf("suspended: joiner disconnected %s after the suspension was committed", time.Since(suspended).Round(100*time.Millisecond))
	t.Logf("localnet log: %s", logLine(t, filepath.Join(dir, "node.log"), "the peer filter now refuses", joinerID))
	time.Sleep(time.Second) // a block already in flight
	h1, l1 := mustHeight(t, joinerRPC), mustHeight(t, localRPC)
	for began := time.Now(); time.Since(began) < 10*time.Second; time.Sleep(500 * time.Millisecond) {
		require.NotContains(t, mustPeers(t, localRPC), joinerID, "the suspended member's node reconnected")
	}
	h2, l2 := mustHeight(t, joinerRPC), mustHeight(t, localRPC)
	require.Equal(t, h1, h2, "the joiner's height advanced after the disconnection")
	require.Greater(t, l2, l1+10, "the localnet kept producing blocks")
	t.Logf("after suspension: joiner stayed at %d while the localnet went from %d to %d", h2, l1, l2)

	// The registration is kept, for reinstatement.
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "consortium", "node", joinerID, "-o", "json")), &q))
	require.Equal(t, n.addr("distributor"), q.Node.Member)
}

// startJoiner starts `healthd start` on jhome at joinerOffset's loopback
// ports, and stops exactly that process when the test ends.
func startJoiner(t *testing.T, jhome, logFile string) {
	t.Helper()
	logOut, err := os.Create(logFile)
	require.NoError(t, err)
	cmd := exec.Command(binary, "start", "--home", jhome,
		"--rpc.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", 26657+joinerOffset),
		"--p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", 26656+joinerOffset),
		"--grpc.address", fmt.Sprintf("127.0.0.1:%d", 9090+joinerOffset),
		"--api.address", fmt.Sprintf("tcp://127.0.0.1:%d", 1317+joinerOffset))
	cmd.Stdout, cmd.Stderr = logOut, logOut
	require.NoError(t, cmd.Start())
	pid := cmd.Process.Pid
	t.Logf("joiner pid %d, log %s", pid, logFile)
	t.Cleanup(func() {
		defer logOut.Close()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
}

// logLine returns the first line of a node's log holding every one of words.
func logLine(t *testing.T, file string, words ...string) string {
	t.Helper()
	for _, line := range strings.Split(string(mustRead(t, file)), "\n") {
		all := true
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			return line
		}
	}
	t.Fatalf("no line of %s holds %q", file, words)
	return ""
}

// waitFor polls ok every half second until it holds, failing after timeout.
func waitFor(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	for began := time.Now(); time.Since(began) < timeout; time.Sleep(500 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s: not after %s", what, timeout)
}

var rpcClient = &http.Client{Timeout: 5 * time.Second}

// rpcGet reads a CometBFT RPC endpoint's result.
func rpcGet(url string, result any) error {
	resp, err := rpcClient.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s: %s", url, resp.Status, out)
	}
	var res struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return err
	}
	return json.Unmarshal(res.Result, result)
}

func rpcHeight(rpc string) (int64, error) {
	var st struct {
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if err := rpcGet(rpc+"/status", &st); err != nil {
		return 0, err
	}
	return strconv.ParseInt(st.SyncInfo.LatestBlockHeight, 10, 64)
}

func mustHeight(t *testing.T, rpc string) int64 {
	t.Helper()
	h, err := rpcHeight(rpc)
	require.NoError(t, err)
	return h
}

// mustPeers lists the node ids a node is connected to, comma separated.
func mustPeers(t *testing.T, rpc string) string {
	t.Helper()
	var ni struct {
		Peers []struct {
			NodeInfo struct {
				ID string `json:"id"`
			} `json:"node_info"`
		} `json:"peers"`
	}
	require.NoError(t, rpcGet(rpc+"/net_info", &ni))
	ids := make([]string, 0, len(ni.Peers))
	for _, p := range ni.Peers {
		ids = append(ids, p.NodeInfo.ID)
	}
	return strings.Join(ids, ",")
}
