package types

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	errorsmod "cosmossdk.io/errors"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// This file parses and formats the GS1 identifiers that identify a
// serialized unit of a medicinal product (GTIN + serial number, with
// optional batch/lot and expiry date) and a logistic unit (SSCC), in the
// three forms in which they reach the chain:
//
//   - the human-readable (bracketed) element string printed under a barcode,
//     e.g. "(01)09506000134352(17)201225(10)ABC123(21)XYZ";
//   - the raw element string transmitted by a scanner reading a GS1
//     DataMatrix (or GS1-128 / GS1 QR Code) symbol, optionally preceded by
//     the symbology identifier ("]d2", "]C1", "]Q3"), in which variable-length
//     values are terminated by the FNC1 separator (ASCII 29, GS);
//   - a GS1 Digital Link URI,
//     e.g. "https://id.example.com/01/09506000134352/10/ABC123/21/XYZ?17=201225".
//
// All functions return plain errors (callers wrap them in registered errors)
// and never panic, whatever the input.

// Lengths and limits from the GS1 General Specifications.
const (
	// gtin14Length is the number of digits of a GTIN in AI (01).
	gtin14Length = 14
	// ssccLength is the number of digits of an SSCC in AI (00).
	ssccLength = 18
	// gs1DateLength is the number of digits of a YYMMDD date (AI 11, 17).
	gs1DateLength = 6
	// gs1MaxSerialLength is the maximum length of AI (21) and AI (10).
	gs1MaxSerialLength = 20
	// gs1GS is the ASCII group separator that represents FNC1 as a
	// separator in transmitted (raw) element strings.
	gs1GS = '\x1d'
	// gs1MaxEcho bounds how much of an input is echoed in an error message.
	gs1MaxEcho = 40
	// dayDuration is the length of the day an expiry date covers.
	dayDuration = 24 * time.Hour
)

// GS1 application identifiers understood by the parsers in this file.
const (
	aiSSCC           = "00"
	aiGTIN           = "01"
	aiLot            = "10"
	aiProductionDate = "11"
	aiExpiry         = "17"
	aiSerial         = "21"
	aiCPV            = "22"
)

// gs1CSet82Punct lists the non-alphanumeric characters of GS1 AI encodable
// character set 82.
const gs1CSet82Punct = "!\"%&'()*+,-./:;<=>?_"

// digitalLinkHTTPS is the scheme used by UnitID.DigitalLink.
const digitalLinkHTTPS = "https"

// UnitID identifies one serialized unit of a trade item: the GTIN and serial
// number (AI 01 + AI 21, together the SGTIN), with the optional batch/lot
// number (AI 10) and expiry date (AI 17).
//
// GTIN is always normalized to 14 digits. Expiry, meaningful only when
// HasExpiry is true (it is the zero time otherwise), is the expiry date at
// 00:00 UTC; the unit remains usable until the end of that day (see
// ExpiredAt).
type UnitID struct {
	GTIN      string
	Serial    string
	Lot       string
	Expiry    time.Time
	HasExpiry bool
}

// NormalizeGTIN validates s as a GTIN-8, GTIN-12, GTIN-13 or GTIN-14 (ASCII
// digits only, last digit the GS1 mod-10 check digit) and returns it
// left-padded with zeros to 14 digits, the form used in AI (01).
func NormalizeGTIN(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("GTIN is empty")
	}
	switch len(s) {
	case 8, 12, 13, gtin14Length:
	default:
		return "", fmt.Errorf("GTIN %s: invalid length: expected 8, 12, 13 or 14 digits, got %d",
			gs1Quote(s), len(s))
	}
	padded := strings.Repeat("0", gtin14Length-len(s)) + s
	if err := gs1CheckDigits("GTIN", padded, gtin14Length); err != nil {
		return "", fmt.Errorf("GTIN %s: %w", gs1Quote(s), err)
	}
	return padded, nil
}

// ValidateGTIN14 checks that s is a GTIN in its 14-digit form: exactly 14
// ASCII digits whose last digit is the GS1 mod-10 check digit of the first
// 13. It returns nil when s is valid.
func ValidateGTIN14(s string) error {
	if s == "" {
		return fmt.Errorf("GTIN is empty")
	}
	if len(s) != gtin14Length {
		return fmt.Errorf("GTIN %s: invalid length: expected %d digits, got %d",
			gs1Quote(s), gtin14Length, len(s))
	}
	if err := gs1CheckDigits("GTIN", s, gtin14Length); err != nil {
		return fmt.Errorf("GTIN %s: %w", gs1Quote(s), err)
	}
	return nil
}

// ValidateSSCC checks that s is a Serial Shipping Container Code: exactly 18
// ASCII digits whose last digit is the GS1 mod-10 check digit of the first
// 17. It returns nil when s is valid.
func ValidateSSCC(s string) error {
	if s == "" {
		return fmt.Errorf("SSCC is empty")
	}
	if len(s) != ssccLength {
		return fmt.Errorf("SSCC %s: invalid length: expected %d digits, got %d",
			gs1Quote(s), ssccLength, len(s))
	}
	if err := gs1CheckDigits("SSCC", s, ssccLength); err != nil {
		return fmt.Errorf("SSCC %s: %w", gs1Quote(s), err)
	}
	return nil
}

// ValidateSerial checks that s is a valid serial number for AI (21): 1 to 20
// characters from GS1 AI encodable character set 82 (digits, upper and lower
// case letters and ! " % & ' ( ) * + , - . / : ; < = > ? _).
func ValidateSerial(s string) error {
	return gs1ValidateCSet82("serial number", s, gs1MaxSerialLength)
}

// ValidateLot checks that s is a valid batch/lot number for AI (10): 1 to 20
// characters from GS1 AI encodable character set 82 (digits, upper and lower
// case letters and ! " % & ' ( ) * + , - . / : ; < = > ? _).
func ValidateLot(s string) error {
	return gs1ValidateCSet82("lot number", s, gs1MaxSerialLength)
}

// ParseExpiry parses a GS1 YYMMDD date such as the value of AI (17) and
// returns it at 00:00 UTC.
//
// The century is chosen by the sliding window of the GS1 General
// Specifications relative to ref's year (taken in UTC): when YY minus the last
// two digits of that year is 51..99 the date is in the previous century, when
// it is -99..-50 the date is in the next century, otherwise in the current
// century (with ref in 2026, "760101" is 2076-01-01 and "770101" is
// 1977-01-01). A day of "00" means the last day of the month. A month outside
// 01..12 or a day beyond the end of the month is refused.
func ParseExpiry(yymmdd string, ref time.Time) (time.Time, error) {
	if len(yymmdd) != gs1DateLength || !gs1AllDigits(yymmdd) {
		return time.Time{}, fmt.Errorf("date %s: expected %d digits YYMMDD",
			gs1Quote(yymmdd), gs1DateLength)
	}
	yy := gs1Atoi(yymmdd[0:2])
	mm := gs1Atoi(yymmdd[2:4])
	dd := gs1Atoi(yymmdd[4:6])

	refYear := ref.UTC().Year()
	century := gs1FloorDiv(refYear, 100)
	switch diff := yy - (refYear - century*100); {
	case diff >= 51:
		century--
	case diff <= -50:
		century++
	}
	year := century*100 + yy

	if mm < 1 || mm > 12 {
		return time.Time{}, fmt.Errorf("date %s: invalid month %02d", gs1Quote(yymmdd), mm)
	}
	month := time.Month(mm)
	last := gs1DaysIn(year, month)
	switch {
	case dd == 0:
		dd = last
	case dd > last:
		return time.Time{}, fmt.Errorf("date %s: invalid day %02d: %04d-%02d has %d days",
			gs1Quote(yymmdd), dd, year, mm, last)
	}
	return time.Date(year, month, dd, 0, 0, 0, 0, time.UTC), nil
}

// ExpiredAt reports whether the unit is expired at now: a unit is usable
// through the whole of its expiry day (in UTC) and expired from the start of
// the following day, i.e. when now >= Expiry + 24h. A unit without an expiry
// date never expires.
func (u UnitID) ExpiredAt(now time.Time) bool {
	if !u.HasExpiry {
		return false
	}
	return !now.Before(u.Expiry.Add(dayDuration))
}

// ElementString returns the canonical bracketed (human-readable) element
// string of u: "(01)gtin", then "(17)YYMMDD" if u has an expiry date, then
// "(10)lot" if u has a lot, then "(21)serial". The expiry is written as the
// actual day (never as DD "00"). A "(" inside the lot or serial (a valid
// character of set 82) is written as "\(" so that it cannot be confused with
// the start of the next AI; ParseElementString reads it back.
func (u UnitID) ElementString() string {
	var b strings.Builder
	b.WriteString("(" + aiGTIN + ")")
	b.WriteString(u.GTIN)
	if u.HasExpiry {
		b.WriteString("(" + aiExpiry + ")")
		b.WriteString(gs1FormatDate(u.Expiry))
	}
	if u.Lot != "" {
		b.WriteString("(" + aiLot + ")")
		b.WriteString(gs1EscapeBracketed(u.Lot))
	}
	b.WriteString("(" + aiSerial + ")")
	b.WriteString(gs1EscapeBracketed(u.Serial))
	return b.String()
}

// DigitalLink returns the GS1 Digital Link URI of u on host:
// "https://{host}/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD", where the lot
// segment is present only if u has a lot and the query only if u has an
// expiry date. Lot and serial are percent-encoded with url.PathEscape.
func (u UnitID) DigitalLink(host string) string {
	var b strings.Builder
	b.WriteString(digitalLinkHTTPS + "://")
	b.WriteString(host)
	b.WriteString("/" + aiGTIN + "/")
	b.WriteString(u.GTIN)
	if u.Lot != "" {
		b.WriteString("/" + aiLot + "/")
		b.WriteString(url.PathEscape(u.Lot))
	}
	b.WriteString("/" + aiSerial + "/")
	b.WriteString(url.PathEscape(u.Serial))
	if u.HasExpiry {
		b.WriteString("?" + aiExpiry + "=")
		b.WriteString(gs1FormatDate(u.Expiry))
	}
	return b.String()
}

// ParseElementString parses the GS1 element string of a serialized unit and
// returns its UnitID; ref anchors the century of the expiry date (see
// ParseExpiry).
//
// Two forms are accepted:
//
//   - bracketed (human-readable), e.g.
//     "(01)09506000134352(17)201225(10)ABC123(21)XYZ": each value runs up to
//     the next "(" (write a literal "(" in a value as "\("), a GS character
//     or the end of the string; GS characters between elements are ignored;
//   - raw, as transmitted by a scanner, optionally preceded by the symbology
//     identifier "]d2" (GS1 DataMatrix), "]C1" (GS1-128) or "]Q3" (GS1 QR
//     Code): fixed-length AIs 01 (14 digits), 17 and 11 (6 digits) are
//     followed directly by the next AI, and the variable-length AIs 10 and 21
//     (1..20 characters) end at a GS character (FNC1) or at the end of the
//     string.
//
// AIs may appear in any order. AI 01 (GTIN) and AI 21 (serial number) are
// required; AI 10 (lot) and AI 17 (expiry date) are optional; AI 11
// (production date) is validated and ignored. An SSCC (AI 00), any other AI,
// a repeated AI, a value of the wrong length or with invalid characters, a
// bad check digit and data that does not form an element are refused.
func ParseElementString(s string, ref time.Time) (UnitID, error) {
	elems, err := gs1ParseElements(s)
	if err != nil {
		return UnitID{}, err
	}
	var u UnitID
	var hasGTIN, hasSerial, hasLot, hasProduction bool
	for _, e := range elems {
		switch e.ai {
		case aiSSCC:
			return UnitID{}, fmt.Errorf("SSCC in a unit identifier: AI (%s) at position %d identifies a logistic unit, not a serialized unit",
				e.ai, e.pos)
		case aiGTIN:
			if hasGTIN {
				return UnitID{}, gs1DuplicateAI(e)
			}
			if err := ValidateGTIN14(e.value); err != nil {
				return UnitID{}, fmt.Errorf("AI (%s): %w", e.ai, err)
			}
			u.GTIN, hasGTIN = e.value, true
		case aiSerial:
			if hasSerial {
				return UnitID{}, gs1DuplicateAI(e)
			}
			if err := ValidateSerial(e.value); err != nil {
				return UnitID{}, fmt.Errorf("AI (%s): %w", e.ai, err)
			}
			u.Serial, hasSerial = e.value, true
		case aiLot:
			if hasLot {
				return UnitID{}, gs1DuplicateAI(e)
			}
			if err := ValidateLot(e.value); err != nil {
				return UnitID{}, fmt.Errorf("AI (%s): %w", e.ai, err)
			}
			u.Lot, hasLot = e.value, true
		case aiExpiry:
			if u.HasExpiry {
				return UnitID{}, gs1DuplicateAI(e)
			}
			t, err := ParseExpiry(e.value, ref)
			if err != nil {
				return UnitID{}, fmt.Errorf("AI (%s) expiry %w", e.ai, err)
			}
			u.Expiry, u.HasExpiry = t, true
		case aiProductionDate:
			if hasProduction {
				return UnitID{}, gs1DuplicateAI(e)
			}
			if _, err := ParseExpiry(e.value, ref); err != nil {
				return UnitID{}, fmt.Errorf("AI (%s) production %w", e.ai, err)
			}
			hasProduction = true
		default:
			// Unreachable: gs1ParseElements only returns AIs in gs1AISpec.
			return UnitID{}, fmt.Errorf("unsupported application identifier (%s) at position %d", e.ai, e.pos)
		}
	}
	if !hasGTIN {
		return UnitID{}, fmt.Errorf("element string has no GTIN (AI 01)")
	}
	if !hasSerial {
		return UnitID{}, fmt.Errorf("element string has no serial number (AI 21): not a serialized unit")
	}
	return u, nil
}

// ParseSSCCElementString parses the element string of a logistic unit,
// bracketed ("(00)106141411234567897") or raw ("00106141411234567897",
// optionally preceded by a symbology identifier "]d2", "]C1" or "]Q3"), and
// returns the 18-digit SSCC after validating its check digit. The string must
// hold AI (00) and nothing else.
func ParseSSCCElementString(s string) (string, error) {
	elems, err := gs1ParseElements(s)
	if err != nil {
		return "", err
	}
	for _, e := range elems {
		if e.ai != aiSSCC {
			return "", fmt.Errorf("unexpected AI (%s) at position %d in an SSCC element string: only AI (00) is allowed",
				e.ai, e.pos)
		}
	}
	if len(elems) != 1 {
		// elems is never empty here, so there is a repeated AI (00).
		return "", gs1DuplicateAI(elems[1])
	}
	if err := ValidateSSCC(elems[0].value); err != nil {
		return "", fmt.Errorf("AI (%s): %w", aiSSCC, err)
	}
	return elems[0].value, nil
}

// ParseDigitalLink parses a GS1 Digital Link URI identifying a serialized unit
// and returns its UnitID; ref anchors the century of the expiry date (see
// ParseExpiry).
//
// The URI must be absolute with scheme http or https and any host. Its path
// ends with the primary key and key qualifiers "/01/{gtin}[/10/{lot}]/21/{serial}"
// in that order, optionally preceded by any prefix path (e.g.
// "https://example.com/some/prefix/01/..."); the path is read from its end,
// as the Digital Link standard prescribes. The GTIN may be a GTIN-8, -12, -13
// or -14 and is normalized to 14 digits; lot and serial are percent-decoded
// and validated. The expiry date, if any, is the query parameter "17=YYMMDD";
// the production date "11=YYMMDD" is validated and ignored, other numeric
// (AI) query parameters are refused and non-numeric ones (such as linkType)
// are ignored, as is the fragment. A missing GTIN or serial, qualifiers out
// of order or repeated, AI 22 (consumer product variant) and other path AIs
// are refused.
func ParseDigitalLink(uri string, ref time.Time) (UnitID, error) {
	if uri == "" {
		return UnitID{}, fmt.Errorf("GS1 Digital Link URI is empty")
	}
	parsed, err := url.Parse(uri)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return UnitID{}, fmt.Errorf("GS1 Digital Link URI %s: %v", gs1Quote(uri), err)
	}
	if parsed.Scheme != "http" && parsed.Scheme != "https" {
		return UnitID{}, fmt.Errorf("GS1 Digital Link URI %s: scheme must be http or https", gs1Quote(uri))
	}
	if parsed.Host == "" || parsed.Opaque != "" {
		return UnitID{}, fmt.Errorf("GS1 Digital Link URI %s: missing host", gs1Quote(uri))
	}

	segs, err := digitalLinkPathSegments(uri, parsed.Scheme)
	if err != nil {
		return UnitID{}, err
	}
	pairs, err := digitalLinkKeyPairs(segs)
	if err != nil {
		return UnitID{}, err
	}

	var u UnitID
	gtin, err := NormalizeGTIN(pairs[0].value)
	if err != nil {
		return UnitID{}, fmt.Errorf("GS1 Digital Link AI (%s): %w", aiGTIN, err)
	}
	u.GTIN = gtin
	i := 1
	if i < len(pairs) && pairs[i].ai == aiLot {
		if err := ValidateLot(pairs[i].value); err != nil {
			return UnitID{}, fmt.Errorf("GS1 Digital Link AI (%s): %w", aiLot, err)
		}
		u.Lot = pairs[i].value
		i++
	}
	if i < len(pairs) && pairs[i].ai == aiSerial {
		if err := ValidateSerial(pairs[i].value); err != nil {
			return UnitID{}, fmt.Errorf("GS1 Digital Link AI (%s): %w", aiSerial, err)
		}
		u.Serial = pairs[i].value
		i++
	}
	if i < len(pairs) {
		if pairs[i].ai == aiCPV {
			return UnitID{}, fmt.Errorf("GS1 Digital Link AI (%s) (consumer product variant) is not supported", aiCPV)
		}
		return UnitID{}, fmt.Errorf("GS1 Digital Link path: AI (%s) out of order or repeated: expected /01/{gtin}[/10/{lot}]/21/{serial}",
			pairs[i].ai)
	}
	if u.Serial == "" {
		return UnitID{}, fmt.Errorf("GS1 Digital Link path has no serial number (AI 21): not a serialized unit")
	}

	if err := digitalLinkQuery(&u, parsed.RawQuery, ref); err != nil {
		return UnitID{}, err
	}
	return u, nil
}

// dlPair is one "/{ai}/{value}" pair of a Digital Link path, value
// percent-decoded.
type dlPair struct {
	ai    string
	value string
}

// digitalLinkPathSegments returns the still percent-encoded segments of the
// path of uri, which url.Parse has accepted with the given scheme and a
// non-empty host. The path is cut out of uri itself rather than taken from
// url.URL so that an encoded "/" (%2F, a valid character of set 82) inside a
// value never splits it.
func digitalLinkPathSegments(uri, scheme string) ([]string, error) {
	rest := uri
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	// url.Parse found the scheme before the first ':' and an authority
	// introduced by "//", so rest starts with scheme + "://".
	prefix := len(scheme) + len("://")
	if len(rest) < prefix {
		return nil, fmt.Errorf("GS1 Digital Link URI %s: missing host", gs1Quote(uri))
	}
	rest = rest[prefix:]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return nil, fmt.Errorf("GS1 Digital Link URI %s: path has no /01/{gtin}", gs1Quote(uri))
	}
	return strings.Split(rest[slash+1:], "/"), nil
}

// digitalLinkKeyPairs reads the "/{ai}/{value}" pairs at the end of a
// Digital Link path, from the right, down to the primary key AI 01, and
// returns them in path order (so the first pair is AI 01) with their values
// percent-decoded. Segments before AI 01 are a free prefix.
func digitalLinkKeyPairs(segs []string) ([]dlPair, error) {
	if len(segs) > 0 && segs[len(segs)-1] == "" && len(segs) > 1 {
		return nil, fmt.Errorf("GS1 Digital Link path ends with \"/\"")
	}
	var rev []dlPair
	i := len(segs)
	for {
		if i < 2 {
			return nil, fmt.Errorf("GS1 Digital Link path has no /01/{gtin} primary key")
		}
		key, raw := segs[i-2], segs[i-1]
		i -= 2
		switch key {
		case aiGTIN, aiLot, aiSerial, aiCPV:
		default:
			if key != "" && len(key) <= 4 && gs1AllDigits(key) {
				return nil, fmt.Errorf("GS1 Digital Link path: unsupported AI (%s)", key)
			}
			return nil, fmt.Errorf("GS1 Digital Link path has no /01/{gtin} primary key before segment %s",
				gs1Quote(key))
		}
		value, err := url.PathUnescape(raw)
		if err != nil {
			return nil, fmt.Errorf("GS1 Digital Link AI (%s) value %s: invalid percent-encoding",
				key, gs1Quote(raw))
		}
		rev = append(rev, dlPair{ai: key, value: value})
		if key == aiGTIN {
			break
		}
	}
	for _, seg := range segs[:i] {
		if seg == aiGTIN {
			return nil, fmt.Errorf("GS1 Digital Link path is ambiguous: AI (%s) appears more than once", aiGTIN)
		}
	}
	pairs := make([]dlPair, len(rev))
	for j, p := range rev {
		pairs[len(rev)-1-j] = p
	}
	return pairs, nil
}

// digitalLinkQuery applies the query parameters of a Digital Link URI to u:
// "17" sets the expiry date, "11" is validated and ignored, other numeric
// keys (AIs) are refused and non-numeric keys are ignored.
func digitalLinkQuery(u *UnitID, rawQuery string, ref time.Time) error {
	if rawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return fmt.Errorf("GS1 Digital Link query %s: %v", gs1Quote(rawQuery), err)
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vals := q[k]
		switch {
		case k == aiExpiry || k == aiProductionDate:
			if len(vals) != 1 {
				return fmt.Errorf("GS1 Digital Link query: AI (%s) repeated", k)
			}
			t, err := ParseExpiry(vals[0], ref)
			if err != nil {
				return fmt.Errorf("GS1 Digital Link query AI (%s): %w", k, err)
			}
			if k == aiExpiry {
				u.Expiry, u.HasExpiry = t, true
			}
		case k == aiGTIN || k == aiLot || k == aiSerial || k == aiCPV:
			return fmt.Errorf("GS1 Digital Link query: AI (%s) belongs in the path", k)
		case k != "" && gs1AllDigits(k):
			return fmt.Errorf("GS1 Digital Link query: unsupported AI (%s)", gs1Truncate(k))
		}
	}
	return nil
}

// gs1Element is one AI and its value as read from an element string; pos is
// the 1-based byte position of the AI in the input.
type gs1Element struct {
	ai    string
	value string
	pos   int
}

// gs1AISpec returns the value length of a supported AI: fixed > 0 for a
// fixed-length numeric value, otherwise maxLen > 0 for a variable-length value.
// ok is false for AIs this package does not handle.
func gs1AISpec(ai string) (fixed, maxLen int, ok bool) {
	switch ai {
	case aiSSCC:
		return ssccLength, 0, true
	case aiGTIN:
		return gtin14Length, 0, true
	case aiExpiry, aiProductionDate:
		return gs1DateLength, 0, true
	case aiLot, aiSerial:
		return 0, gs1MaxSerialLength, true
	}
	return 0, 0, false
}

// gs1AILength returns the length of the AIs that begin with the two digits
// prefix, per the GS1 General Specifications table of AI prefixes, or 0 if no
// AI begins with prefix. It is used only to name an unsupported AI in a raw
// element string.
func gs1AILength(prefix string) int {
	switch p := gs1Atoi(prefix); {
	case p <= 2, p >= 10 && p <= 13, p >= 15 && p <= 17, p >= 20 && p <= 22,
		p == 30, p == 37, p >= 90:
		return 2
	case p >= 23 && p <= 25, p >= 40 && p <= 42, p == 71:
		return 3
	case p >= 31 && p <= 36, p == 39, p == 43, p == 70, p == 72, p >= 80 && p <= 82:
		return 4
	}
	return 0
}

// gs1ParseElements splits an element string, bracketed or raw (see
// ParseElementString), into its elements. It checks the AIs and the value
// lengths but not the contents of the values.
func gs1ParseElements(s string) ([]gs1Element, error) {
	if s == "" {
		return nil, fmt.Errorf("element string is empty")
	}
	off := 0
	symbology := false
	if s[0] == ']' {
		if len(s) < 3 {
			return nil, fmt.Errorf("element string %s: truncated symbology identifier", gs1Quote(s))
		}
		switch s[:3] {
		case "]d2", "]C1", "]Q3":
		default:
			return nil, fmt.Errorf("element string: unsupported symbology identifier %s: expected ]d2, ]C1 or ]Q3",
				gs1Quote(s[:3]))
		}
		off, symbology = 3, true
	}
	for off < len(s) && s[off] == gs1GS {
		off++
	}
	if off == len(s) {
		return nil, fmt.Errorf("element string %s has no data", gs1Quote(s))
	}
	if s[off] == '(' {
		if symbology {
			return nil, fmt.Errorf("element string: a symbology identifier must be followed by raw (unbracketed) data")
		}
		return gs1ParseBracketed(s, off)
	}
	return gs1ParseRaw(s, off)
}

// gs1ParseRaw splits the raw element string s[off:] into elements.
func gs1ParseRaw(s string, off int) ([]gs1Element, error) {
	var elems []gs1Element
	i := off
	for i < len(s) {
		if s[i] == gs1GS {
			i++
			continue
		}
		start := i
		if len(s)-i < 2 || !gs1AllDigits(s[i:i+2]) {
			return nil, fmt.Errorf("element string: invalid application identifier %s at position %d: expected digits",
				gs1Quote(s[i:min(i+4, len(s))]), i+1)
		}
		ai := s[i : i+2]
		fixed, maxLen, ok := gs1AISpec(ai)
		if !ok {
			n := gs1AILength(ai)
			if n > 0 && len(s)-i >= n && gs1AllDigits(s[i:i+n]) {
				return nil, fmt.Errorf("element string: unsupported application identifier (%s) at position %d",
					s[i:i+n], i+1)
			}
			return nil, fmt.Errorf("element string: unknown application identifier starting with %s at position %d",
				gs1Quote(ai), i+1)
		}
		i += len(ai)
		var value string
		if fixed > 0 {
			end := i + fixed
			if gs := strings.IndexByte(s[i:min(end, len(s))], gs1GS); gs >= 0 {
				end = i + gs
			}
			if end > len(s) || end-i != fixed {
				return nil, fmt.Errorf("element string: AI (%s) at position %d: value too short: expected %d digits, got %d",
					ai, start+1, fixed, min(end, len(s))-i)
			}
			value = s[i:end]
			i = end
		} else {
			end := len(s)
			if gs := strings.IndexByte(s[i:], gs1GS); gs >= 0 {
				end = i + gs
			}
			if end-i > maxLen {
				return nil, fmt.Errorf("element string: AI (%s) at position %d: value longer than %d characters (missing GS separator?)",
					ai, start+1, maxLen)
			}
			if end == i {
				return nil, fmt.Errorf("element string: AI (%s) at position %d has an empty value", ai, start+1)
			}
			value = s[i:end]
			i = end
		}
		elems = append(elems, gs1Element{ai: ai, value: value, pos: start + 1})
	}
	return elems, nil
}

// gs1ParseBracketed splits the bracketed element string s[off:] into
// elements.
func gs1ParseBracketed(s string, off int) ([]gs1Element, error) {
	var elems []gs1Element
	i := off
	for i < len(s) {
		if s[i] == gs1GS {
			i++
			continue
		}
		start := i
		if s[i] != '(' {
			return nil, fmt.Errorf("element string: unexpected data %s at position %d: expected \"(\" and an application identifier",
				gs1Quote(s[i:]), i+1)
		}
		// An AI has 2 to 4 digits: look for ")" no further than that.
		closing := strings.IndexByte(s[i+1:min(i+6, len(s))], ')')
		if closing < 2 || !gs1AllDigits(s[i+1:i+1+closing]) {
			return nil, fmt.Errorf("element string: invalid application identifier %s at position %d (write a literal \"(\" in a value as \"\\(\")",
				gs1Quote(s[i:min(i+6, len(s))]), i+1)
		}
		ai := s[i+1 : i+1+closing]
		fixed, maxLen, ok := gs1AISpec(ai)
		if !ok {
			return nil, fmt.Errorf("element string: unsupported application identifier (%s) at position %d", ai, i+1)
		}
		i += closing + 2
		var b strings.Builder
		for i < len(s) && s[i] != '(' && s[i] != gs1GS {
			if s[i] == '\\' && i+1 < len(s) && s[i+1] == '(' {
				b.WriteByte('(')
				i += 2
				continue
			}
			b.WriteByte(s[i])
			i++
		}
		value := b.String()
		switch {
		case value == "":
			return nil, fmt.Errorf("element string: AI (%s) at position %d has an empty value", ai, start+1)
		case fixed > 0 && len(value) != fixed:
			return nil, fmt.Errorf("element string: AI (%s) at position %d: value %s has the wrong length: expected %d digits, got %d",
				ai, start+1, gs1Quote(value), fixed, len(value))
		case fixed == 0 && len(value) > maxLen:
			return nil, fmt.Errorf("element string: AI (%s) at position %d: value longer than %d characters",
				ai, start+1, maxLen)
		}
		elems = append(elems, gs1Element{ai: ai, value: value, pos: start + 1})
	}
	return elems, nil
}

// gs1DuplicateAI returns the error for an AI that occurs twice.
func gs1DuplicateAI(e gs1Element) error {
	return fmt.Errorf("element string: duplicate AI (%s) at position %d", e.ai, e.pos)
}

// gs1CheckDigits checks that s is n ASCII digits ending with the GS1 mod-10
// check digit. The caller has already checked len(s) == n.
func gs1CheckDigits(kind, s string, n int) error {
	for i := 0; i < len(s); i++ {
		if !gs1IsDigit(s[i]) {
			return fmt.Errorf("non-digit character at position %d", i+1)
		}
	}
	want, err := consortiumtypes.GS1CheckDigit(s[:n-1])
	if err != nil {
		return err
	}
	if got := s[n-1]; got != want {
		return fmt.Errorf("invalid %s check digit: expected %c, got %c", kind, want, got)
	}
	return nil
}

// gs1ValidateCSet82 checks that s has 1..maxLen characters, all from GS1 AI
// encodable character set 82. kind names the value in error messages.
func gs1ValidateCSet82(kind, s string, maxLen int) error {
	if s == "" {
		return fmt.Errorf("%s is empty", kind)
	}
	if len(s) > maxLen {
		return fmt.Errorf("%s %s: too long: at most %d characters, got %d", kind, gs1Quote(s), maxLen, len(s))
	}
	for i := 0; i < len(s); i++ {
		if !gs1IsCSet82(s[i]) {
			return fmt.Errorf("%s %s: invalid character %q at position %d: not in GS1 character set 82",
				kind, gs1Quote(s), s[i], i+1)
		}
	}
	return nil
}

// gs1IsCSet82 reports whether c is in GS1 AI encodable character set 82.
func gs1IsCSet82(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		return true
	}
	return strings.IndexByte(gs1CSet82Punct, c) >= 0
}

// gs1EscapeBracketed escapes "(" as "\(" in a value of a bracketed element
// string.
func gs1EscapeBracketed(v string) string {
	return strings.ReplaceAll(v, "(", `\(`)
}

// gs1FormatDate formats t (in UTC) as YYMMDD.
func gs1FormatDate(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%02d%02d%02d", gs1FloorMod(t.Year(), 100), int(t.Month()), t.Day())
}

// gs1DaysIn returns the number of days of month m of year y.
func gs1DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// gs1FloorDiv returns a/b rounded towards negative infinity (b > 0).
func gs1FloorDiv(a, b int) int {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// gs1FloorMod returns a modulo b in 0..b-1 (b > 0).
func gs1FloorMod(a, b int) int {
	return a - gs1FloorDiv(a, b)*b
}

// gs1IsDigit reports whether c is an ASCII digit.
func gs1IsDigit(c byte) bool { return c >= '0' && c <= '9' }

// gs1AllDigits reports whether s (possibly empty) is made only of ASCII
// digits.
func gs1AllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !gs1IsDigit(s[i]) {
			return false
		}
	}
	return true
}

// gs1Atoi converts a short string of ASCII digits, already validated, to an
// int.
func gs1Atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// gs1Truncate shortens s to gs1MaxEcho bytes for an error message.
func gs1Truncate(s string) string {
	if len(s) > gs1MaxEcho {
		return s[:gs1MaxEcho] + "..."
	}
	return s
}

// gs1Quote renders s for an error message as a Go-quoted string (control
// characters such as GS and invalid UTF-8 are escaped), truncated to
// gs1MaxEcho bytes.
func gs1Quote(s string) string {
	if len(s) > gs1MaxEcho {
		return fmt.Sprintf("%q...", s[:gs1MaxEcho])
	}
	return fmt.Sprintf("%q", s)
}

// ValidateNDC accepts an empty string, the 10-digit NDC in its 4-4-2, 5-3-2 or
// 5-4-1 forms, 11 digits as 5-4-2, or 10 or 11 bare digits.
func ValidateNDC(s string) error {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "-")
	shape := make([]string, len(parts))
	for i, p := range parts {
		for _, r := range p {
			if r < '0' || r > '9' {
				return errorsmod.Wrapf(ErrInvalidProduct, "NDC %q: only digits and hyphens", s)
			}
		}
		shape[i] = fmt.Sprint(len(p))
	}
	switch strings.Join(shape, "-") {
	case "4-4-2", "5-3-2", "5-4-1", "5-4-2", "11", "10":
		return nil
	}
	return errorsmod.Wrapf(ErrInvalidProduct, "NDC %q: want 4-4-2, 5-3-2, 5-4-1 or 5-4-2 digits", s)
}
