// Package gs1 parses and formats the GS1 identifiers that name a serialized
// unit of a medicinal product (GTIN + serial number, with optional batch/lot
// and expiry date) and a logistic unit (SSCC), in the three forms in which
// they reach the chain:
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
// Files: ai.go holds the application identifiers this package reads and the
// validators of their values (GTIN, SSCC, serial, lot, YYMMDD dates);
// checkdigit.go the GS1 mod-10 check digit; element.go the element strings;
// digitallink.go the Digital Link URIs.
//
// All functions return plain errors (callers wrap them in their own
// registered errors) and never panic, whatever the input. Errors echo at most
// maxEcho bytes of the input, Go-quoted. Each says its context once: the
// errors of ParseElementString and ParseSSCCElementString start with
// "element string: ", those of ParseDigitalLink with "GS1 Digital Link: ",
// and the value at fault is named once ("AI (01): GTIN "…": invalid check
// digit"), so a caller adds only its own context.
package gs1

import (
	"fmt"
	"time"
)

// maxEcho bounds how much of an input is echoed in an error message.
const maxEcho = 40

// dayDuration is the length of the day an expiry date covers.
const dayDuration = 24 * time.Hour

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

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// allDigits reports whether s (possibly empty) is made only of ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi converts a short string of ASCII digits, already validated, to an int.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// truncate shortens s to maxEcho bytes for an error message.
func truncate(s string) string {
	if len(s) > maxEcho {
		return s[:maxEcho] + "..."
	}
	return s
}

// quote renders s for an error message as a Go-quoted string (control
// characters such as GS and invalid UTF-8 are escaped), truncated to maxEcho
// bytes.
func quote(s string) string {
	if len(s) > maxEcho {
		return fmt.Sprintf("%q...", s[:maxEcho])
	}
	return fmt.Sprintf("%q", s)
}
