package jcs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	gowebpki "github.com/gowebpki/jcs"
)

func mustCanon(t *testing.T, in string) string {
	t.Helper()
	out, err := Canonicalize([]byte(in))
	if err != nil {
		t.Fatalf("Canonicalize(%q): %v", in, err)
	}
	return string(out)
}

// RFC 8785 §3.2.3: members are sorted by the UTF-16 code units of their names.
func TestRFC8785Sorting(t *testing.T) {
	in := `{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`
	want := "{" +
		`"\r":"Carriage Return",` +
		`"1":"One",` +
		"\"\u0080\":\"Control\"," +
		"\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
		"\"\u20ac\":\"Euro Sign\"," +
		"\"\U0001F600\":\"Emoji: Grinning Face\"," +
		"\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"" +
		"}"
	if got := mustCanon(t, in); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// RFC 8785 §3.2.2: the example input, with the numbers kept as literals
// (the FHIR decimal rule) instead of the RFC's ES6 forms.
func TestRFC8785Example(t *testing.T) {
	in := `{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`
	want := `{"literals":[null,true,false],` +
		`"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],` +
		`"string":"€$\u000f\nA'B\"\\\\\"/"}`
	if got := mustCanon(t, in); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestStringEscaping(t *testing.T) {
	cases := []struct{ in, want string }{
		{`"\u0000\u0001\u0007\u001f"`, `"\u0000\u0001\u0007\u001f"`},
		{`"\b\f\n\r\t"`, `"\b\f\n\r\t"`},
		{`"\u0008\u000C\u000A\u000D\u0009"`, `"\b\f\n\r\t"`},
		{`"\u001F\u001a"`, `"\u001f\u001a"`},
		{`"\/"`, `"/"`},
		{`"\"\\"`, `"\"\\"`},
		{`"\u007f"`, "\"\x7f\""},
		{`"\u2028\u2029"`, "\"\u2028\u2029\""},
		{"\"\u2028\u2029\"", "\"\u2028\u2029\""},
		{`"\u00e9t\u00E9"`, `"été"`},
		{`"\uD834\uDD1E"`, "\"\U0001D11E\""},
		{`"\ufeff"`, "\"\ufeff\""},
		{`"<>&"`, `"<>&"`},
		{`""`, `""`},
	}
	for _, c := range cases {
		if got := mustCanon(t, c.in); got != c.want {
			t.Errorf("Canonicalize(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestWhitespaceRemoval(t *testing.T) {
	in := " \t\r\n{ \"b\" :\n[ 1 ,\t2 , { } , [ ] ] ,\r\n \"a\" : \"x y\" } \n"
	want := `{"a":"x y","b":[1,2,{},[]]}`
	if got := mustCanon(t, in); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	for _, s := range []string{"true", " false ", "null", "0", "-0", `"s"`, "[]", "{}"} {
		if got := mustCanon(t, s); got != strings.TrimSpace(s) {
			t.Errorf("Canonicalize(%q) = %q", s, got)
		}
	}
}

func TestDecimalLiteralsPreserved(t *testing.T) {
	for _, lit := range []string{
		"1.50", "1.0", "1.00", "0.1000000000000000055511151231257827", "100", "1e2", "1E+2", "1e-2",
		"-0", "-0.0", "12345678901234567890123456789", "9007199254740993", "0.0000001", "-12.3400",
	} {
		in := `{"valueDecimal":` + lit + `,"arr":[` + lit + `]}`
		want := `{"arr":[` + lit + `],"valueDecimal":` + lit + `}`
		if got := mustCanon(t, in); got != want {
			t.Errorf("literal %s: got %s, want %s", lit, got, want)
		}
	}
	if mustCanon(t, "1e2") == mustCanon(t, "100") {
		t.Error("1e2 and 100 must canonicalise differently under the FHIR decimal rule")
	}
}

func TestDuplicateKeys(t *testing.T) {
	for _, in := range []string{
		`{"a":1,"a":2}`,
		`{"a":1,"b":2,"a":1}`,
		`{"a":1,"\u0061":2}`,
		`{"x":{"é":1,"\u00e9":2}}`,
		`[{"k":1},{"k":1,"k":1}]`,
		`{"\ud83d\ude00":1,"` + "\U0001F600" + `":2}`,
	} {
		_, err := Canonicalize([]byte(in))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "duplicate") {
			t.Errorf("Canonicalize(%s): err = %v, want duplicate member error", in, err)
		}
	}
	// Same name in different objects is fine.
	if got := mustCanon(t, `[{"k":1},{"k":2}]`); got != `[{"k":1},{"k":2}]` {
		t.Errorf("got %s", got)
	}
}

func TestInvalidUTF8(t *testing.T) {
	for _, in := range [][]byte{
		[]byte("\"\xff\""),
		[]byte("\"\xc3\""),             // truncated 2-byte sequence
		[]byte("\"\xc0\xaf\""),         // overlong '/'
		[]byte("\"\xed\xa0\x80\""),     // UTF-8 encoded surrogate U+D800
		[]byte("\"\xf4\x90\x80\x80\""), // above U+10FFFF
		[]byte("{\"\xfe\":1}"),
		[]byte("[\"ok\", \"\x80\"]"),
	} {
		_, err := Canonicalize(in)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Canonicalize(%q): err = %v, want ErrInvalid", in, err)
		}
	}
}

func TestLoneSurrogates(t *testing.T) {
	for _, in := range []string{
		`"\ud800"`, `"\uD800x"`, `"\udc00"`, `"\uDFFF"`, `"\ud800\u0041"`,
		`"\ud800\ud800"`, `"\ude00\ud83d"`, `"\ud83d\"`, `"\ud83d\u"`, `{"\udbff":1}`,
	} {
		_, err := Canonicalize([]byte(in))
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Canonicalize(%s): err = %v, want ErrInvalid", in, err)
		}
	}
}

func TestDepth(t *testing.T) {
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, err := Canonicalize([]byte(ok)); err != nil {
		t.Fatalf("depth %d refused: %v", MaxDepth, err)
	}
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	if _, err := Canonicalize([]byte(deep)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("depth %d: err = %v", MaxDepth+1, err)
	}
	objs := strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1)
	if _, err := Canonicalize([]byte(objs)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("object depth %d: err = %v", MaxDepth+1, err)
	}
	// A million unclosed brackets must fail fast on depth, not recurse.
	if _, err := Canonicalize(bytes.Repeat([]byte("["), 1<<20)); !errors.Is(err, ErrInvalid) {
		t.Fatal("expected depth error")
	}
}

func TestSize(t *testing.T) {
	big := make([]byte, MaxSize+1)
	big[0] = '"'
	for i := 1; i < len(big)-1; i++ {
		big[i] = 'a'
	}
	big[len(big)-1] = '"'
	if _, err := Canonicalize(big); !errors.Is(err, ErrInvalid) {
		t.Fatalf("oversized input: err = %v", err)
	}
	if _, err := Canonicalize(big[1 : len(big)-1 : len(big)-1]); err == nil {
		t.Fatal("bare word accepted")
	}
	exact := big[:MaxSize]
	exact[MaxSize-1] = '"'
	if _, err := Canonicalize(exact); err != nil {
		t.Fatalf("input of exactly MaxSize refused: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	cases := map[string]string{
		"empty":              "",
		"only space":         "  ",
		"trailing garbage":   `{"a":1}x`,
		"two values":         `{} {}`,
		"trailing comma arr": `[1,]`,
		"trailing comma obj": `{"a":1,}`,
		"BOM":                "\xef\xbb\xbf{}",
		"plus":               "+1",
		"leading zero":       "01",
		"neg leading zero":   "-01",
		"dot first":          ".5",
		"dot last":           "5.",
		"exp no digits":      "1e",
		"exp sign only":      "1e+",
		"minus only":         "-",
		"hex":                "0x10",
		"NaN":                "NaN",
		"Infinity":           "Infinity",
		"single quotes":      `'a'`,
		"unquoted key":       `{a:1}`,
		"raw newline":        "\"a\nb\"",
		"raw tab":            "\"a\tb\"",
		"bad escape":         `"\x41"`,
		"short unicode":      `"\u12"`,
		"bad hex":            `"\u12g4"`,
		"unterminated":       `"abc`,
		"unclosed array":     `[1,2`,
		"unclosed object":    `{"a":1`,
		"missing colon":      `{"a" 1}`,
		"TRUE":               `TRUE`,
		"tru":                `tru`,
		"nul byte outside":   "{}\x00",
		"vertical tab space": "\v{}",
		"nbsp space":         "\u00a0{}",
		"comment":            `{} // c`,
		"non-string key":     `{1:2}`,
	}
	for name, in := range cases {
		_, err := Canonicalize([]byte(in))
		if err == nil || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Canonicalize(%q) err = %v, want ErrInvalid", name, in, err)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(in) {
			t.Errorf("%s: bad error %v", name, err)
		}
	}
}

// Errors must never echo input (they may contain patient data).
func TestErrorsDoNotQuoteInput(t *testing.T) {
	secret := "JaneDoeSecret"
	for _, in := range []string{
		`{"name":"` + secret + `","name":"` + secret + `"}`,
		`{"name":"` + secret + "\x00\"}",
		`{"name":"` + secret + `"} ` + secret,
		`{"name":` + secret + `}`,
		`{"name":"` + secret + `\ud800"}`,
		`{"name":"` + secret + "\xff\"}",
		`[1, ` + secret + `]`,
	} {
		_, err := Canonicalize([]byte(in))
		if err == nil {
			t.Fatalf("accepted %q", in)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "Jane") {
			t.Errorf("error quotes input: %v", err)
		}
	}
}

func TestErrorOffset(t *testing.T) {
	_, err := Canonicalize([]byte(`{"a":1,"b":2,"a":3}`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 13 {
		t.Fatalf("err = %v, want duplicate at offset 13", err)
	}
}

func TestIdempotence(t *testing.T) {
	inputs := []string{
		`{"b":[1,2.50,{"z":null,"y":true}],"a":"\u00e9\n","\u20ac":false}`,
		`[ "\ud83d\ude00" , -0.0 , 1E+10 , { } ]`,
		`{"resourceType":"Observation","valueQuantity":{"value":95.0,"unit":"mg/dL"}}`,
	}
	for _, in := range inputs {
		once := mustCanon(t, in)
		twice := mustCanon(t, once)
		if once != twice {
			t.Errorf("not idempotent: %s -> %s", once, twice)
		}
	}
}

// Cross-check against github.com/gowebpki/jcs, a strict RFC 8785
// implementation, on documents whose numbers are integers in shortest form
// with magnitude below 2^53: there both schemes must agree byte for byte.
func TestCrossCheckGowebpki(t *testing.T) {
	fixed := []string{
		`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
		`{"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}`,
		`{"n":[0,-1,1,9007199254740991,-9007199254740991,123456789]}`,
		`{"a":{"c":[],"b":{}},"A":"\u2028\u2029\u007f\u0000\u001e"}`,
		`[[[[["deep"]]]]]`,
		`"top-level string"`,
		`42`,
	}
	for _, in := range fixed {
		crossCheck(t, []byte(in))
	}
	rng := rand.New(rand.NewPCG(8785, 2026))
	for range 2000 {
		var b bytes.Buffer
		genValue(rng, &b, 0)
		crossCheck(t, b.Bytes())
	}
}

func crossCheck(t *testing.T, in []byte) {
	t.Helper()
	ours, err := Canonicalize(in)
	if err != nil {
		t.Fatalf("Canonicalize(%q): %v", in, err)
	}
	theirs, err := gowebpki.Transform(in)
	if err != nil {
		t.Fatalf("gowebpki.Transform(%q): %v", in, err)
	}
	if !bytes.Equal(ours, theirs) {
		t.Fatalf("mismatch for %q\nours:   %q\ntheirs: %q", in, ours, theirs)
	}
}

var genRunes = []rune{
	'a', 'b', 'Z', '0', '1', ' ', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0, 0x1f, 0x7f,
	0x80, 0xe9, 0xf6, 0x2028, 0x2029, 0x20ac, 0xfb33, 0xfeff, 0xfffd, 0xffff, 0x1f600, 0x10ffff, 0x1d11e,
}

func genString(rng *rand.Rand, b *bytes.Buffer) {
	b.WriteByte('"')
	for range rng.IntN(6) {
		r := genRunes[rng.IntN(len(genRunes))]
		switch {
		case rng.IntN(3) == 0 && r > 0xffff: // escaped surrogate pair
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(b, `\u%04x\u%04X`, hi, lo)
		case rng.IntN(3) == 0 && r <= 0xffff && r != '"' && r != '\\': // \u escape
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r)|0x10000, 16)[1:]
			if rng.IntN(2) == 0 {
				h = strings.ToUpper(h)
			}
			b.WriteString(h)
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			switch r {
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteString(strconv.FormatInt(int64(r)|0x100, 16)[1:])
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

func genValue(rng *rand.Rand, b *bytes.Buffer, depth int) {
	ws := func() {
		if rng.IntN(4) == 0 {
			b.WriteString([]string{" ", "\n", "\t", "\r\n  "}[rng.IntN(4)])
		}
	}
	k := rng.IntN(7)
	if depth > 4 && k >= 5 {
		k = rng.IntN(5)
	}
	switch k {
	case 0:
		b.WriteString([]string{"true", "false", "null"}[rng.IntN(3)])
	case 1, 2:
		n := rng.Int64N(1<<53) - (1<<52)/1
		if rng.IntN(3) == 0 {
			n = rng.Int64N(2000) - 1000
		}
		b.WriteString(strconv.FormatInt(n, 10))
	case 3, 4:
		genString(rng, b)
	case 5:
		b.WriteByte('[')
		for i := range rng.IntN(4) {
			if i > 0 {
				b.WriteByte(',')
			}
			ws()
			genValue(rng, b, depth+1)
			ws()
		}
		b.WriteByte(']')
	case 6:
		b.WriteByte('{')
		seen := map[string]bool{}
		first := true
		for range rng.IntN(5) {
			var kb bytes.Buffer
			genString(rng, &kb)
			var key string
			if err := json.Unmarshal(kb.Bytes(), &key); err != nil || seen[key] {
				continue
			}
			seen[key] = true
			if !first {
				b.WriteByte(',')
			}
			first = false
			ws()
			b.Write(kb.Bytes())
			ws()
			b.WriteByte(':')
			ws()
			genValue(rng, b, depth+1)
		}
		b.WriteByte('}')
	}
}

func decodeUseNumber(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func FuzzCanonicalize(f *testing.F) {
	seeds := []string{
		`{"b":1,"a":[true,false,null,"x\u0000\n\u2028",1.50,-0,1e2]}`,
		`{"\u20ac":1,"\r":2,"\ufb33":3,"1":4,"\ud83d\ude00":5,"\u0080":6,"\u00f6":7}`,
		`{"resourceType":"Observation","status":"final","valueQuantity":{"value":95,"unit":"mg/dL"}}`,
		`[]`, `{}`, `""`, `0`, `"\ud800"`, `{"a":1,"a":2}`, "\xef\xbb\xbf1", `[1,]`, "\"\xff\"",
		`0.1000000000000000055511151231257827`, `{"a":{"b":{"c":[1,2,{"d":"e"}]}}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Canonicalize(in)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("output not valid JSON: %q", out)
		}
		again, err := Canonicalize(out)
		if err != nil {
			t.Fatalf("output refused: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
		vin, err := decodeUseNumber(in)
		if err != nil {
			t.Fatalf("encoding/json refuses accepted input %q: %v", in, err)
		}
		vout, err := decodeUseNumber(out)
		if err != nil {
			t.Fatalf("encoding/json refuses output %q: %v", out, err)
		}
		if !reflect.DeepEqual(vin, vout) {
			t.Fatalf("value changed:\nin:  %q\nout: %q", in, out)
		}
	})
}
