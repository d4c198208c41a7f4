package types

import (
	"fmt"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// ValidateNDC accepts an empty string, the 10-digit US National Drug Code in
// its 4-4-2, 5-3-2 or 5-4-1 forms, 11 digits as 5-4-2, or 10 or 11 bare
// digits. The NDC is the FDA's, not GS1's: it lives here, not in internal/gs1.
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
