package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/x/claims/types"
)

// The walk-through in the top-level README (and x/claims/README.md) enrols
// the patient for [coverageStart, coverageEnd) and submits testdata/claim.json,
// then testdata/claim-review.json, then reviews the second with
// `--approve-lines 1 --reason 50`.
var (
	coverageStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	coverageEnd   = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	approveLines  = []uint64{1}
)

const testdata = "../../testdata"

// signer stands for the --from account (any valid address: the chain's
// prefix is checked by the msg server, not by ValidateBasic).
func signer(t *testing.T) string {
	t.Helper()
	addr, err := bech32.ConvertAndEncode("health", []byte("payer-or-provider-20"))
	require.NoError(t, err)
	return addr
}

// jsonCodec is the client's codec for the claims messages: proto JSON,
// unknown fields refused.
func jsonCodec() codec.JSONCodec {
	reg := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(reg)
	return codec.NewProtoCodec(reg)
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "msg.json")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// TestExampleFiles: the files in x/claims/testdata, read as create-plan,
// update-plan and submit read them, pass ValidateBasic (what CheckTx runs)
// and the msg server's param bounds, and x/claims/README.md shows them
// verbatim.
func TestExampleFiles(t *testing.T) {
	cdc, from, params := jsonCodec(), signer(t), types.DefaultParams()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)

	planPath := filepath.Join(testdata, "plan.json")
	plan, err := planFromFile(cdc, planPath, from)
	require.NoError(t, err)
	require.NoError(t, plan.ValidateBasic())
	_, err = types.NormalizeServices(plan.Services, params.MaxServices)
	require.NoError(t, err)
	update, err := updateFromFile(cdc, planPath, from, 1)
	require.NoError(t, err)
	require.NoError(t, update.ValidateBasic())

	for _, name := range []string{"plan.json", "claim.json", "claim-review.json"} {
		bz, err := os.ReadFile(filepath.Join(testdata, name))
		require.NoError(t, err)
		require.True(t, strings.Contains(string(readme), string(bz)), "x/claims/README.md does not show testdata/%s verbatim", name)
	}
	for _, name := range []string{"claim.json", "claim-review.json"} {
		claim, err := claimFromFile(cdc, filepath.Join(testdata, name), from)
		require.NoError(t, err, name)
		require.NoError(t, claim.ValidateBasic(), name)
		require.LessOrEqual(t, len(claim.Lines), int(params.MaxLines), name)
		require.LessOrEqual(t, len(claim.Diagnoses), int(params.MaxDiagnoses), name)
		require.LessOrEqual(t, len(claim.RecordIDs), int(params.MaxRecords), name)
		// The msg server refuses a service date after the block time; the
		// adjudicator denies one outside the coverage (26, 27).
		require.False(t, claim.ServiceDate.After(time.Now()), name)
		require.False(t, claim.ServiceDate.Before(coverageStart), name)
		require.True(t, claim.ServiceDate.Before(coverageEnd), name)
	}
}

// TestWalkThrough adjudicates the example files as the walk-through uses
// them: claim.json is approved at once (and paid), claim-review.json goes
// above the review threshold and pends, and the review that approves line 1
// (numbered from 0: the second line, the visit) denies the MRI with 50.
func TestWalkThrough(t *testing.T) {
	cdc, from := jsonCodec(), signer(t)
	msg, err := planFromFile(cdc, filepath.Join(testdata, "plan.json"), from)
	require.NoError(t, err)
	services, err := types.NormalizeServices(msg.Services, types.DefaultParams().MaxServices)
	require.NoError(t, err)
	plan := types.Plan{
		ID: 1, Payer: from, Name: msg.Name, Services: services, Deductible: msg.Deductible,
		OutOfPocketMax: msg.OutOfPocketMax, ReviewThreshold: msg.ReviewThreshold,
	}
	adjudicate := func(name string, acc types.Accumulator, denied map[int]string, reviewed bool) types.Adjudication {
		claim, err := claimFromFile(cdc, filepath.Join(testdata, name), from)
		require.NoError(t, err)
		cov := types.Coverage{ID: claim.CoverageID, PlanID: 1, Payer: from, Patient: claim.Patient, Start: coverageStart, End: coverageEnd}
		return types.Adjudicate(types.AdjudicationInput{
			Plan: plan, Coverage: cov, ServiceDate: claim.ServiceDate, Lines: claim.Lines, Accumulator: acc,
			PriorAuths: map[string]types.PriorAuth{}, Duplicates: map[int]bool{}, RecordsOK: true, Denied: denied, Reviewed: reviewed,
		})
	}

	// Claim 1: allowed 150 (45), deductible 100 (1), copay 20 (3), 20% of 30 = 6 (2): patient 126, plan 24.
	first := adjudicate("claim.json", types.ZeroAccumulator(), nil, false)
	require.Equal(t, types.ClaimStatus_CLAIM_STATUS_APPROVED, first.Outcome)
	require.Equal(t, math.NewInt(24), first.PlanPays())
	require.Equal(t, math.NewInt(126), first.Results[0].PatientResponsibility)
	require.Equal(t, []string{"45", "1", "3", "2"}, first.Results[0].Reasons)

	// Claim 2: MRI 1200 - 10% = 1080, visit 150 - 20 - 26 = 104: 1184 above the threshold of 1000.
	second := adjudicate("claim-review.json", first.Accumulator, nil, false)
	require.Equal(t, types.ClaimStatus_CLAIM_STATUS_PENDED, second.Outcome)
	require.Equal(t, []string{types.PendOverThreshold}, second.PendReasons)
	require.Equal(t, math.NewInt(1184), second.PlanPays())

	// The review: the lines not in approveLines are denied with the reason,
	// as the msg server does.
	approve := map[uint64]bool{}
	for _, i := range approveLines {
		approve[i] = true
	}
	denied := map[int]string{}
	for i := range second.Results {
		if !approve[uint64(i)] {
			denied[i] = "50"
		}
	}
	reviewed := adjudicate("claim-review.json", first.Accumulator, denied, true)
	require.Equal(t, types.ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED, reviewed.Outcome)
	require.Equal(t, []string{"50"}, reviewed.Results[0].Reasons)
	require.True(t, reviewed.Results[1].Approved)
	require.Equal(t, math.NewInt(104), reviewed.PlanPays())
}

// TestHelpExamples: the JSON shown by create-plan --help and submit --help is
// accepted (the claim's "health1..." stands for an address).
func TestHelpExamples(t *testing.T) {
	cdc, from := jsonCodec(), signer(t)
	plan, err := planFromFile(cdc, writeTemp(t, planExample), from)
	require.NoError(t, err)
	require.NoError(t, plan.ValidateBasic())
	claim, err := claimFromFile(cdc, writeTemp(t, strings.Replace(claimExample, "health1...", from, 1)), from)
	require.NoError(t, err)
	require.NoError(t, claim.ValidateBasic())
	require.Contains(t, createPlanCmd().Long, planExample)
	require.Contains(t, submitCmd().Long, claimExample)
}

// TestFileFormat pins what the README says of the format: snake_case or
// lowerCamelCase names, amounts as JSON strings and required, enums by name
// or number, RFC 3339 times, unknown fields refused, the signer from --from.
func TestFileFormat(t *testing.T) {
	cdc, from := jsonCodec(), signer(t)
	svc := `{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowed_per_unit": "150", "copay": "20"}`
	plan := func(fields string) string {
		return `{"name": "P", "deductible": "100", "out_of_pocket_max": "3000", "review_threshold": "0", ` + fields + `}`
	}
	for name, c := range map[string]struct {
		json      string
		parseErr  string
		invalid   error
		signerSet bool
	}{
		"minimal":              {json: plan(`"services": [` + svc + `]`)},
		"lowerCamelCase":       {json: `{"name": "P", "deductible": "0", "outOfPocketMax": "0", "reviewThreshold": "0", "services": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowedPerUnit": "1", "copay": "0", "coinsuranceBps": 1, "priorAuthRequired": true, "manualReview": true}]}`},
		"system as a number":   {json: plan(`"services": [{"system": 1, "code": "99213", "allowed_per_unit": "150", "copay": "0"}]`)},
		"payer replaced":       {json: plan(`"payer": "someone else", "services": [` + svc + `]`), signerSet: true},
		"unknown field":        {json: plan(`"services": [` + svc + `], "copays": "1"`), parseErr: `unknown field "copays"`},
		"amount as a number":   {json: plan(`"services": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowed_per_unit": 150, "copay": "0"}]`), parseErr: "cannot unmarshal number"},
		"system in lower case": {json: plan(`"services": [{"system": "cpt", "code": "99213", "allowed_per_unit": "150", "copay": "0"}]`), parseErr: `unknown value "cpt"`},
		"copay missing":        {json: plan(`"services": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowed_per_unit": "150"}]`), invalid: types.ErrInvalidPlan},
		"threshold missing":    {json: `{"name": "P", "deductible": "0", "out_of_pocket_max": "0", "services": [` + svc + `]}`, invalid: types.ErrInvalidPlan},
		"coinsurance > 100%":   {json: plan(`"services": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "allowed_per_unit": "150", "copay": "0", "coinsurance_bps": 10001}]`), invalid: types.ErrInvalidPlan},
		"no services":          {json: plan(`"services": []`), invalid: types.ErrInvalidPlan},
	} {
		msg, err := planFromFile(cdc, writeTemp(t, c.json), from)
		if c.parseErr != "" {
			require.ErrorContains(t, err, c.parseErr, name)
			continue
		}
		require.NoError(t, err, name)
		if c.invalid != nil {
			require.ErrorIs(t, msg.ValidateBasic(), c.invalid, name)
			continue
		}
		require.NoError(t, msg.ValidateBasic(), name)
		require.Equal(t, from, msg.Payer, name)
	}

	claim := func(date, extra string) string {
		return `{"patient": "` + from + `", "coverage_id": 1, "service_date": "` + date + `", "diagnoses": ["E11.9"],` +
			` "lines": [{"system": "CODE_SYSTEM_CPT", "code": "99213", "units": "1", "charge": "200"}]` + extra + `}`
	}
	msg, err := claimFromFile(cdc, writeTemp(t, claim("2026-12-01T09:30:00+01:00", `, "record_ids": [3, "4"], "provider": "x"`)), from)
	require.NoError(t, err)
	require.NoError(t, msg.ValidateBasic())
	require.Equal(t, from, msg.Provider)
	require.Equal(t, time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC), msg.ServiceDate.UTC())
	require.Equal(t, []uint64{3, 4}, msg.RecordIDs)

	_, err = claimFromFile(cdc, writeTemp(t, claim("2026-12-01", "")), from)
	require.ErrorContains(t, err, "RFC 3339")
	for name, c := range map[string]struct {
		json string
		want error
	}{
		"diagnosis without the dot": {strings.Replace(claim("2026-12-01T00:00:00Z", ""), "E11.9", "E119", 1), types.ErrInvalidCode},
		"units 0":                   {strings.Replace(claim("2026-12-01T00:00:00Z", ""), `"units": "1"`, `"units": 0`, 1), types.ErrInvalidClaim},
		"coverage missing":          {strings.Replace(claim("2026-12-01T00:00:00Z", ""), `"coverage_id": 1, `, "", 1), types.ErrCoverageNotFound},
		"record 0":                  {claim("2026-12-01T00:00:00Z", `, "record_ids": [0]`), types.ErrInvalidClaim},
	} {
		msg, err := claimFromFile(cdc, writeTemp(t, c.json), from)
		require.NoError(t, err, name)
		require.ErrorIs(t, msg.ValidateBasic(), c.want, name)
	}
}
