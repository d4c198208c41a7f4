package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type claimOut struct {
	Claim struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Outcome string `json:"outcome"`
		Paid    string `json:"paid"`
		Results []struct {
			Approved              bool     `json:"approved"`
			Allowed               string   `json:"allowed"`
			PlanPays              string   `json:"plan_pays"`
			PatientResponsibility string   `json:"patient_responsibility"`
			Reasons               []string `json:"reasons"`
		} `json:"results"`
	} `json:"claim"`
}

func (n *node) claim(id string) claimOut {
	n.t.Helper()
	var c claimOut
	require.NoError(n.t, json.Unmarshal([]byte(n.mustCLI("q", "claims", "claim", id, "-o", "json")), &c))
	return c
}

func (n *node) balance(addr string) int64 {
	n.t.Helper()
	var b struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	require.NoError(n.t, json.Unmarshal([]byte(n.mustCLI("q", "bank", "balance", addr, "uhealth", "-o", "json")), &b))
	v, err := strconv.ParseInt(b.Balance.Amount, 10, 64)
	require.NoError(n.t, err)
	return v
}

func (n *node) tx(args ...string) {
	n.t.Helper()
	code, log := n.txResult(n.txCLI(append(args, "-y", "-o", "json", "--gas", "auto", "--gas-adjustment", "1.5")...))
	require.Zero(n.t, code, log)
}

// claimsScenario: the payer defines a plan and funds escrow, enrols a patient,
// the patient consents to HPAYMT for the payer and TREAT for the hospital, the hospital submits: the claim auto-approves
// and pays. A second claim pends; the payer partially approves, the provider
// appeals, the payer approves; the EOB shows both.
func claimsScenario(t *testing.T, n *node) {
	dir := t.TempDir()
	patient, payer, hospital := n.addr("patient1"), n.addr("payer"), n.addr("hospital")
	write := func(name string, v any) string {
		bz, err := json.Marshal(v)
		require.NoError(t, err)
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, bz, 0o600))
		return path
	}

	// A record of the patient that supports the second claim.
	rec, err := n.put("lab", patient, filepath.Join(repoRoot, "internal/fhirr4/testdata/observation_lab.json"), "")
	require.NoError(t, err)

	plan := write("plan.json", map[string]any{
		"name": "Meridian Silver", "deductible": "100", "out_of_pocket_max": "3000", "review_threshold": "1000",
		"services": []map[string]any{
			{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowed_per_unit": "150", "copay": "20", "coinsurance_bps": 2000},
			{"system": "CODE_SYSTEM_CPT", "code": "70553", "allowed_per_unit": "1200", "copay": "0", "coinsurance_bps": 1000},
		},
	})
	n.tx("tx", "claims", "create-plan", plan, "--from", "payer")
	n.tx("tx", "claims", "fund-escrow", "100000uhealth", "--from", "payer")
	year := time.Now().UTC().Year()
	start, end := fmt.Sprintf("%d-01-01T00:00:00Z", year), fmt.Sprintf("%d-01-01T00:00:00Z", year+1)
	n.tx("tx", "claims", "enroll", "1", patient, canaryMemberID, start, end, "--from", "payer")
	var cov struct {
		Coverages []struct {
			ID             string `json:"id"`
			MemberIDMAC    string `json:"member_id_mac"`
			MemberIDScheme string `json:"member_id_scheme"`
		} `json:"coverages"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "claims", "coverage", patient, "-o", "json")), &cov))
	require.Len(t, cov.Coverages, 1)
	require.NotEmpty(t, cov.Coverages[0].MemberIDMAC)
	require.Equal(t, "MEMBER_ID_SCHEME_HMAC_SHA256_V1", cov.Coverages[0].MemberIDScheme)
	require.NotContains(t, n.mustCLI("q", "claims", "coverage", patient, "-o", "json"), canaryMemberID, "the member id stays off chain")

	// The payer checks a card with its own key; the member id is not sent.
	var check struct {
		Match     bool `json:"match"`
		Coverages []struct {
			CoverageID uint64 `json:"coverage_id"`
			Match      bool   `json:"match"`
		} `json:"coverages"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "claims", "check-member", patient, canaryMemberID, "--from", "payer")), &check))
	require.True(t, check.Match)
	require.Len(t, check.Coverages, 1)
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "claims", "check-member", patient, "MEM-000124", "--from", "payer")), &check))
	require.False(t, check.Match, "another member id does not match")

	day1 := time.Now().UTC().Add(-72 * time.Hour).Format(time.RFC3339)
	day2 := time.Now().UTC().Add(-48 * time.Hour).Format(time.RFC3339)
	claim1 := write("claim1.json", map[string]any{
		"patient": patient, "coverage_id": cov.Coverages[0].ID, "service_date": day1, "diagnoses": []string{"E11.9"},
		"lines": []map[string]any{{"system": "CODE_SYSTEM_CPT", "code": "99213", "units": 1, "charge": "200"}},
	})

	// Without the patient's HPAYMT consent the claim is refused.
	code, log := n.txResult(n.txCLI("tx", "claims", "submit", claim1, "--from", "hospital", "-y", "-o", "json", "--gas", "400000"))
	require.NotZero(t, code)
	require.Contains(t, log, "access not authorized")

	n.tx("tx", "consent", "grant", patient, payer, "HPAYMT", "--categories", "Claim", "--end", end, "--from", "patient1")

	// Without the patient's TREAT consent to the hospital (the treatment relationship) it is refused too.
	code, log = n.txResult(n.txCLI("tx", "claims", "submit", claim1, "--from", "hospital", "-y", "-o", "json", "--gas", "400000"))
	require.NotZero(t, code)
	require.Contains(t, log, "no treatment relationship")
	n.tx("tx", "consent", "grant", patient, hospital, "TREAT", "--categories", "Claim", "--end", end, "--from", "patient1")

	before := n.balance(hospital)
	n.tx("tx", "claims", "submit", claim1, "--from", "hospital")
	// allowed 150 = min(200, 150); deductible 100; copay 20; coinsurance 20% of 30 = 6: patient 126, plan 24.
	c1 := n.claim("1")
	require.Equal(t, "CLAIM_STATUS_PAID", c1.Claim.Status)
	require.Equal(t, "CLAIM_STATUS_APPROVED", c1.Claim.Outcome)
	require.Equal(t, "24", c1.Claim.Paid)
	require.Equal(t, "126", c1.Claim.Results[0].PatientResponsibility)
	require.Equal(t, []string{"45", "1", "3", "2"}, c1.Claim.Results[0].Reasons)
	require.Equal(t, before+24, n.balance(hospital), "paid from escrow in the same transaction")

	// The diagnoses are on chain only sealed: the payer, the provider and the
	// patient (whose encryption key the localnet registered) read them,
	// checked against the commitment; anyone else does not.
	require.NotContains(t, n.mustCLI("q", "claims", "claim", "1", "-o", "json"), "E11.9")
	var dx struct {
		Diagnoses []string `json:"diagnoses"`
		Verified  bool     `json:"verified"`
	}
	for _, who := range []string{"payer", "hospital", "patient1"} {
		require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "claims", "diagnoses", "1", "--from", who)), &dx))
		require.Equal(t, []string{"E11.9"}, dx.Diagnoses, who)
		require.True(t, dx.Verified)
	}
	_, err = n.cli("q", "claims", "diagnoses", "1", "--from", "patient2")
	require.ErrorContains(t, err, "only the claim's payer, provider and")

	// The second claim is over the review threshold: it pends.
	claim2 := write("claim2.json", map[string]any{
		"patient": patient, "coverage_id": cov.Coverages[0].ID, "service_date": day2, "diagnoses": []string{"G43.909", "R51.9"},
		"record_ids": []string{strconv.FormatUint(rec.ID, 10)},
		"lines": []map[string]any{
			{"system": "CODE_SYSTEM_CPT", "code": "70553", "units": 1, "charge": "2000"},
			{"system": "CODE_SYSTEM_CPT", "code": "99213", "units": 1, "charge": "200"},
		},
	})
	n.tx("tx", "claims", "submit", claim2, "--from", "hospital")
	c2 := n.claim("2")
	require.Equal(t, "CLAIM_STATUS_PENDED", c2.Claim.Status)

	// The payer approves the visit and denies the MRI (CARC 50): the visit is paid.
	before = n.balance(hospital)
	n.tx("tx", "claims", "review", "2", "partial", "--approve-lines", "1", "--reason", "50", "--from", "payer")
	c2 = n.claim("2")
	require.Equal(t, "CLAIM_STATUS_PAID", c2.Claim.Status)
	require.Equal(t, "CLAIM_STATUS_PARTIALLY_APPROVED", c2.Claim.Outcome)
	require.Equal(t, []string{"50"}, c2.Claim.Results[0].Reasons)
	// visit: allowed 150, deductible met, copay 20, coinsurance 20% of 130 = 26: plan 104.
	require.Equal(t, "104", c2.Claim.Paid)
	require.Equal(t, before+104, n.balance(hospital))

	// The provider appeals; the payer approves the MRI: allowed 1200, coinsurance 120, plan 1080 more.
	n.tx("tx", "claims", "appeal", "2", "medical-necessity", "--from", "hospital")
	require.Equal(t, "CLAIM_STATUS_APPEALED", n.claim("2").Claim.Status)
	n.tx("tx", "claims", "review", "2", "approve", "--from", "payer")
	c2 = n.claim("2")
	require.Equal(t, "CLAIM_STATUS_PAID", c2.Claim.Status)
	require.Equal(t, "CLAIM_STATUS_APPROVED", c2.Claim.Outcome)
	require.Equal(t, "1184", c2.Claim.Paid)
	require.Equal(t, before+1184, n.balance(hospital))
	// A second appeal is refused.
	code, log = n.txResult(n.txCLI("tx", "claims", "appeal", "2", "coding-corrected", "--from", "hospital", "-y", "-o", "json", "--gas", "400000"))
	require.NotZero(t, code)
	require.Contains(t, log, "already appealed once")

	// The patient's explanation of benefits shows both claims.
	var eob struct {
		Benefits []struct {
			Claim struct {
				ID string `json:"id"`
			} `json:"claim"`
			PlanPaid              string `json:"plan_paid"`
			PatientResponsibility string `json:"patient_responsibility"`
		} `json:"benefits"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "claims", "eob", patient, start, end, "-o", "json")), &eob))
	require.Len(t, eob.Benefits, 2)
	require.Equal(t, "24", eob.Benefits[0].PlanPaid)
	require.Equal(t, "126", eob.Benefits[0].PatientResponsibility)
	require.Equal(t, "1184", eob.Benefits[1].PlanPaid)
	// 20 + 26 copay/coinsurance on the visit, 120 coinsurance on the MRI.
	require.Equal(t, "166", eob.Benefits[1].PatientResponsibility)

	var acc struct {
		Accumulator struct {
			DeductibleMet  string `json:"deductible_met"`
			OutOfPocketMet string `json:"out_of_pocket_met"`
		} `json:"accumulator"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "claims", "accumulators", cov.Coverages[0].ID, strconv.Itoa(year), "-o", "json")), &acc))
	require.Equal(t, "100", acc.Accumulator.DeductibleMet)
	require.Equal(t, "292", acc.Accumulator.OutOfPocketMet, "126 + 166, each claim counted once")

	// FHIR exports print the FHIR JSON itself: a Bundle of ExplanationOfBenefit.
	var bundle struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
			} `json:"resource"`
		} `json:"entry"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "claims", "eob-fhir", patient, start, end)), &bundle))
	require.Equal(t, "Bundle", bundle.ResourceType)
	require.NotEmpty(t, bundle.Entry)
	require.Equal(t, "ExplanationOfBenefit", bundle.Entry[0].Resource.ResourceType)
	// The chain's export has no diagnoses; the payer's client adds those it opens.
	require.NotContains(t, n.mustCLI("q", "claims", "eob-fhir", patient, start, end), "icd-10-cm")
	withDx := n.mustCLI("q", "claims", "eob-fhir", patient, start, end, "--from", "payer")
	require.Contains(t, withDx, `"code":"E11.9"`)
	require.Contains(t, withDx, `"code":"G43.909"`)
}
