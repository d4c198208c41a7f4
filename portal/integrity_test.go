package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/healthchain/healthd/internal/hl7v2"
	"github.com/healthchain/healthd/internal/jcs"
	"github.com/healthchain/healthd/internal/unixfs"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// nodeRunner imports src/integrity.js (the portal's own code, not the
// bundle) and answers each job read from stdin.
const nodeRunner = `
import { readFileSync } from "node:fs";
const m = await import(process.argv[1]);
const jobs = JSON.parse(readFileSync(0, "utf8"));
const b64 = (u) => Buffer.from(u).toString("base64");
const out = jobs.map((j) => {
  const data = new Uint8Array(readFileSync(j.file));
  try {
    switch (j.kind) {
      case "cid": return m.cidOf(data);
      case "canonical": return b64(m.canonical(data, j.format));
      case "commitment": return b64(m.commitmentOf(Buffer.from(j.salt, "base64"), m.canonical(data, j.format)));
      case "check": m.checkCommitment(data, j.format, Buffer.from(j.salt, "base64"), Buffer.from(j.want, "base64")); return "match";
    }
  } catch (e) {
    return "error: " + e.message;
  }
});
process.stdout.write(JSON.stringify(out));
`

type job struct {
	Kind   string `json:"kind"`
	File   string `json:"file"`
	Format string `json:"format,omitempty"`
	Salt   string `json:"salt,omitempty"`
	Want   string `json:"want,omitempty"`
}

// runNode runs the portal's integrity functions over jobs. Without node or
// the portal's node_modules (make test and make portal install them) the
// test is skipped, except under CI=true, where it fails.
func runNode(t *testing.T, jobs []job) []string {
	t.Helper()
	skip := t.Skip
	if os.Getenv("CI") == "true" {
		skip = t.Fatal
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("no node binary: the portal's integrity functions are checked by TestPortal in the browser")
	}
	if _, err := os.Stat("node_modules/@noble/hashes"); err != nil {
		skip("portal/node_modules is not installed (make portal-deps): the portal's integrity functions are checked by TestPortal in the browser")
	}
	src, err := filepath.Abs("src/integrity.js")
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(jobs)
	cmd := exec.Command(node, "--input-type=module", "-e", nodeRunner, "file://"+filepath.ToSlash(src))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var res []string
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(jobs) {
		t.Fatalf("node answered %q (%v)", out, err)
	}
	return res
}

// pseudo returns n deterministic bytes (SHA-256 in counter mode).
func pseudo(n int) []byte {
	out := make([]byte, 0, n+sha256.Size)
	var ctr [8]byte
	for i := 0; len(out) < n; i++ {
		ctr[0], ctr[1], ctr[2], ctr[3] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
		s := sha256.Sum256(ctr[:])
		out = append(out, s[:]...)
	}
	return out[:n]
}

func write(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIntegrityCID: the browser's CID is unixfs.SumBytes's, for the known
// vectors (ipfs add --cid-version=1) and at every boundary of the chunker
// and of the DAG's fan-out.
func TestIntegrityCID(t *testing.T) {
	dir := t.TempDir()
	known := map[string]string{ // from internal/unixfs's tests, checked there against ipfs/boxo
		"":              "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
		"hello world\n": "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4",
		"hello world":   "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
	}
	var jobs []job
	var want []string
	i := 0
	for in, cid := range known {
		if got := unixfs.SumBytes([]byte(in)); got != cid {
			t.Fatalf("the Go vector moved: %q gives %s, want %s", in, got, cid)
		}
		jobs = append(jobs, job{Kind: "cid", File: write(t, dir, "known"+string(rune('a'+i)), []byte(in))})
		want = append(want, cid)
		i++
	}
	const c = unixfs.ChunkSize
	big := pseudo(unixfs.MaxLinks*c + c + 7)
	for _, n := range []int{1, c - 1, c, c + 1, 3*c + 5, unixfs.MaxLinks * c, unixfs.MaxLinks*c + 1, len(big)} {
		jobs = append(jobs, job{Kind: "cid", File: write(t, dir, "size"+itoa(n), big[:n])})
		want = append(want, unixfs.SumBytes(big[:n]))
	}
	got := runNode(t, jobs)
	for k := range jobs {
		if got[k] != want[k] {
			t.Errorf("%s: browser %s, Go %s", filepath.Base(jobs[k].File), got[k], want[k])
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestIntegrityCommitment: the browser's canonical bytes and commitment are
// the Go client's (jcs.Canonicalize, hl7v2.Canonical, the DICOM bytes
// themselves; types.Commitment) for the repository's record test data and
// JSON that exercises every canonicalisation rule; a changed record or salt
// is refused.
func TestIntegrityCommitment(t *testing.T) {
	dir := t.TempDir()
	salt := pseudo(recordstypes.SaltSize)
	type rec struct {
		name, format string
		bytes        []byte
		canonical    []byte
	}
	var recs []rec
	for _, f := range []string{"observation_lab.json", "bundle_collection.json"} {
		b, err := os.ReadFile(filepath.Join("..", "internal", "fhirr4", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		cb, err := jcs.Canonicalize(b)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec{f, "FORMAT_FHIR_R4", b, cb})
	}
	for i, s := range []string{
		`{"b":1,"a":{"z":[1.50,1e2,-0,0.1E-7],"é":"\u00e9\ud834\udd1e","\u20ac":"\u0000\u001F\b\/<>&\u2028"}, "a\u0000":true, "":null}`,
		"\r\n\t [ {\"\uffff\":1,\"\U0001F600\":2,\"\ue000\":3} , \"\\\"\\\\\" , false ]  ",
	} {
		cb, err := jcs.Canonicalize([]byte(s))
		if err != nil {
			t.Fatalf("json %d: %v", i, err)
		}
		recs = append(recs, rec{"json" + itoa(i), "FHIR_R4", []byte(s), cb})
	}
	hl7, err := os.ReadFile(filepath.Join("..", "internal", "hl7v2", "testdata", "oru_r01.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range [][]byte{hl7, bytes.ReplaceAll(hl7, []byte("\r"), []byte("\r\n")), append(bytes.ReplaceAll(hl7, []byte("\r"), []byte("\n")), " \n\n"...)} {
		cb, err := hl7v2.Canonical(v)
		if err != nil {
			t.Fatalf("hl7 %d: %v", i, err)
		}
		recs = append(recs, rec{"hl7-" + itoa(i), "FORMAT_HL7_V2", v, cb})
	}
	dcm, err := os.ReadFile(filepath.Join("..", "internal", "dicom", "testdata", "ct_small.dcm"))
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, rec{"ct_small.dcm", "FORMAT_DICOM", dcm, dcm})

	var jobs []job
	var want []string
	b64 := base64.StdEncoding.EncodeToString
	for _, r := range recs {
		p := write(t, dir, r.name, r.bytes)
		commitment := recordstypes.Commitment(salt, r.canonical)
		otherSalt := append([]byte{salt[0] ^ 1}, salt[1:]...)
		jobs = append(jobs,
			job{Kind: "canonical", File: p, Format: r.format},
			job{Kind: "commitment", File: p, Format: r.format, Salt: b64(salt)},
			job{Kind: "check", File: p, Format: r.format, Salt: b64(salt), Want: b64(commitment)},
			job{Kind: "check", File: p, Format: r.format, Salt: b64(otherSalt), Want: b64(commitment)},
		)
		want = append(want, b64(r.canonical), b64(commitment), "match", "error: This record was not shown: its content does not match")
		// One byte of the record changed (inside a value, so it still parses).
		changed := bytes.Replace(r.bytes, []byte("1"), []byte("2"), 1)
		if !bytes.Equal(changed, r.bytes) {
			jobs = append(jobs, job{Kind: "check", File: write(t, dir, r.name+".changed", changed), Format: r.format, Salt: b64(salt), Want: b64(commitment)})
			want = append(want, "error: This record was not shown")
		}
	}
	got := runNode(t, jobs)
	for k := range jobs {
		ok := got[k] == want[k]
		if len(want[k]) > 6 && want[k][:6] == "error:" {
			ok = len(got[k]) >= len(want[k]) && got[k][:len(want[k])] == want[k]
		}
		if !ok {
			t.Errorf("%s %s: browser %.200s, Go %.200s", jobs[k].Kind, filepath.Base(jobs[k].File), got[k], want[k])
		}
	}
}
