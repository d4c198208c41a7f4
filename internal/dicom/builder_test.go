package dicom

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
)

// Test helpers that encode DICOM by hand. They are deliberately simple and
// independent of the parser: an encoder appends headers and values in one
// transfer syntax and remembers where each element it wrote ends and how
// many data elements (nested ones included) it holds.

const (
	ctClass     = "1.2.840.10008.5.1.4.1.1.2"
	instUID     = "2.25.228199402214893755612463178815470219201"
	studyUID    = "2.25.113170434312958211963451003728493311657"
	seriesUID   = "2.25.306611542349016717036413106719810284303"
	implUID     = "2.25.163390476223510212813939733117806622521"
	tsImplicit  = "1.2.840.10008.1.2"
	tsExplicit  = "1.2.840.10008.1.2.1"
	tsBigEndian = "1.2.840.10008.1.2.2"
	tsDeflated  = "1.2.840.10008.1.2.1.99"
	tsJPEG      = "1.2.840.10008.1.2.4.50"
	tsRLE       = "1.2.840.10008.1.2.5"
	tsJPIP      = "1.2.840.10008.1.2.4.94"
	undef       = 0xFFFFFFFF
)

type enc struct {
	order    binary.AppendByteOrder
	explicit bool
	buf      []byte
	bounds   []int // end offset of each complete element written with el or sq
	counts   []int // data elements written up to each bound
	count    int
}

func newEnc(explicit, bigEndian bool) *enc {
	e := &enc{order: binary.LittleEndian, explicit: explicit}
	if bigEndian {
		e.order = binary.BigEndian
	}
	return e
}

func exLE() *enc { return newEnc(true, false) }
func imLE() *enc { return newEnc(false, false) }
func exBE() *enc { return newEnc(true, true) }

// sub returns an empty encoder in the same syntax, for item contents.
func (e *enc) sub() *enc { return &enc{order: e.order, explicit: e.explicit} }

func (e *enc) mark(n int) {
	e.count += n
	e.bounds = append(e.bounds, len(e.buf))
	e.counts = append(e.counts, e.count)
}

func isLongVR(vr string) bool {
	switch vr {
	case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV":
		return true
	}
	return false
}

// hdr appends an element header only.
func (e *enc) hdr(tag uint32, vr string, length uint32) *enc {
	e.buf = e.order.AppendUint16(e.buf, uint16(tag>>16))
	e.buf = e.order.AppendUint16(e.buf, uint16(tag))
	switch {
	case tag>>16 == 0xFFFE || !e.explicit:
		e.buf = e.order.AppendUint32(e.buf, length)
	case isLongVR(vr):
		e.buf = append(e.buf, vr...)
		e.buf = append(e.buf, 0, 0)
		e.buf = e.order.AppendUint32(e.buf, length)
	default:
		e.buf = append(e.buf, vr...)
		e.buf = e.order.AppendUint16(e.buf, uint16(length))
	}
	return e
}

func (e *enc) raw(b ...byte) *enc {
	e.buf = append(e.buf, b...)
	return e
}

// el appends a complete element with a defined-length value.
func (e *enc) el(tag uint32, vr string, val []byte) *enc {
	e.hdr(tag, vr, uint32(len(val)))
	e.buf = append(e.buf, val...)
	e.mark(1)
	return e
}

// sq appends a sequence. With defined true, the sequence and its items
// have defined lengths; otherwise both are undefined and delimited.
func (e *enc) sq(tag uint32, defined bool, items ...*enc) *enc {
	n := 1
	body := e.sub()
	for _, it := range items {
		n += it.count
		if defined {
			body.hdr(0xFFFEE000, "", uint32(len(it.buf)))
			body.raw(it.buf...)
		} else {
			body.hdr(0xFFFEE000, "", undef)
			body.raw(it.buf...)
			body.hdr(0xFFFEE00D, "", 0)
		}
	}
	if defined && !e.explicit {
		// Without a dictionary, the parser cannot see into a defined-length
		// sequence in implicit VR: it counts as one element.
		n = 1
	}
	if defined {
		e.hdr(tag, "SQ", uint32(len(body.buf)))
		e.raw(body.buf...)
	} else {
		e.hdr(tag, "SQ", undef)
		e.raw(body.buf...)
		e.hdr(0xFFFEE0DD, "", 0)
	}
	e.mark(n)
	return e
}

// fragments appends encapsulated pixel data: a basic offset table item
// and one item per fragment, then a sequence delimiter.
func (e *enc) fragments(bot []byte, frags ...[]byte) *enc {
	e.hdr(0x7FE00010, "OB", undef)
	e.hdr(0xFFFEE000, "", uint32(len(bot)))
	e.buf = append(e.buf, bot...)
	for _, f := range frags {
		e.hdr(0xFFFEE000, "", uint32(len(f)))
		e.buf = append(e.buf, f...)
	}
	e.hdr(0xFFFEE0DD, "", 0)
	e.mark(1)
	return e
}

// str pads a text value to even length with a space.
func str(s string) []byte {
	if len(s)%2 == 1 {
		s += " "
	}
	return []byte(s)
}

// uid pads a UID value to even length with a NUL.
func uid(s string) []byte {
	if len(s)%2 == 1 {
		s += "\x00"
	}
	return []byte(s)
}

func (e *enc) us(v uint16) []byte { return e.order.AppendUint16(nil, v) }

// metaInfo describes the file meta information to write.
type metaInfo struct {
	class, inst, ts string
	noGroupLength   bool
}

// metaElems returns the meta elements other than the group length.
func metaElems(m metaInfo) *enc {
	g := exLE()
	g.el(0x00020001, "OB", []byte{0, 1})
	g.el(0x00020002, "UI", uid(m.class))
	g.el(0x00020003, "UI", uid(m.inst))
	g.el(0x00020010, "UI", uid(m.ts))
	g.el(0x00020012, "UI", uid(implUID))
	g.el(0x00020013, "SH", str("HEALTHD_TEST"))
	return g
}

// part10 returns preamble, "DICM", a group length unless noGroupLength, the
// given meta elements, then the data set.
func part10(meta []byte, noGroupLength bool, dataSet []byte) []byte {
	b := make([]byte, 128, 128+4+12+len(meta)+len(dataSet))
	b = append(b, "DICM"...)
	if !noGroupLength {
		b = append(b, exLE().el(0x00020000, "UL", binary.LittleEndian.AppendUint32(nil, uint32(len(meta)))).buf...)
	}
	b = append(b, meta...)
	return append(b, dataSet...)
}

func file(m metaInfo, dataSet []byte) []byte {
	return part10(metaElems(m).buf, m.noGroupLength, dataSet)
}

// std wraps a data set in standard CT meta information with transfer
// syntax ts.
func std(ts string, dataSet []byte) []byte {
	return file(metaInfo{class: ctClass, inst: instUID, ts: ts}, dataSet)
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	w, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := w.Write(b); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// patientModule appends synthetic patient and SOP elements.
func patientModule(e *enc) *enc {
	e.el(0x00080016, "UI", uid(ctClass))
	e.el(0x00080018, "UI", uid(instUID))
	e.el(0x00100010, "PN", str("TESTPATIENT^SYNTHETIC"))
	e.el(0x00100020, "LO", str("TEST-000001"))
	e.el(0x00100030, "DA", str("19700101"))
	return e
}

// ctDataSet returns the data set of the ct_small.dcm fixture in the given
// encoder: a 16x16 12-bit CT image of synthetic data with a defined-length
// and an undefined-length sequence, ending in native pixel data.
func ctDataSet(e *enc) *enc {
	e.el(0x00080005, "CS", str("ISO_IR 100"))
	e.el(0x00080008, "CS", str(`ORIGINAL\PRIMARY\AXIAL`))
	e.el(0x00080016, "UI", uid(ctClass))
	e.el(0x00080018, "UI", uid(instUID))
	e.el(0x00080020, "DA", str("20240315"))
	e.el(0x00080030, "TM", str("083000"))
	e.el(0x00080060, "CS", str("CT"))
	e.el(0x00080070, "LO", str("SYNTHETIC MODALITY CO"))
	e.el(0x00081030, "LO", str("SYNTHETIC CT HEAD"))
	code := e.sub()
	code.el(0x00080100, "SH", str("SYNTH-CT-01"))
	code.el(0x00080102, "SH", str("99SYNTH"))
	code.el(0x00080104, "LO", str("Synthetic CT head"))
	e.sq(0x00081032, true, code)
	e.el(0x00100010, "PN", str("TESTPATIENT^SYNTHETIC"))
	e.el(0x00100020, "LO", str("TEST-000001"))
	e.el(0x00100030, "DA", str("19700101"))
	e.el(0x00100040, "CS", str("O"))
	e.el(0x00180050, "DS", str("5.0"))
	e.el(0x00180060, "DS", str("120"))
	e.el(0x0020000D, "UI", uid(studyUID))
	e.el(0x0020000E, "UI", uid(seriesUID))
	e.el(0x00200010, "SH", str("SYNTH-1"))
	e.el(0x00200011, "IS", str("1"))
	e.el(0x00200013, "IS", str("1"))
	e.el(0x00200032, "DS", str(`-4\-4\0`))
	e.el(0x00200037, "DS", str(`1\0\0\0\1\0`))
	e.el(0x00280002, "US", e.us(1))
	e.el(0x00280004, "CS", str("MONOCHROME2"))
	e.el(0x00280010, "US", e.us(16))
	e.el(0x00280011, "US", e.us(16))
	e.el(0x00280030, "DS", str(`0.5\0.5`))
	e.el(0x00280100, "US", e.us(16))
	e.el(0x00280101, "US", e.us(12))
	e.el(0x00280102, "US", e.us(11))
	e.el(0x00280103, "US", e.us(0))
	e.el(0x00281050, "DS", str("40"))
	e.el(0x00281051, "DS", str("400"))
	e.el(0x00281052, "DS", str("-1024"))
	e.el(0x00281053, "DS", str("1"))
	req := e.sub()
	req.el(0x00400009, "SH", str("SYNTH-SPS-1"))
	req.el(0x00401001, "SH", str("SYNTH-RP-1"))
	e.sq(0x00400275, false, req)
	pixels := make([]byte, 0, 16*16*2)
	for r := range 16 {
		for c := range 16 {
			pixels = e.order.AppendUint16(pixels, uint16(1024+r*64+c*4))
		}
	}
	e.el(0x7FE00010, "OW", pixels)
	return e
}

// ctSmall returns the bytes of testdata/ct_small.dcm, the data set
// encoder and the file offset where the data set starts.
func ctSmall() ([]byte, *enc, int) {
	m := metaInfo{class: ctClass, inst: instUID, ts: tsExplicit}
	e := ctDataSet(exLE())
	start := len(file(m, nil))
	return file(m, e.buf), e, start
}
