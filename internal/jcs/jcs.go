// Package jcs canonicalises JSON text following the JSON Canonicalization
// Scheme (JCS, RFC 8785), with one deliberate deviation for numbers that FHIR
// requires (see "Numbers" below).
//
// Canonicalize parses its input with its own strict parser:
//
//   - the grammar is RFC 8259's, with only space, tab, LF and CR as
//     whitespace;
//   - the text must be UTF-8: invalid byte sequences are refused, and so are
//     escapes that do not denote a Unicode scalar value (a lone surrogate such
//     as "\ud800", or a low surrogate without a preceding high one);
//   - a leading byte order mark (U+FEFF encoded as EF BB BF) is refused;
//   - duplicate member names in an object are refused (RFC 8785 §3.1); names
//     are compared after unescaping, so "a" and "\u0061" are duplicates;
//   - arrays and objects may nest at most MaxDepth levels;
//   - the input may be at most MaxSize bytes;
//   - nothing but whitespace may follow the top-level value.
//
// The output follows RFC 8785 §3.2: no whitespace between tokens; object
// members sorted by the UTF-16 code units of their unescaped names, compared
// as unsigned integers; strings written as in §3.2.2.2 (only '"', '\\' and the
// control characters U+0000..U+001F are escaped, using \b \t \n \f \r where
// those exist and \u00xx with lower-case hexadecimal digits otherwise; every
// other character, U+2028, U+2029 and all non-ASCII characters included, is
// written as literal UTF-8); and the literals true, false and null.
//
// # Numbers: the FHIR decimal rule
//
// RFC 8785 §3.2.2.3 serialises a number by converting it to an IEEE-754
// double and writing the shortest ECMAScript representation of that double.
// This package does NOT do that. FHIR R4 states that the precision of a
// decimal is significant (1.0 and 1.00 are different values) and that
// decimals may carry more precision than a double can hold, so converting
// through a double would change the clinical meaning of a record. Instead a
// number is emitted as its exact source literal, once it has been checked
// against the JSON number grammar (which already excludes '+', leading zeros,
// ".5", "5.", hexadecimal, NaN and Infinity).
//
// As a consequence the canonical form is a function of the literal, not of the
// numeric value: 1e2 and 100 canonicalise differently, and so do 1.50 and 1.5,
// and -0 and 0. For documents whose numbers are all integers written in
// shortest form (no exponent, fraction or leading zeros, and not -0) with a
// magnitude below 2^53, the output is byte-identical to that of a strict
// RFC 8785 implementation.
//
// Errors never quote the input; they name the byte offset at which the problem
// was found, so that no patient data ends up in logs.
package jcs

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxSize is the largest input, in bytes, that Canonicalize accepts.
const MaxSize = 16 << 20

// MaxDepth is the deepest nesting of arrays and objects that Canonicalize
// accepts: a top-level array or object is at depth 1.
const MaxDepth = 100

// ErrInvalid is matched (with errors.Is) by every error Canonicalize returns.
var ErrInvalid = errors.New("jcs: invalid input")

// SyntaxError describes why the input was refused and where. It never
// contains input bytes.
type SyntaxError struct {
	Offset int    // byte offset in the input at which the problem was found
	Reason string // what was wrong, without quoting the input
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("jcs: %s at offset %d", e.Reason, e.Offset)
}

// Is reports whether target is ErrInvalid.
func (e *SyntaxError) Is(target error) bool { return target == ErrInvalid }

// Canonicalize checks that b is a single strict JSON value (see the package
// documentation) and returns its canonical form.
func Canonicalize(b []byte) ([]byte, error) {
	if len(b) > MaxSize {
		return nil, &SyntaxError{Offset: MaxSize, Reason: fmt.Sprintf("input larger than %d bytes", MaxSize)}
	}
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return nil, &SyntaxError{Offset: 0, Reason: "byte order mark not allowed"}
	}
	p := parser{buf: b}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.buf) {
		return nil, p.errorf("unexpected data after the top-level value")
	}
	out := make([]byte, 0, len(b))
	return v.appendTo(out), nil
}

type kind uint8

const (
	kindNull kind = iota
	kindTrue
	kindFalse
	kindNumber
	kindString
	kindArray
	kindObject
)

// node is a parsed JSON value.
type node struct {
	kind    kind
	text    string   // unescaped string, or number literal
	elems   []node   // array elements
	members []member // object members, sorted once the object is complete
}

type member struct {
	name  string   // unescaped name (valid UTF-8)
	units []uint16 // name as UTF-16 code units, the sort key
	off   int      // offset of the name in the input, for error reports
	value node
}

type parser struct {
	buf []byte
	pos int
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: p.pos, Reason: fmt.Sprintf(format, args...)}
}

func (p *parser) errorAt(off int, reason string) error {
	return &SyntaxError{Offset: off, Reason: reason}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.buf) {
		switch p.buf[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value parses one value; depth is the number of arrays and objects that
// enclose it.
func (p *parser) value(depth int) (node, error) {
	if p.pos >= len(p.buf) {
		return node{}, p.errorf("unexpected end of input, expected a value")
	}
	switch c := p.buf[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		return node{kind: kindString, text: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return node{kind: kindTrue}, p.literal("true")
	case c == 'f':
		return node{kind: kindFalse}, p.literal("false")
	case c == 'n':
		return node{kind: kindNull}, p.literal("null")
	default:
		return node{}, p.errorf("unexpected character, expected a value")
	}
}

func (p *parser) literal(word string) error {
	if len(p.buf)-p.pos < len(word) || string(p.buf[p.pos:p.pos+len(word)]) != word {
		return p.errorf("invalid literal, expected %s", word)
	}
	p.pos += len(word)
	return nil
}

func (p *parser) object(depth int) (node, error) {
	if depth > MaxDepth {
		return node{}, p.errorf("nesting deeper than %d levels", MaxDepth)
	}
	p.pos++ // '{'
	n := node{kind: kindObject}
	p.skipSpace()
	if p.pos < len(p.buf) && p.buf[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		if p.pos >= len(p.buf) || p.buf[p.pos] != '"' {
			return node{}, p.errorf("expected a member name string")
		}
		off := p.pos
		name, err := p.str()
		if err != nil {
			return node{}, err
		}
		p.skipSpace()
		if p.pos >= len(p.buf) || p.buf[p.pos] != ':' {
			return node{}, p.errorf("expected ':' after member name")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return node{}, err
		}
		n.members = append(n.members, member{name: name, units: utf16.Encode([]rune(name)), off: off, value: v})
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return node{}, p.errorf("unexpected end of input in object")
		}
		if p.buf[p.pos] == '}' {
			p.pos++
			break
		}
		if p.buf[p.pos] != ',' {
			return node{}, p.errorf("expected ',' or '}' in object")
		}
		p.pos++
		p.skipSpace()
	}
	slices.SortStableFunc(n.members, func(a, b member) int { return slices.Compare(a.units, b.units) })
	for i := 1; i < len(n.members); i++ {
		if slices.Equal(n.members[i-1].units, n.members[i].units) {
			return node{}, p.errorAt(max(n.members[i-1].off, n.members[i].off), "duplicate member name")
		}
	}
	return n, nil
}

func (p *parser) array(depth int) (node, error) {
	if depth > MaxDepth {
		return node{}, p.errorf("nesting deeper than %d levels", MaxDepth)
	}
	p.pos++ // '['
	n := node{kind: kindArray}
	p.skipSpace()
	if p.pos < len(p.buf) && p.buf[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		v, err := p.value(depth)
		if err != nil {
			return node{}, err
		}
		n.elems = append(n.elems, v)
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return node{}, p.errorf("unexpected end of input in array")
		}
		if p.buf[p.pos] == ']' {
			p.pos++
			return n, nil
		}
		if p.buf[p.pos] != ',' {
			return node{}, p.errorf("expected ',' or ']' in array")
		}
		p.pos++
		p.skipSpace()
	}
}

// number checks a number against the RFC 8259 grammar
//
//	number = [ "-" ] int [ frac ] [ exp ]
//	int    = "0" / ( digit1-9 *DIGIT )
//	frac   = "." 1*DIGIT
//	exp    = ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT
//
// and returns its literal unchanged.
func (p *parser) number() (node, error) {
	start := p.pos
	if p.buf[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos >= len(p.buf):
		return node{}, p.errorf("invalid number: missing digits")
	case p.buf[p.pos] == '0':
		p.pos++
		if p.pos < len(p.buf) && isDigit(p.buf[p.pos]) {
			return node{}, p.errorf("invalid number: leading zero")
		}
	case isDigit(p.buf[p.pos]):
		p.digits()
	default:
		return node{}, p.errorf("invalid number: missing digits")
	}
	if p.pos < len(p.buf) && p.buf[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return node{}, p.errorf("invalid number: missing digits after decimal point")
		}
	}
	if p.pos < len(p.buf) && (p.buf[p.pos] == 'e' || p.buf[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.buf) && (p.buf[p.pos] == '+' || p.buf[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return node{}, p.errorf("invalid number: missing exponent digits")
		}
	}
	return node{kind: kindNumber, text: string(p.buf[start:p.pos])}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *parser) digits() int {
	start := p.pos
	for p.pos < len(p.buf) && isDigit(p.buf[p.pos]) {
		p.pos++
	}
	return p.pos - start
}

// str parses a string starting at the opening quote and returns its
// unescaped value, which is always valid UTF-8.
func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	var out []byte
	runStart := p.pos
	for {
		if p.pos >= len(p.buf) {
			return "", p.errorf("unexpected end of input in string")
		}
		c := p.buf[p.pos]
		switch {
		case c == '"':
			s := p.buf[runStart:p.pos]
			p.pos++
			if out == nil {
				return string(s), nil
			}
			return string(append(out, s...)), nil
		case c == '\\':
			out = append(out, p.buf[runStart:p.pos]...)
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
			runStart = p.pos
		case c < 0x20:
			return "", p.errorf("unescaped control character in string")
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.buf[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				return "", p.errorf("invalid UTF-8 in string")
			}
			p.pos += size
		}
	}
}

// escape parses one escape sequence starting at the backslash.
func (p *parser) escape() (rune, error) {
	start := p.pos
	p.pos++ // backslash
	if p.pos >= len(p.buf) {
		return 0, p.errorf("unexpected end of input in escape sequence")
	}
	c := p.buf[p.pos]
	p.pos++
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
	default:
		return 0, p.errorAt(start, "invalid escape sequence")
	}
	r, ok := p.hex4()
	if !ok {
		return 0, p.errorAt(start, "invalid \\u escape")
	}
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		return 0, p.errorAt(start, "lone low surrogate in \\u escape")
	case r >= 0xD800 && r <= 0xDBFF:
		if len(p.buf)-p.pos < 2 || p.buf[p.pos] != '\\' || p.buf[p.pos+1] != 'u' {
			return 0, p.errorAt(start, "lone high surrogate in \\u escape")
		}
		p.pos += 2
		lo, ok := p.hex4()
		if !ok {
			return 0, p.errorAt(start, "invalid \\u escape")
		}
		if lo < 0xDC00 || lo > 0xDFFF {
			return 0, p.errorAt(start, "lone high surrogate in \\u escape")
		}
		return utf16.DecodeRune(r, lo), nil
	}
	return r, nil
}

func (p *parser) hex4() (rune, bool) {
	if len(p.buf)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.buf[p.pos : p.pos+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	p.pos += 4
	return r, true
}

// appendTo appends the canonical serialisation of n to out.
func (n *node) appendTo(out []byte) []byte {
	switch n.kind {
	case kindNull:
		return append(out, "null"...)
	case kindTrue:
		return append(out, "true"...)
	case kindFalse:
		return append(out, "false"...)
	case kindNumber:
		return append(out, n.text...)
	case kindString:
		return appendString(out, n.text)
	case kindArray:
		out = append(out, '[')
		for i := range n.elems {
			if i > 0 {
				out = append(out, ',')
			}
			out = n.elems[i].appendTo(out)
		}
		return append(out, ']')
	default: // kindObject
		out = append(out, '{')
		for i := range n.members {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendString(out, n.members[i].name)
			out = append(out, ':')
			out = n.members[i].value.appendTo(out)
		}
		return append(out, '}')
	}
}

const hexDigits = "0123456789abcdef"

// appendString writes s (valid UTF-8) as a JSON string per RFC 8785
// §3.2.2.2.
func appendString(out []byte, s string) []byte {
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		out = append(out, s[start:i]...)
		switch c {
		case '"':
			out = append(out, '\\', '"')
		case '\\':
			out = append(out, '\\', '\\')
		case '\b':
			out = append(out, '\\', 'b')
		case '\t':
			out = append(out, '\\', 't')
		case '\n':
			out = append(out, '\\', 'n')
		case '\f':
			out = append(out, '\\', 'f')
		case '\r':
			out = append(out, '\\', 'r')
		default:
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		start = i + 1
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}
