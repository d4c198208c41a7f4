package types

import (
	"fmt"
	"slices"
	"strings"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/gs1"
)

// Identifier lengths and constants used by the validators in this file.
const (
	// npiLength is the number of digits in a US National Provider Identifier.
	npiLength = 10
	// npiLuhnPrefix is the constant prefix (health-industry issuer "80840")
	// that CMS prepends to the first nine NPI digits before computing the
	// Luhn check digit.
	npiLuhnPrefix = "80840"
	// glnLength is the number of digits in a GS1 Global Location Number.
	glnLength = 13
	// deaLength is the number of characters in a DEA registration number.
	deaLength = 9
	// identMaxEcho bounds how much of an identifier is echoed back in an
	// error message, so that oversized input cannot bloat logs or events.
	identMaxEcho = 32
)

// deaRegistrantTypes is the set of valid first characters of a DEA
// registration number (registrant / business activity type).
const deaRegistrantTypes = "ABCDEFGHJKLMPRSTUX"

// ValidateNPI checks that s is a well-formed US National Provider Identifier:
// exactly 10 ASCII digits whose 10th digit is the Luhn check digit computed
// over the constant prefix "80840" followed by the first 9 digits, as
// specified by CMS. It returns nil when s is valid.
func ValidateNPI(s string) error {
	if err := identCheckDigits("NPI", s, npiLength); err != nil {
		return err
	}
	want := identLuhnCheckDigit(npiLuhnPrefix + s[:npiLength-1])
	if got := s[npiLength-1]; got != want {
		return fmt.Errorf("NPI %s: invalid check digit: expected %c, got %c",
			identQuote(s), want, got)
	}
	return nil
}

// ValidateGLN checks that s is a well-formed GS1 Global Location Number:
// exactly 13 ASCII digits whose last digit is the GS1 mod-10 check digit of
// the first 12 digits (internal/gs1.CheckDigit). It returns nil when s is valid.
func ValidateGLN(s string) error {
	if err := identCheckDigits("GLN", s, glnLength); err != nil {
		return err
	}
	want, err := gs1.CheckDigit(s[:glnLength-1])
	if err != nil {
		// Unreachable: the data part has already been checked to be digits.
		return fmt.Errorf("GLN %s: %w", identQuote(s), err)
	}
	if got := s[glnLength-1]; got != want {
		return fmt.Errorf("GLN %s: invalid check digit: expected %c, got %c",
			identQuote(s), want, got)
	}
	return nil
}

// GS1CheckDigit returns the GS1 mod-10 check digit ('0'..'9') for data, a
// non-empty string of ASCII digits (the identifier without its check digit,
// e.g. 12 digits for a GLN). It is internal/gs1's CheckDigit, the one
// implementation in the tree.
func GS1CheckDigit(data string) (byte, error) {
	return gs1.CheckDigit(data)
}

// ValidateDEA checks that s is a well-formed DEA registration number:
// 9 characters, where the first is an uppercase registrant-type letter from
// the set A B C D E F G H J K L M P R S T U X, the second is an uppercase
// letter (initial of the registrant's last name or business name) or the
// digit '9', and the remaining 7 are ASCII digits d1..d7 with
// d7 == ((d1+d3+d5) + 2*(d2+d4+d6)) mod 10. Lowercase letters are rejected
// rather than normalised. It returns nil when s is valid.
func ValidateDEA(s string) error {
	if s == "" {
		return fmt.Errorf("DEA number is empty")
	}
	if len(s) != deaLength {
		return fmt.Errorf("DEA number %s: invalid length: expected %d characters, got %d",
			identQuote(s), deaLength, len(s))
	}

	switch c := s[0]; {
	case c >= 'a' && c <= 'z':
		return fmt.Errorf("DEA number %s: registrant type letter at position 1 must be uppercase",
			identQuote(s))
	case strings.IndexByte(deaRegistrantTypes, c) < 0:
		return fmt.Errorf("DEA number %s: invalid registrant type at position 1: must be one of %s",
			identQuote(s), deaRegistrantTypes)
	}

	switch c := s[1]; {
	case c >= 'a' && c <= 'z':
		return fmt.Errorf("DEA number %s: name letter at position 2 must be uppercase",
			identQuote(s))
	case !(c >= 'A' && c <= 'Z') && c != '9':
		return fmt.Errorf("DEA number %s: invalid character at position 2: must be an uppercase letter or '9'",
			identQuote(s))
	}

	for i := 2; i < deaLength; i++ {
		if !identIsDigit(s[i]) {
			return fmt.Errorf("DEA number %s: non-digit character at position %d", identQuote(s), i+1)
		}
	}

	d := func(i int) int { return int(s[1+i] - '0') } // d(1)..d(7) -> s[2]..s[8]
	sum := d(1) + d(3) + d(5) + 2*(d(2)+d(4)+d(6))
	want := byte('0' + sum%10)
	if got := s[deaLength-1]; got != want {
		return fmt.Errorf("DEA number %s: invalid check digit: expected %c, got %c",
			identQuote(s), want, got)
	}
	return nil
}

// identCheckDigits verifies that s is non-empty, exactly n bytes long and
// made only of ASCII digits. kind names the identifier in error messages.
func identCheckDigits(kind, s string, n int) error {
	if s == "" {
		return fmt.Errorf("%s is empty", kind)
	}
	if len(s) != n {
		return fmt.Errorf("%s %s: invalid length: expected %d digits, got %d",
			kind, identQuote(s), n, len(s))
	}
	for i := 0; i < len(s); i++ {
		if !identIsDigit(s[i]) {
			return fmt.Errorf("%s %s: non-digit character at position %d", kind, identQuote(s), i+1)
		}
	}
	return nil
}

// identLuhnCheckDigit returns the Luhn (mod 10) check digit for payload, a
// string of ASCII digits that the caller has already validated. Every second
// digit is doubled, starting with the rightmost payload digit.
func identLuhnCheckDigit(payload string) byte {
	sum := 0
	double := true
	for i := len(payload) - 1; i >= 0; i-- {
		v := int(payload[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// identIsDigit reports whether c is an ASCII digit.
func identIsDigit(c byte) bool { return c >= '0' && c <= '9' }

// identQuote renders the identifier for an error message as a Go-quoted
// string (so control characters and invalid UTF-8 are escaped), truncated to
// identMaxEcho bytes.
func identQuote(s string) string {
	if len(s) > identMaxEcho {
		return fmt.Sprintf("%q...", s[:identMaxEcho])
	}
	return fmt.Sprintf("%q", s)
}

// GS1 company prefix lengths: GS1 assigns prefixes of 6 to 12 digits (the GS1
// country prefix included); a GTIN-13 (digits 2..14 of a GTIN-14) and a GLN
// start with the prefix of the company that allocated them.
const (
	MinCompanyPrefixLength = 6
	MaxCompanyPrefixLength = 12
	// MaxCompanyPrefixes bounds the prefixes one member may hold.
	MaxCompanyPrefixes = 16
)

// ValidateCompanyPrefix checks that s is 6 to 12 ASCII digits.
func ValidateCompanyPrefix(s string) error {
	if len(s) < MinCompanyPrefixLength || len(s) > MaxCompanyPrefixLength {
		return fmt.Errorf("GS1 company prefix %s: must be %d to %d digits, got %d",
			identQuote(s), MinCompanyPrefixLength, MaxCompanyPrefixLength, len(s))
	}
	for i := 0; i < len(s); i++ {
		if !identIsDigit(s[i]) {
			return fmt.Errorf("GS1 company prefix %s: non-digit character at position %d", identQuote(s), i+1)
		}
	}
	return nil
}

// NormalizeCompanyPrefixes validates a member's GS1 company prefixes and
// returns them sorted (nil for none). A repeated prefix, or one prefix that
// begins another (GS1 never assigns both), is refused: every GTIN then falls
// under at most one prefix.
func NormalizeCompanyPrefixes(prefixes []string) ([]string, error) {
	if len(prefixes) == 0 {
		return nil, nil
	}
	if len(prefixes) > MaxCompanyPrefixes {
		return nil, errorsmod.Wrapf(ErrInvalidIdentifier, "%d GS1 company prefixes, at most %d", len(prefixes), MaxCompanyPrefixes)
	}
	out := slices.Clone(prefixes)
	slices.Sort(out)
	for i, p := range out {
		if err := ValidateCompanyPrefix(p); err != nil {
			return nil, errorsmod.Wrapf(ErrInvalidIdentifier, "%s", err)
		}
		// Sorted, a prefix is immediately followed by the prefixes it begins.
		if i > 0 && strings.HasPrefix(p, out[i-1]) {
			return nil, errorsmod.Wrapf(ErrInvalidIdentifier, "GS1 company prefixes %s and %s overlap", out[i-1], p)
		}
	}
	return out, nil
}

// CompanyPrefixOf reports whether gtin14 (a valid GTIN-14) was allocated under
// prefix: digits 2.. of a GTIN-14 are the GTIN-13, which begins with the
// company prefix (a GTIN-12 padded to 14 digits reads as the GS1 prefix "0" +
// the UPC company prefix).
func CompanyPrefixOf(gtin14, prefix string) bool {
	return len(gtin14) == 14 && prefix != "" && strings.HasPrefix(gtin14[1:], prefix)
}

// OwnsGTIN reports whether a GTIN-14 falls under one of the member's GS1
// company prefixes.
func (m Member) OwnsGTIN(gtin14 string) bool {
	for _, p := range m.GS1CompanyPrefixes {
		if CompanyPrefixOf(gtin14, p) {
			return true
		}
	}
	return false
}

// ISBT 128 Facility Identification Numbers (FINs): ICCBBA assigns each
// facility that labels blood, tissue or organs a five-character code, the
// first five characters of every Donation Identification Number it issues.
const (
	// FINLength is the length of a FIN.
	FINLength = 5
	// MaxFINs bounds the FINs one member may hold.
	MaxFINs = 16
)

// ValidateFIN checks that s is a FIN: a letter A–N or P–Z or a digit 1–9,
// then four digits (the same rule internal/isbt128 applies to a DIN's first
// five characters). Upper case only.
func ValidateFIN(s string) error {
	if len(s) != FINLength {
		return fmt.Errorf("ISBT 128 FIN %s: must be %d characters, got %d", identQuote(s), FINLength, len(s))
	}
	if c := s[0]; !(c >= 'A' && c <= 'Z' && c != 'O' || c >= '1' && c <= '9') {
		return fmt.Errorf("ISBT 128 FIN %s: must begin with a letter A-N, P-Z or a digit 1-9", identQuote(s))
	}
	for i := 1; i < FINLength; i++ {
		if !identIsDigit(s[i]) {
			return fmt.Errorf("ISBT 128 FIN %s: non-digit character at position %d", identQuote(s), i+1)
		}
	}
	return nil
}

// NormalizeFINs validates a member's FINs and returns them sorted (nil for
// none); a FIN given twice is refused.
func NormalizeFINs(fins []string) ([]string, error) {
	if len(fins) == 0 {
		return nil, nil
	}
	if len(fins) > MaxFINs {
		return nil, errorsmod.Wrapf(ErrInvalidIdentifier, "%d ISBT 128 FINs, at most %d", len(fins), MaxFINs)
	}
	out := slices.Clone(fins)
	slices.Sort(out)
	for i, f := range out {
		if err := ValidateFIN(f); err != nil {
			return nil, errorsmod.Wrapf(ErrInvalidIdentifier, "%s", err)
		}
		if i > 0 && f == out[i-1] {
			return nil, errorsmod.Wrapf(ErrInvalidIdentifier, "ISBT 128 FIN %s given twice", f)
		}
	}
	return out, nil
}

// FINOf returns the FIN of a DIN (its first five characters), "" when din is
// shorter.
func FINOf(din string) string {
	if len(din) < FINLength {
		return ""
	}
	return din[:FINLength]
}
