package hl7v2

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Synthetic data only. These tokens appear in inputs of the error tests and
// must never appear in an error message.
var phiTokens = []string{"TESTPATIENT", "SYNTHETIC", "19700101", "TEST-000", "TESTVILLE", "SECRET"}

const adtA01 = "MSH|^~\\&|SYNTH-ADT|SYNTH-HOSP|HEALTHD|HEALTHD-NODE|20240315090000||ADT^A01^ADT_A01|SYNTH-MSG-0002|P|2.5\r" +
	"EVN|A01|20240315090000\r" +
	"PID|1||TEST-000002^^^SYNTH-HOSP^MR||TESTPATIENT^SECOND||19800202|F\r" +
	"PV1|1|I|WARD-1^101^A\r"

func readFixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/oru_r01.hl7")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// msg joins segments with CR and appends a final CR.
func msg(segs ...string) string { return strings.Join(segs, "\r") + "\r" }

const mshORU = "MSH|^~\\&|SND|FAC|RCV|FAC|20240101000000||ORU^R01|CTRL1|P|2.5.1"

func TestParseORUFixture(t *testing.T) {
	m, err := Parse(readFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.FieldSeparator != '|' || m.EncodingChars != `^~\&` {
		t.Errorf("separators %q %q", m.FieldSeparator, m.EncodingChars)
	}
	if m.MessageType != "ORU^R01" || m.ControlID != "SYNTH-MSG-0001" || m.ProcessingID != "P" || m.Version != "2.5.1" {
		t.Errorf("header %q %q %q %q", m.MessageType, m.ControlID, m.ProcessingID, m.Version)
	}
	var ids []string
	for _, s := range m.Segments {
		ids = append(ids, s.ID)
		if s.Fields[0] != s.ID {
			t.Errorf("segment %s: Fields[0] = %q", s.ID, s.Fields[0])
		}
	}
	want := "MSH SFT PID PV1 ORC OBR OBX OBX OBX OBX NTE"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("segments %q, want %q", got, want)
	}
	msh := m.Segments[0]
	for n, v := range map[int]string{
		0: "MSH", 1: "|", 2: `^~\&`, 3: "SYNTH-LIS", 9: "ORU^R01^ORU_R01", 10: "SYNTH-MSG-0001",
		12: "2.5.1", 21: "LRI_Common_Component^^2.16.840.1.113883.9.16^ISO", 22: "", 99: "", -1: "",
	} {
		if got := msh.Field(n); got != v {
			t.Errorf("MSH-%d = %q, want %q", n, got, v)
		}
	}
	pid := m.Segments[2]
	if pid.Field(3) != "TEST-000001^^^SYNTH-HOSP^MR" || pid.Field(5) != "TESTPATIENT^SYNTHETIC^A^^^^L" || pid.Field(7) != "19700101" {
		t.Errorf("PID fields %q", pid.Fields)
	}
	obr := m.Segments[5]
	if obr.Field(4) != "24331-1^Lipid panel - Serum or Plasma^LN" || obr.Field(25) != "F" || obr.Field(22) != "20240315082500-0500" {
		t.Errorf("OBR fields %q", obr.Fields)
	}
	obx := m.Segments[6]
	if obx.Field(2) != "NM" || obx.Field(5) != "185" || obx.Field(11) != "F" {
		t.Errorf("OBX fields %q", obx.Fields)
	}
	// Escape sequences are kept raw.
	if nte := m.Segments[10]; !strings.Contains(nte.Field(3), `\T\`) {
		t.Errorf("NTE-3 = %q, want raw escape", nte.Field(3))
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name, in             string
		typ, ctrl, proc, ver string
		segs                 int
	}{
		{"ADT^A01", adtA01, "ADT^A01", "SYNTH-MSG-0002", "P", "2.5", 4},
		{"ADT without EVN", "MSH|^~\\&|||||||ADT^A08|C|P|2.3\rPID|1\r", "ADT^A08", "C", "P", "2.3", 2},
		{"MSH only for ACK", "MSH|^~\\&|||||||ACK^A01|C|P|2.4", "ACK^A01", "C", "P", "2.4", 1},
		{"ACK with MSA", msg("MSH|^~\\&|||||||ACK^R01^ACK|C|P^T|2.8.2^USA", "MSA|AA|CTRL1"), "ACK^R01", "C", "P", "2.8.2", 2},
		{"ORM", msg("MSH|^~\\&|||||||ORM^O01|C||2.3.1", "PID|1", "ORC|NW"), "ORM^O01", "C", "", "2.3.1", 3},
		{"OML", msg("MSH|^~\\&|||||||OML^O21|C|D|2.6", "PID|1", "ORC|NW", "OBR|1"), "OML^O21", "C", "D", "2.6", 4},
		{"other separators", "MSH#$%*@#SND######ORU$R01$ORU_R01#C#T#2.7\rPID#1\rOBR#1\rOBX#1\r", "", "", "", "", 0},
		{"truncation char v2.7", "MSH|^~\\&#|||||||ADT^A04|C|P|2.7.1\rPID|1\r", "ADT^A04", "C", "P", "2.7.1", 2},
		{"segment with no fields", msg(mshORU, "PID", "OBR|1", "OBX|1", "ZXY"), "ORU^R01", "CTRL1", "P", "2.5.1", 5},
		{"Z segment and digits", msg(mshORU, "PID|1", "OBR|1", "OBX|1", "ZA1|x", "Z99|y"), "ORU^R01", "CTRL1", "P", "2.5.1", 6},
		{"short message type codes", "MSH|^~\\&|||||||Q^A1|C|P|2.1", "Q^A1", "C", "P", "2.1", 1},
		{"tabs and 8-bit bytes in fields", msg(mshORU, "PID|1||\tx\xe9\xff", "OBR|1", "OBX|1"), "ORU^R01", "CTRL1", "P", "2.5.1", 4},
		{"trailing blank lines", mshORU + "\rPID|1\rOBR|1\rOBX|1\r\n\r\n \t\n\n", "ORU^R01", "CTRL1", "P", "2.5.1", 4},
		{"no final terminator", mshORU + "\rPID|1\rOBR|1\rOBX|1|x", "ORU^R01", "CTRL1", "P", "2.5.1", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "other separators" {
				if m.FieldSeparator != '#' || m.EncodingChars != "$%*@" || m.MessageType != "ORU^R01" || m.ControlID != "C" || m.Version != "2.7" {
					t.Fatalf("got %+v", m)
				}
				if m.Segments[0].Field(9) != "ORU$R01$ORU_R01" || m.Segments[0].Field(1) != "#" {
					t.Fatalf("MSH fields %q", m.Segments[0].Fields)
				}
				return
			}
			if m.MessageType != tt.typ || m.ControlID != tt.ctrl || m.ProcessingID != tt.proc || m.Version != tt.ver || len(m.Segments) != tt.segs {
				t.Fatalf("got %q %q %q %q %d segments", m.MessageType, m.ControlID, m.ProcessingID, m.Version, len(m.Segments))
			}
		})
	}
}

func TestTrailingSpacesOfLastSegmentKept(t *testing.T) {
	m, err := Parse([]byte(mshORU + "\rPID|1\rOBR|1\rOBX|1|x  \r  \r"))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Segments[3].Field(2); got != "x  " {
		t.Fatalf("OBX-2 = %q", got)
	}
}

func TestCanonicalLineEndings(t *testing.T) {
	fixture := readFixture(t)
	want, err := Canonical(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, fixture) {
		t.Fatalf("fixture (CR-terminated) is not canonical")
	}
	lines := strings.Split(strings.TrimSuffix(string(fixture), "\r"), "\r")
	variants := map[string]string{
		"CR":                 strings.Join(lines, "\r") + "\r",
		"LF":                 strings.Join(lines, "\n") + "\n",
		"CRLF":               strings.Join(lines, "\r\n") + "\r\n",
		"CR no final":        strings.Join(lines, "\r"),
		"LF no final":        strings.Join(lines, "\n"),
		"CRLF trailing junk": strings.Join(lines, "\r\n") + "\r\n\r\n  \n\t\r",
		"mixed":              lines[0] + "\r\n" + strings.Join(lines[1:4], "\n") + "\n" + strings.Join(lines[4:], "\r") + "\n",
	}
	for name, in := range variants {
		got, err := Canonical([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: canonical differs:\n%q\n%q", name, got, want)
		}
	}
	if !strings.HasSuffix(string(want), "PATIENT\r") || strings.Contains(string(want), "\n") || strings.Contains(string(want), "\r\r") {
		t.Errorf("canonical form %q", want)
	}
}

func TestCanonicalADT(t *testing.T) {
	got, err := Canonical([]byte(strings.ReplaceAll(adtA01, "\r", "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != adtA01 {
		t.Fatalf("got %q", got)
	}
	if _, err := Canonical([]byte("MSH|^~\\&")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Canonical of invalid input: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	// Inputs carry synthetic patient data so that the test can check that
	// no field content leaks into error messages.
	pid := "PID|1||TEST-000001^^^H^MR||TESTPATIENT^SYNTHETIC||19700101|U"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty input"},
		{"NUL", mshORU + "\r" + pid + "\x00\r", "NUL byte at offset 123"},
		{"control char", mshORU + "\r" + pid + "\x1b[0m\r", "control character 0x1B at offset 123"},
		{"DEL", mshORU + "\r" + pid + "\x7f", "control character 0x7F"},
		{"not MSH", pid + "\r" + mshORU, "does not start with an MSH segment"},
		{"leading blank line", "\r" + mshORU, "does not start with an MSH segment"},
		{"leading space", " " + mshORU, "does not start with an MSH segment"},
		{"only blanks", "\r\n \t\r", "does not start with an MSH segment"},
		{"lower-case msh", "msh|^~\\&", "does not start with an MSH segment"},
		{"file header", "FHS|^~\\&\rBHS|^~\\&\r" + mshORU, "batches and files (FHS/BHS) are not supported"},
		{"batch header", "BHS|^~\\&\r" + mshORU, "batches and files (FHS/BHS) are not supported"},
		{"MSH alone", "MSH", "no field separator (MSH-1)"},
		{"MSH then CR", "MSH\r" + pid, "no field separator (MSH-1)"},
		{"alnum field separator", "MSHA^~\\&", "field separator (MSH-1) is not printable ASCII punctuation"},
		{"space field separator", "MSH ^~\\&", "field separator (MSH-1) is not printable ASCII punctuation"},
		{"tab field separator", "MSH\t^~\\&", "field separator (MSH-1) is not printable ASCII punctuation"},
		{"8-bit field separator", "MSH\xa6^~\\&", "field separator (MSH-1) is not printable ASCII punctuation"},
		{"no encoding chars", "MSH|", "encoding characters (MSH-2, up to the next field separator) are 0 characters, want 4 or 5"},
		{"3 encoding chars", "MSH|^~\\|||||||ADT^A01|C|P|2.5", "are 3 characters, want 4 or 5"},
		{"6 encoding chars", "MSH|^~\\&#!|", "are 6 characters, want 4 or 5"},
		{"alnum encoding char", "MSH|^~\\A|", "encoding character 4 (MSH-2) is not printable ASCII punctuation"},
		{"space encoding char", "MSH|^ \\&|", "encoding character 2 (MSH-2) is not printable ASCII punctuation"},
		{"tab encoding char", "MSH|^~\t&|", "encoding character 3 (MSH-2) is not printable ASCII punctuation"},
		{"encoding char equals field separator", "MSH|^|\\&|", "(MSH-2, up to the next field separator) are 1 characters"},
		{"duplicate encoding char", "MSH|^~\\^|", "encoding character 4 (MSH-2) repeats an earlier one"},
		{"empty line between segments", mshORU + "\r\r" + pid, "segment 2 (offset 63): empty line between segments"},
		{"LF CR is two terminators", mshORU + "\n\r" + pid, "segment 2 (offset 63): empty line between segments"},
		{"lower-case segment id", msg(mshORU, "pid|1"), "segment 2 (offset 63): segment id is not three upper-case letters or digits starting with a letter"},
		{"segment id starts with digit", msg(mshORU, "1ID|1"), "segment 2 (offset 63): segment id is not three"},
		{"short segment id", msg(mshORU, "PI"), "segment 2 (offset 63): segment id is not three"},
		{"continuation line", msg(mshORU, pid, "SYNTHETIC TEXT AFTER A LINE BREAK"), "segment 3 (offset 124): segment id is not followed by the field separator"},
		{"whitespace line in middle", msg(mshORU, " ", pid), "segment 2 (offset 63): segment id is not three"},
		{"second MSH", msg(mshORU, pid, "OBR|1", "OBX|1", mshORU), "segment 5 (MSH): second MSH segment"},
		{"BHS later", msg(mshORU, "BHS|^~\\&"), "segment 2 (BHS): batches and files (FHS/BHS/BTS/FTS) are not supported"},
		{"BTS", msg(mshORU, pid, "OBR|1", "OBX|1", "BTS|1"), "segment 5 (BTS): batches and files"},
		{"FTS", msg(mshORU, pid, "OBR|1", "OBX|1", "FTS|1"), "segment 5 (FTS): batches and files"},
		{"MSH-9 missing", "MSH|^~\\&|||||||", "MSH-9 message type is missing"},
		{"MSH-9 empty", "MSH|^~\\&||||||||C|P|2.5", "MSH-9 message type is missing"},
		{"MSH-9 one component", "MSH|^~\\&|||||||ADT|C|P|2.5", "MSH-9 message type has no trigger event (component 2)"},
		{"MSH-9 empty event", "MSH|^~\\&|||||||ADT^^ADT_A01|C|P|2.5", "MSH-9 message type has no trigger event (component 2)"},
		{"MSH-9 empty code", "MSH|^~\\&|||||||^A01|C|P|2.5", "MSH-9 message type component 1 is not 1 to 3 upper-case letters or digits"},
		{"MSH-9 lower case", "MSH|^~\\&|||||||adt^A01|C|P|2.5", "MSH-9 message type component 1 is not"},
		{"MSH-9 long event", "MSH|^~\\&|||||||ADT^A011|C|P|2.5", "MSH-9 message type component 2 is not"},
		{"MSH-9 repetition", "MSH|^~\\&|||||||ADT^A01~ADT^A04|C|P|2.5", "MSH-9 message type component 2 is not"},
		{"MSH-10 missing", "MSH|^~\\&|||||||ADT^A01", "MSH-10 message control id is missing"},
		{"MSH-10 empty", "MSH|^~\\&|||||||ADT^A01||P|2.5", "MSH-10 message control id is missing"},
		{"MSH-12 missing", "MSH|^~\\&|||||||ADT^A01|C|P", "MSH-12 version id is missing"},
		{"MSH-12 empty first component", "MSH|^~\\&|||||||ADT^A01|C|P|^USA", "MSH-12 version id is missing"},
		{"MSH-12 v3", "MSH|^~\\&|||||||ADT^A01|C|P|3.0", "MSH-12 version id is not a known HL7 v2 version (2.1 to 2.8.2)"},
		{"MSH-12 2.9", "MSH|^~\\&|||||||ADT^A01|C|P|2.9", "MSH-12 version id is not a known"},
		{"MSH-12 2.5.2", "MSH|^~\\&|||||||ADT^A01|C|P|2.5.2", "MSH-12 version id is not a known"},
		{"MSH-12 with spaces", "MSH|^~\\&|||||||ADT^A01|C|P| 2.5", "MSH-12 version id is not a known"},
		{"ORU MSH only", mshORU, "ORU^R01 message has no PID segment"},
		{"ORU without OBR", msg(mshORU, pid, "OBX|1|NM|X||19700101"), "ORU^R01 message has no OBR segment"},
		{"ORU without OBX", msg(mshORU, pid, "OBR|1"), "ORU^R01 message has no OBX segment"},
		{"ADT without PID", msg("MSH|^~\\&|||||||ADT^A01|C|P|2.5", "EVN|A01"), "ADT^A01 message has no PID segment"},
		{"ORM without ORC", msg("MSH|^~\\&|||||||ORM^O01|C|P|2.5", pid), "ORM^O01 message has no ORC segment"},
		{"OML without PID", msg("MSH|^~\\&|||||||OML^O21|C|P|2.5", "ORC|NW"), "OML^O21 message has no PID segment"},
		{"too large", mshORU + "\r" + strings.Repeat("A", MaxSize), "input is 16777279 bytes, more than the limit of 16777216"},
		{"too many segments", mshORU + strings.Repeat("\rZZZ", MaxSegments), "more than 100000 segments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", m)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			if !strings.HasPrefix(err.Error(), "hl7v2: malformed message: ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want it to contain %q", err, tt.want)
			}
			for _, tok := range phiTokens {
				if strings.Contains(err.Error(), tok) {
					t.Fatalf("error %q contains field content %q", err, tok)
				}
			}
			if m != nil {
				t.Fatalf("non-nil message with error")
			}
			if _, cerr := Canonical([]byte(tt.in)); cerr == nil || cerr.Error() != err.Error() {
				t.Fatalf("Canonical error %v, Parse error %v", cerr, err)
			}
		})
	}
}

func TestSegmentLimitIsInclusive(t *testing.T) {
	in := mshORU + "\rPID|1\rOBR|1\rOBX|1" + strings.Repeat("\rZZZ", MaxSegments-4)
	m, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Segments) != MaxSegments {
		t.Fatalf("%d segments", len(m.Segments))
	}
}

func TestLargeInputIsFast(t *testing.T) {
	// A message of MaxSize bytes parses in linear time.
	obx := "OBX|1|TX|X||" + strings.Repeat("x", 200)
	var b strings.Builder
	b.WriteString(mshORU + "\rPID|1\rOBR|1")
	for b.Len()+len(obx)+1 <= MaxSize {
		b.WriteString("\r" + obx)
	}
	start := time.Now()
	m, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	if len(m.Segments) < 70000 {
		t.Fatalf("%d segments", len(m.Segments))
	}
}

// checkCanonical asserts the properties that hold for any input that Parse
// accepts.
func checkCanonical(t *testing.T, in []byte, m *Message) {
	t.Helper()
	c, err := Canonical(in)
	if err != nil {
		t.Fatalf("Parse succeeded but Canonical failed: %v", err)
	}
	if len(c) == 0 || c[len(c)-1] != '\r' || bytes.IndexByte(c, '\n') >= 0 || bytes.Contains(c, []byte("\r\r")) {
		t.Fatalf("canonical form %q is not CR-terminated segments", c)
	}
	c2, err := Canonical(c)
	if err != nil {
		t.Fatalf("Canonical of canonical form failed: %v", err)
	}
	if !bytes.Equal(c, c2) {
		t.Fatalf("Canonical not idempotent:\n%q\n%q", c, c2)
	}
	m2, err := Parse(c)
	if err != nil {
		t.Fatalf("Parse of canonical form failed: %v", err)
	}
	if m.MessageType != m2.MessageType || m.ControlID != m2.ControlID || len(m.Segments) != len(m2.Segments) {
		t.Fatalf("canonical form changed the header or segment count")
	}
	if !reflect.DeepEqual(m, m2) {
		t.Fatalf("canonical form parses differently:\n%+v\n%+v", m, m2)
	}
	if got := bytes.Count(c, []byte{'\r'}); got != len(m.Segments) {
		t.Fatalf("%d terminators for %d segments", got, len(m.Segments))
	}
}

func FuzzParse(f *testing.F) {
	fixture := readFixture(f)
	f.Add(fixture)
	f.Add([]byte(strings.ReplaceAll(string(fixture), "\r", "\r\n")))
	f.Add([]byte(strings.ReplaceAll(string(fixture), "\r", "\n")))
	f.Add([]byte(adtA01))
	f.Add([]byte(msg("MSH|^~\\&|||||||ORM^O01|C||2.3.1", "PID|1", "ORC|NW")))
	f.Add([]byte("MSH#$%*@#SND######ORU$R01$ORU_R01#C#T#2.7\rPID#1\rOBR#1\rOBX#1\r"))
	f.Add([]byte("MSH|^~\\&|||||||ACK^A01|C|P|2.4\r\n \t\n"))
	f.Add([]byte("MSH|^~\\&|||||||ACK^A01|C|P|2.4\r\rMSA|AA"))
	f.Fuzz(func(t *testing.T, in []byte) {
		start := time.Now()
		m, err := Parse(in)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Parse took %v for %d bytes", d, len(in))
		}
		if err != nil {
			if m != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v with message %v", err, m)
			}
			return
		}
		if len(m.Segments) == 0 || m.Segments[0].ID != "MSH" || m.MessageType == "" || m.ControlID == "" || !knownVersions[m.Version] {
			t.Fatalf("accepted message lacks a required header: %+v", m)
		}
		checkCanonical(t, in, m)
	})
}
