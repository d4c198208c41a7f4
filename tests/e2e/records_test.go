package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fixture is a record file under internal/*/testdata and words of it that
// must never reach the chain.
type fixture struct {
	name, path, category string
	needles              []string
}

var recordFixtures = []fixture{
	{name: "FHIR Bundle", path: "internal/fhirr4/testdata/bundle_collection.json", category: "Encounter",
		needles: []string{"Testpatient", "Synthia", "synthetic-patient-0001", "Exampleville"}},
	{name: "lab Observation", path: "internal/fhirr4/testdata/observation_lab.json",
		needles: []string{"LAB-2024-000123", "Glucose [Mass/volume]", "Synthia Testpatient"}},
	{name: "HL7 v2 ORU", path: "internal/hl7v2/testdata/oru_r01.hl7",
		needles: []string{"TESTPATIENT^SYNTHETIC", "Cholesterol [Mass/volume]", "SYNTHETIC TEST DATA", "1 TEST STREET"}},
	{name: "DICOM CT", path: "internal/dicom/testdata/ct_small.dcm",
		needles: []string{"SYNTHETIC CT HEAD", "2.25.228199402214893755612463178815470219201", "SYNTH-SPS-1"}},
}

type putOut struct {
	ID         uint64 `json:"id"`
	Kind       string `json:"kind"`
	Category   string `json:"category"`
	CID        string `json:"cid"`
	Commitment string `json:"commitment"`
}

// put runs `healthd records put` as author for the patient.
func (n *node) put(author, patient, file, category string) (putOut, error) {
	args := []string{"records", "put", file, "--patient", patient, "--from", author, "--gas", "auto", "--gas-adjustment", "1.5", "--vault", vaultURL}
	if category != "" {
		args = append(args, "--category", category)
	}
	var res putOut
	out, err := n.cli(args...)
	if err != nil {
		return res, err
	}
	return res, json.Unmarshal([]byte(out), &res)
}

func (n *node) get(key string, id uint64, out string, extra ...string) error {
	args := append([]string{"records", "get", strconv.FormatUint(id, 10), "--out", out, "--from", key,
		"--gas", "auto", "--gas-adjustment", "1.5", "--vault", vaultURL}, extra...)
	_, err := n.cli(args...)
	return err
}

var vaultURL = fmt.Sprintf("http://127.0.0.1:%d", 8088+portOffset)

// recordsRoundTrip: authors put four records for patient2; the patient and a
// consented provider get them back byte-identical; a provider without consent,
// with the wrong purpose or after revocation is refused by the chain and by the
// vault; every grant is in the accounting of disclosures; tampering is caught;
// invalid input anchors nothing; erasure destroys the blob.
func recordsRoundTrip(t *testing.T, n *node) {
	patient, hospital := n.addr("patient2"), n.addr("hospital")
	dir := t.TempDir()
	type anchored struct {
		fixture
		putOut
		plain []byte
	}
	var recs []anchored
	// The hospital writes the Bundle, the lab the rest: the hospital is then a
	// third party to the lab's records and needs consent to read them.
	authors := []string{"hospital", "lab", "lab", "lab"}
	for i, f := range recordFixtures {
		author := authors[i]
		plain, err := os.ReadFile(filepath.Join(repoRoot, f.path))
		require.NoError(t, err)
		res, err := n.put(author, patient, filepath.Join(repoRoot, f.path), f.category)
		require.NoError(t, err, f.name)
		require.NotZero(t, res.ID)
		require.True(t, strings.HasPrefix(res.CID, "bafk") || strings.HasPrefix(res.CID, "bafy"), res.CID)
		recs = append(recs, anchored{fixture: f, putOut: res, plain: plain})
	}
	bundle, obs, oru, ct := recs[0], recs[1], recs[2], recs[3]
	require.Equal(t, "Bundle", bundle.Kind)
	require.Equal(t, "Observation", obs.Kind)
	require.Equal(t, "ORU^R01", oru.Kind)
	require.Equal(t, "laboratory", oru.Category)
	require.Equal(t, "imaging", ct.Category)

	// The patient reads every record back, byte for byte, without a grant.
	for _, r := range recs {
		out := filepath.Join(dir, fmt.Sprintf("patient-%d", r.ID))
		require.NoError(t, n.get("patient2", r.ID, out), r.name)
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		require.True(t, bytes.Equal(r.plain, got), "%s differs after the round trip", r.name)
	}

	// The lab reads its own record without a grant.
	require.NoError(t, n.get("lab", obs.ID, filepath.Join(dir, "lab-obs")))
	// The hospital, without consent, is refused by the chain and by the vault.
	_, err := n.cli("records", "get", strconv.FormatUint(obs.ID, 10), "--out", filepath.Join(dir, "h-obs"), "--purpose", "TREAT",
		"--from", "hospital", "--vault", vaultURL, "--gas", "auto", "--gas-adjustment", "1.5")
	require.ErrorContains(t, err, "access not authorized")
	require.ErrorContains(t, err, "CHECK_REASON_NO_CONSENT")
	vaultRefuses(t, n, "hospital", obs.ID, "NO_GRANT")

	// The patient consents to treatment access to laboratory data and Observations, and shares the keys.
	end := time.Now().UTC().Add(7 * 24 * time.Hour).Format(time.RFC3339)
	code, log := n.txResult(n.txCLI("tx", "consent", "grant", patient, hospital, "TREAT", "--categories", "Observation",
		"--categories", "laboratory", "--end", end, "--from", "patient2", "-y", "-o", "json"))
	require.Zero(t, code, log)
	for _, r := range []anchored{obs, oru} {
		// No --vault: the localnet wrote the vault's URL into the client config.
		n.mustCLI("records", "share", strconv.FormatUint(r.ID, 10), "--to", hospital, "--from", "patient2")
	}

	// Wrong purpose: refused, nothing granted.
	err = n.get("hospital", obs.ID, filepath.Join(dir, "h-obs"), "--purpose", "HRESCH")
	require.ErrorContains(t, err, "CHECK_REASON_PURPOSE_NOT_COVERED")
	// A category the consent does not cover: refused.
	err = n.get("hospital", ct.ID, filepath.Join(dir, "h-ct"), "--purpose", "TREAT")
	require.ErrorContains(t, err, "CHECK_REASON_CATEGORY_NOT_COVERED")
	vaultRefuses(t, n, "hospital", ct.ID, "NO_GRANT")

	// The right purpose: granted, fetched, identical.
	for _, r := range []anchored{obs, oru} {
		out := filepath.Join(dir, fmt.Sprintf("hospital-%d", r.ID))
		require.NoError(t, n.get("hospital", r.ID, out, "--purpose", "TREAT"), r.name)
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		require.True(t, bytes.Equal(r.plain, got), "%s differs for the provider", r.name)
	}

	// The accounting of disclosures lists both grants, under the consent.
	var disc struct {
		Disclosures []struct {
			RecordID  string `json:"record_id"`
			Grantee   string `json:"grantee"`
			Purpose   string `json:"purpose"`
			ConsentID string `json:"consent_id"`
		} `json:"disclosures"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "records", "disclosures", patient, "-o", "json")), &disc))
	require.Len(t, disc.Disclosures, 2)
	for i, r := range []anchored{obs, oru} {
		require.Equal(t, strconv.FormatUint(r.ID, 10), disc.Disclosures[i].RecordID)
		require.Equal(t, hospital, disc.Disclosures[i].Grantee)
		require.Equal(t, "TREAT", disc.Disclosures[i].Purpose)
		require.NotEmpty(t, disc.Disclosures[i].ConsentID)
	}

	// Verify: the file matches; one changed byte does not.
	obsFile := filepath.Join(repoRoot, obs.path)
	out := n.mustCLI("records", "verify", obsFile, "--id", strconv.FormatUint(obs.ID, 10), "--from", "patient2", "--vault", vaultURL)
	require.Contains(t, out, `"match": true`)
	tampered := append([]byte(nil), obs.plain...)
	i := bytes.Index(tampered, []byte(`"value": 95`))
	require.Positive(t, i)
	tampered[i+len(`"value": 9`)] = '6'
	tamperedFile := filepath.Join(dir, "tampered.json")
	require.NoError(t, os.WriteFile(tamperedFile, tampered, 0o600))
	_, err = n.cli("records", "verify", tamperedFile, "--id", strconv.FormatUint(obs.ID, 10), "--from", "patient2", "--vault", vaultURL)
	require.ErrorContains(t, err, "does NOT match")
	// Whitespace is not content: a reformatted copy of the JSON still matches.
	var v any
	require.NoError(t, json.Unmarshal(obs.plain, &v))
	compact := new(bytes.Buffer)
	require.NoError(t, json.Compact(compact, obs.plain))
	compactFile := filepath.Join(dir, "compact.json")
	require.NoError(t, os.WriteFile(compactFile, compact.Bytes(), 0o600))
	out = n.mustCLI("records", "verify", compactFile, "--id", strconv.FormatUint(obs.ID, 10), "--from", "patient2", "--vault", vaultURL)
	require.Contains(t, out, `"match": true`)

	// The lab corrects the result: a new version supersedes the old, which stays.
	var amended putOut
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("records", "amend", strconv.FormatUint(obs.ID, 10), tamperedFile,
		"--from", "lab", "--vault", vaultURL)), &amended))
	require.Greater(t, amended.ID, obs.ID)
	var versions struct {
		Versions []struct {
			ID           string `json:"id"`
			Version      int    `json:"version"`
			SupersededBy string `json:"superseded_by"`
		} `json:"versions"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "records", "versions", strconv.FormatUint(amended.ID, 10), "-o", "json")), &versions))
	require.Len(t, versions.Versions, 2)
	require.Equal(t, strconv.FormatUint(amended.ID, 10), versions.Versions[0].SupersededBy)
	out = n.mustCLI("records", "verify", obsFile, "--id", strconv.FormatUint(obs.ID, 10), "--from", "patient2", "--vault", vaultURL)
	require.Contains(t, out, `"match": true`)
	require.Contains(t, out, `"current": false`, "the original still verifies, as superseded")
	out = n.mustCLI("records", "verify", tamperedFile, "--id", strconv.FormatUint(amended.ID, 10), "--from", "patient2", "--vault", vaultURL)
	require.Contains(t, out, `"match": true`)
	// Only the author amends, and only the current version; a refused
	// amendment uploads nothing (the chain is asked first).
	blobs := countFiles(t, filepath.Join(n.vaultDir(), "blobs"))
	_, err = n.cli("records", "amend", strconv.FormatUint(amended.ID, 10), obsFile, "--from", "hospital", "--vault", vaultURL)
	require.ErrorContains(t, err, "not the author")
	_, err = n.cli("records", "amend", strconv.FormatUint(obs.ID, 10), obsFile, "--from", "lab", "--vault", vaultURL)
	require.ErrorContains(t, err, "superseded")
	require.Equal(t, blobs, countFiles(t, filepath.Join(n.vaultDir(), "blobs")))

	// One changed byte of the stored blob is caught on get.
	blob := filepath.Join(n.vaultDir(), "blobs", oru.CID)
	orig, err := os.ReadFile(blob)
	require.NoError(t, err)
	bad := append([]byte(nil), orig...)
	bad[len(bad)/2] ^= 0x01
	require.NoError(t, os.WriteFile(blob, bad, 0o600))
	err = n.get("patient2", oru.ID, filepath.Join(dir, "tampered-oru"))
	require.ErrorContains(t, err, "integrity")
	require.NoFileExists(t, filepath.Join(dir, "tampered-oru"))
	require.NoError(t, os.WriteFile(blob, orig, 0o600))

	// Revocation stops access at once: the chain refuses a new grant and the
	// vault refuses the live one.
	var consents struct {
		Consents []struct {
			ID      string `json:"id"`
			Grantee string `json:"grantee"`
			Status  string `json:"status"`
		} `json:"consents"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "consent", "by-patient", patient, "-o", "json")), &consents))
	var consentID string
	for _, c := range consents.Consents {
		if c.Grantee == hospital && c.Status == "CONSENT_STATUS_ACTIVE" {
			consentID = c.ID
		}
	}
	require.NotEmpty(t, consentID)
	code, log = n.txResult(n.txCLI("tx", "consent", "revoke", consentID, "patient-request", "--from", "patient2", "-y", "-o", "json"))
	require.Zero(t, code, log)
	vaultRefuses(t, n, "hospital", obs.ID, "CONSENT_ENDED")
	err = n.get("hospital", obs.ID, filepath.Join(dir, "after-revoke"), "--purpose", "TREAT")
	require.ErrorContains(t, err, "CHECK_REASON_REVOKED")

	// Invalid input is refused and nothing is anchored or uploaded.
	before := n.mustCLI("q", "records", "by-patient", patient, "-o", "json")
	blobsBefore := countFiles(t, filepath.Join(n.vaultDir(), "blobs"))
	for name, content := range map[string][]byte{
		"unknown-type.json":  []byte(`{"resourceType":"Unicorn","id":"x"}`),
		"wrong-type.json":    []byte(`{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"seven"}}`),
		"missing-field.json": []byte(`{"resourceType":"Observation","code":{"text":"x"}}`),
		"truncated.dcm":      mustRead(t, filepath.Join(repoRoot, ct.path))[:len(mustRead(t, filepath.Join(repoRoot, ct.path)))-7],
		"malformed.hl7":      []byte("MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5.1\rPID|1\rOBX|1|NM|x\r"),
	} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, content, 0o600))
		_, err := n.put("lab", patient, path, "")
		require.ErrorContains(t, err, "invalid record", name)
	}
	require.Equal(t, before, n.mustCLI("q", "records", "by-patient", patient, "-o", "json"), "nothing anchored")
	require.Equal(t, blobsBefore, countFiles(t, filepath.Join(n.vaultDir(), "blobs")), "nothing uploaded")

	// Erasure: the patient destroys the CT, in the vault and then on chain;
	// nobody can fetch it afterwards, and the chain keeps nothing of it.
	n.mustCLI("records", "erase", strconv.FormatUint(ct.ID, 10), "--from", "patient2", "--vault", vaultURL)
	require.NoFileExists(t, filepath.Join(n.vaultDir(), "blobs", ct.CID))
	err = n.get("patient2", ct.ID, filepath.Join(dir, "erased"))
	require.ErrorContains(t, err, "erased")
	_, err = n.cli("q", "records", "record", strconv.FormatUint(ct.ID, 10), "-o", "json")
	require.ErrorContains(t, err, "record erased")
	_, err = n.cli("q", "records", "by-cid", ct.CID, "-o", "json")
	require.ErrorContains(t, err, "no record anchors")

	// No plaintext in any block.
	scanBlocks(t, n, allNeedles())
}

func allNeedles() []string {
	var out []string
	for _, f := range recordFixtures {
		out = append(out, f.needles...)
	}
	return out
}

func (n *node) vaultDir() string { return filepath.Join(filepath.Dir(n.home), "vault") }

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	return len(entries)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// scanBlocks reads every block through CometBFT RPC and looks for the needles
// in the raw transactions and in the block results (events).
func scanBlocks(t *testing.T, n *node, needles []string) {
	t.Helper()
	var st struct {
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("status")), &st))
	latest, err := strconv.Atoi(st.SyncInfo.LatestBlockHeight)
	require.NoError(t, err)
	txs := 0
	for h := 1; h <= latest; h++ {
		block := httpGet(t, fmt.Sprintf("%s/block?height=%d", rpcURL, h))
		var b struct {
			Result struct {
				Block struct {
					Data struct {
						Txs []string `json:"txs"`
					} `json:"data"`
				} `json:"block"`
			} `json:"result"`
		}
		require.NoError(t, json.Unmarshal([]byte(block), &b))
		var raw []byte
		for _, tx := range b.Result.Block.Data.Txs {
			bz, err := base64.StdEncoding.DecodeString(tx)
			require.NoError(t, err)
			raw = append(raw, bz...)
			txs++
		}
		results := httpGet(t, fmt.Sprintf("%s/block_results?height=%d", rpcURL, h))
		for _, needle := range needles {
			require.False(t, bytes.Contains(raw, []byte(needle)), "plaintext %q in a transaction of block %d", needle, h)
			require.NotContains(t, results, needle, "plaintext in the results of block %d", h)
		}
	}
	require.Positive(t, txs)
	t.Logf("scanned %d blocks, %d transactions: no plaintext", latest, txs)
}

var rpcURL = fmt.Sprintf("http://127.0.0.1:%d", 26657+portOffset)
