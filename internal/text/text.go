// Package text checks the short free-text fields members write (names of
// organisations, products, plans, suspension reasons): the modules wrap the
// answer in their own registered errors.
//
// The accepted characters are a fixed set written out below, not a Unicode
// property such as unicode.IsPrint: Unicode tables change with Go releases, and
// validators built with different Go versions must never disagree about
// whether a transaction is valid. The set is:
//
//   - printable ASCII, U+0020 (space) to U+007E (~);
//   - the Latin-1 Supplement letters and signs U+00A1 to U+00FF, except U+00AD
//     (soft hyphen, invisible); U+00A0 (no-break space) is refused too;
//   - Latin Extended-A, U+0100 to U+017F (Polish, Czech, Turkish, ... letters).
//
// Nothing else: no control characters, no invisible or bidirectional format
// characters, no look-alike scripts. Changing the set is a consensus change.
package text

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Allowed reports whether r belongs to the fixed character set above.
func Allowed(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA1 && r <= 0xFF:
		return r != 0xAD
	case r >= 0x100 && r <= 0x17F:
		return true
	}
	return false
}

// CheckChars reports the first character of s outside the fixed set, or nil.
// s must be valid UTF-8 (an invalid byte is reported as U+FFFD, which is outside).
func CheckChars(s string) error {
	for _, r := range s {
		if !Allowed(r) {
			return fmt.Errorf("contains the character %U, outside the accepted set (printable ASCII, Latin-1 and Latin Extended-A letters)", r)
		}
	}
	return nil
}

// Check reports why s is not 1..max characters of the fixed set, valid UTF-8,
// without leading or trailing spaces, or nil.
func Check(s string, max int) error {
	switch {
	case s == "":
		return fmt.Errorf("is empty")
	case !utf8.ValidString(s):
		return fmt.Errorf("is not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		return fmt.Errorf("has %d characters, at most %d", utf8.RuneCountInString(s), max)
	case strings.TrimSpace(s) != s:
		return fmt.Errorf("has leading or trailing spaces")
	}
	return CheckChars(s)
}
