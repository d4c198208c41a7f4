package types

import (
	"regexp"

	errorsmod "cosmossdk.io/errors"
)

var (
	cptCode   = regexp.MustCompile(`^[0-9]{4}[0-9FTU]$`)
	hcpcsCode = regexp.MustCompile(`^[A-V][0-9]{4}$`)
	ndcCode   = regexp.MustCompile(`^[0-9]{5}-[0-9]{4}-[0-9]{2}$`)
	// ICD-10-CM: a letter, a digit, a digit or letter, then optionally a dot
	// and one to four characters.
	icd10cm = regexp.MustCompile(`^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`)
)

// ValidateServiceCode checks a code against its system's format.
func ValidateServiceCode(system CodeSystem, code string) error {
	var ok bool
	switch system {
	case CodeSystem_CODE_SYSTEM_CPT:
		ok = cptCode.MatchString(code)
	case CodeSystem_CODE_SYSTEM_HCPCS:
		ok = hcpcsCode.MatchString(code)
	case CodeSystem_CODE_SYSTEM_NDC:
		ok = ndcCode.MatchString(code)
	default:
		return errorsmod.Wrapf(ErrInvalidCode, "unknown code system %s", system)
	}
	if !ok {
		return errorsmod.Wrapf(ErrInvalidCode, "%q is not a %s code", code, SystemName(system))
	}
	return nil
}

// SystemName is a code system's short name.
func SystemName(s CodeSystem) string {
	switch s {
	case CodeSystem_CODE_SYSTEM_CPT:
		return "CPT"
	case CodeSystem_CODE_SYSTEM_HCPCS:
		return "HCPCS"
	case CodeSystem_CODE_SYSTEM_NDC:
		return "NDC"
	}
	return s.String()
}

// ValidateDiagnosis checks an ICD-10-CM code's format (with the dot).
func ValidateDiagnosis(code string) error {
	if !icd10cm.MatchString(code) {
		return errorsmod.Wrapf(ErrInvalidCode, "%q is not an ICD-10-CM code such as E11.9", code)
	}
	return nil
}
