package types_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/fhirr4"
	"github.com/healthchain/healthd/x/claims/types"
)

// fhirClaims are claims in the shapes the FHIR renderings meet: paid,
// partially approved with reasons, pended, denied, a pharmacy claim.
func fhirClaims() []types.Claim {
	gs := validGenesis()
	paid := gs.Claims[0]
	paid.UpdatedAt = serviceDate

	partial := paid
	partial.ID, partial.Outcome, partial.Status = 9, statusPartial, types.ClaimStatus_CLAIM_STATUS_PAYABLE
	partial.Lines = []types.ClaimLine{cl(cpt, "99213", 1, 200), cl(cpt, "99999", 2, 80)}
	partial.Results = []types.LineResult{
		{Approved: true, Allowed: n(150), Deductible: n(100), Copay: n(20), Coinsurance: n(6), PlanPays: n(24), PatientResponsibility: n(126),
			Reasons: []string{"45", "1", "3", "2"}},
		{Allowed: n(0), Deductible: n(0), Copay: n(0), Coinsurance: n(0), PlanPays: n(0), PatientResponsibility: n(0), Reasons: []string{"96"}},
	}
	partial.Paid = n(0)

	pended := paid
	pended.ID, pended.Outcome, pended.Status, pended.Paid = 10, statusPended, statusPended, n(0)
	pended.PendReasons = []string{types.PendOverThreshold}

	denied := partial
	denied.ID, denied.Outcome, denied.Status = 11, statusDenied, statusDenied
	denied.Results = []types.LineResult{partial.Results[1], partial.Results[1]}

	pharmacy := paid
	pharmacy.ID = 12
	pharmacy.Lines = []types.ClaimLine{cl(ndc, "00093-4155-73", 30, 150), cl(hcpcs, "J1100", 1, 10)}
	pharmacy.Results = []types.LineResult{paid.Results[0], paid.Results[0]}
	cancelled := partial
	cancelled.ID, cancelled.Status, cancelled.CancelReason = 13, types.ClaimStatus_CLAIM_STATUS_CANCELLED, "27"
	withdrawn := denied
	withdrawn.ID, withdrawn.Status = 14, types.ClaimStatus_CLAIM_STATUS_WITHDRAWN
	return []types.Claim{paid, partial, pended, denied, pharmacy, cancelled, withdrawn}
}

func TestClaimResponseFHIRValidates(t *testing.T) {
	for _, c := range fhirClaims() {
		bz, err := types.ClaimResponseFHIR(c)
		require.NoError(t, err)
		res, err := fhirr4.Validate(bz)
		require.NoError(t, err, "claim %d: %s", c.ID, bz)
		require.Equal(t, "ClaimResponse", res.ResourceType)

		var doc map[string]any
		require.NoError(t, json.Unmarshal(bz, &doc))
		want := map[types.ClaimStatus]string{statusApproved: "complete", statusPartial: "partial", statusPended: "queued", statusDenied: "complete"}[c.Outcome]
		require.Equal(t, want, doc["outcome"], "claim %d", c.ID)
		require.Equal(t, c.Status.String(), doc["disposition"])
		require.Len(t, doc["item"], len(c.Lines))
		wantStatus := "active"
		if c.Status == types.ClaimStatus_CLAIM_STATUS_CANCELLED || c.Status == types.ClaimStatus_CLAIM_STATUS_WITHDRAWN {
			wantStatus = "cancelled"
		}
		require.Equal(t, wantStatus, doc["status"], "claim %d", c.ID)
	}
}

// TestExplanationOfBenefitBundleFHIRValidates: the chain's bundle (no
// diagnoses: it holds none in clear) and a client's (the diagnoses it opened
// for claim 9) both validate; only the client's has a diagnosis element.
func TestExplanationOfBenefitBundleFHIRValidates(t *testing.T) {
	claims := fhirClaims()
	for name, diagnoses := range map[string]map[uint64][]string{
		"chain":  nil,
		"client": {9: {"E11.9", "I10"}},
	} {
		bz, err := types.ExplanationOfBenefitBundleFHIR(claims, diagnoses)
		require.NoError(t, err)
		res, err := fhirr4.Validate(bz)
		require.NoError(t, err, "%s: %s", name, bz)
		require.Equal(t, "Bundle", res.ResourceType)
		require.Equal(t, len(claims), res.Entries)

		var bundle struct {
			Entry []struct {
				Resource json.RawMessage `json:"resource"`
			} `json:"entry"`
		}
		require.NoError(t, json.Unmarshal(bz, &bundle))
		for i, e := range bundle.Entry {
			res, err := fhirr4.Validate(e.Resource)
			require.NoError(t, err, "entry %d: %s", i, e.Resource)
			require.Equal(t, "ExplanationOfBenefit", res.ResourceType)
			var eob struct {
				Identifier []struct{ Value string } `json:"identifier"`
				Diagnosis  []struct {
					Sequence                 int `json:"sequence"`
					DiagnosisCodeableConcept struct {
						Coding []struct{ System, Code string } `json:"coding"`
					} `json:"diagnosisCodeableConcept"`
				} `json:"diagnosis"`
			}
			require.NoError(t, json.Unmarshal(e.Resource, &eob))
			if name == "client" && eob.Identifier[0].Value == "9" {
				require.Len(t, eob.Diagnosis, 2)
				require.Equal(t, 2, eob.Diagnosis[1].Sequence)
				require.Equal(t, "I10", eob.Diagnosis[1].DiagnosisCodeableConcept.Coding[0].Code)
				require.Equal(t, "http://hl7.org/fhir/sid/icd-10-cm", eob.Diagnosis[1].DiagnosisCodeableConcept.Coding[0].System)
				continue
			}
			require.Empty(t, eob.Diagnosis, "%s entry %d", name, i)
			require.NotContains(t, string(e.Resource), "icd-10-cm")
		}
	}
}

// An explanation of benefits for a period without claims is a Bundle without
// entries: FHIR JSON has no empty arrays.
func TestExplanationOfBenefitBundleFHIREmpty(t *testing.T) {
	for _, claims := range [][]types.Claim{nil, {}} {
		bz, err := types.ExplanationOfBenefitBundleFHIR(claims, nil)
		require.NoError(t, err)
		res, err := fhirr4.Validate(bz)
		require.NoError(t, err, "%s", bz)
		require.Equal(t, "Bundle", res.ResourceType)
		require.Zero(t, res.Entries)
		require.JSONEq(t, `{"resourceType":"Bundle","type":"collection"}`, string(bz))
	}
}
