package dicom

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/ct_small.dcm")

const fixturePath = "testdata/ct_small.dcm"

// Synthetic data only; these tokens appear in test inputs and must never
// appear in an error message.
var phiTokens = []string{"TESTPATIENT", "SYNTHETIC", "TEST-000001", "19700101"}

// TestWriteFixture checks that testdata/ct_small.dcm equals what the
// builder produces; with -update it rewrites the file.
func TestWriteFixture(t *testing.T) {
	want, _, _ := ctSmall()
	if *update {
		if err := os.WriteFile(fixturePath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatalf("%v (run go test -run TestWriteFixture -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the generated fixture (run go test -run TestWriteFixture -update)", fixturePath)
	}
}

func TestParseFixture(t *testing.T) {
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	_, e, _ := ctSmall()
	want := File{SOPClassUID: ctClass, SOPInstanceUID: instUID, TransferSyntaxUID: tsExplicit, Elements: e.count}
	if *f != want {
		t.Fatalf("got %+v, want %+v", *f, want)
	}
	if f.Elements != 43 {
		t.Fatalf("Elements = %d", f.Elements)
	}
	if SOPClassName(f.SOPClassUID) != "CT Image Storage" {
		t.Fatalf("SOPClassName = %q", SOPClassName(f.SOPClassUID))
	}
	// The pixel data is last, so most cuts land inside it.
	if !bytes.HasSuffix(b[:len(b)-512], []byte{0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0, 0, 2, 0, 0}) {
		t.Fatalf("fixture does not end with 512 bytes of OW pixel data")
	}
}

func TestParseValid(t *testing.T) {
	deep := func(e *enc, depth int, defined bool) *enc {
		// depth nested sequences, each with one item.
		inner := e.sub().el(0x00100010, "PN", str("TESTPATIENT^DEEP"))
		for i := 1; i < depth; i++ {
			inner = e.sub().sq(0x00400275, defined, inner)
		}
		return e.sq(0x00400275, defined, inner)
	}
	type tc struct {
		name     string
		b        []byte
		ts       string
		elements int
	}
	var tests []tc
	add := func(name, ts string, e *enc) {
		tests = append(tests, tc{name, std(ts, e.buf), ts, e.count})
	}

	// Explicit VR little endian, mixing defined and undefined lengths.
	{
		e := patientModule(exLE())
		it1 := e.sub().el(0x00080100, "SH", str("CODE1")).el(0x00080102, "SH", str("99SYN"))
		it2 := e.sub().el(0x00080100, "SH", str("CODE2"))
		e.sq(0x00081032, true, it1, it2)
		nested := e.sub().sq(0x00081032, true, it1)
		e.sq(0x00400275, false, nested, e.sub())
		e.sq(0x00400260, true)  // empty, defined
		e.sq(0x00400261, false) // empty, undefined
		e.sq(0x00400262, true, e.sub())
		// Undefined-length sequence with a defined-length item.
		e.hdr(0x00400263, "SQ", undef).hdr(0xFFFEE000, "", uint32(len(it2.buf))).raw(it2.buf...).hdr(0xFFFEE0DD, "", 0)
		e.count += 2
		// Defined-length sequence with an undefined-length item.
		body := e.sub().hdr(0xFFFEE000, "", undef).raw(it2.buf...).hdr(0xFFFEE00D, "", 0)
		e.hdr(0x00400264, "SQ", uint32(len(body.buf))).raw(body.buf...)
		e.count += 2
		e.el(0x00091010, "UN", []byte{1, 2, 3, 4})
		e.el(0x00091011, "UT", str("long text"))
		e.el(0x00091012, "OF", make([]byte, 8))
		e.el(0x00091013, "SV", make([]byte, 8))
		e.el(0x00091014, "UV", make([]byte, 16))
		e.el(0x00091015, "UR", str("http://example.invalid/"))
		e.el(0x00091016, "OV", make([]byte, 8))
		e.el(0x00091017, "OL", make([]byte, 4))
		e.el(0x00091018, "OD", make([]byte, 8))
		e.el(0x00091019, "UC", str("x"))
		e.el(0x7FE00010, "OW", make([]byte, 32))
		e.el(0xFFFCFFFC, "OB", make([]byte, 6)) // data set trailing padding
		add("explicit LE", tsExplicit, e)
	}
	// UN of undefined length holds an implicit VR little endian sequence.
	{
		e := patientModule(exLE())
		item := imLE().el(0x00100010, "PN", str("TESTPATIENT^UN")).sq(0x00081032, false, imLE().el(0x00080100, "SH", str("C")))
		e.hdr(0x00091020, "UN", undef).hdr(0xFFFEE000, "", undef).raw(item.buf...).hdr(0xFFFEE00D, "", 0).hdr(0xFFFEE0DD, "", 0)
		e.count += 1 + item.count
		e.el(0x00200013, "IS", str("1"))
		add("UN undefined length in explicit LE", tsExplicit, e)
	}
	{
		e := patientModule(exBE())
		item := imLE().el(0x00100010, "PN", str("TESTPATIENT^UN"))
		e.hdr(0x00091020, "UN", undef).raw(imLE().hdr(0xFFFEE000, "", uint32(len(item.buf))).buf...).raw(item.buf...).raw(imLE().hdr(0xFFFEE0DD, "", 0).buf...)
		e.count += 1 + item.count
		e.el(0x00280010, "US", e.us(2))
		add("UN undefined length in explicit BE", tsBigEndian, e)
	}
	// Implicit VR little endian: undefined-length sequences are walked;
	// defined-length ones are opaque without a dictionary.
	{
		e := patientModule(imLE())
		it := e.sub().el(0x00080100, "SH", str("CODE1"))
		e.sq(0x00081032, false, it, it)
		e.sq(0x00400275, true, it) // a defined-length sequence: counted once
		e.el(0x7FE00010, "", make([]byte, 8))
		add("implicit LE", tsImplicit, e)
	}
	// Explicit VR big endian.
	{
		e := patientModule(exBE())
		it := e.sub().el(0x00080100, "SH", str("CODE1")).el(0x00280010, "US", e.us(512))
		e.sq(0x00081032, true, it)
		e.sq(0x00400275, false, it, e.sub().sq(0x00081032, false, it))
		e.el(0x7FE00010, "OW", make([]byte, 16))
		add("explicit BE", tsBigEndian, e)
	}
	// Encapsulated pixel data.
	{
		e := patientModule(exLE())
		e.fragments(nil, []byte{0xFF, 0xD8, 0xFF, 0xD9}, []byte{1, 2})
		add("JPEG baseline, empty offset table", tsJPEG, e)
	}
	{
		e := patientModule(exLE())
		e.fragments([]byte{0, 0, 0, 0, 12, 0, 0, 0}, []byte{0xFF, 0xD8}, []byte{0xFF, 0xD9})
		add("JPEG baseline, offset table", tsJPEG, e)
	}
	{
		e := patientModule(exLE())
		e.fragments(nil)
		add("RLE, offset table only", tsRLE, e)
	}
	{
		// An icon image sequence with encapsulated pixel data inside an item.
		e := patientModule(exLE())
		icon := e.sub().el(0x00280010, "US", e.us(8)).fragments(nil, make([]byte, 64))
		e.sq(0x00880200, false, icon)
		e.fragments(nil, make([]byte, 10))
		add("JPEG 2000, nested encapsulated icon", "1.2.840.10008.1.2.4.90", e)
	}
	{
		e := patientModule(exLE())
		e.el(0x7FE00010, "OB", make([]byte, 4)) // defined length in an encapsulated syntax
		add("encapsulated syntax, defined-length pixel data", "1.2.840.10008.1.2.4.201", e)
	}
	add("JPIP referenced", tsJPIP, patientModule(exLE()).el(0x00289505, "SQ", nil))
	add("depth 16, defined", tsExplicit, deep(exLE(), MaxDepth, true))
	add("depth 16, undefined", tsExplicit, deep(exLE(), MaxDepth, false))
	add("depth 16, implicit", tsImplicit, deep(imLE(), MaxDepth, false))

	// Deflated explicit VR little endian, with and without a pad byte.
	{
		_, e, _ := ctSmall()
		d := deflate(e.buf)
		tests = append(tests, tc{"deflated", std(tsDeflated, d), tsDeflated, e.count})
		tests = append(tests, tc{"deflated with pad byte", std(tsDeflated, append(d[:len(d):len(d)], 0)), tsDeflated, e.count})
		tests = append(tests, tc{"JPIP referenced deflate", std("1.2.840.10008.1.2.4.95", d), "1.2.840.10008.1.2.4.95", e.count})
	}
	// Meta variations.
	{
		e := patientModule(exLE())
		m := metaInfo{class: ctClass, inst: instUID, ts: tsExplicit, noGroupLength: true}
		tests = append(tests, tc{"no meta group length", file(m, e.buf), tsExplicit, e.count})
		m.inst += "  " // trailing space padding is trimmed
		m.class += "\x00"
		tests = append(tests, tc{"padded UIDs", file(m, e.buf), tsExplicit, e.count})
		m = metaInfo{class: ctClass, inst: "0.0", ts: tsExplicit}
		f := file(m, e.buf)
		tests = append(tests, tc{"single zero components", f, tsExplicit, e.count})
	}
	{
		// A 64-character UID is the longest allowed.
		long := "1.2." + strings.Repeat("9", 60)
		e := patientModule(exLE())
		tests = append(tests, tc{"64-character UID", file(metaInfo{class: ctClass, inst: long, ts: tsExplicit}, e.buf), tsExplicit, e.count})
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if f.TransferSyntaxUID != tt.ts || f.SOPClassUID != ctClass || f.Elements != tt.elements {
				t.Fatalf("got %+v, want transfer syntax %s and %d elements", f, tt.ts, tt.elements)
			}
			if tt.name != "single zero components" && tt.name != "64-character UID" && f.SOPInstanceUID != instUID {
				t.Fatalf("instance UID %q", f.SOPInstanceUID)
			}
		})
	}
}

// TestFixturePrefixes cuts the fixture (and the same data set in other
// transfer syntaxes) at every length. A cut inside an element, or before a
// delimiter that must follow, gives ErrTruncated. A cut exactly at the
// boundary between two top-level elements leaves a valid shorter file: the
// parser cannot tell it from a complete one, so it is accepted with the
// elements before the cut.
func TestFixturePrefixes(t *testing.T) {
	fixture, e, start := ctSmall()
	type variant struct {
		name  string
		b     []byte
		e     *enc
		start int
	}
	variants := []variant{{"explicit LE fixture", fixture, e, start}}
	for _, v := range []struct {
		name, ts string
		e        *enc
	}{
		{"implicit LE", tsImplicit, ctDataSet(imLE())},
		{"explicit BE", tsBigEndian, ctDataSet(exBE())},
	} {
		b := std(v.ts, v.e.buf)
		variants = append(variants, variant{v.name, b, v.e, len(b) - len(v.e.buf)})
	}
	{
		ee := patientModule(exLE())
		ee.sq(0x00400275, false, ee.sub().el(0x00080100, "SH", str("C")))
		ee.fragments([]byte{0, 0, 0, 0}, make([]byte, 100), make([]byte, 50))
		b := std(tsJPEG, ee.buf)
		variants = append(variants, variant{"encapsulated", b, ee, len(b) - len(ee.buf)})
	}

	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			if f, err := Parse(v.b); err != nil || f.Elements != v.e.count {
				t.Fatalf("full file: %v %+v", err, f)
			}
			boundary := map[int]int{} // file offset -> elements before it
			for i, off := range v.e.bounds {
				boundary[v.start+off] = v.e.counts[i]
			}
			accepted := 0
			for n := headerLen; n < len(v.b); n++ {
				f, err := Parse(v.b[:n])
				if count, ok := boundary[n]; ok {
					if err != nil || f.Elements != count {
						t.Fatalf("cut at top-level boundary %d: %v %+v, want %d elements", n, err, f, count)
					}
					accepted++
					continue
				}
				if !errors.Is(err, ErrTruncated) {
					t.Fatalf("cut at %d: got %v, want ErrTruncated", n, err)
				}
				for _, tok := range phiTokens {
					if strings.Contains(err.Error(), tok) {
						t.Fatalf("cut at %d: error %q contains %q", n, err, tok)
					}
				}
			}
			if accepted != len(v.e.bounds)-1 {
				t.Fatalf("accepted %d cuts, want %d", accepted, len(v.e.bounds)-1)
			}
		})
	}

	t.Run("deflated", func(t *testing.T) {
		b := std(tsDeflated, deflate(e.buf))
		for n := headerLen; n < len(b); n++ {
			if _, err := Parse(b[:n]); !errors.Is(err, ErrTruncated) {
				t.Fatalf("cut at %d: got %v, want ErrTruncated", n, err)
			}
		}
	})
}

// TestErrorOffsets checks that errors name the tag and the file offset.
func TestErrorOffsets(t *testing.T) {
	e := patientModule(exLE())
	at := len(std(tsExplicit, e.buf))
	e.hdr(0x7FE00010, "OW", 1000).raw(make([]byte, 10)...)
	_, err := Parse(std(tsExplicit, e.buf))
	want := fmt.Sprintf("dicom: truncated file: offset %d: element (7FE0,0010): value length 1000 (10 bytes left) runs past the end of the data", at)
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}

	d := patientModule(exLE()).el(0x00020010, "UI", uid(tsExplicit))
	_, err = Parse(std(tsDeflated, deflate(d.buf)))
	want = fmt.Sprintf("dicom: malformed file: offset in the inflated data set %d: file meta element (0002,0010) in the data set", len(patientModule(exLE()).buf))
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

func TestParseErrors(t *testing.T) {
	type tc struct {
		name string
		b    []byte
		kind error
		want string
	}
	var tests []tc
	add := func(name string, kind error, want string, b []byte) {
		tests = append(tests, tc{name, b, kind, want})
	}
	// ds returns an explicit LE data set with synthetic patient data.
	ds := func() *enc { return patientModule(exLE()) }
	stdMeta := metaInfo{class: ctClass, inst: instUID, ts: tsExplicit}
	body := ds().buf

	// Part 10 framing.
	add("empty", ErrMalformed, "not a DICOM Part 10 file", nil)
	add("short", ErrMalformed, "not a DICOM Part 10 file", make([]byte, 131))
	add("no DICM", ErrMalformed, `not a DICOM Part 10 file (no "DICM" prefix at offset 128)`, append(make([]byte, 128), "DICX"...))
	add("bare data set", ErrMalformed, "not a DICOM Part 10 file", bytes.Repeat(body, 3))
	add("DICM only", ErrTruncated, "file ends inside the file meta information: (0002,0002) MediaStorageSOPClassUID is missing", append(make([]byte, 128), "DICM"...))

	// File meta information.
	meta := func(groupLength bool, g *enc) []byte { return part10(g.buf, !groupLength, body) }
	add("meta header cut", ErrTruncated, "offset 132: element header runs past the end of the data", append(make([]byte, 128), "DICM\x02\x00"...))
	add("meta header cut after tag", ErrTruncated, "offset 132: header of element (0002,0001) runs past the end of the data", append(make([]byte, 128), "DICM\x02\x00\x01\x00O"...))
	add("meta unknown VR", ErrMalformed, "offset 132: element (0002,0001) has an unknown VR", meta(false, exLE().el(0x00020001, "XX", []byte{0, 1})))
	add("meta lower-case VR", ErrMalformed, "element (0002,0001) has an unknown VR", meta(false, exLE().el(0x00020001, "ob", []byte{0, 1})))
	add("group length VR", ErrMalformed, "file meta group length (0002,0000) is not a 4-byte UL",
		part10(append(exLE().el(0x00020000, "UI", []byte{1, 0, 0, 0}).buf, metaElems(stdMeta).buf...), true, body))
	add("group length size", ErrMalformed, "file meta group length (0002,0000) is not a 4-byte UL",
		part10(append(exLE().el(0x00020000, "UL", []byte{1, 0}).buf, metaElems(stdMeta).buf...), true, body))
	add("group length past EOF", ErrTruncated, "offset 132: file meta group length (0002,0000) of 1000 bytes runs past the end of the file",
		part10(append(exLE().el(0x00020000, "UL", []byte{0xE8, 3, 0, 0}).buf, metaElems(stdMeta).buf...), true, nil))
	{
		g := metaElems(stdMeta)
		n := len(g.buf)
		g.el(0x00080005, "CS", str("ISO_IR 100"))
		b := part10(exLE().el(0x00020000, "UL", binary.LittleEndian.AppendUint32(nil, uint32(len(g.buf)))).buf, true, nil)
		b = append(b, g.buf...)
		add("non-meta element inside group length", ErrMalformed, fmt.Sprintf("offset %d: element (0008,0005) inside the file meta group length is not in group 0002", 144+n), append(b, body...))
		b = part10(exLE().el(0x00020000, "UL", binary.LittleEndian.AppendUint32(nil, uint32(n+4))).buf, true, nil)
		b = append(b, g.buf...)
		add("element crosses group length", ErrMalformed, "header of element (0008,0005) runs past the end of the file meta group given by (0002,0000)", append(b, body...))
		g2 := metaElems(stdMeta)
		b = part10(exLE().el(0x00020000, "UL", binary.LittleEndian.AppendUint32(nil, uint32(len(g2.buf)-2))).buf, true, nil)
		b = append(b, g2.buf...)
		add("meta element crosses group length", ErrMalformed, "file meta element (0002,0013): value length 12 runs past the end of the group given by (0002,0000)", append(b, body...))
		b = part10(exLE().el(0x00020000, "UL", binary.LittleEndian.AppendUint32(nil, uint32(len(g2.buf)-20))).buf, true, nil)
		b = append(b, g2.buf...)
		add("meta element after group length", ErrMalformed, "file meta element (0002,0013) after the end of the group given by (0002,0000)", append(b, body...))
		b = part10(exLE().el(0x00020000, "UL", binary.LittleEndian.AppendUint32(nil, uint32(len(g2.buf)-16))).buf, true, nil)
		b = append(b, g2.buf...)
		add("meta header crosses group length", ErrMalformed, "header of element (0002,0013) runs past the end of the file meta group given by (0002,0000)", append(b, body...))
	}
	add("meta undefined length", ErrMalformed, "file meta element (0002,0001) has undefined length", meta(false, exLE().hdr(0x00020001, "OB", undef)))
	add("meta odd length", ErrMalformed, "file meta element (0002,0013) has odd length 3", meta(true, metaElems(stdMeta).el(0x00020013, "SH", []byte("ABC"))))
	{
		g := exLE().el(0x00020002, "UI", uid(ctClass)).el(0x00020002, "UI", uid(ctClass))
		add("meta duplicate", ErrMalformed, "file meta element (0002,0002) appears twice", meta(true, g))
		g = metaElems(stdMeta).el(0x00020000, "UL", []byte{0, 0, 0, 0})
		add("group length not first", ErrMalformed, "file meta group length (0002,0000) is not the first element", meta(false, g))
	}
	add("meta value past EOF", ErrTruncated, "file meta element (0002,0002): value length 26 runs past the end of the file (4 bytes left)",
		part10(exLE().hdr(0x00020002, "UI", 26).raw(1, 2, 3, 4).buf, true, nil))
	for _, tag := range []uint32{tagMediaSOPClass, tagMediaSOPInst, tagTransferSyntax} {
		g := exLE()
		for _, el := range []uint32{tagMediaSOPClass, tagMediaSOPInst, tagTransferSyntax} {
			if el != tag {
				g.el(el, "UI", uid(tsExplicit))
			}
		}
		add("missing "+metaName(tag), ErrMalformed, fmt.Sprintf("file meta information has no %s %s", tagString(tag), metaName(tag)), meta(true, g))
		add("missing at EOF "+metaName(tag), ErrTruncated, "file ends inside the file meta information", part10(g.buf, true, nil))
		g = exLE()
		for _, el := range []uint32{tagMediaSOPClass, tagMediaSOPInst, tagTransferSyntax} {
			vr := "UI"
			if el == tag {
				vr = "LO"
			}
			g.el(el, vr, uid(tsExplicit))
		}
		add("VR of "+metaName(tag), ErrMalformed, fmt.Sprintf("file meta element %s has VR LO, want UI", tagString(tag)), meta(true, g))
	}
	for _, u := range []struct{ name, uid, want string }{
		{"empty", "", "empty"},
		{"only padding", "\x00\x00", "empty"},
		{"too long", "1.2." + strings.Repeat("9", 61), "65 characters, more than 64"},
		{"letter", "1.2.840.X", "component 4 has a character other than a digit"},
		{"patient data", "TESTPATIENT", "component 1 has a character other than a digit"},
		{"inner space", "1.2 .3", "component 2 has a character other than a digit"},
		{"sign", "1.-2", "component 2 has a character other than a digit"},
		{"empty component", "1..2", "component 2 is empty"},
		{"leading dot", ".1.2", "component 1 is empty"},
		{"trailing dot", "1.2.", "component 3 is empty"},
		{"leading zero", "1.2.03", "component 3 has a leading zero"},
		{"leading zero first", "01.2", "component 1 has a leading zero"},
	} {
		m := stdMeta
		m.inst = u.uid
		add("instance UID "+u.name, ErrMalformed, "file meta element (0002,0003) MediaStorageSOPInstanceUID is not a valid UID: "+u.want, file(m, body))
	}
	{
		m := stdMeta
		m.class = "1.2.840.10008.5.1.4.1.1.02"
		add("class UID leading zero", ErrMalformed, "(0002,0002) MediaStorageSOPClassUID is not a valid UID: component 10 has a leading zero", file(m, body))
		m = stdMeta
		m.ts = "1.2.840.10008.1.2.1 x"
		add("transfer syntax with junk", ErrMalformed, "(0002,0010) TransferSyntaxUID is not a valid UID: component 7 has a character other than a digit", file(m, body))
	}
	for _, ts := range []string{"1.2.3.4", "1.2.840.10008.1.2.4", "1.2.840.10008.1.2.6.2", "1.2.840.10008.1.2.1.100"} {
		m := stdMeta
		m.ts = ts
		add("unsupported "+ts, ErrMalformed, "unsupported transfer syntax "+ts, file(m, body))
	}
	add("no data set", ErrTruncated, "no data set after the file meta information", file(stdMeta, nil))
	add("no data set, no group length", ErrTruncated, "no data set after the file meta information", file(metaInfo{class: ctClass, inst: instUID, ts: tsExplicit, noGroupLength: true}, nil))

	// Deflate.
	{
		d := deflate(ds().buf)
		add("deflate cut", ErrTruncated, "ends before the end of the deflate stream", std(tsDeflated, d[:len(d)-3]))
		add("deflate empty", ErrTruncated, "ends before the end of the deflate stream", std(tsDeflated, nil))
		add("deflate corrupt", ErrMalformed, "is not a valid deflate stream", std(tsDeflated, []byte{0xFF, 0xFF, 0xFF, 0xFF}))
		add("deflate not deflated", ErrMalformed, "is not a valid deflate stream", std(tsDeflated, ds().buf))
		add("deflate trailing bytes", ErrMalformed, "2 bytes after the end of the deflate stream", std(tsDeflated, append(d[:len(d):len(d)], 0, 0)))
		add("deflate trailing non-NUL byte", ErrMalformed, "1 bytes after the end of the deflate stream", std(tsDeflated, append(d[:len(d):len(d)], 1)))
		e := ds().hdr(0x7FE00010, "OW", 100)
		add("deflated data set truncated", ErrTruncated, fmt.Sprintf("offset in the inflated data set %d: element", len(ds().buf))+" (7FE0,0010): value length 100 (0 bytes left) runs past the end of the data", std(tsDeflated, deflate(e.buf)))
		add("deflated data set empty", ErrTruncated, "no data set after the file meta information", std(tsDeflated, deflate(nil)))
	}

	// Data set structure, explicit VR little endian unless named.
	add("data set header cut", ErrTruncated, "element header runs past the end of the data", std(tsExplicit, ds().raw(0x10, 0x00).buf))
	add("data set header cut after VR", ErrTruncated, "header of element (0010,0040) runs past the end of the data", std(tsExplicit, ds().raw(0x10, 0, 0x40, 0, 'C', 'S', 2).buf))
	add("long header cut", ErrTruncated, "header of element (7FE0,0010) runs past the end of the data", std(tsExplicit, ds().raw(0xE0, 0x7F, 0x10, 0, 'O', 'B', 0, 0, 1).buf))
	add("implicit header cut", ErrTruncated, "header of element (0010,0040) runs past the end of the data", std(tsImplicit, patientModule(imLE()).raw(0x10, 0, 0x40, 0, 2).buf))
	add("unknown VR", ErrMalformed, "element (0010,0040) has an unknown VR", std(tsExplicit, ds().el(0x00100040, "??", str("O")).buf))
	add("blank VR", ErrMalformed, "element (0010,0040) has an unknown VR", std(tsExplicit, ds().el(0x00100040, "  ", str("O")).buf))
	add("meta element in data set", ErrMalformed, "file meta element (0002,0010) in the data set", std(tsExplicit, ds().el(0x00020010, "UI", uid(tsExplicit)).buf))
	add("meta element in data set, BE", ErrMalformed, "file meta element (0002,0010) in the data set", std(tsBigEndian, patientModule(exBE()).el(0x00020010, "UI", uid(tsExplicit)).buf))
	add("meta element in an item", ErrMalformed, "file meta element (0002,0002) in the data set", std(tsExplicit, ds().sq(0x00081032, false, exLE().el(0x00020002, "UI", uid(ctClass))).buf))
	add("odd length", ErrMalformed, "element (0010,0010) has odd length 3", std(tsExplicit, exLE().el(0x00100010, "PN", []byte("ABC")).buf))
	add("odd length in an item", ErrMalformed, "element (0008,0100) has odd length 1", std(tsExplicit, ds().sq(0x00081032, false, exLE().el(0x00080100, "SH", []byte("A"))).buf))
	add("value past EOF", ErrTruncated, "element (0010,0010): value length 100 (10 bytes left) runs past the end of the data", std(tsExplicit, ds().hdr(0x00100010, "PN", 100).raw(make([]byte, 10)...).buf))
	add("value past EOF, BE", ErrTruncated, "element (7FE0,0010): value length 4096 (4 bytes left) runs past the end of the data", std(tsBigEndian, patientModule(exBE()).hdr(0x7FE00010, "OW", 4096).raw(1, 2, 3, 4).buf))
	add("value past EOF, huge length", ErrTruncated, "element (7FE0,0010): value length 4294967294 (0 bytes left)", std(tsExplicit, ds().hdr(0x7FE00010, "OW", 0xFFFFFFFE).buf))
	add("value past item", ErrMalformed, "element (0008,0104): value length 200 (2 bytes left) runs past the end of the enclosing item or sequence", std(tsExplicit, ds().sq(0x00081032, true, exLE().hdr(0x00080104, "LO", 200).raw(1, 2)).buf))
	add("header past item", ErrMalformed, "element header runs past the end of the enclosing item or sequence", std(tsExplicit, ds().sq(0x00081032, true, exLE().raw(8, 0)).buf))
	add("undefined length OB", ErrMalformed, "element (0009,1010) with VR OB has undefined length", std(tsExplicit, ds().hdr(0x00091010, "OB", undef).hdr(tagSeqDelim, "", 0).buf))
	add("undefined length UT", ErrMalformed, "element (0009,1010) with VR UT has undefined length", std(tsExplicit, ds().hdr(0x00091010, "UT", undef).buf))
	add("undefined pixel data, native", ErrMalformed, "pixel data (7FE0,0010) has undefined length in a transfer syntax without encapsulated pixel data", std(tsExplicit, ds().fragments(nil, []byte{1, 2}).buf))
	add("undefined pixel data, implicit", ErrMalformed, "pixel data (7FE0,0010) has undefined length in a transfer syntax without encapsulated pixel data", std(tsImplicit, patientModule(imLE()).hdr(0x7FE00010, "", undef).buf))
	add("undefined pixel data, UN", ErrMalformed, "encapsulated pixel data (7FE0,0010) has VR UN, want OB or OW", std(tsJPEG, ds().hdr(0x7FE00010, "UN", undef).buf))
	add("undefined pixel data, SQ", ErrMalformed, "encapsulated pixel data (7FE0,0010) has VR SQ, want OB or OW", std(tsJPEG, ds().hdr(0x7FE00010, "SQ", undef).buf))
	add("item at top level", ErrMalformed, "unexpected (FFFE,E000) outside a sequence", std(tsExplicit, ds().hdr(tagItem, "", 0).buf))
	add("item delimiter at top level", ErrMalformed, "unexpected (FFFE,E00D) outside a sequence", std(tsExplicit, ds().hdr(tagItemDelim, "", 0).buf))
	add("sequence delimiter at top level", ErrMalformed, "unexpected (FFFE,E0DD) outside a sequence", std(tsExplicit, ds().hdr(tagSeqDelim, "", 0).buf))
	add("other delimiter group tag", ErrMalformed, "unexpected (FFFE,1234) outside a sequence", std(tsExplicit, ds().hdr(0xFFFE1234, "", 0).buf))
	add("sequence delimiter in item", ErrMalformed, "unexpected (FFFE,E0DD) outside a sequence", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).hdr(tagItem, "", undef).hdr(tagSeqDelim, "", 0).buf))
	add("non-item in sequence", ErrMalformed, "(0008,0100) in a sequence, want an item (FFFE,E000)", std(tsExplicit, ds().el(0x00081032, "SQ", exLE().el(0x00080100, "SH", str("X")).buf).buf))
	add("item delimiter in sequence", ErrMalformed, "(FFFE,E00D) in a sequence, want an item", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).hdr(tagItemDelim, "", 0).buf))
	add("sequence delimiter in defined sequence", ErrMalformed, "sequence delimiter in a sequence of defined length", std(tsExplicit, ds().el(0x00081032, "SQ", exLE().hdr(tagSeqDelim, "", 0).buf).buf))
	add("missing sequence delimiter", ErrTruncated, "sequence of undefined length without a sequence delimiter runs past the end of the data", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).hdr(tagItem, "", 0).buf))
	add("missing sequence delimiter, empty", ErrTruncated, "sequence of undefined length without a sequence delimiter", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).buf))
	add("missing sequence delimiter, UN", ErrTruncated, "sequence of undefined length without a sequence delimiter", std(tsExplicit, ds().hdr(0x00091010, "UN", undef).buf))
	add("missing sequence delimiter, implicit", ErrTruncated, "sequence of undefined length without a sequence delimiter", std(tsImplicit, patientModule(imLE()).hdr(0x00081032, "", undef).hdr(tagItem, "", 0).buf))
	add("missing item delimiter", ErrTruncated, "item of undefined length without an item delimiter runs past the end of the data", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).hdr(tagItem, "", undef).el(0x00080100, "SH", str("X")).buf))
	add("missing item delimiter in defined sequence", ErrMalformed, "item of undefined length without an item delimiter runs past the end of the enclosing item or sequence",
		std(tsExplicit, ds().el(0x00081032, "SQ", exLE().hdr(tagItem, "", undef).el(0x00080100, "SH", str("X")).buf).el(0x00100040, "CS", str("O")).buf))
	add("missing sequence delimiter in defined item", ErrMalformed, "sequence of undefined length without a sequence delimiter runs past the end of the enclosing item or sequence",
		std(tsExplicit, ds().sq(0x00081032, true, exLE().hdr(0x00400275, "SQ", undef).hdr(tagItem, "", 0)).el(0x00100040, "CS", str("O")).buf))
	add("item delimiter with length", ErrMalformed, "item delimiter has length 4, want 0", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).hdr(tagItem, "", undef).hdr(tagItemDelim, "", 4).raw(0, 0, 0, 0).hdr(tagSeqDelim, "", 0).buf))
	add("sequence delimiter with length", ErrMalformed, "sequence delimiter has length 2, want 0", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).hdr(tagSeqDelim, "", 2).raw(0, 0).buf))
	add("item odd length", ErrMalformed, "item has odd length 3", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).hdr(tagItem, "", 3).raw(1, 2, 3).hdr(tagSeqDelim, "", 0).buf))
	add("item past EOF", ErrTruncated, "item: length 100 (4 bytes left) runs past the end of the data", std(tsExplicit, ds().hdr(0x00081032, "SQ", undef).hdr(tagItem, "", 100).raw(1, 2, 3, 4).buf))
	add("item past sequence", ErrMalformed, "item: length 100 (0 bytes left) runs past the end of the enclosing item or sequence", std(tsExplicit, ds().el(0x00081032, "SQ", exLE().hdr(tagItem, "", 100).buf).raw(make([]byte, 100)...).buf))
	add("item header past sequence", ErrMalformed, "header of element (FFFE,E000) runs past the end of the enclosing item or sequence", std(tsExplicit, ds().el(0x00081032, "SQ", []byte{0xFE, 0xFF, 0, 0xE0}).el(0x00100040, "CS", str("O")).buf))
	{
		deep := func(depth int, defined bool) []byte {
			e := exLE()
			inner := exLE().el(0x00100010, "PN", str("TESTPATIENT^DEEP"))
			for i := 1; i < depth; i++ {
				inner = exLE().sq(0x00400275, defined, inner)
			}
			return std(tsExplicit, e.sq(0x00400275, defined, inner).buf)
		}
		add("depth 17, defined", ErrMalformed, "sequences nested more than 16 deep", deep(MaxDepth+1, true))
		add("depth 17, undefined", ErrMalformed, "sequences nested more than 16 deep", deep(MaxDepth+1, false))
		add("depth 1000", ErrMalformed, "sequences nested more than 16 deep", deep(1000, false))
	}
	// Encapsulated pixel data.
	frag := func() *enc { return ds().hdr(0x7FE00010, "OB", undef) }
	add("fragment undefined length", ErrMalformed, "pixel data fragment 1 has undefined length", std(tsJPEG, frag().hdr(tagItem, "", 0).hdr(tagItem, "", undef).buf))
	add("fragment odd length", ErrMalformed, "pixel data fragment 1 has odd length 3", std(tsJPEG, frag().hdr(tagItem, "", 0).hdr(tagItem, "", 3).raw(1, 2, 3).hdr(tagSeqDelim, "", 0).buf))
	add("fragment past EOF", ErrTruncated, "pixel data fragment 1: length 1000 (2 bytes left) runs past the end of the data", std(tsJPEG, frag().hdr(tagItem, "", 0).hdr(tagItem, "", 1000).raw(0xFF, 0xD8).buf))
	add("non-item in fragments", ErrMalformed, "(FFFE,E00D) in encapsulated pixel data, want an item (FFFE,E000)", std(tsJPEG, frag().hdr(tagItem, "", 0).hdr(tagItemDelim, "", 0).buf))
	add("element in fragments", ErrMalformed, "(0008,0016) in encapsulated pixel data", std(tsJPEG, frag().hdr(tagItem, "", 0).raw(ds().buf...).buf))
	add("no offset table", ErrMalformed, "encapsulated pixel data has no basic offset table item", std(tsJPEG, frag().hdr(tagSeqDelim, "", 0).buf))
	add("fragments without delimiter", ErrTruncated, "encapsulated pixel data without a sequence delimiter runs past the end of the data", std(tsJPEG, frag().hdr(tagItem, "", 0).hdr(tagItem, "", 2).raw(1, 2).buf))
	add("fragments delimiter with length", ErrMalformed, "sequence delimiter has length 4, want 0", std(tsJPEG, frag().hdr(tagItem, "", 0).hdr(tagSeqDelim, "", 4).raw(0, 0, 0, 0).buf))
	add("fragments cross item", ErrMalformed, "encapsulated pixel data without a sequence delimiter runs past the end of the enclosing item or sequence",
		std(tsJPEG, ds().sq(0x00880200, true, exLE().hdr(0x7FE00010, "OB", undef).hdr(tagItem, "", 0)).el(0x00100040, "CS", str("O")).buf))

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(tt.b)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", f)
			}
			if f != nil {
				t.Fatalf("non-nil File with error")
			}
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %q does not wrap %v", err, tt.kind)
			}
			other := ErrTruncated
			if tt.kind == ErrTruncated {
				other = ErrMalformed
			}
			if errors.Is(err, other) {
				t.Fatalf("error %q wraps both sentinels", err)
			}
			if !strings.HasPrefix(err.Error(), tt.kind.Error()+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want it to contain %q", err, tt.want)
			}
			for _, tok := range phiTokens {
				if strings.Contains(err.Error(), tok) {
					t.Fatalf("error %q contains %q", err, tok)
				}
			}
		})
	}
}

func TestInflateLimit(t *testing.T) {
	defer func(n int) { maxInflated = n }(maxInflated)
	_, e, _ := ctSmall()
	b := std(tsDeflated, deflate(e.buf))
	maxInflated = len(e.buf)
	if _, err := Parse(b); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	maxInflated = len(e.buf) - 1
	_, err := Parse(b)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), fmt.Sprintf("inflates to more than %d bytes", maxInflated)) {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestSOPClassName(t *testing.T) {
	for uid, want := range map[string]string{
		"1.2.840.10008.5.1.4.1.1.2":       "CT Image Storage",
		"1.2.840.10008.5.1.4.1.1.4":       "MR Image Storage",
		"1.2.840.10008.5.1.4.1.1.1":       "Computed Radiography Image Storage",
		"1.2.840.10008.5.1.4.1.1.1.1":     "Digital X-Ray Image Storage - For Presentation",
		"1.2.840.10008.5.1.4.1.1.6.1":     "Ultrasound Image Storage",
		"1.2.840.10008.5.1.4.1.1.7":       "Secondary Capture Image Storage",
		"1.2.840.10008.5.1.4.1.1.104.1":   "Encapsulated PDF Storage",
		"1.2.840.10008.5.1.4.1.1.88.22":   "Enhanced SR Storage",
		"1.2.840.10008.5.1.4.1.1.2\x00":   "CT Image Storage",
		"1.2.840.10008.5.1.4.1.1.2 ":      "CT Image Storage",
		"1.2.840.10008.5.1.4.1.1.2.2":     "",
		"1.2.840.10008.1.2.1":             "",
		"":                                "",
		"\x00":                            "",
		" 1.2.840.10008.5.1.4.1.1.2":      "",
		"1.2.840.10008.5.1.4.1.1.481.2":   "RT Dose Storage",
		"1.2.840.10008.5.1.4.1.1.66.4":    "Segmentation Storage",
		"1.2.840.10008.5.1.4.1.1.88.59":   "Key Object Selection Document Storage",
		"1.2.840.10008.5.1.4.1.1.77.1.6":  "VL Whole Slide Microscopy Image Storage",
		"1.2.840.10008.5.1.4.1.1.13.1.3":  "Breast Tomosynthesis Image Storage",
		"1.2.840.10008.5.1.4.1.1.9.1.1":   "12-lead ECG Waveform Storage",
		"1.2.840.10008.5.1.4.1.1.128":     "Positron Emission Tomography Image Storage",
		"1.2.840.10008.5.1.4.1.1.1.1.1":   "Digital X-Ray Image Storage - For Processing",
		"1.2.840.10008.5.1.4.1.1.104.2":   "Encapsulated CDA Storage",
		"1.2.840.10008.5.1.4.1.1.12.1":    "X-Ray Angiographic Image Storage",
		"1.2.840.10008.5.1.4.1.1.20":      "Nuclear Medicine Image Storage",
		"1.2.840.10008.5.1.4.1.1.481.3":   "RT Structure Set Storage",
		"1.2.840.10008.5.1.4.1.1.3.1":     "Ultrasound Multi-frame Image Storage",
		"1.2.840.10008.5.1.4.1.1.7.4":     "Multi-frame True Color Secondary Capture Image Storage",
		"1.2.840.10008.5.1.4.1.1.11.1":    "Grayscale Softcopy Presentation State Storage",
		"1.2.840.10008.5.1.4.1.1.88.11":   "Basic Text SR Storage",
		"1.2.840.10008.5.1.4.1.1.4.1":     "Enhanced MR Image Storage",
		"1.2.840.10008.5.1.4.1.1.2.1":     "Enhanced CT Image Storage",
		"1.2.840.10008.5.1.4.1.1.1.2":     "Digital Mammography X-Ray Image Storage - For Presentation",
		"1.2.840.10008.5.1.4.1.1.481.5":   "RT Plan Storage",
		"1.2.840.10008.5.1.4.1.1.130":     "Enhanced PET Image Storage",
		"1.2.840.10008.5.1.4.1.1.77.1.4":  "VL Photographic Image Storage",
		"1.2.840.10008.5.1.4.1.1.88.33":   "Comprehensive SR Storage",
		"1.2.840.10008.5.1.4.1.1.12.2":    "X-Ray Radiofluoroscopic Image Storage",
		"1.2.840.10008.5.1.4.1.1.66":      "Raw Data Storage",
		"1.2.840.10008.5.1.4.1.1.481.1":   "RT Image Storage",
		"1.2.840.10008.5.1.4.1.1.1.3":     "Digital Intra-Oral X-Ray Image Storage - For Presentation",
		"1.2.840.10008.5.1.4.1.1.1.2.1":   "Digital Mammography X-Ray Image Storage - For Processing",
		"1.2.840.10008.5.1.4.1.1.7.1":     "Multi-frame Single Bit Secondary Capture Image Storage",
		"1.2.840.10008.5.1.4.1.1.7.2":     "Multi-frame Grayscale Byte Secondary Capture Image Storage",
		"1.2.840.10008.5.1.4.1.1.7.3":     "Multi-frame Grayscale Word Secondary Capture Image Storage",
		"1.2.840.10008.5.1.4.1.1.2.1\x00": "Enhanced CT Image Storage",
	} {
		if got := SOPClassName(uid); got != want {
			t.Errorf("SOPClassName(%q) = %q, want %q", uid, got, want)
		}
	}
	for uid := range sopClassNames {
		if checkUID(uid) != "" || !strings.HasPrefix(uid, "1.2.840.10008.5.1.4.1.1.") {
			t.Errorf("table key %q is not a storage SOP class UID", uid)
		}
	}
}

func TestTransferSyntaxTable(t *testing.T) {
	for uid, want := range map[string]transferSyntax{
		"1.2.840.10008.1.2":         {syntax: implicitLE},
		"1.2.840.10008.1.2.1":       {syntax: explicitLE},
		"1.2.840.10008.1.2.2":       {syntax: explicitBE},
		"1.2.840.10008.1.2.1.99":    {syntax: explicitLE, deflated: true},
		"1.2.840.10008.1.2.4.95":    {syntax: explicitLE, deflated: true},
		"1.2.840.10008.1.2.4.205":   {syntax: explicitLE, deflated: true},
		"1.2.840.10008.1.2.4.94":    {syntax: explicitLE},
		"1.2.840.10008.1.2.4.204":   {syntax: explicitLE},
		"1.2.840.10008.1.2.4.50":    {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.4.57":    {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.4.70":    {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.4.80":    {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.4.90":    {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.4.91":    {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.4.100":   {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.4.201":   {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.5":       {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.1.98":    {syntax: explicitLE, encapsulated: true},
		"1.2.840.10008.1.2.4.50.1.": {syntax: explicitLE, encapsulated: true}, // prefix rule only; UIDs are checked before
	} {
		got, ok := lookupTransferSyntax(uid)
		if !ok || got != want {
			t.Errorf("%s: got %+v %v, want %+v", uid, got, ok, want)
		}
	}
	for _, uid := range []string{"", "1.2.840.10008.1.2.4", "1.2.840.10008.1.2.6.1", "1.2.840.10008.1.2.8.1", "1.2.840.10008.1.2.1.9"} {
		if _, ok := lookupTransferSyntax(uid); ok {
			t.Errorf("%s accepted", uid)
		}
	}
}

// uidPattern is an independent statement of the UID rules for the fuzz
// property.
var uidPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$`)

func FuzzParse(f *testing.F) {
	fixture, err := os.ReadFile(fixturePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture)
	f.Add(std(tsImplicit, ctDataSet(imLE()).buf))
	f.Add(std(tsBigEndian, ctDataSet(exBE()).buf))
	_, e, _ := ctSmall()
	f.Add(std(tsDeflated, deflate(e.buf)))
	{
		ee := patientModule(exLE())
		ee.sq(0x00400275, false, ee.sub().el(0x00080100, "SH", str("C")), ee.sub().sq(0x00081032, true, ee.sub().el(0x00080100, "SH", str("D"))))
		ee.hdr(0x00091020, "UN", undef).raw(imLE().hdr(tagItem, "", undef).el(0x00100010, "PN", str("X")).hdr(tagItemDelim, "", 0).hdr(tagSeqDelim, "", 0).buf...)
		ee.fragments([]byte{0, 0, 0, 0}, make([]byte, 10), make([]byte, 4))
		f.Add(std(tsJPEG, ee.buf))
	}
	f.Add(file(metaInfo{class: ctClass, inst: instUID, ts: tsImplicit, noGroupLength: true}, patientModule(imLE()).buf))
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		file, err := Parse(b)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Parse took %v for %d bytes", d, len(b))
		}
		if err != nil {
			if file != nil {
				t.Fatalf("non-nil File with error %v", err)
			}
			if errors.Is(err, ErrMalformed) == errors.Is(err, ErrTruncated) {
				t.Fatalf("error %v wraps neither or both sentinels", err)
			}
			return
		}
		if file.Elements <= 0 {
			t.Fatalf("success with %d elements", file.Elements)
		}
		for _, u := range []string{file.SOPClassUID, file.SOPInstanceUID, file.TransferSyntaxUID} {
			if len(u) == 0 || len(u) > 64 || !uidPattern.MatchString(u) {
				t.Fatalf("success with invalid UID %q", u)
			}
		}
		if _, ok := lookupTransferSyntax(file.TransferSyntaxUID); !ok {
			t.Fatalf("success with unsupported transfer syntax %q", file.TransferSyntaxUID)
		}
	})
}
