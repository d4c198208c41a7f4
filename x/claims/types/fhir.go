package types

import (
	"encoding/json"
	"fmt"
	"time"

	"cosmossdk.io/math"
)

// FHIR R4 renderings of adjudication: a ClaimResponse per claim and an
// ExplanationOfBenefit per claim for the patient. Parties are referenced by
// identifier (their healthd account), never by name. Amounts are in the
// settlement denom's smallest unit; Money.currency is left out because the
// denom is not an ISO 4217 currency.

const (
	systemAccount  = "urn:healthd:account"
	systemClaim    = "urn:healthd:claim"
	systemCoverage = "urn:healthd:coverage"
	systemCARC     = "https://x12.org/codes/claim-adjustment-reason-codes"
	systemAdjCat   = "http://terminology.hl7.org/CodeSystem/adjudication"
	systemClaimTyp = "http://terminology.hl7.org/CodeSystem/claim-type"
	systemICD10CM  = "http://hl7.org/fhir/sid/icd-10-cm"
)

type (
	fCoding struct {
		System string `json:"system"`
		Code   string `json:"code"`
	}
	fConcept struct {
		Coding []fCoding `json:"coding"`
	}
	fIdentifier struct {
		System string `json:"system"`
		Value  string `json:"value"`
	}
	fRef struct {
		Identifier fIdentifier `json:"identifier"`
	}
	fMoney struct {
		Value json.Number `json:"value"`
	}
	fAdjudication struct {
		Category fConcept  `json:"category"`
		Reason   *fConcept `json:"reason,omitempty"`
		Amount   *fMoney   `json:"amount,omitempty"`
	}
	fTotal struct {
		Category fConcept `json:"category"`
		Amount   fMoney   `json:"amount"`
	}
)

func money(i math.Int) *fMoney { return &fMoney{Value: json.Number(i.String())} }

func ref(system, value string) fRef {
	return fRef{Identifier: fIdentifier{System: system, Value: value}}
}

func concept(system, code string) fConcept {
	return fConcept{Coding: []fCoding{{System: system, Code: code}}}
}

func fhirOutcome(c Claim) string {
	switch c.Outcome {
	case ClaimStatus_CLAIM_STATUS_PENDED:
		return "queued"
	case ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED:
		return "partial"
	}
	return "complete"
}

// fhirStatus is the FHIR financial resource status: a claim the provider
// withdrew or the payer cancelled is "cancelled", every other is "active".
func fhirStatus(c Claim) string {
	switch c.Status {
	case ClaimStatus_CLAIM_STATUS_WITHDRAWN, ClaimStatus_CLAIM_STATUS_CANCELLED:
		return "cancelled"
	}
	return "active"
}

func claimType(c Claim) string {
	for _, l := range c.Lines {
		if l.System == CodeSystem_CODE_SYSTEM_NDC {
			return "pharmacy"
		}
	}
	return "professional"
}

func codeSystemURI(s CodeSystem) string {
	switch s {
	case CodeSystem_CODE_SYSTEM_CPT:
		return "http://www.ama-assn.org/go/cpt"
	case CodeSystem_CODE_SYSTEM_HCPCS:
		return "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
	default:
		return "http://hl7.org/fhir/sid/ndc"
	}
}

func lineAdjudication(r LineResult, charge math.Int) []fAdjudication {
	adj := []fAdjudication{
		{Category: concept(systemAdjCat, "submitted"), Amount: money(charge)},
		{Category: concept(systemAdjCat, "eligible"), Amount: money(r.Allowed)},
		{Category: concept(systemAdjCat, "deductible"), Amount: money(r.Deductible)},
		{Category: concept(systemAdjCat, "copay"), Amount: money(r.Copay)},
		{Category: concept("urn:healthd:adjudication", "coinsurance"), Amount: money(r.Coinsurance)},
		{Category: concept(systemAdjCat, "benefit"), Amount: money(r.PlanPays)},
	}
	for _, carc := range r.Reasons {
		reason := concept(systemCARC, carc)
		adj = append(adj, fAdjudication{Category: concept("urn:healthd:adjudication", "reason"), Reason: &reason})
	}
	return adj
}

type fResponseItem struct {
	ItemSequence int             `json:"itemSequence"`
	Adjudication []fAdjudication `json:"adjudication"`
}

// ClaimResponseFHIR renders a claim's adjudication as a FHIR R4 ClaimResponse.
func ClaimResponseFHIR(c Claim) ([]byte, error) {
	items := make([]fResponseItem, len(c.Lines))
	for i, l := range c.Lines {
		items[i] = fResponseItem{ItemSequence: i + 1, Adjudication: lineAdjudication(c.Results[i], l.Charge)}
	}
	return json.Marshal(map[string]any{
		"resourceType": "ClaimResponse",
		"id":           fmt.Sprintf("claim-%d", c.ID),
		"identifier":   []fIdentifier{{System: systemClaim, Value: fmt.Sprint(c.ID)}},
		"status":       fhirStatus(c),
		"type":         concept(systemClaimTyp, claimType(c)),
		"use":          "claim",
		"patient":      ref(systemAccount, c.Patient),
		"created":      c.UpdatedAt.UTC().Format(time.RFC3339),
		"insurer":      ref(systemAccount, c.Payer),
		"requestor":    ref(systemAccount, c.Provider),
		"request":      ref(systemClaim, fmt.Sprint(c.ID)),
		"outcome":      fhirOutcome(c),
		"disposition":  c.Status.String(),
		"item":         items,
		"total":        totals(c),
		"payment":      map[string]any{"type": concept("http://terminology.hl7.org/CodeSystem/ex-paymenttype", "complete"), "amount": money(c.Paid)},
	})
}

func totals(c Claim) []fTotal {
	billed, allowed, patient := math.ZeroInt(), math.ZeroInt(), math.ZeroInt()
	for i, l := range c.Lines {
		billed = billed.Add(l.Charge)
		if c.Results[i].Approved {
			allowed = allowed.Add(c.Results[i].Allowed)
			patient = patient.Add(c.Results[i].PatientResponsibility)
		}
	}
	return []fTotal{
		{Category: concept(systemAdjCat, "submitted"), Amount: *money(billed)},
		{Category: concept(systemAdjCat, "eligible"), Amount: *money(allowed)},
		{Category: concept(systemAdjCat, "benefit"), Amount: *money(SumPlanPays(c.Results))},
		{Category: concept("urn:healthd:adjudication", "patient-responsibility"), Amount: *money(patient)},
	}
}

type (
	fEOBItem struct {
		Sequence         int             `json:"sequence"`
		ProductOrService fConcept        `json:"productOrService"`
		ServicedDate     string          `json:"servicedDate"`
		Quantity         map[string]any  `json:"quantity"`
		Net              *fMoney         `json:"net"`
		Adjudication     []fAdjudication `json:"adjudication"`
	}
	fDiagnosis struct {
		Sequence                 int      `json:"sequence"`
		DiagnosisCodeableConcept fConcept `json:"diagnosisCodeableConcept"`
	}
)

// ExplanationOfBenefitFHIR renders one claim as a FHIR R4 ExplanationOfBenefit.
// The chain does not hold the diagnoses in clear: diagnoses are the claim's
// codes as a client that opened them (the payer, the provider) passes them,
// and with none the resource has no diagnosis element, as the chain's export
// renders it.
func ExplanationOfBenefitFHIR(c Claim, diagnoses []string) map[string]any {
	items := make([]fEOBItem, len(c.Lines))
	day := c.ServiceDate.UTC().Format("2006-01-02")
	for i, l := range c.Lines {
		items[i] = fEOBItem{
			Sequence: i + 1, ProductOrService: concept(codeSystemURI(l.System), l.Code), ServicedDate: day,
			Quantity: map[string]any{"value": l.Units}, Net: money(l.Charge), Adjudication: lineAdjudication(c.Results[i], l.Charge),
		}
	}
	eob := map[string]any{
		"resourceType": "ExplanationOfBenefit",
		"id":           fmt.Sprintf("eob-%d", c.ID),
		"identifier":   []fIdentifier{{System: systemClaim, Value: fmt.Sprint(c.ID)}},
		"status":       fhirStatus(c),
		"type":         concept(systemClaimTyp, claimType(c)),
		"use":          "claim",
		"patient":      ref(systemAccount, c.Patient),
		"created":      c.UpdatedAt.UTC().Format(time.RFC3339),
		"insurer":      ref(systemAccount, c.Payer),
		"provider":     ref(systemAccount, c.Provider),
		"outcome":      fhirOutcome(c),
		"disposition":  c.Status.String(),
		"insurance":    []map[string]any{{"focal": true, "coverage": ref(systemCoverage, fmt.Sprint(c.CoverageID))}},
		"item":         items,
		"total":        totals(c),
		"payment":      map[string]any{"amount": money(c.Paid)},
	}
	if len(diagnoses) > 0 { // FHIR JSON has no empty arrays (ele-1)
		dx := make([]fDiagnosis, len(diagnoses))
		for i, d := range diagnoses {
			dx[i] = fDiagnosis{Sequence: i + 1, DiagnosisCodeableConcept: concept(systemICD10CM, d)}
		}
		eob["diagnosis"] = dx
	}
	return eob
}

// ExplanationOfBenefitBundleFHIR renders claims as a FHIR R4 Bundle (type
// collection) of ExplanationOfBenefit resources. diagnoses holds, by claim
// id, the codes of the claims a client opened; the chain passes nil.
func ExplanationOfBenefitBundleFHIR(claims []Claim, diagnoses map[uint64][]string) ([]byte, error) {
	entries := make([]map[string]any, len(claims))
	for i, c := range claims {
		entries[i] = map[string]any{"resource": ExplanationOfBenefitFHIR(c, diagnoses[c.ID])}
	}
	bundle := map[string]any{"resourceType": "Bundle", "type": "collection"}
	if len(entries) > 0 {
		bundle["entry"] = entries // FHIR JSON allows no empty array (ele-1)
	}
	return json.Marshal(bundle)
}
