package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/unixfs"
)

// The previous release, its upgrade's plan name, and this test's ports.
const (
	previousRelease = "v0.1.0"
	// previousCommit is the commit the v0.1.0 tag names. The test checks
	// it out by hash: a clone of main's branch alone (as CI makes) has the
	// commit in its history but not necessarily the tag.
	previousCommit    = "81e6424afbba9dff467223d18524329ceb85a5cf"
	upgradeName       = "v0.2.0"
	upgradePortOffset = 3500
	upgradeChainID    = "healthd-upgrade"
)

// TestUpgrade takes a chain from the previous release to this one in place,
// as an operator would: a one-validator localnet set up and run by the
// v0.1.0 binary (built here from the tag), state made with it, a
// MsgSoftwareUpgrade signed by the chain authority (the founders' 3-of-4
// multisig) for height H, the old node halting at H, this binary
// (HEALTHD_BIN) started on the same home. Blocks must resume, every query
// read before the upgrade must answer the same after it (x/records' grants
// and x/consent's break-glass accesses were migrated), and the new modules
// must work (a trial is registered in x/trials). docs/upgrades.md is the
// procedure.
func TestUpgrade(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the previous release and runs two nodes")
	}
	began := time.Now()
	dir := t.TempDir()
	oldBin := buildPreviousRelease(t, dir)
	t.Logf("built %s in %s", previousRelease, time.Since(began).Round(time.Second))

	net := filepath.Join(dir, "net")
	c := &relChain{t: t, home: filepath.Join(net, "node"), dir: net, bin: oldBin}
	c.setup()
	t.Logf("set up the %s localnet in %s", previousRelease, time.Since(began).Round(time.Second))

	c.start("node-" + previousRelease + ".log")
	c.waitHeight(2, time.Minute)

	// State made by the old binary: a consent, a record anchor with an
	// access grant under it, a break-glass access, a product and its units.
	patient1, patient2 := c.addr("patient1"), c.addr("patient2")
	hospital, lab := c.addr("hospital"), c.addr("lab")
	end := time.Now().UTC().Add(30 * 24 * time.Hour).Format(time.RFC3339)
	c.tx("patient1", "tx", "consent", "grant", patient1, lab, "TREAT", "--categories", "Observation", "--categories", "laboratory", "--end", end)
	c.txMsg("hospital", fmt.Sprintf(`{"@type":"/healthd.records.v1.MsgAnchorRecord","author":%q,"patient":%q,"format":"FORMAT_FHIR_R4",`+
		`"kind":"Observation","category":"laboratory","commitment":%q,"cid":%q,"blob_size":"1234"}`,
		hospital, patient1, b64sum("upgrade/record"), unixfs.SumBytes([]byte("upgrade/record"))))
	var byPatient struct {
		Records []struct {
			ID string `json:"id"`
		} `json:"records"`
	}
	require.NoError(t, json.Unmarshal([]byte(c.cli("q", "records", "by-patient", patient1, "-o", "json")), &byPatient))
	require.Len(t, byPatient.Records, 1)
	recordID := byPatient.Records[0].ID
	c.tx("lab", "tx", "records", "request-access", recordID, "TREAT")
	c.tx("hospital", "tx", "consent", "break-glass", patient2, "patient-unconscious")
	const gtin = "09506000134352"
	c.tx("manufacturer", "tx", "drugtrace", "register-product", gtin, "Amoxicillin 500 mg capsules", "--ndc", "0093-4155-73", "--prescription-only")
	c.tx("manufacturer", "tx", "drugtrace", "commission", gtin, "LOT24A", "2028-06-30", "SN0001", "SN0002")

	// The fixed set of queries, read with the old binary.
	queries := [][]string{
		{"q", "consortium", "member", hospital},
		{"q", "consortium", "members"},
		{"q", "consent", "by-patient", patient1},
		{"q", "consent", "audit", patient1},
		{"q", "consent", "audit", patient2},
		{"q", "records", "record", recordID},
		{"q", "records", "grants", recordID},
		{"q", "records", "disclosures", patient1},
		{"q", "records", "access", recordID, lab},
		{"q", "drugtrace", "product", gtin},
		{"q", "drugtrace", "unit", gtin + "/SN0001"},
		{"q", "drugtrace", "lot", gtin, "LOT24A"},
		{"q", "bank", "balances", patient1},
	}
	before := make([]string, len(queries))
	for i, q := range queries {
		before[i] = c.cli(append(q, "-o", "json")...)
	}
	readAt := c.height()
	require.Contains(t, before[6], `"category": "laboratory"`, "v0.1.0 grants carry their category")

	// The authority schedules the upgrade; the old node halts at H.
	h := c.height() + 60
	authority := c.addr("authority")
	c.multisigMsg([]string{"hospital", "lab", "pharmacy"}, fmt.Sprintf(
		`{"@type":"/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade","authority":%q,"plan":{"name":%q,"height":"%d","info":""}}`,
		authority, upgradeName, h))
	require.Contains(t, c.cli("q", "upgrade", "plan", "-o", "json"), fmt.Sprintf(`"height": "%d"`, h))
	t.Logf("upgrade %q planned at height %d", upgradeName, h)
	halted := fmt.Sprintf("UPGRADE %q NEEDED at height: %d", upgradeName, h)
	c.waitLog(halted, 3*time.Minute)
	info := mustRead(t, filepath.Join(c.home, "data", "upgrade-info.json"))
	require.Contains(t, string(info), fmt.Sprintf(`"height":%d`, h))
	// CometBFT stored block H (status shows it) but the application never
	// ran it, and no block follows.
	time.Sleep(3 * time.Second)
	require.Equal(t, h, c.height(), "the old node makes no block after H")
	c.stop()
	t.Logf("%s halted at %d (block %d stored, not applied; last applied %d) after %s", previousRelease, h, h, h-1, time.Since(began).Round(time.Second))

	// This release on the same home.
	c.bin = binary
	c.start("node-" + upgradeName + ".log")
	c.waitHeight(h+3, 3*time.Minute)
	t.Logf("%s resumed the chain: height %d after %s", upgradeName, c.height(), time.Since(began).Round(time.Second))
	c.waitLog(fmt.Sprintf("applying upgrade %q at height: %d", upgradeName, h), 10*time.Second)
	require.Contains(t, c.cli("q", "upgrade", "applied", upgradeName, "-o", "json"), fmt.Sprintf(`"height": "%d"`, h))
	var mv struct {
		ModuleVersions []struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"module_versions"`
	}
	require.NoError(t, json.Unmarshal([]byte(c.cli("q", "upgrade", "module-versions", "-o", "json")), &mv))
	versions := map[string]string{}
	for _, m := range mv.ModuleVersions {
		versions[m.Name] = m.Version
	}
	for mod, v := range map[string]string{"records": "2", "consent": "2", "consortium": "2", "trials": "1", "organs": "1"} {
		require.Equal(t, v, versions[mod], "module %s", mod)
	}

	afterAt := c.height()
	for i, q := range queries {
		after := c.cli(append(q, "-o", "json")...)
		sameAnswer(t, strings.Join(q, " "), before[i], after)
		t.Logf("same answer from %s at height %d and %s at %d: healthd %s", previousRelease, readAt, upgradeName, afterAt, strings.Join(q, " "))
	}
	// The break-glass access opened by v0.1.0 is there, without a clear
	// justification (v0.1.0 stored one; the migration dropped it).
	m := regexp.MustCompile(`"break_glass_id":\s*"([1-9][0-9]*)"`).FindStringSubmatch(before[4])
	require.NotNil(t, m, "the break-glass access is in patient2's audit: %s", before[4])
	bg := c.cli("q", "consent", "break-glass", m[1], "-o", "json")
	require.Contains(t, bg, patient2)
	require.NotContains(t, bg, "UNCONSCIOUS")

	// The new modules: default params from the upgrade, and a trial.
	require.Contains(t, c.cli("q", "trials", "params", "-o", "json"), "params")
	require.Contains(t, c.cli("q", "organs", "params", "-o", "json"), "params")
	c.txMsg("sponsor", fmt.Sprintf(`{"@type":"/healthd.trials.v1.MsgRegisterTrial","sponsor":%q,"registry_id":"NCT04368728",`+
		`"title":"Upgrade check","phase":"PHASE_PHASE_3","sites":[%q],"ethics_committee":%q,"target_enrolment":10,`+
		`"outcomes":[{"kind":"OUTCOME_KIND_PRIMARY","measure":"HbA1c change","time_frame":"26 weeks"}],`+
		`"consent_category":"QuestionnaireResponse","primary_completion":"2028-06-30T00:00:00Z","protocol_commitment":%q,"protocol_cid":%q}`,
		c.addr("sponsor"), hospital, c.addr("irb"), b64sum("upgrade/protocol"), unixfs.SumBytes([]byte("upgrade/protocol"))))
	require.Contains(t, c.cli("q", "trials", "trial", "1", "-o", "json"), "NCT04368728")
	t.Logf("x/trials registered trial 1 at height %d; %d queries compared; whole test %s",
		c.height(), len(queries), time.Since(began).Round(time.Second))
}

// buildPreviousRelease builds the tagged release's healthd in a detached
// worktree (the Go build cache is shared, so a second run mostly links),
// runs its localnet setup into dir/net, and removes the worktree.
func buildPreviousRelease(t *testing.T, dir string) string {
	t.Helper()
	src := filepath.Join(dir, "src")
	if exec.Command("git", "-C", repoRoot, "cat-file", "-e", previousCommit+"^{commit}").Run() != nil {
		// A shallow clone lacks the old commit: deepen it from its origin.
		run(t, repoRoot, nil, "git", "fetch", "--unshallow", "--quiet", "origin")
	}
	if out, err := exec.Command("git", "-C", repoRoot, "rev-parse", "--verify", "--quiet", previousRelease+"^{commit}").Output(); err == nil {
		require.Equal(t, previousCommit, strings.TrimSpace(string(out)), "the %s tag moved", previousRelease)
	}
	run(t, repoRoot, nil, "git", "worktree", "add", "--detach", src, previousCommit)
	removed := false
	remove := func() {
		if !removed {
			removed = true
			_ = exec.Command("git", "-C", repoRoot, "worktree", "remove", "--force", src).Run()
		}
	}
	t.Cleanup(remove)
	bin := filepath.Join(dir, "healthd-"+previousRelease)
	run(t, src, nil, "go", "build", "-o", bin, "./cmd/healthd")
	// The release's own setup script: its founders, patients, supply-chain
	// members and the 3-of-4 authority multisig, as v0.1.0 made them.
	run(t, src, []string{"HEALTHD=" + bin, "LOCALNET_HOME=" + filepath.Join(dir, "net"), "CHAIN_ID=" + upgradeChainID,
		fmt.Sprintf("PORT_OFFSET=%d", upgradePortOffset), "BLOCK_TIME=300ms"}, filepath.Join(src, "scripts", "localnet.sh"), "setup")
	remove()
	return bin
}

// run runs a command in dir with env added and fails the test if it fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
}

func b64sum(seed string) string {
	h := sha256.Sum256([]byte(seed))
	return base64.StdEncoding.EncodeToString(h[:])
}

// relChain is the one-validator chain of TestUpgrade, driven by whichever
// release's binary is bin.
type relChain struct {
	t    *testing.T
	home string
	dir  string
	bin  string
	node *exec.Cmd
	log  string
}

// setup adds a research sponsor and an ethics committee to the v0.1.0
// localnet's genesis (members there, so the new x/trials needs no authority
// transaction after the upgrade).
func (c *relChain) setup() {
	for _, m := range []struct{ key, name, role, gln string }{
		{"sponsor", "Helix Research", "research-sponsor", "0614141000081"},
		{"irb", "Riverside Ethics Committee", "ethics-committee", "0614141000098"},
	} {
		c.cli("keys", "add", m.key)
		addr := c.addr(m.key)
		c.cli("genesis", "add-genesis-account", addr, "1000000000000uhealth")
		c.cli("genesis", "add-member", addr, m.name, "--roles", m.role, "--gln", m.gln)
	}
	c.cli("genesis", "validate")
}

var upgradeStartArgs = []string{
	"--rpc.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", 26657+upgradePortOffset),
	"--p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", 26656+upgradePortOffset),
	"--grpc.address", fmt.Sprintf("127.0.0.1:%d", 9090+upgradePortOffset),
	"--api.enable", "--api.address", fmt.Sprintf("tcp://127.0.0.1:%d", 1317+upgradePortOffset),
	"--minimum-gas-prices", "0uhealth",
}

// start runs the node with c.bin, logging to dir/logName; it is stopped when
// the test ends if it still runs.
func (c *relChain) start(logName string) {
	c.t.Helper()
	c.log = filepath.Join(c.dir, logName)
	f, err := os.Create(c.log)
	require.NoError(c.t, err)
	cmd := exec.Command(c.bin, append([]string{"start", "--home", c.home}, upgradeStartArgs...)...)
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(c.t, cmd.Start())
	c.node = cmd
	c.t.Cleanup(func() { stopNode(cmd); f.Close() })
}

// stop stops the node this chain started last, by its pid.
func (c *relChain) stop() { stopNode(c.node) }

func stopNode(cmd *exec.Cmd) {
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
		<-done
	}
}

// cli runs c.bin with the chain's home and test keyring and returns stdout.
func (c *relChain) cli(args ...string) string {
	c.t.Helper()
	out, err := c.try(args...)
	require.NoError(c.t, err)
	return out
}

func (c *relChain) try(args ...string) (string, error) {
	cmd := exec.Command(c.bin, append(args, "--home", c.home, "--keyring-backend", "test")...)
	if args[0] == "q" || args[0] == "status" || args[0] == "genesis" {
		cmd = exec.Command(c.bin, append(args, "--home", c.home)...)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s %s: %w: %s%s", filepath.Base(c.bin), strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), nil
}

func (c *relChain) addr(key string) string {
	return strings.TrimSpace(c.cli("keys", "show", key, "-a"))
}

func (c *relChain) height() int64 {
	c.t.Helper()
	out, err := c.try("status")
	if err != nil {
		return 0
	}
	var st struct {
		SyncInfo struct {
			Height string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if json.Unmarshal([]byte(out), &st) != nil {
		return 0
	}
	h, _ := strconv.ParseInt(st.SyncInfo.Height, 10, 64)
	return h
}

func (c *relChain) waitHeight(h int64, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for c.height() < h {
		require.Nil(c.t, c.node.ProcessState, "the node exited; see %s", c.log)
		require.True(c.t, time.Now().Before(deadline), "height %d not reached after %s (at %d); see %s", h, timeout, c.height(), c.log)
		time.Sleep(500 * time.Millisecond)
	}
}

func (c *relChain) waitLog(line string, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(string(mustRead(c.t, c.log)), line) {
		require.True(c.t, time.Now().Before(deadline), "%q not in %s after %s", line, c.log, timeout)
		time.Sleep(500 * time.Millisecond)
	}
}

// tx runs a transaction command signed by from and requires it committed
// with code 0.
func (c *relChain) tx(from string, args ...string) {
	c.t.Helper()
	out, err := c.try(append(args, "--from", from, "--gas", "auto", "--gas-adjustment", "1.5", "-y", "-o", "json")...)
	c.requireCommitted(out, err)
}

// requireCommitted checks a broadcast's response: code 0, in a block
// (waiting for it if the CLI did not).
func (c *relChain) requireCommitted(out string, err error) {
	c.t.Helper()
	var res struct {
		Code   uint32 `json:"code"`
		TxHash string `json:"txhash"`
		RawLog string `json:"raw_log"`
		Height string `json:"height"`
	}
	require.NoError(c.t, json.Unmarshal([]byte(out), &res), "%v", err)
	require.Zero(c.t, res.Code, res.RawLog)
	if res.Height == "" || res.Height == "0" {
		require.NoError(c.t, json.Unmarshal([]byte(c.cli("q", "wait-tx", res.TxHash, "--timeout", "30s", "-o", "json")), &res))
		require.Zero(c.t, res.Code, res.RawLog)
	}
	require.NoError(c.t, err)
}

// unsigned writes a transaction of from carrying msgJSON (protobuf JSON with
// its @type): the CLI generates a bank send and the message replaces it, so
// a message without a CLI command (MsgAnchorRecord, MsgSoftwareUpgrade) goes
// as an operator's JSON would.
func (c *relChain) unsigned(from, msgJSON string) string {
	c.t.Helper()
	addr := c.addr(from)
	var tx map[string]any
	require.NoError(c.t, json.Unmarshal([]byte(c.cli("tx", "bank", "send", from, addr, "1uhealth", "--generate-only")), &tx))
	var msg map[string]any
	require.NoError(c.t, json.Unmarshal([]byte(msgJSON), &msg))
	tx["body"].(map[string]any)["messages"] = []any{msg}
	tx["auth_info"].(map[string]any)["fee"].(map[string]any)["gas_limit"] = "1000000"
	bz, err := json.Marshal(tx)
	require.NoError(c.t, err)
	f := filepath.Join(c.t.TempDir(), "unsigned.json")
	require.NoError(c.t, os.WriteFile(f, bz, 0o600))
	return f
}

// txMsg signs msgJSON with from and broadcasts it.
func (c *relChain) txMsg(from, msgJSON string) {
	c.t.Helper()
	f := c.unsigned(from, msgJSON)
	signed := filepath.Join(filepath.Dir(f), "signed.json")
	c.cli("tx", "sign", f, "--from", from, "--output-document", signed)
	out, err := c.try("tx", "broadcast", signed, "-o", "json")
	c.requireCommitted(out, err)
}

// multisigMsg has signers sign msgJSON for the authority multisig (amino
// JSON, as the founders' Ledger devices would), combines and broadcasts it.
func (c *relChain) multisigMsg(signers []string, msgJSON string) {
	c.t.Helper()
	f := c.unsigned("authority", msgJSON)
	dir := filepath.Dir(f)
	sigs := []string{}
	for _, s := range signers {
		sig := filepath.Join(dir, s+".sig.json")
		c.cli("tx", "sign", f, "--multisig", "authority", "--from", s, "--sign-mode", "amino-json", "--output-document", sig)
		sigs = append(sigs, sig)
	}
	signed := filepath.Join(dir, "signed.json")
	require.NoError(c.t, os.WriteFile(signed, []byte(c.cli(append([]string{"tx", "multisign", f, "authority"}, sigs...)...)), 0o600))
	out, err := c.try("tx", "broadcast", signed, "-o", "json")
	c.requireCommitted(out, err)
}

// sameAnswer compares a query's JSON answers before and after the upgrade:
// every field the old release gave must be there with the same value; a
// field only the new release has must hold its zero value (a new optional
// field such as a member's FINs or a grant's record_erased).
func sameAnswer(t *testing.T, what, before, after string) {
	t.Helper()
	var b, a any
	require.NoError(t, json.Unmarshal([]byte(before), &b), what)
	require.NoError(t, json.Unmarshal([]byte(after), &a), what)
	if diff := answerDiff("", b, a); diff != "" {
		t.Fatalf("healthd %s answers differently after the upgrade: %s\nbefore: %s\nafter:  %s", what, diff, before, after)
	}
}

func answerDiff(path string, before, after any) string {
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	if bok && aok {
		for k, bv := range bm {
			if d := answerDiff(path+"."+k, bv, am[k]); d != "" {
				return d
			}
		}
		for k, av := range am {
			if _, ok := bm[k]; !ok && !zeroJSON(av) {
				return fmt.Sprintf("%s.%s is new and not empty: %v", path, k, av)
			}
		}
		return ""
	}
	bl, bok := before.([]any)
	al, aok := after.([]any)
	if bok && aok {
		if len(bl) != len(al) {
			return fmt.Sprintf("%s: %d items, were %d", path, len(al), len(bl))
		}
		for i := range bl {
			if d := answerDiff(fmt.Sprintf("%s[%d]", path, i), bl[i], al[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if zeroJSON(before) && zeroJSON(after) {
		return ""
	}
	if !reflect.DeepEqual(before, after) {
		return fmt.Sprintf("%s: %v, was %v", path, after, before)
	}
	return ""
}

// zeroJSON reports whether v is how protobuf JSON shows a field's zero value.
func zeroJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == "" || x == "0"
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, e := range x {
			if !zeroJSON(e) {
				return false
			}
		}
		return true
	}
	return false
}
