// Package e2e starts a real healthd node from the localnet script and drives it
// through the command line and the REST gateway, as an operator would.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const portOffset = 1000 // keep clear of a developer's running localnet

// localnetUp bounds a localnet's setup and start: about a minute on two idle
// cores, several on a loaded machine (each of setup's ~40 CLI calls builds the app).
const localnetUp = 6 * time.Minute

var (
	repoRoot string
	binary   string
)

func TestMain(m *testing.M) {
	wd, _ := os.Getwd()
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	binary = os.Getenv("HEALTHD_BIN")
	if binary == "" {
		dir, err := os.MkdirTemp("", "healthd-e2e-bin")
		if err != nil {
			panic(err)
		}
		binary = filepath.Join(dir, "healthd")
		build := exec.Command("go", "build", "-o", binary, "./cmd/healthd")
		build.Dir, build.Stdout, build.Stderr = repoRoot, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			panic(fmt.Sprintf("build healthd: %v", err))
		}
		defer os.RemoveAll(dir)
	}
	os.Exit(m.Run())
}

// node is a localnet started by scripts/localnet.sh.
type node struct {
	t    *testing.T
	home string
	cmd  *exec.Cmd
}

func startLocalnet(t *testing.T) *node {
	t.Helper()
	dir := t.TempDir()
	cmd := startScript(t, "localnet.sh", "localnet is running", localnetUp, dir,
		"HEALTHD="+binary, "LOCALNET_HOME="+dir, fmt.Sprintf("PORT_OFFSET=%d", portOffset), "BLOCK_TIME=300ms", "CHAIN_ID=healthd-e2e")
	return &node{t: t, home: filepath.Join(dir, "node"), cmd: cmd}
}

// startScript runs scripts/<script> run with env added, waits until it prints
// banner, and stops it (and so exactly what it started) when the test ends.
func startScript(t *testing.T, script, banner string, timeout time.Duration, logDir string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot, "scripts", script), "run")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { stopScript(cmd) })

	ready, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), banner) {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-exited:
		t.Fatalf("%s exited before it was up; see the logs in %s", script, logDir)
	case <-time.After(timeout):
		t.Fatalf("%s was not up after %s; see the logs in %s", script, timeout, logDir)
	}
	return cmd
}

// stopScript sends SIGTERM to a script, which stops exactly what it started.
func stopScript(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
	}
}

// stop stops the localnet (the export at the end of TestLocalnet needs it stopped).
func (n *node) stop() { stopScript(n.cmd) }

// cli runs healthd with the localnet's home, returning stdout.
func (n *node) cli(args ...string) (string, error) {
	cmd := exec.Command(binary, append(args, "--home", n.home)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("healthd %s: %w: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

func (n *node) mustCLI(args ...string) string {
	n.t.Helper()
	out, err := n.cli(args...)
	require.NoError(n.t, err)
	return out
}

func (n *node) addr(key string) string {
	return strings.TrimSpace(n.mustCLI("keys", "show", key, "-a"))
}

// txCLI runs a transaction command with -o json and returns the response it
// printed. The CLI waits for the block and exits non-zero when the
// transaction was refused or failed, after printing the response.
func (n *node) txCLI(args ...string) string {
	n.t.Helper()
	out, err := n.cli(args...)
	if err != nil {
		require.Contains(n.t, out, `"txhash"`, "a failed transaction still prints its response: %v", err)
		require.Contains(n.t, err.Error(), "Error: transaction ", "and says it failed")
	}
	return out
}

// txResult returns a transaction's code and raw log: from the response when
// it is final (the CLI waited for the block, or CheckTx refused it), else
// after waiting for it (--wait=false).
func (n *node) txResult(broadcastOut string) (uint32, string) {
	n.t.Helper()
	var b struct {
		Code   uint32 `json:"code"`
		TxHash string `json:"txhash"`
		RawLog string `json:"raw_log"`
		Height string `json:"height"`
	}
	require.NoError(n.t, json.Unmarshal([]byte(broadcastOut), &b), broadcastOut)
	if b.Code != 0 || (b.Height != "" && b.Height != "0") { // refused by CheckTx, or already in a block
		return b.Code, b.RawLog
	}
	var res struct {
		Code   uint32 `json:"code"`
		RawLog string `json:"raw_log"`
	}
	require.NoError(n.t, json.Unmarshal([]byte(n.mustCLI("q", "wait-tx", b.TxHash, "--timeout", "30s", "-o", "json")), &res))
	return res.Code, res.RawLog
}

// multisigBroadcast builds msg args as the authority, has each of signers sign
// with SIGN_MODE_LEGACY_AMINO_JSON, combines the signatures and broadcasts.
func (n *node) multisigBroadcast(signers []string, txArgs ...string) string {
	n.t.Helper()
	dir := n.t.TempDir()
	unsigned := filepath.Join(dir, "unsigned.json")
	require.NoError(n.t, os.WriteFile(unsigned, []byte(n.mustCLI(append(txArgs, "--from", "authority", "--generate-only")...)), 0o600))
	sigs := []string{}
	for _, s := range signers {
		sig := filepath.Join(dir, s+".sig.json")
		n.mustCLI("tx", "sign", unsigned, "--multisig", "authority", "--from", s, "--sign-mode", "amino-json", "--output-document", sig)
		sigs = append(sigs, sig)
	}
	signed := filepath.Join(dir, "signed.json")
	out, err := n.cli(append([]string{"tx", "multisign", unsigned, "authority"}, sigs...)...)
	require.NoError(n.t, err)
	require.NoError(n.t, os.WriteFile(signed, []byte(out), 0o600))
	return n.txCLI("tx", "broadcast", signed, "-o", "json")
}

// TestLocalnet starts one node and runs each scenario against it in turn.
func TestLocalnet(t *testing.T) {
	n := startLocalnet(t)
	t.Run("admit member with multisig authority", func(t *testing.T) { admitMemberWithMultisigAuthority(t, n.withT(t)) })
	t.Run("patient grants, provider checks, patient revokes", func(t *testing.T) { consentLifecycle(t, n.withT(t)) })
	t.Run("a unit from commissioning to dispensing", func(t *testing.T) { unitLifecycle(t, n.withT(t)) })
	t.Run("records put, get, share, verify, revoke, erase", func(t *testing.T) { recordsRoundTrip(t, n.withT(t)) })
	t.Run("claims adjudicated, reviewed, appealed and paid", func(t *testing.T) { claimsScenario(t, n.withT(t)) })
	t.Run("canary records through the vault and the gateway", func(t *testing.T) { canaryRecords(t, n.withT(t)) })

	// Last: scan every block, stop the node, export the whole state and scan
	// it and every log for the canaries and the fixtures' plaintext.
	scan := newCanaryScan(t)
	scan.scanChain("chain", rpcURL)
	n.stop()
	exported := filepath.Join(t.TempDir(), "export.json")
	n.mustCLI("export", "--output-document", exported)
	state := mustRead(t, exported)
	require.Contains(t, string(state), `"records"`)
	for _, needle := range allNeedles() {
		require.NotContains(t, string(state), needle, "plaintext in the exported state")
	}
	scan.scan("exported state", state)
	dir := filepath.Dir(n.home)
	for _, log := range []string{"node.log", "vault.log", "gateway.log", filepath.Join("gateway", "audit.log")} {
		scan.scanFile(filepath.Join(dir, log))
	}
	scan.done()
	t.Logf("exported state: %d bytes, no plaintext", len(state))
}

// withT returns the node bound to a subtest.
func (n *node) withT(t *testing.T) *node {
	c := *n
	c.t = t
	return &c
}

func admitMemberWithMultisigAuthority(t *testing.T, n *node) {
	n.mustCLI("keys", "add", "eastside")
	newcomer := n.addr("eastside")
	admit := []string{"tx", "consortium", "admit-member", newcomer, "Eastside Diagnostics",
		"--roles", "laboratory", "--roles", "hospital", "--npi", "1234567893", "--gln", "5901234123464"}

	// Two of the four founders are below the 3-of-4 threshold: refused.
	code, log := n.txResult(n.multisigBroadcast([]string{"hospital", "lab"}, admit...))
	require.NotZero(t, code, "a 2-of-4 signature must not pass")
	require.Contains(t, log, "signature")
	_, err := n.cli("q", "consortium", "member", newcomer, "-o", "json")
	require.Error(t, err, "no member after a refused admission")

	// A founder alone is not the authority.
	code, log = n.txResult(n.txCLI(append(admit[:len(admit):len(admit)], "--from", "payer", "-y", "-o", "json")...))
	require.NotZero(t, code)
	require.Contains(t, log, "invalid authority")

	// Three of four: admitted.
	code, log = n.txResult(n.multisigBroadcast([]string{"hospital", "lab", "pharmacy"}, admit...))
	require.Zero(t, code, log)

	// Read back through the CLI...
	var q struct {
		Member struct {
			Address string   `json:"address"`
			Name    string   `json:"name"`
			Roles   []string `json:"roles"`
			NPI     string   `json:"npi"`
			Status  string   `json:"status"`
		} `json:"member"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "consortium", "member", newcomer, "-o", "json")), &q))
	require.Equal(t, newcomer, q.Member.Address)
	require.Equal(t, "Eastside Diagnostics", q.Member.Name)
	require.Equal(t, []string{"ROLE_HOSPITAL", "ROLE_LABORATORY"}, q.Member.Roles)
	require.Equal(t, "MEMBER_STATUS_ACTIVE", q.Member.Status)

	// ...and the REST gateway.
	body := httpGet(t, api+"/healthd/consortium/v1/members/"+newcomer)
	require.Contains(t, body, `"name":"Eastside Diagnostics"`)
	body = httpGet(t, api+"/healthd/consortium/v1/roles/laboratory/members")
	require.Contains(t, body, newcomer)
	require.Contains(t, body, `"total":"2"`, "the founding lab and the newcomer")
	body = httpGet(t, api+"/healthd/consortium/v1/roles/payer/members")
	require.NotContains(t, body, newcomer)
}

var api = fmt.Sprintf("http://127.0.0.1:%d", 1317+portOffset)

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url) //nolint:gosec // loopback test URL
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	return string(b)
}
