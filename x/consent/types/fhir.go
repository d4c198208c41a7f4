package types

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	errorsmod "cosmossdk.io/errors"
)

// Code systems and codes of the FHIR R4 Consent rendering
// (http://hl7.org/fhir/R4/consent.html).
const (
	// FHIRAccountSystem names on-chain accounts. Accounts are pseudonymous, so an
	// identifier in this system carries no PHI.
	FHIRAccountSystem = "urn:healthd:account"

	fhirConsentScopeSystem     = "http://terminology.hl7.org/CodeSystem/consentscope"
	fhirLOINCSystem            = "http://loinc.org"
	fhirActCodeSystem          = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	fhirParticipationSystem    = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
	fhirConsentStatusActive    = "active"
	fhirConsentStatusInactive  = "inactive"
	fhirConsentProvisionPermit = "permit"
)

// The types below fix the field order of the JSON output: encoding/json writes
// struct fields in declaration order, so the rendering is deterministic.

type fhirConsent struct {
	ResourceType string                `json:"resourceType"`
	ID           string                `json:"id"`
	Meta         fhirMeta              `json:"meta"`
	Status       string                `json:"status"`
	Scope        fhirCodeableConcept   `json:"scope"`
	Category     []fhirCodeableConcept `json:"category"`
	Patient      fhirReference         `json:"patient"`
	DateTime     string                `json:"dateTime"`
	Performer    []fhirReference       `json:"performer"`
	PolicyRule   fhirCodeableConcept   `json:"policyRule"`
	Provision    fhirProvision         `json:"provision"`
}

type fhirMeta struct {
	VersionID string `json:"versionId"`
}

type fhirCoding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

type fhirCodeableConcept struct {
	Coding []fhirCoding `json:"coding"`
}

type fhirIdentifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type fhirReference struct {
	Identifier fhirIdentifier `json:"identifier"`
}

type fhirPeriod struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type fhirProvisionActor struct {
	Role      fhirCodeableConcept `json:"role"`
	Reference fhirReference       `json:"reference"`
}

type fhirProvision struct {
	Type    string               `json:"type"`
	Period  fhirPeriod           `json:"period"`
	Actor   []fhirProvisionActor `json:"actor"`
	Purpose []fhirCoding         `json:"purpose"`
	// Class is omitted for an all-categories consent: no class restriction
	// covers every class.
	Class []fhirCoding `json:"class,omitempty"`
}

// fhirTime renders t as a FHIR dateTime in UTC with its fractional seconds, so
// the exported period is exactly the on-chain one.
func fhirTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

func fhirAccount(addr string) fhirReference {
	return fhirReference{Identifier: fhirIdentifier{System: FHIRAccountSystem, Value: addr}}
}

// fhirStatus maps a consent's state at now to an R4 consent-state-code: active
// while the consent is active and not yet ended (even if it starts later),
// inactive once revoked, expired or past its end.
func (c Consent) fhirStatus(now time.Time) (string, error) {
	switch c.Status {
	case ConsentStatus_CONSENT_STATUS_ACTIVE:
		if now.Before(c.End) {
			return fhirConsentStatusActive, nil
		}
		return fhirConsentStatusInactive, nil
	case ConsentStatus_CONSENT_STATUS_REVOKED, ConsentStatus_CONSENT_STATUS_EXPIRED:
		return fhirConsentStatusInactive, nil
	}
	return "", fmt.Errorf("consent %d has status %s, which has no FHIR consent state", c.ID, c.Status)
}

// FHIR renders the consent as a FHIR R4 Consent resource in JSON.
//
// The resource names parties only by account address (system
// urn:healthd:account), so it carries no PHI. Times are UTC, to the second.
// It returns an error for an unknown purpose, category or status, or a missing
// party, none of which a stored consent has.
func (c Consent) FHIR(now time.Time) ([]byte, error) {
	status, err := c.fhirStatus(now)
	if err != nil {
		return nil, err
	}
	display, ok := Purposes[c.Purpose]
	if !ok {
		return nil, errorsmod.Wrapf(ErrUnknownPurpose, "%q", c.Purpose)
	}
	for _, party := range []struct{ role, addr string }{
		{"patient", c.Patient}, {"grantee", c.Grantee}, {"granted_by", c.GrantedBy},
	} {
		if party.addr == "" {
			return nil, errorsmod.Wrapf(ErrInvalidAddress, "consent %d has no %s", c.ID, party.role)
		}
	}

	var class []fhirCoding
	if !c.AllCategories {
		if len(c.Categories) == 0 {
			return nil, errorsmod.Wrapf(ErrInvalidCategory, "consent %d names no category", c.ID)
		}
		class = make([]fhirCoding, 0, len(c.Categories))
		for _, cat := range c.Categories {
			system := CategorySystem(cat)
			if system == "" {
				return nil, errorsmod.Wrapf(ErrInvalidCategory, "%q", cat)
			}
			class = append(class, fhirCoding{System: system, Code: cat})
		}
	}

	return json.Marshal(fhirConsent{
		ResourceType: "Consent",
		ID:           strconv.FormatUint(c.ID, 10),
		Meta:         fhirMeta{VersionID: strconv.FormatUint(uint64(c.Version), 10)},
		Status:       status,
		Scope: fhirCodeableConcept{Coding: []fhirCoding{{
			System: fhirConsentScopeSystem, Code: "patient-privacy", Display: "Privacy Consent",
		}}},
		Category: []fhirCodeableConcept{{Coding: []fhirCoding{{
			System: fhirLOINCSystem, Code: "59284-0", Display: "Patient Consent",
		}}}},
		Patient:   fhirAccount(c.Patient),
		DateTime:  fhirTime(c.GrantedAt),
		Performer: []fhirReference{fhirAccount(c.GrantedBy)},
		// A policy rule satisfies invariant ppc-1 of privacy consents.
		PolicyRule: fhirCodeableConcept{Coding: []fhirCoding{{
			System: fhirActCodeSystem, Code: "OPTIN", Display: "opt-in",
		}}},
		Provision: fhirProvision{
			Type:   fhirConsentProvisionPermit,
			Period: fhirPeriod{Start: fhirTime(c.Start), End: fhirTime(c.End)},
			Actor: []fhirProvisionActor{{
				Role: fhirCodeableConcept{Coding: []fhirCoding{{
					System: fhirParticipationSystem, Code: "IRCP", Display: "information recipient",
				}}},
				Reference: fhirAccount(c.Grantee),
			}},
			Purpose: []fhirCoding{{System: PurposeSystem, Code: c.Purpose, Display: display}},
			Class:   class,
		},
	})
}
