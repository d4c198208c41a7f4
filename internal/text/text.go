// Package text checks the short free-text fields members write (names of
// organisations, products, plans): the modules wrap the answer in their own
// registered errors.
package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Check reports why s is not 1..max printable characters of valid UTF-8
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
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("contains the non-printable character %U", r)
		}
	}
	return nil
}
