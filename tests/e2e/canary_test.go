package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Canaries: what would be protected health information if it reached the
// chain, an event, a packet or a log. The flows carry them in every input
// that can hold free text or an identifier: the records of each format, the
// claims member id, the dispense's Rx number; then every place a member or an
// operator can read is scanned for them, in clear, base64 and hex.
const (
	canaryFamily    = "ZARKOVSKY"
	canaryGiven     = "QUILLON"
	canaryMRN       = "MRN-QZ44170"
	canaryBirth     = "1953-08-27"
	canaryBirthDA   = "19530827" // DICOM DA and HL7 DT form
	canaryDiagnosis = "Zarkovsky syndrome with hyperglycaemia"
	canaryProcedure = "ZARKOVECTOMY"
	canaryMemberID  = "MEM-QZ771204"
	canaryRx        = "RX-QZ-5520931"
)

// canaryWords are the strings searched for: each canary, and the case forms
// the inputs use.
func canaryWords() []string {
	return []string{canaryFamily, "Zarkovsky", canaryGiven, "Quillon", canaryMRN, canaryBirth, canaryBirthDA,
		canaryDiagnosis, strings.ToUpper(canaryDiagnosis), canaryProcedure, "zarkovectomy", canaryMemberID, canaryRx}
}

// needleForms returns a word in clear, in hex (both cases) and in base64
// (standard and URL alphabets) at each of the three alignments it can have
// inside a longer encoded string: the characters determined by the word's
// bytes alone.
func needleForms(word string) []string {
	w := []byte(word)
	out := []string{word, hex.EncodeToString(w), strings.ToUpper(hex.EncodeToString(w))}
	for k := 0; k < 3; k++ {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, k), w...))
		start := (k*8 + 5) / 6
		end := (k + len(w)) * 8 / 6
		if end-start < 8 {
			continue
		}
		s := enc[start:end]
		out = append(out, s, strings.NewReplacer("+", "-", "/", "_").Replace(s))
	}
	return out
}

// canaryScan counts the places scanned and reports any hit.
type canaryScan struct {
	t      *testing.T
	forms  map[string]string // form -> word
	places int
	bytes  int
	hits   []string
}

func newCanaryScan(t *testing.T) *canaryScan {
	s := &canaryScan{t: t, forms: map[string]string{}}
	for _, w := range canaryWords() {
		for _, f := range needleForms(w) {
			s.forms[f] = w
		}
	}
	return s
}

func (s *canaryScan) scan(place string, data []byte) {
	s.places++
	s.bytes += len(data)
	for f, w := range s.forms {
		if i := bytes.Index(data, []byte(f)); i >= 0 {
			s.hits = append(s.hits, fmt.Sprintf("%s: %q (as %q) at byte %d", place, w, f, i))
		}
	}
}

// scanFile scans a file (a log), which must exist.
func (s *canaryScan) scanFile(path string) {
	bz, err := os.ReadFile(path)
	require.NoError(s.t, err, "a place the canary scan must read")
	s.scan(path, bz)
}

// scanChain scans every block's transactions (raw) and results (events) of
// the node at rpc.
func (s *canaryScan) scanChain(name, rpc string) {
	latest, err := rpcHeight(rpc)
	require.NoError(s.t, err)
	txs := 0
	for h := int64(1); h <= latest; h++ {
		block := httpGet(s.t, fmt.Sprintf("%s/block?height=%d", rpc, h))
		var b struct {
			Result struct {
				Block struct {
					Data struct {
						Txs []string `json:"txs"`
					} `json:"data"`
				} `json:"block"`
			} `json:"result"`
		}
		require.NoError(s.t, json.Unmarshal([]byte(block), &b))
		for i, tx := range b.Result.Block.Data.Txs {
			bz, err := base64.StdEncoding.DecodeString(tx)
			require.NoError(s.t, err)
			s.scan(fmt.Sprintf("%s block %d tx %d", name, h, i), bz)
			txs++
		}
		s.scan(fmt.Sprintf("%s block %d", name, h), []byte(block))
		s.scan(fmt.Sprintf("%s block %d results (events)", name, h), []byte(httpGet(s.t, fmt.Sprintf("%s/block_results?height=%d", rpc, h))))
	}
	s.t.Logf("canary scan of %s: %d blocks, %d transactions", name, latest, txs)
}

// done fails on any hit and logs the count.
func (s *canaryScan) done() {
	s.t.Helper()
	require.Empty(s.t, s.hits, "canaries found")
	s.t.Logf("canary scan: %d places, %d bytes, %d canary words in %d forms: 0 hits", s.places, s.bytes, len(canaryWords()), len(s.forms))
}

// writeCanaryRecords writes a FHIR Bundle, an HL7 v2 ORU and a DICOM file
// carrying the canaries, from the test fixtures, into dir.
func writeCanaryRecords(t *testing.T, dir string) []fixture {
	t.Helper()
	replace := func(src string, pairs ...string) []byte {
		bz := mustRead(t, filepath.Join(repoRoot, src))
		for i := 0; i < len(pairs); i += 2 {
			require.True(t, bytes.Contains(bz, []byte(pairs[i])), "%s has %q", src, pairs[i])
			if strings.HasSuffix(src, ".dcm") {
				require.Len(t, pairs[i+1], len(pairs[i]), "DICOM values keep their length")
			}
			bz = bytes.ReplaceAll(bz, []byte(pairs[i]), []byte(pairs[i+1]))
		}
		return bz
	}
	files := []struct {
		fixture
		data []byte
	}{
		{fixture{name: "canary FHIR Bundle", path: "canary_bundle.json", category: "Encounter"},
			replace("internal/fhirr4/testdata/bundle_collection.json",
				`"Testpatient"`, `"Zarkovsky"`, `"Synthia"`, `"Quillon"`, `"1980-01-01"`, `"`+canaryBirth+`"`,
				`"text": "Glucose"`, `"text": "`+canaryDiagnosis+`"`)},
		{fixture{name: "canary lab Observation", path: "canary_observation.json"},
			replace("internal/fhirr4/testdata/observation_lab.json",
				"LAB-2024-000123", canaryMRN, "Synthia Testpatient", "Quillon Zarkovsky", `"text": "Glucose"`, `"text": "after zarkovectomy"`)},
		{fixture{name: "canary HL7 v2 ORU", path: "canary_oru.hl7"},
			replace("internal/hl7v2/testdata/oru_r01.hl7",
				"TESTPATIENT^SYNTHETIC", canaryFamily+"^"+canaryGiven, "TEST-000001", canaryMRN, "|19700101|", "|"+canaryBirthDA+"|",
				"SYNTHETIC TEST DATA \\T\\ NOT A REAL PATIENT", strings.ToUpper(canaryDiagnosis))},
		{fixture{name: "canary DICOM CT", path: "canary_ct.dcm"},
			replace("internal/dicom/testdata/ct_small.dcm",
				"TESTPATIENT^SYNTHETIC ", "ZARKOVSKY^QUILLON     ", "TEST-000001 ", canaryMRN+" ", "19700101", canaryBirthDA,
				"SYNTHETIC CT HEAD ", canaryProcedure+" SCAN ")},
	}
	var out []fixture
	for _, f := range files {
		path := filepath.Join(dir, f.path)
		require.NoError(t, os.WriteFile(path, f.data, 0o600))
		f.fixture.path = path
		out = append(out, f.fixture)
	}
	return out
}

// canaryRecords anchors the canary records for patient2 (the lab writes
// them), reads them back as the patient through the vault, and reads their
// anchors through the gateway as the patient and as a hospital.
func canaryRecords(t *testing.T, n *node) {
	patient := n.addr("patient2")
	dir := t.TempDir()
	for _, f := range writeCanaryRecords(t, dir) {
		res, err := n.put("lab", patient, f.path, f.category)
		require.NoError(t, err, f.name)
		out := filepath.Join(dir, "read-"+strconv.FormatUint(res.ID, 10))
		require.NoError(t, n.get("patient2", res.ID, out), f.name)
		plain := mustRead(t, f.path)
		require.Equal(t, plain, mustRead(t, out), "%s: the patient reads back what the lab wrote", f.name)
	}
	gw := fmt.Sprintf("http://127.0.0.1:%d", 8089+portOffset)
	for _, who := range []string{"patient2", "hospital"} {
		tok := strings.TrimSpace(n.mustCLI("gateway", "login", "--from", who, "--gateway", gw))
		n.gatewayGet(gw, tok, "/fhir/DocumentReference?patient="+patient)
		n.gatewayGet(gw, tok, "/fhir/Consent?patient="+patient)
		n.gatewayGet(gw, tok, "/fhir/AuditEvent?patient="+patient)
	}
}

// gatewayGet sends a GET to the gateway with a session token; the answer's
// status does not matter here (the gateway's tests check it), only that a
// request was made and logged.
func (n *node) gatewayGet(gw, token, path string) {
	req, err := http.NewRequest(http.MethodGet, gw+path, nil)
	require.NoError(n.t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := rpcClient.Do(req)
	require.NoError(n.t, err)
	resp.Body.Close()
}
