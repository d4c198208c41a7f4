package gs1

import (
	"fmt"
	"strings"
	"time"
)

// groupSep is the ASCII group separator (GS) that stands for FNC1 as a
// separator in transmitted (raw) element strings.
const groupSep = '\x1d'

// element is one AI and its value as read from an element string; pos is the
// 1-based byte position of the AI in the input.
type element struct {
	ai    string
	value string
	pos   int
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
		b.WriteString(formatDate(u.Expiry))
	}
	if u.Lot != "" {
		b.WriteString("(" + aiLot + ")")
		b.WriteString(escapeBracketed(u.Lot))
	}
	b.WriteString("(" + aiSerial + ")")
	b.WriteString(escapeBracketed(u.Serial))
	return b.String()
}

// ParseElementString parses the GS1 element string of a serialized unit and
// returns its UnitID; ref anchors the century of the expiry date (see
// ParseDate).
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
//
// Errors start with "element string: ", said once here.
func ParseElementString(s string, ref time.Time) (UnitID, error) {
	u, err := parseUnitElements(s, ref)
	if err != nil {
		return UnitID{}, fmt.Errorf("element string: %w", err)
	}
	return u, nil
}

// parseUnitElements is ParseElementString without the "element string"
// context on its errors.
func parseUnitElements(s string, ref time.Time) (UnitID, error) {
	elems, err := parseElements(s)
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
				return UnitID{}, duplicateAI(e)
			}
			if err := ValidateGTIN14(e.value); err != nil {
				return UnitID{}, fmt.Errorf("AI (%s): %w", e.ai, err)
			}
			u.GTIN, hasGTIN = e.value, true
		case aiSerial:
			if hasSerial {
				return UnitID{}, duplicateAI(e)
			}
			if err := ValidateSerial(e.value); err != nil {
				return UnitID{}, fmt.Errorf("AI (%s): %w", e.ai, err)
			}
			u.Serial, hasSerial = e.value, true
		case aiLot:
			if hasLot {
				return UnitID{}, duplicateAI(e)
			}
			if err := ValidateLot(e.value); err != nil {
				return UnitID{}, fmt.Errorf("AI (%s): %w", e.ai, err)
			}
			u.Lot, hasLot = e.value, true
		case aiExpiry:
			if u.HasExpiry {
				return UnitID{}, duplicateAI(e)
			}
			t, err := ParseDate(e.value, ref)
			if err != nil {
				return UnitID{}, fmt.Errorf("AI (%s) expiry %w", e.ai, err)
			}
			u.Expiry, u.HasExpiry = t, true
		case aiProductionDate:
			if hasProduction {
				return UnitID{}, duplicateAI(e)
			}
			if _, err := ParseDate(e.value, ref); err != nil {
				return UnitID{}, fmt.Errorf("AI (%s) production %w", e.ai, err)
			}
			hasProduction = true
		default:
			// Unreachable: parseElements only returns AIs in aiSpec.
			return UnitID{}, fmt.Errorf("unsupported application identifier (%s) at position %d", e.ai, e.pos)
		}
	}
	if !hasGTIN {
		return UnitID{}, fmt.Errorf("no GTIN (AI 01)")
	}
	if !hasSerial {
		return UnitID{}, fmt.Errorf("no serial number (AI 21): not a serialized unit")
	}
	return u, nil
}

// ParseSSCCElementString parses the element string of a logistic unit,
// bracketed ("(00)106141411234567897") or raw ("00106141411234567897",
// optionally preceded by a symbology identifier "]d2", "]C1" or "]Q3"), and
// returns the 18-digit SSCC after validating its check digit. The string must
// hold AI (00) and nothing else.
//
// Errors start with "element string: ", said once here.
func ParseSSCCElementString(s string) (string, error) {
	sscc, err := parseSSCCElements(s)
	if err != nil {
		return "", fmt.Errorf("element string: %w", err)
	}
	return sscc, nil
}

// parseSSCCElements is ParseSSCCElementString without the "element string"
// context on its errors.
func parseSSCCElements(s string) (string, error) {
	elems, err := parseElements(s)
	if err != nil {
		return "", err
	}
	for _, e := range elems {
		if e.ai != aiSSCC {
			return "", fmt.Errorf("unexpected AI (%s) at position %d: an SSCC is AI (00) alone",
				e.ai, e.pos)
		}
	}
	if len(elems) != 1 {
		// elems is never empty here, so there is a repeated AI (00).
		return "", duplicateAI(elems[1])
	}
	if err := ValidateSSCC(elems[0].value); err != nil {
		return "", fmt.Errorf("AI (%s): %w", aiSSCC, err)
	}
	return elems[0].value, nil
}

// parseElements splits an element string, bracketed or raw (see
// ParseElementString), into its elements. It checks the AIs and the value
// lengths but not the contents of the values. Its errors do not say
// "element string": the exported parsers add that once.
func parseElements(s string) ([]element, error) {
	if s == "" {
		return nil, fmt.Errorf("empty")
	}
	off := 0
	symbology := false
	if s[0] == ']' {
		if len(s) < 3 {
			return nil, fmt.Errorf("truncated symbology identifier %s", quote(s))
		}
		switch s[:3] {
		case "]d2", "]C1", "]Q3":
		default:
			return nil, fmt.Errorf("unsupported symbology identifier %s: expected ]d2, ]C1 or ]Q3",
				quote(s[:3]))
		}
		off, symbology = 3, true
	}
	for off < len(s) && s[off] == groupSep {
		off++
	}
	if off == len(s) {
		return nil, fmt.Errorf("no data in %s", quote(s))
	}
	if s[off] == '(' {
		if symbology {
			return nil, fmt.Errorf("a symbology identifier must be followed by raw (unbracketed) data")
		}
		return parseBracketed(s, off)
	}
	return parseRaw(s, off)
}

// parseRaw splits the raw element string s[off:] into elements.
func parseRaw(s string, off int) ([]element, error) {
	var elems []element
	i := off
	for i < len(s) {
		if s[i] == groupSep {
			i++
			continue
		}
		start := i
		if len(s)-i < 2 || !allDigits(s[i:i+2]) {
			return nil, fmt.Errorf("invalid application identifier %s at position %d: expected digits",
				quote(s[i:min(i+4, len(s))]), i+1)
		}
		ai := s[i : i+2]
		fixed, maxLen, ok := aiSpec(ai)
		if !ok {
			n := aiLength(ai)
			if n > 0 && len(s)-i >= n && allDigits(s[i:i+n]) {
				return nil, fmt.Errorf("unsupported application identifier (%s) at position %d",
					s[i:i+n], i+1)
			}
			return nil, fmt.Errorf("unknown application identifier starting with %s at position %d",
				quote(ai), i+1)
		}
		i += len(ai)
		var value string
		if fixed > 0 {
			end := i + fixed
			if sep := strings.IndexByte(s[i:min(end, len(s))], groupSep); sep >= 0 {
				end = i + sep
			}
			if end > len(s) || end-i != fixed {
				return nil, fmt.Errorf("AI (%s) at position %d: value too short: expected %d digits, got %d",
					ai, start+1, fixed, min(end, len(s))-i)
			}
			value = s[i:end]
			i = end
		} else {
			end := len(s)
			if sep := strings.IndexByte(s[i:], groupSep); sep >= 0 {
				end = i + sep
			}
			if end-i > maxLen {
				return nil, fmt.Errorf("AI (%s) at position %d: value longer than %d characters (missing GS separator?)",
					ai, start+1, maxLen)
			}
			if end == i {
				return nil, fmt.Errorf("AI (%s) at position %d has an empty value", ai, start+1)
			}
			value = s[i:end]
			i = end
		}
		elems = append(elems, element{ai: ai, value: value, pos: start + 1})
	}
	return elems, nil
}

// parseBracketed splits the bracketed element string s[off:] into
// elements.
func parseBracketed(s string, off int) ([]element, error) {
	var elems []element
	i := off
	for i < len(s) {
		if s[i] == groupSep {
			i++
			continue
		}
		start := i
		if s[i] != '(' {
			return nil, fmt.Errorf("unexpected data %s at position %d: expected \"(\" and an application identifier",
				quote(s[i:]), i+1)
		}
		// An AI has 2 to 4 digits: look for ")" no further than that.
		closing := strings.IndexByte(s[i+1:min(i+6, len(s))], ')')
		if closing < 2 || !allDigits(s[i+1:i+1+closing]) {
			return nil, fmt.Errorf("invalid application identifier %s at position %d (write a literal \"(\" in a value as \"\\(\")",
				quote(s[i:min(i+6, len(s))]), i+1)
		}
		ai := s[i+1 : i+1+closing]
		fixed, maxLen, ok := aiSpec(ai)
		if !ok {
			return nil, fmt.Errorf("unsupported application identifier (%s) at position %d", ai, i+1)
		}
		i += closing + 2
		var b strings.Builder
		for i < len(s) && s[i] != '(' && s[i] != groupSep {
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
			return nil, fmt.Errorf("AI (%s) at position %d has an empty value", ai, start+1)
		case fixed > 0 && len(value) != fixed:
			return nil, fmt.Errorf("AI (%s) at position %d: value %s has the wrong length: expected %d digits, got %d",
				ai, start+1, quote(value), fixed, len(value))
		case fixed == 0 && len(value) > maxLen:
			return nil, fmt.Errorf("AI (%s) at position %d: value longer than %d characters",
				ai, start+1, maxLen)
		}
		elems = append(elems, element{ai: ai, value: value, pos: start + 1})
	}
	return elems, nil
}

// duplicateAI returns the error for an AI that occurs twice.
func duplicateAI(e element) error {
	return fmt.Errorf("duplicate AI (%s) at position %d", e.ai, e.pos)
}

// escapeBracketed escapes "(" as "\(" in a value of a bracketed element
// string.
func escapeBracketed(v string) string {
	return strings.ReplaceAll(v, "(", `\(`)
}
