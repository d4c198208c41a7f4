package types

import (
	"strings"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/gs1"
)

// UnitKey is the canonical "GTIN/serial" name of a unit.
func UnitKey(gtin, serial string) string { return gtin + "/" + serial }

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
		g, err := gs1.NormalizeGTIN(gtin)
		if err != nil {
			return gs1.UnitID{}, errorsmod.Wrapf(ErrInvalidGTIN, "%s", err)
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
