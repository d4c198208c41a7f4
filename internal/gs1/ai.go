package gs1

import (
	"fmt"
	"strings"
	"time"
)

// Lengths and limits from the GS1 General Specifications.
const (
	// gtin14Length is the number of digits of a GTIN in AI (01).
	gtin14Length = 14
	// ssccLength is the number of digits of an SSCC in AI (00).
	ssccLength = 18
	// dateLength is the number of digits of a YYMMDD date (AI 11, 17).
	dateLength = 6
	// maxSerialLength is the maximum length of AI (21) and AI (10).
	maxSerialLength = 20
)

// GS1 application identifiers understood by this package.
const (
	aiSSCC           = "00"
	aiGTIN           = "01"
	aiLot            = "10"
	aiProductionDate = "11"
	aiExpiry         = "17"
	aiSerial         = "21"
	aiCPV            = "22"
)

// cset82Punct lists the non-alphanumeric characters of GS1 AI encodable
// character set 82.
const cset82Punct = "!\"%&'()*+,-./:;<=>?_"

// aiSpec returns the value length of a supported AI: fixed > 0 for a
// fixed-length numeric value, otherwise maxLen > 0 for a variable-length value.
// ok is false for AIs this package does not handle.
func aiSpec(ai string) (fixed, maxLen int, ok bool) {
	switch ai {
	case aiSSCC:
		return ssccLength, 0, true
	case aiGTIN:
		return gtin14Length, 0, true
	case aiExpiry, aiProductionDate:
		return dateLength, 0, true
	case aiLot, aiSerial:
		return 0, maxSerialLength, true
	}
	return 0, 0, false
}

// aiLength returns the length of the AIs that begin with the two digits
// prefix, per the GS1 General Specifications table of AI prefixes, or 0 if no
// AI begins with prefix. It is used only to name an unsupported AI in a raw
// element string.
func aiLength(prefix string) int {
	switch p := atoi(prefix); {
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
			quote(s), len(s))
	}
	padded := strings.Repeat("0", gtin14Length-len(s)) + s
	if err := checkDigits(padded, gtin14Length); err != nil {
		return "", fmt.Errorf("GTIN %s: %w", quote(s), err)
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
			quote(s), gtin14Length, len(s))
	}
	if err := checkDigits(s, gtin14Length); err != nil {
		return fmt.Errorf("GTIN %s: %w", quote(s), err)
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
			quote(s), ssccLength, len(s))
	}
	if err := checkDigits(s, ssccLength); err != nil {
		return fmt.Errorf("SSCC %s: %w", quote(s), err)
	}
	return nil
}

// ValidateSerial checks that s is a valid serial number for AI (21): 1 to 20
// characters from GS1 AI encodable character set 82 (digits, upper and lower
// case letters and ! " % & ' ( ) * + , - . / : ; < = > ? _).
func ValidateSerial(s string) error {
	return validateCSet82("serial number", s, maxSerialLength)
}

// ValidateLot checks that s is a valid batch/lot number for AI (10): 1 to 20
// characters from GS1 AI encodable character set 82 (digits, upper and lower
// case letters and ! " % & ' ( ) * + , - . / : ; < = > ? _).
func ValidateLot(s string) error {
	return validateCSet82("lot number", s, maxSerialLength)
}

// ParseDate parses a GS1 YYMMDD date, the value of AI (17) (expiry) or AI
// (11) (production), and returns it at 00:00 UTC.
//
// The century is chosen by the sliding window of the GS1 General
// Specifications relative to ref's year (taken in UTC): when YY minus the last
// two digits of that year is 51..99 the date is in the previous century, when
// it is -99..-50 the date is in the next century, otherwise in the current
// century (with ref in 2026, "760101" is 2076-01-01 and "770101" is
// 1977-01-01). A day of "00" means the last day of the month. A month outside
// 01..12 or a day beyond the end of the month is refused.
func ParseDate(yymmdd string, ref time.Time) (time.Time, error) {
	if len(yymmdd) != dateLength || !allDigits(yymmdd) {
		return time.Time{}, fmt.Errorf("date %s: expected %d digits YYMMDD", quote(yymmdd), dateLength)
	}
	yy := atoi(yymmdd[0:2])
	mm := atoi(yymmdd[2:4])
	dd := atoi(yymmdd[4:6])

	refYear := ref.UTC().Year()
	century := floorDiv(refYear, 100)
	switch diff := yy - (refYear - century*100); {
	case diff >= 51:
		century--
	case diff <= -50:
		century++
	}
	year := century*100 + yy

	if mm < 1 || mm > 12 {
		return time.Time{}, fmt.Errorf("date %s: invalid month %02d", quote(yymmdd), mm)
	}
	month := time.Month(mm)
	last := daysIn(year, month)
	switch {
	case dd == 0:
		dd = last
	case dd > last:
		return time.Time{}, fmt.Errorf("date %s: invalid day %02d: %04d-%02d has %d days",
			quote(yymmdd), dd, year, mm, last)
	}
	return time.Date(year, month, dd, 0, 0, 0, 0, time.UTC), nil
}

// formatDate formats t (in UTC) as YYMMDD.
func formatDate(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%02d%02d%02d", floorMod(t.Year(), 100), int(t.Month()), t.Day())
}

// validateCSet82 checks that s has 1..maxLen characters, all from GS1 AI
// encodable character set 82. kind names the value in error messages.
func validateCSet82(kind, s string, maxLen int) error {
	if s == "" {
		return fmt.Errorf("%s is empty", kind)
	}
	if len(s) > maxLen {
		return fmt.Errorf("%s %s: too long: at most %d characters, got %d", kind, quote(s), maxLen, len(s))
	}
	for i := 0; i < len(s); i++ {
		if !isCSet82(s[i]) {
			return fmt.Errorf("%s %s: invalid character %q at position %d: not in GS1 character set 82",
				kind, quote(s), s[i], i+1)
		}
	}
	return nil
}

// isCSet82 reports whether c is in GS1 AI encodable character set 82.
func isCSet82(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		return true
	}
	return strings.IndexByte(cset82Punct, c) >= 0
}

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// floorDiv returns a/b rounded towards negative infinity (b > 0).
func floorDiv(a, b int) int {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// floorMod returns a modulo b in 0..b-1 (b > 0).
func floorMod(a, b int) int {
	return a - floorDiv(a, b)*b
}
