package types

import (
	"strings"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/gs1"
)

// UnitKey is the canonical "GTIN/serial" name of a unit.
func UnitKey(gtin, serial string) string { return gtin + "/" + serial }

// ParseGTIN reads a GTIN wherever a message or query takes one (a product, a
// lot, the GTIN of "GTIN/serial"): a GTIN-8, -12, -13 or -14 with a valid
// check digit, returned as the GTIN-14 that state is keyed by (GS1 pads the
// shorter ones with leading zeros, so they name the same trade item). An
// element string's AI (01) is always 14 digits and is read by internal/gs1.
func ParseGTIN(s string) (string, error) {
	gtin, err := gs1.NormalizeGTIN(s)
	if err != nil {
		return "", errorsmod.Wrapf(ErrInvalidGTIN, "%s", err)
	}
	return gtin, nil
}

// basicRef anchors the century of two-digit expiry years when a unit
// reference is checked without a block time (ValidateBasic). Only Feb 29 of
// YY=00 depends on the century (2000 is a leap year, 1900 and 2100 are not),
// and the sliding window reads "00" as 2000 from here: whatever the block
// time, a reference the keeper accepts is accepted here too.
var basicRef = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// CheckUnitRef is ParseUnitRef without a block time, for ValidateBasic
// (which must be deterministic): it returns the unit's "GTIN/serial", which
// does not depend on the time.
func CheckUnitRef(s string) (string, error) {
	id, err := ParseUnitRef(s, basicRef)
	if err != nil {
		return "", err
	}
	return UnitKey(id.GTIN, id.Serial), nil
}

// ParseUnitRef reads a unit identifier as a person or a scanner gives it:
// "GTIN/serial", a GS1 element string (with or without parentheses, FNC1
// separated, with or without a symbology prefix) or a GS1 Digital Link URI.
// ref anchors the century of a two-digit expiry year. internal/gs1 says which
// form it was reading ("element string: ", "GS1 Digital Link: "); this adds
// only the registered error.
func ParseUnitRef(s string, ref time.Time) (gs1.UnitID, error) {
	switch {
	case s == "":
		return gs1.UnitID{}, errorsmod.Wrap(ErrInvalidUnitRef, "empty unit identifier")
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		u, err := gs1.ParseDigitalLink(s, ref)
		if err != nil {
			return gs1.UnitID{}, errorsmod.Wrap(ErrInvalidUnitRef, err.Error())
		}
		return u, nil
	case isPlainUnitRef(s):
		gtin, serial, _ := strings.Cut(s, "/")
		g, err := ParseGTIN(gtin)
		if err != nil {
			return gs1.UnitID{}, err
		}
		if err := gs1.ValidateSerial(serial); err != nil {
			return gs1.UnitID{}, errorsmod.Wrapf(ErrInvalidSerial, "%s", err)
		}
		return gs1.UnitID{GTIN: g, Serial: serial}, nil
	}
	u, err := gs1.ParseElementString(s, ref)
	if err != nil {
		return gs1.UnitID{}, errorsmod.Wrap(ErrInvalidUnitRef, err.Error())
	}
	return u, nil
}

// ParseSSCCRef reads an SSCC as 18 digits or a "(00)…" element string.
func ParseSSCCRef(s string) (string, error) {
	if len(s) == 18 {
		if err := gs1.ValidateSSCC(s); err != nil {
			return "", errorsmod.Wrapf(ErrInvalidSSCC, "%s", err)
		}
		return s, nil
	}
	sscc, err := gs1.ParseSSCCElementString(s)
	if err != nil {
		return "", errorsmod.Wrapf(ErrInvalidSSCC, "%s", err)
	}
	return sscc, nil
}

// ParseExpiryDate reads a YYYY-MM-DD expiry date as 00:00 UTC of that day.
func ParseExpiryDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, errorsmod.Wrapf(ErrInvalidExpiry, "%q: want YYYY-MM-DD", s)
	}
	return t.UTC(), nil
}

// Expired reports whether a unit expiring on the day of expiry is expired at
// now: it may be used through the whole of its expiry day.
func Expired(expiry, now time.Time) bool {
	return !now.Before(expiry.Add(24 * time.Hour))
}

// isPlainUnitRef reports whether s is "GTIN/serial": up to 14 digits, a slash,
// then the serial (which may itself contain slashes).
func isPlainUnitRef(s string) bool {
	gtin, _, ok := strings.Cut(s, "/")
	if !ok || len(gtin) == 0 || len(gtin) > 14 {
		return false
	}
	for _, r := range gtin {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
