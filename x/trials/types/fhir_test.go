package types_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/fhirr4"
	"github.com/healthchain/healthd/x/trials/types"
)

func fhirTrial() types.Trial {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	return types.Trial{ID: 7, RegistryID: "NCT04368728", Title: "Drug X versus placebo", Phase: types.Phase_PHASE_PHASE_1_PHASE_2,
		Sponsor: sponsor, Sites: []string{site}, EthicsCommittee: irb, TargetEnrolment: 10,
		Outcomes: []types.Outcome{
			{Number: 1, Kind: types.OutcomeKind_OUTCOME_KIND_PRIMARY, Measure: "Change in HbA1c", TimeFrame: "26 weeks"},
			{Number: 2, Kind: types.OutcomeKind_OUTCOME_KIND_SECONDARY, CodeSystem: types.CodeSystem_CODE_SYSTEM_LOINC, Code: "4548-4"},
		},
		ConsentCategory: "QuestionnaireResponse", PrimaryCompletion: t0.Add(365 * 24 * time.Hour),
		Status: types.TrialStatus_TRIAL_STATUS_RECRUITING, CurrentVersion: 1, LatestVersion: 1, RegisteredAt: t0}
}

// TestResearchStudyFHIR: the rendering passes the FHIR R4 validator
// (google/fhir/go, through internal/fhirr4) in every status, for both registries.
func TestResearchStudyFHIR(t *testing.T) {
	for _, st := range []types.TrialStatus{types.TrialStatus_TRIAL_STATUS_REGISTERED, types.TrialStatus_TRIAL_STATUS_RECRUITING,
		types.TrialStatus_TRIAL_STATUS_LOCKED, types.TrialStatus_TRIAL_STATUS_RESULTS_REPORTED} {
		for _, rid := range []string{"NCT04368728", "2022-500014-26-00"} {
			tr := fhirTrial()
			tr.Status, tr.RegistryID = st, rid
			bz, err := tr.FHIR()
			require.NoError(t, err)
			res, err := fhirr4.Validate(bz)
			require.NoError(t, err, "%s", bz)
			require.Equal(t, "ResearchStudy", res.ResourceType)
		}
	}
	bz, err := fhirTrial().FHIR()
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(bz, &doc))
	require.Equal(t, "active", doc["status"])
	require.Equal(t, "phase-1-phase-2", doc["phase"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"])
	require.Len(t, doc["objective"], 2)
	require.Equal(t, "Change in HbA1c (26 weeks)", doc["objective"].([]any)[0].(map[string]any)["name"])
	require.NotContains(t, string(bz), site, "no site or subject account in the study")

	bad := fhirTrial()
	bad.Status = types.TrialStatus_TRIAL_STATUS_UNSPECIFIED
	_, err = bad.FHIR()
	require.Error(t, err)
}

func TestResearchSubjectFHIR(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	t1 := t0.Add(48 * time.Hour)
	cases := []types.Enrolment{
		{TrialID: 7, Subject: subject, Site: site, Status: types.EnrolmentStatus_ENROLMENT_STATUS_CONSENTED, ConsentedVersion: 1, ConsentID: 3, Purpose: "CLINTRL", ConsentedAt: t0},
		{TrialID: 7, Subject: subject, Site: site, Status: types.EnrolmentStatus_ENROLMENT_STATUS_ENROLLED, ConsentedVersion: 1, ConsentID: 3, Purpose: "CLINTRL", ConsentedAt: t0, EnrolledVersion: 1, EnrolledAt: &t0},
		{TrialID: 7, Subject: subject, Site: site, Status: types.EnrolmentStatus_ENROLMENT_STATUS_WITHDRAWN, ConsentedVersion: 1, ConsentID: 3, Purpose: "CLINTRL", ConsentedAt: t0, EnrolledVersion: 1, EnrolledAt: &t0, WithdrawnAt: &t1},
	}
	want := []string{"pending-on-study", "on-study", "withdrawn"}
	for i, e := range cases {
		bz, err := e.FHIR()
		require.NoError(t, err)
		res, err := fhirr4.Validate(bz)
		require.NoError(t, err, "%s", bz)
		require.Equal(t, "ResearchSubject", res.ResourceType)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(bz, &doc))
		require.Equal(t, want[i], doc["status"])
		require.Equal(t, "ResearchStudy/7", doc["study"].(map[string]any)["reference"])
	}
	_, err := types.Enrolment{}.FHIR()
	require.Error(t, err)
}
