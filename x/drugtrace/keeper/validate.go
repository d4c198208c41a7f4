package keeper

import (
	"strings"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/text"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// validateText checks a product's free-text field (name, strength, form).
func validateText(kind, s string, required bool) error {
	if s == "" && !required {
		return nil
	}
	if err := text.Check(s, types.MaxNameLength); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidProduct, "%s %s", kind, err)
	}
	return nil
}

// validateReference accepts letters, digits and - _ . : up to 64 characters.
func validateReference(kind, s string) error {
	if len(s) == 0 || len(s) > types.MaxReferenceLength {
		return errorsmod.Wrapf(types.ErrInvalidReference, "%s must be 1..%d characters", kind, types.MaxReferenceLength)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return errorsmod.Wrapf(types.ErrInvalidReference, "%s: character %q not allowed", kind, r)
		}
	}
	return nil
}

// target checks that exactly one of a unit or a (GTIN, lot) is named, and
// reports whether it is a unit.
func target(unit, gtin, lot string) (bool, error) {
	switch {
	case unit != "" && (gtin != "" || lot != ""):
		return false, errorsmod.Wrap(types.ErrInvalidUnitRef, "name a unit or a GTIN and lot, not both")
	case unit != "":
		return true, nil
	case gtin == "" || lot == "":
		return false, errorsmod.Wrap(types.ErrInvalidUnitRef, "name a unit, or both a GTIN and a lot")
	}
	return false, nil
}
