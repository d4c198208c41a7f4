package types

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/healthchain/healthd/internal/trialid"
)

// Code systems of the FHIR R4 ResearchStudy and ResearchSubject renderings
// (http://hl7.org/fhir/R4/researchstudy.html, researchsubject.html).
const (
	// FHIRAccountSystem names on-chain accounts (pseudonymous: no PHI), as x/consent does.
	FHIRAccountSystem = "urn:healthd:account"
	// FHIRTrialSystem names trials by their on-chain id.
	FHIRTrialSystem = "urn:healthd:trial"
	// FHIRNCTSystem and FHIREUCTSystem name the registries.
	FHIRNCTSystem  = "https://clinicaltrials.gov"
	FHIREUCTSystem = "https://euclinicaltrials.eu"

	fhirPhaseSystem     = "http://terminology.hl7.org/CodeSystem/research-study-phase"
	fhirObjectiveSystem = "http://terminology.hl7.org/CodeSystem/research-study-objective-type"
	fhirLOINCSystem     = "http://loinc.org"
	fhirSNOMEDSystem    = "http://snomed.info/sct"
)

// The types below fix the field order of the JSON output (encoding/json
// writes struct fields in declaration order), so the rendering is deterministic.

type fhirCoding struct {
	System string `json:"system"`
	Code   string `json:"code"`
}

type fhirCodeableConcept struct {
	Coding []fhirCoding `json:"coding,omitempty"`
	Text   string       `json:"text,omitempty"`
}

type fhirIdentifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type fhirReference struct {
	Reference  string          `json:"reference,omitempty"`
	Identifier *fhirIdentifier `json:"identifier,omitempty"`
}

type fhirPeriod struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

type fhirObjective struct {
	Name string              `json:"name"`
	Type fhirCodeableConcept `json:"type"`
}

type fhirResearchStudy struct {
	ResourceType string              `json:"resourceType"`
	ID           string              `json:"id"`
	Identifier   []fhirIdentifier    `json:"identifier"`
	Title        string              `json:"title"`
	Status       string              `json:"status"`
	Phase        fhirCodeableConcept `json:"phase"`
	Period       fhirPeriod          `json:"period"`
	Sponsor      fhirReference       `json:"sponsor"`
	Objective    []fhirObjective     `json:"objective"`
}

type fhirResearchSubject struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id"`
	Status       string        `json:"status"`
	Period       *fhirPeriod   `json:"period,omitempty"`
	Study        fhirReference `json:"study"`
	Individual   fhirReference `json:"individual"`
	Consent      fhirReference `json:"consent"`
}

func fhirTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func fhirAccount(addr string) fhirReference {
	return fhirReference{Identifier: &fhirIdentifier{System: FHIRAccountSystem, Value: addr}}
}

// fhirStudyStatus maps a trial's status to an R4 research-study-status.
func (t Trial) fhirStudyStatus() (string, error) {
	switch t.Status {
	case TrialStatus_TRIAL_STATUS_REGISTERED:
		return "in-review", nil
	case TrialStatus_TRIAL_STATUS_RECRUITING:
		return "active", nil
	case TrialStatus_TRIAL_STATUS_LOCKED:
		return "closed-to-accrual-and-intervention", nil
	case TrialStatus_TRIAL_STATUS_RESULTS_REPORTED:
		return "completed", nil
	}
	return "", fmt.Errorf("trial %d has status %s, which has no FHIR research-study-status", t.ID, t.Status)
}

// fhirPhase is the research-study-phase code of a phase: PHASE_PHASE_1_PHASE_2 is "phase-1-phase-2".
func fhirPhase(p Phase) (string, error) {
	if p == Phase_PHASE_UNSPECIFIED || Phase_name[int32(p)] == "" {
		return "", fmt.Errorf("phase %d has no FHIR code", int32(p))
	}
	if p == Phase_PHASE_NOT_APPLICABLE {
		return "n-a", nil
	}
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(p.String(), "PHASE_")), "_", "-"), nil
}

// objectiveName describes an outcome: its measure and time frame, or its code.
func objectiveName(o Outcome) string {
	var parts []string
	if o.Measure != "" {
		parts = append(parts, o.Measure)
	}
	if o.Code != "" {
		system := fhirLOINCSystem
		if o.CodeSystem == CodeSystem_CODE_SYSTEM_SNOMED_CT {
			system = fhirSNOMEDSystem
		}
		parts = append(parts, system+"|"+o.Code)
	}
	if o.TimeFrame != "" {
		parts = append(parts, "("+o.TimeFrame+")")
	}
	return strings.Join(parts, " ")
}

// FHIR renders the trial as a FHIR R4 ResearchStudy in JSON: its registry and
// on-chain ids, title, status, phase, the period from registration to primary
// completion, the sponsor (by account) and the pre-specified outcomes as
// primary and secondary objectives. No subject is named.
func (t Trial) FHIR() ([]byte, error) {
	status, err := t.fhirStudyStatus()
	if err != nil {
		return nil, err
	}
	phase, err := fhirPhase(t.Phase)
	if err != nil {
		return nil, err
	}
	id, err := trialid.Parse(t.RegistryID)
	if err != nil {
		return nil, fmt.Errorf("trial %d: registry id: %w", t.ID, err)
	}
	registry := FHIRNCTSystem
	if id.Registry == trialid.EUCTR {
		registry = FHIREUCTSystem
	}
	objectives := make([]fhirObjective, len(t.Outcomes))
	for i, o := range t.Outcomes {
		kind := "secondary"
		if o.Kind == OutcomeKind_OUTCOME_KIND_PRIMARY {
			kind = "primary"
		}
		objectives[i] = fhirObjective{Name: objectiveName(o), Type: fhirCodeableConcept{Coding: []fhirCoding{{System: fhirObjectiveSystem, Code: kind}}}}
	}
	return json.Marshal(fhirResearchStudy{
		ResourceType: "ResearchStudy",
		ID:           strconv.FormatUint(t.ID, 10),
		Identifier: []fhirIdentifier{
			{System: registry, Value: id.Canonical},
			{System: FHIRTrialSystem, Value: strconv.FormatUint(t.ID, 10)},
		},
		Title:     t.Title,
		Status:    status,
		Phase:     fhirCodeableConcept{Coding: []fhirCoding{{System: fhirPhaseSystem, Code: phase}}},
		Period:    fhirPeriod{Start: fhirTime(t.RegisteredAt), End: fhirTime(t.PrimaryCompletion)},
		Sponsor:   fhirAccount(t.Sponsor),
		Objective: objectives,
	})
}

// FHIR renders the enrolment as a FHIR R4 ResearchSubject in JSON: the study,
// the subject by account (pseudonymous), the x/consent consent it rests on,
// its status and the period from enrolment to withdrawal.
func (e Enrolment) FHIR() ([]byte, error) {
	var status string
	switch e.Status {
	case EnrolmentStatus_ENROLMENT_STATUS_CONSENTED:
		status = "pending-on-study"
	case EnrolmentStatus_ENROLMENT_STATUS_ENROLLED:
		status = "on-study"
	case EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN:
		status = "withdrawn"
	default:
		return nil, fmt.Errorf("enrolment has status %s, which has no FHIR research-subject-status", e.Status)
	}
	var period *fhirPeriod
	if e.EnrolledAt != nil {
		period = &fhirPeriod{Start: fhirTime(*e.EnrolledAt)}
		if e.WithdrawnAt != nil {
			period.End = fhirTime(*e.WithdrawnAt)
		}
	}
	return json.Marshal(fhirResearchSubject{
		ResourceType: "ResearchSubject",
		ID:           fmt.Sprintf("%d-%s", e.TrialID, e.Subject),
		Status:       status,
		Period:       period,
		Study:        fhirReference{Reference: "ResearchStudy/" + strconv.FormatUint(e.TrialID, 10)},
		Individual:   fhirAccount(e.Subject),
		Consent:      fhirReference{Reference: "Consent/" + strconv.FormatUint(e.ConsentID, 10)},
	})
}
