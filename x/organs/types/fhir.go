package types

import (
	"encoding/json"
	"strings"
	"time"
)

// Code systems of the FHIR R4 BiologicallyDerivedProduct rendering
// (http://hl7.org/fhir/R4/biologicallyderivedproduct.html). The DIN and the
// organ type are healthd's identifiers, named in systems of its own rather
// than claimed in ICCBBA's.
const (
	FHIRDINSystem       = "urn:healthd:isbt128:din"
	FHIROrganTypeSystem = "urn:healthd:organ-type"
	FHIRAccountSystem   = "urn:healthd:account"
	fhirTimeFormat      = "2006-01-02T15:04:05Z"
)

// The types below fix the field order of the JSON output: encoding/json
// writes struct fields in declaration order, so the rendering is deterministic.

type fhirProduct struct {
	ResourceType    string              `json:"resourceType"`
	ID              string              `json:"id"`
	Identifier      []fhirIdentifier    `json:"identifier"`
	ProductCategory string              `json:"productCategory"`
	ProductCode     fhirCodeableConcept `json:"productCode"`
	Status          string              `json:"status"`
	Quantity        int                 `json:"quantity"`
	Collection      fhirCollection      `json:"collection"`
	Storage         []fhirStorage       `json:"storage"`
}

type fhirIdentifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type fhirCoding struct {
	System string `json:"system"`
	Code   string `json:"code"`
}

type fhirCodeableConcept struct {
	Coding []fhirCoding `json:"coding"`
}

type fhirReference struct {
	Identifier fhirIdentifier `json:"identifier"`
}

type fhirCollection struct {
	Collector         fhirReference `json:"collector"`
	CollectedDateTime string        `json:"collectedDateTime"`
}

type fhirPeriod struct {
	Start string `json:"start"`
	End   string `json:"end,omitempty"`
}

type fhirStorage struct {
	Description string     `json:"description"`
	Scale       string     `json:"scale"`
	Duration    fhirPeriod `json:"duration"`
}

// FHIRID is the organ's resource id: the DIN and the organ type, whose "_"
// become "-" (a FHIR id has letters, digits, "-" and "." only).
func FHIRID(o Organ) string { return o.DIN + "-" + strings.ReplaceAll(o.OrganType, "_", "-") }

// FHIR renders the organ as a FHIR R4 BiologicallyDerivedProduct: the DIN as
// its identifier, category organ, the organ type as its code, available while
// it waits for its outcome, collected (by the OPO, named by account) at the
// cross-clamp, in cold storage from the cross-clamp to reperfusion or
// discard. No donor or recipient appears.
func (o Organ) FHIR(opo string) ([]byte, error) {
	status := "available"
	end := ""
	if o.Outcome != nil {
		status = "unavailable"
		t := o.Outcome.Time
		if o.Outcome.Reperfusion != nil {
			t = *o.Outcome.Reperfusion
		}
		end = t.UTC().Format(fhirTimeFormat)
	}
	p := fhirProduct{
		ResourceType:    "BiologicallyDerivedProduct",
		ID:              FHIRID(o),
		Identifier:      []fhirIdentifier{{System: FHIRDINSystem, Value: o.DIN}},
		ProductCategory: "organ",
		ProductCode:     fhirCodeableConcept{Coding: []fhirCoding{{System: FHIROrganTypeSystem, Code: o.OrganType}}},
		Status:          status,
		Quantity:        1,
		Collection: fhirCollection{
			Collector:         fhirReference{Identifier: fhirIdentifier{System: FHIRAccountSystem, Value: opo}},
			CollectedDateTime: o.CrossClamp.UTC().Format(fhirTimeFormat),
		},
		Storage: []fhirStorage{{
			Description: "cold ischaemia, limit " + o.MaxColdIschaemia.Round(time.Second).String(),
			Scale:       "celsius",
			Duration:    fhirPeriod{Start: o.CrossClamp.UTC().Format(fhirTimeFormat), End: end},
		}},
	}
	return json.Marshal(p)
}
