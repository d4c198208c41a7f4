package types

import (
	"slices"

	errorsmod "cosmossdk.io/errors"
)

// Code systems of data categories.
const (
	ResourceTypeSystem        = "http://hl7.org/fhir/resource-types"
	ObservationCategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category"
)

// resourceTypes are the FHIR R4 resource types that hold patient data and may be
// named as a consent category.
var resourceTypes = map[string]bool{
	"AllergyIntolerance": true, "AdverseEvent": true, "Appointment": true, "CarePlan": true, "CareTeam": true,
	"Claim": true, "ClaimResponse": true, "ClinicalImpression": true, "Communication": true, "Composition": true,
	"Condition": true, "Coverage": true, "DetectedIssue": true, "DeviceRequest": true, "DeviceUseStatement": true,
	"DiagnosticReport": true, "DocumentReference": true, "Encounter": true, "EpisodeOfCare": true,
	"ExplanationOfBenefit": true, "FamilyMemberHistory": true, "Flag": true, "Goal": true, "ImagingStudy": true,
	"Immunization": true, "ImmunizationRecommendation": true, "List": true, "Media": true, "Medication": true,
	"MedicationAdministration": true, "MedicationDispense": true, "MedicationRequest": true,
	"MedicationStatement": true, "MolecularSequence": true, "NutritionOrder": true, "Observation": true,
	"Patient": true, "Procedure": true, "Provenance": true, "QuestionnaireResponse": true, "RelatedPerson": true,
	"RiskAssessment": true, "ServiceRequest": true, "Specimen": true, "VisionPrescription": true,
}

// observationCategories are the HL7 observation-category codes.
var observationCategories = map[string]bool{
	"social-history": true, "vital-signs": true, "imaging": true, "laboratory": true, "procedure": true,
	"survey": true, "exam": true, "therapy": true, "activity": true,
}

// CategorySystem returns the code system a category belongs to, or "" when unknown.
func CategorySystem(c string) string {
	switch {
	case resourceTypes[c]:
		return ResourceTypeSystem
	case observationCategories[c]:
		return ObservationCategorySystem
	}
	return ""
}

// NormalizeCategories validates a category list and returns it sorted. Either
// all is set and the list is empty, or the list names at least one known
// category, each once.
func NormalizeCategories(categories []string, all bool) ([]string, error) {
	switch {
	case all && len(categories) > 0:
		return nil, errorsmod.Wrap(ErrInvalidCategory, "give either all categories or a list, not both")
	case all:
		return nil, nil
	case len(categories) == 0:
		return nil, errorsmod.Wrap(ErrInvalidCategory, "no category given: an empty list is not \"all\"; name categories or set all categories")
	case len(categories) > MaxCategories:
		return nil, errorsmod.Wrapf(ErrInvalidCategory, "%d categories, at most %d", len(categories), MaxCategories)
	}
	out := slices.Clone(categories)
	slices.Sort(out)
	for i, c := range out {
		if CategorySystem(c) == "" {
			return nil, errorsmod.Wrapf(ErrInvalidCategory, "%q is neither a FHIR R4 resource type holding patient data nor an observation category", c)
		}
		if i > 0 && out[i-1] == c {
			return nil, errorsmod.Wrapf(ErrInvalidCategory, "%q listed twice", c)
		}
	}
	return out, nil
}

// IndexCategories are the index keys of a consent: its categories, or AllCategories.
func (c Consent) IndexCategories() []string {
	if c.AllCategories {
		return []string{AllCategories}
	}
	return c.Categories
}
