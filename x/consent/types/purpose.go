package types

import (
	"slices"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// PurposeSystem is the code system of purposes of use (HL7 v3 ActReason).
const PurposeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason"

// The purposes other modules ask about by name.
const (
	PurposeTreatment = "TREAT"
	// PurposeEmergency is the purpose break-glass access covers.
	PurposeEmergency = "ETREAT"
	PurposePayment   = "HPAYMT"
)

// Purposes are the HL7 v3 PurposeOfUse codes a consent may name, with their displays.
var Purposes = map[string]string{
	"TREAT":    "treatment",
	"ETREAT":   "emergency treatment",
	"HPAYMT":   "healthcare payment",
	"HOPERAT":  "healthcare operations",
	"HRESCH":   "healthcare research",
	"PUBHLTH":  "public health",
	"PATRQT":   "patient requested",
	"CAREMGT":  "care management",
	"COVERAGE": "coverage under policy or program",
	"FAMRQT":   "family requested",
	"PWATRNY":  "power of attorney",
	"CLINTRL":  "clinical trial",
	"DONAT":    "donation",
}

// PurposeCodes lists the purpose codes, sorted.
func PurposeCodes() []string {
	out := make([]string, 0, len(Purposes))
	for c := range Purposes {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// ValidatePurpose accepts a known PurposeOfUse code, exactly as spelled (upper case).
func ValidatePurpose(code string) error {
	if _, ok := Purposes[code]; !ok {
		return errorsmod.Wrapf(ErrUnknownPurpose, "%q (known: %s)", code, strings.Join(PurposeCodes(), ", "))
	}
	return nil
}
