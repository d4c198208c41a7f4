// Package hl7v2 is a strict parser for single HL7 version 2.x messages in
// the ER7 ("pipe and hat") encoding, as received from outside systems.
//
// Scope:
//   - one message per input, starting with an MSH segment; the field
//     separator and encoding characters are taken from MSH-1 and MSH-2;
//   - segments may end in CR, LF or CR LF; Canonical rewrites them to CR;
//   - the header fields MSH-9 (message type), MSH-10 (control id) and
//     MSH-12 (version, 2.1 to 2.8.2) are checked, and a few message types
//     must carry the segments that make them meaningful (see Parse).
//
// Not supported: batches and files (FHS, BHS, BTS, FTS, or a second MSH),
// XML encoding, MLLP framing bytes (strip them first), character set
// conversion (MSH-18 is not interpreted), escape sequences (fields are kept
// raw and are never unescaped), and validation of segment contents beyond
// the MSH fields named above.
//
// Errors never quote field contents, which may be patient data: they name
// segment numbers, segment ids that were found to be valid, field positions
// and byte offsets, and at most the (validated) message type.
package hl7v2

import (
	"errors"
	"fmt"
	"strings"
)

// ErrMalformed is wrapped by every error that Parse and Canonical return.
var ErrMalformed = errors.New("hl7v2: malformed message")

const (
	// MaxSize is the largest input, in bytes, that Parse accepts.
	MaxSize = 16 << 20
	// MaxSegments is the largest number of segments that Parse accepts.
	MaxSegments = 100000
)

// Message is a parsed HL7 v2 message. Field values are kept raw: escape
// sequences are not decoded and repetitions, components and subcomponents
// are not split, except for the header values copied into the fields below.
type Message struct {
	// FieldSeparator is MSH-1, usually '|'.
	FieldSeparator byte
	// EncodingChars is MSH-2: the component, repetition, escape and
	// subcomponent separators, usually "^~\\&", optionally followed by the
	// v2.7 truncation character, usually '#'.
	EncodingChars string
	// MessageType is the first two components of MSH-9 joined by '^',
	// for example "ORU^R01". The message structure (component 3) is dropped.
	MessageType string
	// ControlID is MSH-10.
	ControlID string
	// ProcessingID is the first component of MSH-11; it may be empty.
	ProcessingID string
	// Version is the first component of MSH-12, for example "2.5.1".
	Version string
	// Segments holds every segment in order, MSH first.
	Segments []Segment
}

// Segment is one segment of a message.
type Segment struct {
	// ID is the three-character segment id, for example "PID".
	ID string
	// Fields holds the raw fields, with Fields[0] equal to ID, so that
	// Fields[n] is field n in HL7 numbering. For the MSH segment,
	// Fields[1] is the field separator (MSH-1) and Fields[2] the encoding
	// characters (MSH-2).
	Fields []string
}

// Field returns field n of the segment in HL7 numbering (Field(0) is the
// segment id; for MSH, Field(1) is the field separator), or "" if the
// segment has no field n.
func (s Segment) Field(n int) string {
	if n < 0 || n >= len(s.Fields) {
		return ""
	}
	return s.Fields[n]
}

// knownVersions are the HL7 v2 versions accepted in MSH-12.
var knownVersions = map[string]bool{
	"2.1": true, "2.2": true, "2.3": true, "2.3.1": true, "2.4": true,
	"2.5": true, "2.5.1": true, "2.6": true, "2.7": true, "2.7.1": true,
	"2.8": true, "2.8.1": true, "2.8.2": true,
}

// malformed returns an error wrapping ErrMalformed. Callers must never pass
// field contents in args.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// Parse parses one HL7 v2 message.
//
// The input must be at most MaxSize bytes and MaxSegments segments, must
// not contain NUL or control characters other than CR, LF and TAB, and must
// start with an MSH segment. Segment ids are three upper-case letters or
// digits, starting with a letter. MSH-9 needs a message code and a trigger
// event (1 to 3 upper-case letters or digits each), MSH-10 must be present
// and MSH-12 must name a known version. ORU^R01 messages must contain PID,
// OBR and OBX segments; ADT messages a PID segment; ORM^O01 and OML^O21
// messages PID and ORC segments.
//
// Empty or blank (spaces and tabs only) lines after the last segment are
// ignored; an empty line between segments is an error.
func Parse(b []byte) (*Message, error) {
	if len(b) == 0 {
		return nil, malformed("empty input")
	}
	if len(b) > MaxSize {
		return nil, malformed("input is %d bytes, more than the limit of %d", len(b), MaxSize)
	}
	for i, c := range b {
		switch {
		case c == 0:
			return nil, malformed("NUL byte at offset %d", i)
		case (c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f:
			return nil, malformed("control character 0x%02X at offset %d", c, i)
		}
	}
	s := string(b[:contentEnd(b)])
	if !strings.HasPrefix(s, "MSH") {
		if strings.HasPrefix(s, "FHS") || strings.HasPrefix(s, "BHS") {
			return nil, malformed("batches and files (FHS/BHS) are not supported: input must be a single message starting with MSH")
		}
		return nil, malformed("message does not start with an MSH segment")
	}

	m := &Message{}
	seg := 0
	for off := 0; off < len(s); {
		end := off
		for end < len(s) && s[end] != '\r' && s[end] != '\n' {
			end++
		}
		line := s[off:end]
		next := end
		if next < len(s) {
			next++
			if s[end] == '\r' && next < len(s) && s[next] == '\n' {
				next++
			}
		}
		seg++
		if seg > MaxSegments {
			return nil, malformed("more than %d segments", MaxSegments)
		}
		if seg == 1 {
			sg, err := parseMSH(m, line)
			if err != nil {
				return nil, err
			}
			m.Segments = append(m.Segments, sg)
		} else {
			sg, err := parseSegment(m.FieldSeparator, seg, off, line)
			if err != nil {
				return nil, err
			}
			m.Segments = append(m.Segments, sg)
		}
		off = next
	}
	if err := checkHeader(m); err != nil {
		return nil, err
	}
	if err := checkRequiredSegments(m); err != nil {
		return nil, err
	}
	return m, nil
}

// contentEnd returns the length of b without the blank lines (empty or
// made of spaces and tabs) that follow the last segment, and without the
// last segment's terminator.
func contentEnd(b []byte) int {
	p := len(b)
	for p > 0 && isSpaceOrEOL(b[p-1]) {
		p--
	}
	// p is just after the last byte that is not white space; the last
	// segment extends to the next line terminator.
	for p < len(b) && b[p] != '\r' && b[p] != '\n' {
		p++
	}
	return p
}

func isSpaceOrEOL(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// isSeparatorChar reports whether c may serve as a delimiter: printable
// ASCII that is neither a letter, a digit nor a space.
func isSeparatorChar(c byte) bool {
	return c > ' ' && c < 0x7f && !isAlnum(c)
}

func isAlnum(c byte) bool {
	return ('0' <= c && c <= '9') || ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z')
}

func parseMSH(m *Message, line string) (Segment, error) {
	if len(line) < 4 {
		return Segment{}, malformed("segment 1 (MSH): no field separator (MSH-1)")
	}
	sep := line[3]
	if !isSeparatorChar(sep) {
		return Segment{}, malformed("segment 1 (MSH): field separator (MSH-1) is not printable ASCII punctuation")
	}
	// MSH-2 ends at the next field separator, so it cannot contain it.
	rest := strings.Split(line[4:], string(sep))
	enc := rest[0]
	if len(enc) != 4 && len(enc) != 5 {
		return Segment{}, malformed("segment 1 (MSH): encoding characters (MSH-2, up to the next field separator) are %d characters, want 4 or 5", len(enc))
	}
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if !isSeparatorChar(c) {
			return Segment{}, malformed("segment 1 (MSH): encoding character %d (MSH-2) is not printable ASCII punctuation", i+1)
		}
		if strings.IndexByte(enc[:i], c) >= 0 {
			return Segment{}, malformed("segment 1 (MSH): encoding character %d (MSH-2) repeats an earlier one", i+1)
		}
	}
	m.FieldSeparator = sep
	m.EncodingChars = enc
	fields := make([]string, 0, len(rest)+2)
	fields = append(fields, "MSH", string(sep))
	fields = append(fields, rest...)
	return Segment{ID: "MSH", Fields: fields}, nil
}

func parseSegment(sep byte, n, off int, line string) (Segment, error) {
	if line == "" {
		return Segment{}, malformed("segment %d (offset %d): empty line between segments", n, off)
	}
	if !validSegmentID(line) {
		return Segment{}, malformed("segment %d (offset %d): segment id is not three upper-case letters or digits starting with a letter", n, off)
	}
	if len(line) > 3 && line[3] != sep {
		// Not named: a line that is not a segment (for example text after
		// a stray line break) may start with three capitals.
		return Segment{}, malformed("segment %d (offset %d): segment id is not followed by the field separator", n, off)
	}
	id := line[:3]
	switch id {
	case "MSH":
		return Segment{}, malformed("segment %d (MSH): second MSH segment: batches and multiple messages per input are not supported", n)
	case "FHS", "FTS", "BHS", "BTS":
		return Segment{}, malformed("segment %d (%s): batches and files (FHS/BHS/BTS/FTS) are not supported", n, id)
	}
	return Segment{ID: id, Fields: strings.Split(line, string(sep))}, nil
}

// validSegmentID reports whether line starts with three upper-case letters
// or digits, the first being a letter.
func validSegmentID(line string) bool {
	if len(line) < 3 {
		return false
	}
	for i := range 3 {
		c := line[i]
		switch {
		case 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// isCode reports whether s is 1 to 3 upper-case letters or digits.
func isCode(s string) bool {
	if len(s) < 1 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z') && !('0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func firstComponent(field string, comp byte) string {
	if i := strings.IndexByte(field, comp); i >= 0 {
		return field[:i]
	}
	return field
}

func checkHeader(m *Message) error {
	msh := m.Segments[0]
	comp := m.EncodingChars[0]

	typ := msh.Field(9)
	if typ == "" {
		return malformed("segment 1 (MSH): MSH-9 message type is missing")
	}
	parts := strings.Split(typ, string(comp))
	if len(parts) < 2 || parts[1] == "" {
		return malformed("segment 1 (MSH): MSH-9 message type has no trigger event (component 2)")
	}
	for i := range 2 {
		if !isCode(parts[i]) {
			return malformed("segment 1 (MSH): MSH-9 message type component %d is not 1 to 3 upper-case letters or digits", i+1)
		}
	}
	m.MessageType = parts[0] + "^" + parts[1]

	m.ControlID = msh.Field(10)
	if m.ControlID == "" {
		return malformed("segment 1 (MSH): MSH-10 message control id is missing")
	}
	m.ProcessingID = firstComponent(msh.Field(11), comp)

	m.Version = firstComponent(msh.Field(12), comp)
	if m.Version == "" {
		return malformed("segment 1 (MSH): MSH-12 version id is missing")
	}
	if !knownVersions[m.Version] {
		return malformed("segment 1 (MSH): MSH-12 version id is not a known HL7 v2 version (2.1 to 2.8.2)")
	}
	return nil
}

func checkRequiredSegments(m *Message) error {
	var need []string
	switch {
	case m.MessageType == "ORU^R01":
		need = []string{"PID", "OBR", "OBX"}
	case strings.HasPrefix(m.MessageType, "ADT^"):
		need = []string{"PID"}
	case m.MessageType == "ORM^O01", m.MessageType == "OML^O21":
		need = []string{"PID", "ORC"}
	}
	for _, id := range need {
		found := false
		for _, s := range m.Segments[1:] {
			if s.ID == id {
				found = true
				break
			}
		}
		if !found {
			return malformed("%s message has no %s segment", m.MessageType, id)
		}
	}
	return nil
}

// Canonical parses b and returns the message with every segment ending in
// a single CR, whatever line endings (CR, LF or CR LF) the input used, and
// without the blank lines that followed the last segment. Segment contents
// are unchanged. The same message with different line endings gives
// identical bytes, and Canonical of its own output returns that output.
func Canonical(b []byte) ([]byte, error) {
	m, err := Parse(b)
	if err != nil {
		return nil, err
	}
	sep := m.FieldSeparator
	out := make([]byte, 0, len(b)+1)
	for i, s := range m.Segments {
		fields := s.Fields
		if i == 0 {
			// MSH-1 is the separator itself, not a field between two
			// separators.
			out = append(out, "MSH"...)
			out = append(out, sep)
			fields = fields[2:]
		}
		for j, f := range fields {
			if j > 0 {
				out = append(out, sep)
			}
			out = append(out, f...)
		}
		out = append(out, '\r')
	}
	return out, nil
}
