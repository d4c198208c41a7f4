// Package isbt128 reads ISBT 128 Donation Identification Numbers (DINs), the
// identifiers under which blood, tissue and organ donations are labelled.
//
// A DIN is 13 characters: the Facility Identification Number (FIN, five
// characters: a letter A–N or P–Z, or a digit 1–9, then four digits), the
// year (two digits) and a sequence number (six digits). Its check character
// is the ISO 7064 MOD 37-2 check character computed over those 13 characters,
// printed in the eye-readable form beside the DIN and carried in the two flag
// characters of the barcode as 60 plus the check value.
//
// Parse accepts the eye-readable form, the 13 characters followed by the
// check character ("G123498654321H"), and the barcode data content, "=", the
// 13 characters and two flag digits holding 60..96 ("=G12349865432177").
// The check is verified in both. Upper case only: a lower-case letter is a
// misreading, not a spelling, and is refused.
package isbt128

import (
	"errors"
	"fmt"
	"strconv"
)

// Lengths of the parts of a DIN.
const (
	// DINLength is the length of a DIN without its check character.
	DINLength = 13
	// FINLength is the length of the Facility Identification Number.
	FINLength = 5
	// EyeReadableLength is a DIN with its check character.
	EyeReadableLength = DINLength + 1
	// BarcodeLength is "=", the DIN and two flag characters.
	BarcodeLength = 1 + DINLength + 2
	// FlagCheckOffset is added to the check value in the barcode's flags.
	FlagCheckOffset = 60
)

// checkAlphabet lists the ISO 7064 MOD 37-2 characters in value order: 0-9
// are 0-9, A-Z are 10-35 and '*' is 36.
const checkAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"

// Errors Parse wraps; callers test them with errors.Is.
var (
	ErrLength    = errors.New("wrong length")
	ErrCharacter = errors.New("character not allowed")
	ErrCheck     = errors.New("check character does not match")
)

// DIN is a parsed Donation Identification Number.
type DIN struct {
	// FIN is the Facility Identification Number.
	FIN string
	// Year is the two-digit year of the donation.
	Year string
	// Sequence is the facility's six-digit sequence number.
	Sequence string
	// Check is the check character.
	Check byte
}

// Number is the 13-character DIN without its check character.
func (d DIN) Number() string { return d.FIN + d.Year + d.Sequence }

// String is the eye-readable form: the DIN followed by its check character.
func (d DIN) String() string { return d.Number() + string(d.Check) }

// Barcode is the barcode data content: "=", the DIN and the flags 60+check.
func (d DIN) Barcode() string {
	return "=" + d.Number() + strconv.Itoa(FlagCheckOffset+checkValue(d.Check))
}

// checkValue is c's value in the ISO 7064 MOD 37-2 alphabet, -1 if none.
func checkValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c == '*':
		return 36
	}
	return -1
}

// CheckValue computes the ISO 7064 MOD 37-2 check value (0..36) of s, whose
// characters must be digits or upper-case letters. It is the pure system's
// recursive form: p = (p + value) · 2 mod 37 for each character, then
// (38 − p) mod 37, which equals the weighted sum Σ value·2^n the standard
// states, n being a character's position from the right.
func CheckValue(s string) (int, error) {
	p := 0
	for i := 0; i < len(s); i++ {
		v := checkValue(s[i])
		if v < 0 || v == 36 {
			return 0, fmt.Errorf("%w: %q at position %d", ErrCharacter, s[i], i+1)
		}
		p = (p + v) * 2 % 37
	}
	return (38 - p) % 37, nil
}

// CheckCharacter is the eye-readable check character of s (see CheckValue).
func CheckCharacter(s string) (byte, error) {
	v, err := CheckValue(s)
	if err != nil {
		return 0, err
	}
	return checkAlphabet[v], nil
}

// ParseNumber checks the structure of a 13-character DIN (without check
// character) and returns its parts; Check is computed.
func ParseNumber(s string) (DIN, error) {
	if len(s) != DINLength {
		return DIN{}, fmt.Errorf("%w: a DIN is %d characters, got %d", ErrLength, DINLength, len(s))
	}
	first := s[0]
	if !(first >= 'A' && first <= 'Z' && first != 'O' || first >= '1' && first <= '9') {
		return DIN{}, fmt.Errorf("%w: the facility code begins with a letter A-N, P-Z or a digit 1-9, got %q", ErrCharacter, first)
	}
	for i := 1; i < DINLength; i++ {
		if s[i] < '0' || s[i] > '9' {
			return DIN{}, fmt.Errorf("%w: position %d must be a digit, got %q", ErrCharacter, i+1, s[i])
		}
	}
	c, err := CheckCharacter(s)
	if err != nil {
		return DIN{}, err
	}
	return DIN{FIN: s[:FINLength], Year: s[FINLength : FINLength+2], Sequence: s[FINLength+2:], Check: c}, nil
}

// Parse reads a DIN in its eye-readable form (13 characters and the check
// character) or as barcode data content ("=", 13 characters, two flag digits
// 60..96), and verifies the check.
func Parse(s string) (DIN, error) {
	switch len(s) {
	case EyeReadableLength:
		d, err := ParseNumber(s[:DINLength])
		if err != nil {
			return DIN{}, err
		}
		if got := s[DINLength]; got != d.Check {
			if checkValue(got) < 0 {
				return DIN{}, fmt.Errorf("%w: check character %q is not 0-9, A-Z or *", ErrCharacter, got)
			}
			return DIN{}, fmt.Errorf("%w: %s has check character %c, got %c", ErrCheck, d.Number(), d.Check, got)
		}
		return d, nil
	case BarcodeLength:
		if s[0] != '=' {
			return DIN{}, fmt.Errorf("%w: barcode data content begins with '=', got %q", ErrCharacter, s[0])
		}
		d, err := ParseNumber(s[1 : 1+DINLength])
		if err != nil {
			return DIN{}, err
		}
		flags := s[1+DINLength:]
		if flags[0] < '0' || flags[0] > '9' || flags[1] < '0' || flags[1] > '9' {
			return DIN{}, fmt.Errorf("%w: flags must be two digits, got %q", ErrCharacter, flags)
		}
		f := int(flags[0]-'0')*10 + int(flags[1]-'0')
		if f < FlagCheckOffset || f > FlagCheckOffset+36 {
			return DIN{}, fmt.Errorf("%w: flags %s carry no check character (60-96 expected)", ErrCheck, flags)
		}
		if f-FlagCheckOffset != checkValue(d.Check) {
			return DIN{}, fmt.Errorf("%w: %s has flags %d, got %s", ErrCheck, d.Number(), FlagCheckOffset+checkValue(d.Check), flags)
		}
		return d, nil
	}
	return DIN{}, fmt.Errorf("%w: a DIN is %d characters with its check character (or %d as barcode data), got %d",
		ErrLength, EyeReadableLength, BarcodeLength, len(s))
}
