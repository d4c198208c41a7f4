package types

import (
	"slices"
	"strings"
	"unicode/utf8"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	"github.com/healthchain/healthd/internal/text"
)

// ValidateName checks an organisation name: 1..MaxNameLength characters of
// the fixed set of internal/text (never a Unicode property, whose tables change
// between Go releases), trimmed.
func ValidateName(name string) error {
	if err := text.Check(name, MaxNameLength); err != nil {
		return errorsmod.Wrapf(ErrInvalidName, "name %s", err)
	}
	return nil
}

// ValidateReason checks a suspension reason: non-empty, 1..MaxReasonLength
// characters of the fixed set of internal/text.
func ValidateReason(reason string) error {
	switch {
	case strings.TrimSpace(reason) == "":
		return errorsmod.Wrap(ErrInvalidReason, "a reason is required")
	case !utf8.ValidString(reason):
		return errorsmod.Wrap(ErrInvalidReason, "reason is not valid UTF-8")
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		return errorsmod.Wrapf(ErrInvalidReason, "reason has %d characters, at most %d", utf8.RuneCountInString(reason), MaxReasonLength)
	}
	if err := text.CheckChars(reason); err != nil {
		return errorsmod.Wrapf(ErrInvalidReason, "reason %s", err)
	}
	return nil
}

// ValidateIdentifiers checks the external identifiers. At least one is required
// so that every member can be matched to a public registry; each one given must
// have a valid format and check digit.
func ValidateIdentifiers(npi, gln, dea string) error {
	if npi == "" && gln == "" && dea == "" {
		return errorsmod.Wrap(ErrInvalidIdentifier, "at least one of NPI, GLN or DEA number is required")
	}
	if npi != "" {
		if err := ValidateNPI(npi); err != nil {
			return errorsmod.Wrapf(ErrInvalidIdentifier, "NPI: %s", err)
		}
	}
	if gln != "" {
		if err := ValidateGLN(gln); err != nil {
			return errorsmod.Wrapf(ErrInvalidIdentifier, "GLN: %s", err)
		}
	}
	if dea != "" {
		if err := ValidateDEA(dea); err != nil {
			return errorsmod.Wrapf(ErrInvalidIdentifier, "DEA number: %s", err)
		}
	}
	return nil
}

// Validate checks a stored member record as a whole (used for genesis).
func (m Member) Validate(ac address.Codec) error {
	bz, err := ac.StringToBytes(m.Address)
	if err != nil {
		return errorsmod.Wrapf(ErrInvalidAddress, "member %q: %s", m.Address, err)
	}
	if canonical, err := ac.BytesToString(bz); err != nil || canonical != m.Address {
		return errorsmod.Wrapf(ErrInvalidAddress, "member %q: address is not in canonical (lower-case bech32) form", m.Address)
	}
	if err := ValidateName(m.Name); err != nil {
		return errorsmod.Wrapf(err, "member %s", m.Address)
	}
	roles, err := NormalizeRoles(m.Roles)
	if err != nil {
		return errorsmod.Wrapf(err, "member %s", m.Address)
	}
	for i := range roles {
		if roles[i] != m.Roles[i] {
			return errorsmod.Wrapf(ErrInvalidRole, "member %s: roles must be sorted", m.Address)
		}
	}
	if err := ValidateIdentifiers(m.NPI, m.GLN, m.DEA); err != nil {
		return errorsmod.Wrapf(err, "member %s", m.Address)
	}
	prefixes, err := NormalizeCompanyPrefixes(m.GS1CompanyPrefixes)
	if err != nil {
		return errorsmod.Wrapf(err, "member %s", m.Address)
	}
	if !slices.Equal(prefixes, m.GS1CompanyPrefixes) && len(m.GS1CompanyPrefixes) > 0 {
		return errorsmod.Wrapf(ErrInvalidIdentifier, "member %s: GS1 company prefixes must be sorted", m.Address)
	}
	fins, err := NormalizeFINs(m.FINs)
	if err != nil {
		return errorsmod.Wrapf(err, "member %s", m.Address)
	}
	if !slices.Equal(fins, m.FINs) && len(m.FINs) > 0 {
		return errorsmod.Wrapf(ErrInvalidIdentifier, "member %s: ISBT 128 FINs must be sorted", m.Address)
	}
	switch m.Status {
	case MemberStatus_MEMBER_STATUS_ACTIVE:
		if m.SuspensionReason != "" {
			return errorsmod.Wrapf(ErrInvalidReason, "member %s: active member has a suspension reason", m.Address)
		}
	case MemberStatus_MEMBER_STATUS_SUSPENDED:
		if err := ValidateReason(m.SuspensionReason); err != nil {
			return errorsmod.Wrapf(err, "member %s", m.Address)
		}
	default:
		return errorsmod.Wrapf(ErrInvalidGenesis, "member %s: status %s", m.Address, m.Status)
	}
	return nil
}
