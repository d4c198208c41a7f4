package types

import (
	"strings"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/internal/text"
)

// The stateless rules shared by ValidateBasic (msgs.go) and the keeper, which
// repeats them: each refuses with the registered error the keeper always
// returned for that mistake.

// ValidateText checks a product's free-text field (name, strength, form).
func ValidateText(kind, s string, required bool) error {
	if s == "" && !required {
		return nil
	}
	if err := text.Check(s, MaxNameLength); err != nil {
		return errorsmod.Wrapf(ErrInvalidProduct, "%s %s", kind, err)
	}
	return nil
}

// ValidateReference accepts letters, digits and - _ . : up to 64 characters.
func ValidateReference(kind, s string) error {
	if len(s) == 0 || len(s) > MaxReferenceLength {
		return errorsmod.Wrapf(ErrInvalidReference, "%s must be 1..%d characters", kind, MaxReferenceLength)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return errorsmod.Wrapf(ErrInvalidReference, "%s: character %q not allowed", kind, r)
		}
	}
	return nil
}

// ValidateLot checks a lot number (AI 10: 1..20 characters of GS1 set 82).
func ValidateLot(lot string) error {
	if err := gs1.ValidateLot(lot); err != nil {
		return errorsmod.Wrapf(ErrInvalidLot, "%s", err)
	}
	return nil
}

// ParseLot reads the (GTIN, lot) a lot-wide message or query names; the GTIN
// comes back as a GTIN-14.
func ParseLot(gtin, lot string) (string, error) {
	g, err := ParseGTIN(gtin)
	if err != nil {
		return "", err
	}
	return g, ValidateLot(lot)
}

// Target checks that exactly one of a unit or a (GTIN, lot) is named, and
// reports whether it is a unit.
func Target(unit, gtin, lot string) (bool, error) {
	switch {
	case unit != "" && (gtin != "" || lot != ""):
		return false, errorsmod.Wrap(ErrInvalidUnitRef, "name a unit or a GTIN and lot, not both")
	case unit != "":
		return true, nil
	case gtin == "" || lot == "":
		return false, errorsmod.Wrap(ErrInvalidUnitRef, "name a unit, or both a GTIN and a lot")
	}
	return false, nil
}

// checkTarget is Target with the named unit or lot checked too.
func checkTarget(unit, gtin, lot string) error {
	isUnit, err := Target(unit, gtin, lot)
	if err != nil {
		return err
	}
	if isUnit {
		_, err = CheckUnitRef(unit)
		return err
	}
	_, err = ParseLot(gtin, lot)
	return err
}

// checkSerials checks a commissioning's serials: at least one, at most
// MaxBatchUnitsLimit (the params may cap lower: the keeper checks), each a
// valid AI (21) value, none twice.
func checkSerials(serials []string) error {
	if len(serials) == 0 {
		return errorsmod.Wrap(ErrEmptyBatch, "no serials")
	}
	if len(serials) > MaxBatchUnitsLimit {
		return errorsmod.Wrapf(ErrBatchTooLarge, "%d serials, never more than %d per message", len(serials), MaxBatchUnitsLimit)
	}
	seen := make(map[string]struct{}, len(serials))
	for _, serial := range serials {
		if err := gs1.ValidateSerial(serial); err != nil {
			return errorsmod.Wrapf(ErrInvalidSerial, "%s", err)
		}
		if _, dup := seen[serial]; dup {
			return errorsmod.Wrapf(ErrDuplicateSerial, "%s listed twice", serial)
		}
		seen[serial] = struct{}{}
	}
	return nil
}

// checkItems checks the units and containers a pack or shipment names: at
// least one, at most MaxBatchUnitsLimit together, each well formed, none
// twice; into is the SSCC being packed (a container cannot go into itself),
// "" for a shipment.
func checkItems(units, containers []string, into string) error {
	n := len(units) + len(containers)
	if n == 0 {
		return errorsmod.Wrap(ErrEmptyBatch, "no units and no containers named")
	}
	if n > MaxBatchUnitsLimit {
		return errorsmod.Wrapf(ErrBatchTooLarge, "%d items named, never more than %d per message", n, MaxBatchUnitsLimit)
	}
	seen := make(map[string]bool, n)
	for _, ref := range units {
		key, err := CheckUnitRef(ref)
		if err != nil {
			return err
		}
		if seen[key] {
			return errorsmod.Wrapf(ErrDuplicateSerial, "%s listed twice", key)
		}
		seen[key] = true
	}
	for _, ref := range containers {
		sscc, err := ParseSSCCRef(ref)
		if err != nil {
			return err
		}
		if seen[sscc] || sscc == into {
			return errorsmod.Wrapf(ErrInvalidSSCC, "container %s listed twice", sscc)
		}
		seen[sscc] = true
	}
	return nil
}
