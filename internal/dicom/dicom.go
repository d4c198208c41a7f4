// Package dicom is a strict structural parser for DICOM Part 10 files
// (PS3.10), as received from outside systems.
//
// Parse checks the 128-byte preamble and "DICM" prefix, reads the file meta
// information group (0002,xxxx), which is always explicit VR little endian,
// and then walks every element of the data set, descending into sequences
// and items, to the end of the input. It returns the media storage SOP
// class and instance UIDs, the transfer syntax UID and the number of data
// set elements walked.
//
// Supported transfer syntaxes: implicit VR little endian, explicit VR
// little endian, explicit VR big endian (retired), deflated explicit VR
// little endian (and the deflated JPIP referenced syntaxes), and the
// encapsulated syntaxes (JPEG, JPEG-LS, JPEG 2000, HTJ2K, JPEG XL, MPEG,
// HEVC, RLE, encapsulated uncompressed), whose pixel data is walked
// fragment by fragment without being decoded.
//
// Not supported or not checked: private or unknown transfer syntaxes,
// files without the Part 10 preamble (bare data sets), value contents
// other than the three meta UIDs (no data dictionary is used, so values
// are not checked against their VR and, in implicit VR, defined-length
// sequences are skipped as opaque bytes rather than walked), element
// ordering within a data set, and pixel data decoding.
//
// Errors wrap ErrMalformed or ErrTruncated and name tags, VRs, lengths and
// byte offsets; apart from the meta UIDs they never quote element values,
// which may be patient data.
package dicom

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

var (
	// ErrMalformed is wrapped by errors for input that breaks the format.
	ErrMalformed = errors.New("dicom: malformed file")
	// ErrTruncated is wrapped by errors for input that ends before the
	// element, item or sequence being read is complete.
	ErrTruncated = errors.New("dicom: truncated file")
)

const (
	// MaxDepth is the deepest nesting of sequences that Parse accepts.
	MaxDepth = 16
	// MaxInflatedSize is the largest data set, in bytes, that Parse
	// inflates from a deflated transfer syntax.
	MaxInflatedSize = 256 << 20
	// MaxUIDLength is the longest UID, in characters, after padding is
	// removed.
	MaxUIDLength = 64
)

// maxInflated is MaxInflatedSize; tests lower it.
var maxInflated = MaxInflatedSize

// File describes a parsed DICOM Part 10 file.
type File struct {
	// SOPClassUID is the media storage SOP class UID (0002,0002).
	SOPClassUID string
	// SOPInstanceUID is the media storage SOP instance UID (0002,0003).
	SOPInstanceUID string
	// TransferSyntaxUID is the transfer syntax UID (0002,0010).
	TransferSyntaxUID string
	// Elements is the number of data set elements walked, at the top level
	// and inside sequence items, not counting the file meta information,
	// items, delimiters or pixel data fragments.
	Elements int
}

const (
	preambleLen = 128
	headerLen   = preambleLen + 4 // preamble and "DICM"

	tagGroupLength    = 0x00020000
	tagMediaSOPClass  = 0x00020002
	tagMediaSOPInst   = 0x00020003
	tagTransferSyntax = 0x00020010
	tagPixelData      = 0x7FE00010
	tagItem           = 0xFFFEE000
	tagItemDelim      = 0xFFFEE00D
	tagSeqDelim       = 0xFFFEE0DD
	groupMeta         = 0x0002
	groupDelimiters   = 0xFFFE

	undefinedLength = 0xFFFFFFFF
)

// syntax is how elements are encoded in one part of the data set.
type syntax struct {
	explicit  bool
	bigEndian bool
}

var (
	explicitLE = syntax{explicit: true}
	implicitLE = syntax{}
	explicitBE = syntax{explicit: true, bigEndian: true}
)

type transferSyntax struct {
	syntax
	deflated     bool
	encapsulated bool
}

// lookupTransferSyntax returns how a data set in the transfer syntax uid is
// encoded.
func lookupTransferSyntax(uid string) (transferSyntax, bool) {
	switch uid {
	case "1.2.840.10008.1.2":
		return transferSyntax{syntax: implicitLE}, true
	case "1.2.840.10008.1.2.1":
		return transferSyntax{syntax: explicitLE}, true
	case "1.2.840.10008.1.2.2":
		return transferSyntax{syntax: explicitBE}, true
	case "1.2.840.10008.1.2.1.99", // Deflated Explicit VR Little Endian
		"1.2.840.10008.1.2.4.95",  // JPIP Referenced Deflate
		"1.2.840.10008.1.2.4.205": // JPIP HTJ2K Referenced Deflate
		return transferSyntax{syntax: explicitLE, deflated: true}, true
	case "1.2.840.10008.1.2.4.94", // JPIP Referenced: no pixel data in the file
		"1.2.840.10008.1.2.4.204": // JPIP HTJ2K Referenced
		return transferSyntax{syntax: explicitLE}, true
	case "1.2.840.10008.1.2.5", // RLE Lossless
		"1.2.840.10008.1.2.1.98": // Encapsulated Uncompressed Explicit VR Little Endian
		return transferSyntax{syntax: explicitLE, encapsulated: true}, true
	}
	// JPEG, JPEG-LS, JPEG 2000, HTJ2K, JPEG XL, MPEG-2, MPEG-4 and HEVC
	// transfer syntaxes all live under 1.2.840.10008.1.2.4.
	if strings.HasPrefix(uid, "1.2.840.10008.1.2.4.") {
		return transferSyntax{syntax: explicitLE, encapsulated: true}, true
	}
	return transferSyntax{}, false
}

// tagString formats a tag as (gggg,eeee).
func tagString(tag uint32) string {
	return fmt.Sprintf("(%04X,%04X)", tag>>16, tag&0xFFFF)
}

// Parse parses a DICOM Part 10 file and walks its whole data set.
//
// A file cut exactly at the boundary between two top-level data set
// elements cannot be told apart from a complete, shorter file and is
// accepted; a cut anywhere else (inside an element header or value, or
// before a sequence or item delimiter that must follow) gives ErrTruncated.
func Parse(b []byte) (*File, error) {
	if len(b) < headerLen || string(b[preambleLen:headerLen]) != "DICM" {
		return nil, fmt.Errorf("%w: not a DICOM Part 10 file (no \"DICM\" prefix at offset %d)", ErrMalformed, preambleLen)
	}
	f, ts, off, err := parseMeta(b)
	if err != nil {
		return nil, err
	}

	w := &walker{buf: b[off:], base: off, encapsulated: ts.encapsulated}
	if ts.deflated {
		data, err := inflate(b[off:], off)
		if err != nil {
			return nil, err
		}
		w = &walker{buf: data, inflated: true, encapsulated: ts.encapsulated}
	}
	if len(w.buf) == 0 {
		return nil, fmt.Errorf("%w: no data set after the file meta information (offset %d)", ErrTruncated, off)
	}
	if _, err := w.dataSet(ts.syntax, 0, bound{end: len(w.buf), eof: true}, 0, false); err != nil {
		return nil, err
	}
	if w.elements == 0 {
		// Unreachable: a non-empty data set holds an element or fails.
		return nil, fmt.Errorf("%w: data set has no elements", ErrMalformed)
	}
	f.Elements = w.elements
	return f, nil
}

// inflate decompresses a deflated data set that starts at file offset off.
func inflate(data []byte, off int) ([]byte, error) {
	src := bytes.NewReader(data)
	r := flate.NewReader(src)
	out, err := io.ReadAll(io.LimitReader(r, int64(maxInflated)+1))
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("%w: deflated data set starting at offset %d ends before the end of the deflate stream", ErrTruncated, off)
	case err != nil:
		return nil, fmt.Errorf("%w: deflated data set starting at offset %d is not a valid deflate stream", ErrMalformed, off)
	case len(out) > maxInflated:
		return nil, fmt.Errorf("%w: deflated data set starting at offset %d inflates to more than %d bytes", ErrMalformed, off, maxInflated)
	}
	// The stream may be followed by one NUL byte that pads the file to an
	// even length, and by nothing else.
	rest := src.Len()
	if rest > 1 || (rest == 1 && data[len(data)-1] != 0) {
		return nil, fmt.Errorf("%w: %d bytes after the end of the deflate stream (offset %d)", ErrMalformed, rest, off+len(data)-rest)
	}
	return out, nil
}

// parseMeta reads the file meta information group. It returns the offset
// of the data set.
func parseMeta(b []byte) (*File, transferSyntax, int, error) {
	w := &walker{buf: b}
	off := headerLen
	metaEnd := bound{end: len(b), eof: true}
	hasGroupLength := false
	seen := map[uint32]bool{}
	f := &File{}

	for off < metaEnd.end {
		if !hasGroupLength {
			// Without a group length, the group ends at the first element
			// of another group.
			if len(b)-off >= 2 && binary.LittleEndian.Uint16(b[off:]) != groupMeta {
				break
			}
		}
		h, err := w.header(explicitLE, off, metaEnd)
		if err != nil {
			return nil, transferSyntax{}, 0, err
		}
		tag := h.tag
		if tag>>16 != groupMeta {
			return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "element %s inside the file meta group length is not in group 0002", tagString(tag))
		}
		if h.length == undefinedLength {
			return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta element %s has undefined length", tagString(tag))
		}
		if h.length%2 != 0 {
			return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta element %s has odd length %d", tagString(tag), h.length)
		}
		if seen[tag] {
			return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta element %s appears twice", tagString(tag))
		}
		seen[tag] = true
		if uint64(h.length) > uint64(metaEnd.end-h.value) {
			if metaEnd.eof {
				return nil, transferSyntax{}, 0, w.errorf(ErrTruncated, off, "file meta element %s: value length %d runs past the end of the file (%d bytes left)", tagString(tag), h.length, metaEnd.end-h.value)
			}
			return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta element %s: value length %d runs past the end of the group given by (0002,0000)", tagString(tag), h.length)
		}
		value := b[h.value : h.value+int(h.length)]
		next := h.value + int(h.length)

		switch tag {
		case tagGroupLength:
			if off != headerLen {
				return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta group length (0002,0000) is not the first element")
			}
			if h.vr != "UL" || h.length != 4 {
				return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta group length (0002,0000) is not a 4-byte UL")
			}
			n := binary.LittleEndian.Uint32(value)
			if uint64(n) > uint64(len(b)-next) {
				return nil, transferSyntax{}, 0, w.errorf(ErrTruncated, off, "file meta group length (0002,0000) of %d bytes runs past the end of the file (%d bytes left)", n, len(b)-next)
			}
			hasGroupLength = true
			metaEnd = bound{end: next + int(n), what: "the file meta group given by (0002,0000)"}
		case tagMediaSOPClass, tagMediaSOPInst, tagTransferSyntax:
			if h.vr != "UI" {
				return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta element %s has VR %s, want UI", tagString(tag), h.vr)
			}
			uid := strings.TrimRight(string(value), "\x00 ")
			if reason := checkUID(uid); reason != "" {
				return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta element %s %s is not a valid UID: %s", tagString(tag), metaName(tag), reason)
			}
			switch tag {
			case tagMediaSOPClass:
				f.SOPClassUID = uid
			case tagMediaSOPInst:
				f.SOPInstanceUID = uid
			default:
				f.TransferSyntaxUID = uid
			}
		}
		off = next
	}

	for _, tag := range []uint32{tagMediaSOPClass, tagMediaSOPInst, tagTransferSyntax} {
		if !seen[tag] {
			if off >= len(b) {
				return nil, transferSyntax{}, 0, w.errorf(ErrTruncated, off, "file ends inside the file meta information: %s %s is missing", tagString(tag), metaName(tag))
			}
			return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta information has no %s %s", tagString(tag), metaName(tag))
		}
	}
	ts, ok := lookupTransferSyntax(f.TransferSyntaxUID)
	if !ok {
		return nil, transferSyntax{}, 0, fmt.Errorf("%w: unsupported transfer syntax %s", ErrMalformed, f.TransferSyntaxUID)
	}
	if hasGroupLength && !ts.deflated && len(b)-off >= 2 && binary.LittleEndian.Uint16(b[off:]) == groupMeta {
		return nil, transferSyntax{}, 0, w.errorf(ErrMalformed, off, "file meta element (0002,%04X) after the end of the group given by (0002,0000)", binary.LittleEndian.Uint16(b[off+2:]))
	}
	return f, ts, off, nil
}

func metaName(tag uint32) string {
	switch tag {
	case tagMediaSOPClass:
		return "MediaStorageSOPClassUID"
	case tagMediaSOPInst:
		return "MediaStorageSOPInstanceUID"
	case tagTransferSyntax:
		return "TransferSyntaxUID"
	}
	return ""
}

// checkUID returns why s is not a valid UID, or "" if it is one.
func checkUID(s string) string {
	if s == "" {
		return "empty"
	}
	if len(s) > MaxUIDLength {
		return fmt.Sprintf("%d characters, more than %d", len(s), MaxUIDLength)
	}
	for n, comp := range strings.Split(s, ".") {
		if comp == "" {
			return fmt.Sprintf("component %d is empty", n+1)
		}
		for i := 0; i < len(comp); i++ {
			if comp[i] < '0' || comp[i] > '9' {
				return fmt.Sprintf("component %d has a character other than a digit", n+1)
			}
		}
		if len(comp) > 1 && comp[0] == '0' {
			return fmt.Sprintf("component %d has a leading zero", n+1)
		}
	}
	return ""
}

// knownVR reports whether vr is a value representation of PS3.5.
func knownVR(vr string) bool {
	switch vr {
	case "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
		"OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST",
		"SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV":
		return true
	}
	return false
}

// longVR reports whether explicit VR elements of vr have two reserved
// bytes and a 4-byte length.
func longVR(vr string) bool {
	switch vr {
	case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV":
		return true
	}
	return false
}

// walker walks a data set held in buf.
type walker struct {
	buf          []byte
	base         int  // file offset of buf[0], for error messages
	inflated     bool // buf is an inflated data set; offsets are into it
	encapsulated bool // the transfer syntax encapsulates pixel data
	elements     int
}

// bound is where the enclosing data set, item or sequence ends. eof is
// true when that is the end of the input rather than a defined length;
// otherwise what names the container for error messages ("" for an item
// or sequence).
type bound struct {
	end  int
	eof  bool
	what string
}

type header struct {
	tag    uint32
	vr     string // "" for implicit VR and for items and delimiters
	length uint32
	value  int // offset of the value in buf
}

func (w *walker) errorf(kind error, off int, format string, args ...any) error {
	where := "offset"
	if w.inflated {
		where = "offset in the inflated data set"
	}
	return fmt.Errorf("%w: %s %d: %s", kind, where, w.base+off, fmt.Sprintf(format, args...))
}

// overrun returns the error for something at off that runs past bd.
func (w *walker) overrun(bd bound, off int, format string, args ...any) error {
	if bd.eof {
		return w.errorf(ErrTruncated, off, format+" runs past the end of the data", args...)
	}
	what := bd.what
	if what == "" {
		what = "the enclosing item or sequence"
	}
	return w.errorf(ErrMalformed, off, format+" runs past the end of "+what, args...)
}

// header reads the element header at off.
func (w *walker) header(s syntax, off int, bd bound) (header, error) {
	var h header
	if bd.end-off < 4 {
		return h, w.overrun(bd, off, "element header")
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if s.bigEndian {
		order = binary.BigEndian
	}
	b := w.buf[off:bd.end]
	h.tag = uint32(order.Uint16(b))<<16 | uint32(order.Uint16(b[2:]))
	if h.tag>>16 == groupDelimiters || !s.explicit {
		// Items and delimiters have no VR, even in explicit VR.
		if len(b) < 8 {
			return h, w.overrun(bd, off, "header of element %s", tagString(h.tag))
		}
		h.length = order.Uint32(b[4:])
		h.value = off + 8
		return h, nil
	}
	if len(b) < 6 {
		return h, w.overrun(bd, off, "header of element %s", tagString(h.tag))
	}
	if !knownVR(string(b[4:6])) {
		// The bytes are not quoted: in a damaged file they may be part of
		// a value.
		return h, w.errorf(ErrMalformed, off, "element %s has an unknown VR", tagString(h.tag))
	}
	h.vr = string(b[4:6])
	if longVR(h.vr) {
		if len(b) < 12 {
			return h, w.overrun(bd, off, "header of element %s", tagString(h.tag))
		}
		h.length = order.Uint32(b[8:])
		h.value = off + 12
		return h, nil
	}
	if len(b) < 8 {
		return h, w.overrun(bd, off, "header of element %s", tagString(h.tag))
	}
	h.length = uint32(order.Uint16(b[6:]))
	h.value = off + 8
	return h, nil
}

// dataSet walks the elements from off up to bd, or up to an item
// delimiter if inItem (an item of undefined length). It returns the offset
// after the last element or after the item delimiter.
func (w *walker) dataSet(s syntax, off int, bd bound, depth int, inItem bool) (int, error) {
	for off < bd.end {
		h, err := w.header(s, off, bd)
		if err != nil {
			return 0, err
		}
		group := h.tag >> 16
		switch {
		case h.tag == tagItemDelim && inItem:
			if h.length != 0 {
				return 0, w.errorf(ErrMalformed, off, "item delimiter has length %d, want 0", h.length)
			}
			return h.value, nil
		case group == groupDelimiters:
			return 0, w.errorf(ErrMalformed, off, "unexpected %s outside a sequence", tagString(h.tag))
		case group == groupMeta:
			return 0, w.errorf(ErrMalformed, off, "file meta element %s in the data set", tagString(h.tag))
		}
		w.elements++
		off, err = w.value(s, h, off, bd, depth)
		if err != nil {
			return 0, err
		}
	}
	if inItem {
		return 0, w.overrun(bd, off, "item of undefined length without an item delimiter")
	}
	return off, nil
}

// value walks the value of the element whose header h starts at off and
// returns the offset after it.
func (w *walker) value(s syntax, h header, off int, bd bound, depth int) (int, error) {
	tag := tagString(h.tag)
	if h.length == undefinedLength {
		switch {
		case h.tag == tagPixelData && !w.encapsulated:
			return 0, w.errorf(ErrMalformed, off, "pixel data %s has undefined length in a transfer syntax without encapsulated pixel data", tag)
		case h.tag == tagPixelData && h.vr != "OB" && h.vr != "OW" && h.vr != "":
			return 0, w.errorf(ErrMalformed, off, "encapsulated pixel data %s has VR %s, want OB or OW", tag, h.vr)
		case h.tag == tagPixelData:
			return w.fragments(s, h.value, bd, off)
		case h.vr == "SQ" || !s.explicit:
			// In implicit VR, only sequences have undefined length.
			return w.sequence(s, h.value, bd, depth, true, off)
		case h.vr == "UN":
			// A sequence whose VR was lost is implicit VR little endian.
			return w.sequence(implicitLE, h.value, bd, depth, true, off)
		default:
			return 0, w.errorf(ErrMalformed, off, "element %s with VR %s has undefined length", tag, h.vr)
		}
	}
	if h.length%2 != 0 {
		return 0, w.errorf(ErrMalformed, off, "element %s has odd length %d", tag, h.length)
	}
	if uint64(h.length) > uint64(bd.end-h.value) {
		return 0, w.overrun(bd, off, "element %s: value length %d (%d bytes left)", tag, h.length, bd.end-h.value)
	}
	end := h.value + int(h.length)
	if h.vr == "SQ" {
		if _, err := w.sequence(s, h.value, bound{end: end}, depth, false, off); err != nil {
			return 0, err
		}
	}
	return end, nil
}

// sequence walks the items of a sequence whose value starts at off, up to
// bd for a defined length or up to the sequence delimiter if undefined.
// start is the offset of the sequence element, for error messages.
func (w *walker) sequence(s syntax, off int, bd bound, depth int, undefined bool, start int) (int, error) {
	depth++
	if depth > MaxDepth {
		return 0, w.errorf(ErrMalformed, start, "sequences nested more than %d deep", MaxDepth)
	}
	for off < bd.end {
		h, err := w.header(s, off, bd)
		if err != nil {
			return 0, err
		}
		switch h.tag {
		case tagItem:
			if h.length == undefinedLength {
				off, err = w.dataSet(s, h.value, bd, depth, true)
				if err != nil {
					return 0, err
				}
				continue
			}
			if h.length%2 != 0 {
				return 0, w.errorf(ErrMalformed, off, "item has odd length %d", h.length)
			}
			if uint64(h.length) > uint64(bd.end-h.value) {
				return 0, w.overrun(bd, off, "item: length %d (%d bytes left)", h.length, bd.end-h.value)
			}
			end := h.value + int(h.length)
			if _, err := w.dataSet(s, h.value, bound{end: end}, depth, false); err != nil {
				return 0, err
			}
			off = end
		case tagSeqDelim:
			if !undefined {
				return 0, w.errorf(ErrMalformed, off, "sequence delimiter in a sequence of defined length")
			}
			if h.length != 0 {
				return 0, w.errorf(ErrMalformed, off, "sequence delimiter has length %d, want 0", h.length)
			}
			return h.value, nil
		default:
			return 0, w.errorf(ErrMalformed, off, "%s in a sequence, want an item (FFFE,E000)", tagString(h.tag))
		}
	}
	if undefined {
		return 0, w.overrun(bd, start, "sequence of undefined length without a sequence delimiter")
	}
	return off, nil
}

// fragments walks encapsulated pixel data whose items start at off: a
// basic offset table item, then one item per fragment, then a sequence
// delimiter. start is the offset of the pixel data element.
func (w *walker) fragments(s syntax, off int, bd bound, start int) (int, error) {
	for n := 0; ; n++ {
		if off >= bd.end {
			return 0, w.overrun(bd, start, "encapsulated pixel data without a sequence delimiter")
		}
		h, err := w.header(s, off, bd)
		if err != nil {
			return 0, err
		}
		switch h.tag {
		case tagItem:
			if h.length == undefinedLength {
				return 0, w.errorf(ErrMalformed, off, "pixel data fragment %d has undefined length", n)
			}
			if h.length%2 != 0 {
				return 0, w.errorf(ErrMalformed, off, "pixel data fragment %d has odd length %d", n, h.length)
			}
			if uint64(h.length) > uint64(bd.end-h.value) {
				return 0, w.overrun(bd, off, "pixel data fragment %d: length %d (%d bytes left)", n, h.length, bd.end-h.value)
			}
			off = h.value + int(h.length)
		case tagSeqDelim:
			if n == 0 {
				return 0, w.errorf(ErrMalformed, off, "encapsulated pixel data has no basic offset table item")
			}
			if h.length != 0 {
				return 0, w.errorf(ErrMalformed, off, "sequence delimiter has length %d, want 0", h.length)
			}
			return h.value, nil
		default:
			return 0, w.errorf(ErrMalformed, off, "%s in encapsulated pixel data, want an item (FFFE,E000)", tagString(h.tag))
		}
	}
}
