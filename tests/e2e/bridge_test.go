package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLocalnetIBC starts `scripts/localnet-ibc.sh`: a hospital chain and a
// pharma chain, each a real node, and the @confio/relayer process relaying the
// bridge channel between them. It then drives every flow through the CLI and
// waits for the relayer to carry it: prescription, dispense confirmation,
// product verification and recall notice.
func TestLocalnetIBC(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Fatal("npm is needed for the relayer (apt-get install nodejs npm); .ci/run installs it")
	}
	dir := t.TempDir()
	start := time.Now()
	startScript(t, "localnet-ibc.sh", "localnet-ibc is running", 15*time.Minute, dir,
		"HEALTHD="+binary, "LOCALNET_IBC_HOME="+dir, "IBC_PORT_OFFSET=3000", "POLL=1")
	t.Logf("two chains, connection, bridge channel and relayer up in %s", time.Since(start).Round(time.Second))

	hosp := &node{t: t, home: filepath.Join(dir, "hospital", "node")}
	pharma := &node{t: t, home: filepath.Join(dir, "pharma", "node")}
	hospChan := strings.TrimSpace(string(mustRead(t, filepath.Join(dir, "hospital.channel"))))
	require.Regexp(t, `^channel-\d+$`, hospChan)
	tx := func(n *node, from string, args ...string) {
		t.Helper()
		code, log := n.txResult(n.txCLI(append(args, "--from", from, "--gas", "auto", "--gas-adjustment", "1.5", "-y", "-o", "json")...))
		require.Zero(t, code, "%v: %s", args, log)
	}
	// eventually polls a query until ok says it shows what the relayer should have brought.
	eventually := func(what string, n *node, ok func(out string) bool, args ...string) string {
		t.Helper()
		began := time.Now()
		var out string
		for time.Since(began) < 3*time.Minute {
			o, err := n.cli(append(args, "-o", "json")...)
			if err == nil && ok(o) {
				t.Logf("%s after %s", what, time.Since(began).Round(100*time.Millisecond))
				return o
			}
			out = o
			time.Sleep(time.Second)
		}
		t.Fatalf("%s: not seen in 3 minutes; last answer: %s", what, out)
		return ""
	}

	// Both chains have their role; the pharma chain stocks a prescription-only product at the pharmacy.
	require.Contains(t, hosp.mustCLI("q", "bridge", "params", "-o", "json"), "CHAIN_ROLE_HOSPITAL")
	require.Contains(t, pharma.mustCLI("q", "bridge", "params", "-o", "json"), "CHAIN_ROLE_PHARMA")
	const gtin, lot = "09506000134352", "LOT26B"
	tx(pharma, "manufacturer", "tx", "drugtrace", "register-product", gtin, "Amoxicillin 500 mg capsules", "--ndc", "0093-4155-73", "--prescription-only")
	tx(pharma, "manufacturer", "tx", "drugtrace", "commission", gtin, lot, "2028-06-30", "SN1", "SN2", "SN3")
	tx(pharma, "manufacturer", "tx", "drugtrace", "ship", pharma.addr("pharmacy"), "--units", gtin+"/SN1", "--units", gtin+"/SN2", "--units", gtin+"/SN3")
	tx(pharma, "pharmacy", "tx", "drugtrace", "receive", "1")

	// 1. Prescription, hospital → pharma: open on both chains once the ack is back.
	patient := hosp.addr("patient1")
	validUntil := time.Now().UTC().Add(30 * 24 * time.Hour).Format(time.RFC3339)
	tx(hosp, "hospital", "tx", "bridge", "send-prescription", hospChan, patient, "2", validUntil, "--gtin", gtin)
	var p struct {
		Prescription struct {
			Status    string `json:"status"`
			RemoteID  string `json:"remote_id"`
			Dispensed int    `json:"dispensed"`
		} `json:"prescription"`
	}
	out := eventually("prescription open on the hospital chain (ack relayed)", hosp, func(o string) bool {
		return strings.Contains(o, "PRESCRIPTION_STATUS_OPEN")
	}, "q", "bridge", "prescription", "1")
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	require.NotEmpty(t, p.Prescription.RemoteID)
	open := pharma.mustCLI("q", "bridge", "prescription", p.Prescription.RemoteID, "-o", "json")
	require.Contains(t, open, "PRESCRIPTION_STATUS_OPEN")
	require.Contains(t, open, patient)

	// Without a matching open prescription the pharmacy cannot dispense.
	code, log := pharma.txResult(pharma.txCLI("tx", "drugtrace", "dispense", gtin+"/SN1", patient, "--prescription-id", "999", "--from", "pharmacy", "-y", "-o", "json", "--gas", "400000"))
	require.NotZero(t, code)
	require.Contains(t, log, "prescription not found")

	// 2. Dispense on the pharma chain → confirmation in the patient's medication history.
	tx(pharma, "pharmacy", "tx", "drugtrace", "dispense", "(01)"+gtin+"(17)280630(10)"+lot+"(21)SN1", patient, "--prescription-id", p.Prescription.RemoteID)
	eventually("dispense confirmation in the hospital chain's medication history", hosp, func(o string) bool {
		return strings.Contains(o, "SN1") && strings.Contains(o, lot)
	}, "q", "bridge", "medications", patient)
	require.NoError(t, json.Unmarshal([]byte(hosp.mustCLI("q", "bridge", "prescription", "1", "-o", "json")), &p))
	require.Equal(t, 1, p.Prescription.Dispensed)

	// 3. Product verification, hospital → pharma: the verdict comes back in the ack.
	tx(hosp, "hospital", "tx", "bridge", "verify", hospChan, gtin+"/SN1")
	eventually("verification answered", hosp, func(o string) bool {
		return strings.Contains(o, "VERIFICATION_STATUS_ANSWERED") && strings.Contains(o, "VERDICT_ALREADY_DISPENSED")
	}, "q", "bridge", "verification", "1")

	// 4. Recall on the pharma chain → notice to the one patient who received a unit of the lot.
	tx(pharma, "manufacturer", "tx", "drugtrace", "recall", gtin, lot, "ii", "contamination")
	out = eventually("recall notice on the hospital chain", hosp, func(o string) bool {
		return strings.Contains(o, "affected_patients")
	}, "q", "bridge", "recall", gtin, lot)
	var rn struct {
		Notice struct {
			Patients int `json:"patients"`
		} `json:"notice"`
		AffectedPatients []string `json:"affected_patients"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rn))
	require.Equal(t, []string{patient}, rn.AffectedPatients)
	require.Equal(t, 1, rn.Notice.Patients)

	// Nothing left in flight on either chain.
	for _, n := range []*node{hosp, pharma} {
		eventually(fmt.Sprintf("no pending packets on %s", filepath.Base(filepath.Dir(n.home))), n, func(o string) bool {
			return !strings.Contains(o, `"channel_id"`)
		}, "q", "bridge", "pending")
	}

	// No canary in either chain's blocks and events (packets included), the
	// nodes', vaults' and gateways' logs, or the relayer's.
	scan := newCanaryScan(t)
	scan.scanChain("hospital-1", fmt.Sprintf("http://127.0.0.1:%d", 26657+3000))
	scan.scanChain("pharma-1", fmt.Sprintf("http://127.0.0.1:%d", 26657+4000))
	for _, chain := range []string{"hospital", "pharma"} {
		for _, log := range []string{"node.log", "vault.log", "gateway.log"} {
			scan.scanFile(filepath.Join(dir, chain, log))
		}
	}
	scan.scanFile(filepath.Join(dir, "relayer.log"))
	scan.done()
}
