// Package trialid parses clinical-trial registry identifiers: ClinicalTrials.gov
// NCT numbers ("NCT" and eight digits) and EU CT numbers of the EU Clinical
// Trials Regulation ("YYYY-NNNNNN-NN-NN"). Both are checked for format only:
// neither registry publishes a check-digit rule.
package trialid

import (
	"errors"
	"fmt"
	"strings"
)

// Registry is the registry an identifier belongs to.
type Registry int

// The registries.
const (
	Unknown Registry = iota
	// ClinicalTrialsGov issues NCT numbers.
	ClinicalTrialsGov
	// EUCTR issues EU CT numbers (CTIS).
	EUCTR
)

// String names the registry.
func (r Registry) String() string {
	switch r {
	case ClinicalTrialsGov:
		return "ClinicalTrials.gov"
	case EUCTR:
		return "EU CTR"
	}
	return "unknown"
}

// MaxLength is the longest identifier accepted (an EU CT number is 17 characters).
const MaxLength = 17

// ErrInvalid is returned for anything that is neither form.
var ErrInvalid = errors.New("not an NCT number (NCT + 8 digits) or an EU CT number (YYYY-NNNNNN-NN-NN)")

// ID is a parsed registry identifier.
type ID struct {
	Registry Registry
	// Canonical is the identifier as registries print it (upper case).
	Canonical string
}

// Parse accepts an NCT number in any letter case ("nct01234567" reads as
// NCT01234567) or an EU CT number whose year is 2000 to 2099. Anything else,
// surrounding spaces included, is refused: an identifier is matched on chain
// byte for byte.
func Parse(s string) (ID, error) {
	if len(s) > MaxLength {
		return ID{}, fmt.Errorf("%w: %d characters, at most %d", ErrInvalid, len(s), MaxLength)
	}
	if len(s) == 11 && strings.EqualFold(s[:3], "NCT") {
		digits := s[3:]
		if !allDigits(digits) {
			return ID{}, fmt.Errorf("%w: NCT must be followed by 8 digits", ErrInvalid)
		}
		if digits == "00000000" {
			return ID{}, fmt.Errorf("%w: NCT00000000 is not issued", ErrInvalid)
		}
		return ID{Registry: ClinicalTrialsGov, Canonical: "NCT" + digits}, nil
	}
	if len(s) == 17 {
		parts := strings.Split(s, "-")
		if len(parts) == 4 && len(parts[0]) == 4 && len(parts[1]) == 6 && len(parts[2]) == 2 && len(parts[3]) == 2 &&
			allDigits(parts[0]) && allDigits(parts[1]) && allDigits(parts[2]) && allDigits(parts[3]) {
			if !strings.HasPrefix(parts[0], "20") {
				return ID{}, fmt.Errorf("%w: EU CT year %s is not 2000-2099", ErrInvalid, parts[0])
			}
			return ID{Registry: EUCTR, Canonical: s}, nil
		}
	}
	return ID{}, ErrInvalid
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
