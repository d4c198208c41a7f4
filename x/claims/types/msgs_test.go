package types_test

import (
	"testing"
	"time"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/claims/types"
)

// TestValidateBasic: each stateless check refuses with its registered error;
// they run at CheckTx (app TestClaimsRefusedAtCheckTx).
func TestValidateBasic(t *testing.T) {
	payer, provider, patient := sdk.AccAddress(make([]byte, 20)).String(), sdk.AccAddress([]byte("provider-provider-20")).String(), sdk.AccAddress([]byte("patient-patient-0020")).String()
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	service := types.CoveredService{System: types.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", AllowedPerUnit: math.NewInt(150), Copay: math.ZeroInt()}
	plan := func(f func(m *types.MsgCreatePlan)) *types.MsgCreatePlan {
		m := &types.MsgCreatePlan{Payer: payer, Name: "Bronze", Services: []types.CoveredService{service},
			Deductible: math.NewInt(500), OutOfPocketMax: math.NewInt(5000), ReviewThreshold: math.NewInt(1000)}
		f(m)
		return m
	}
	claim := func(f func(m *types.MsgSubmitClaim)) *types.MsgSubmitClaim {
		commitment, ciphertext := sealed()
		m := &types.MsgSubmitClaim{Provider: provider, Patient: patient, CoverageID: 1, ServiceDate: day,
			DiagnosesCommitment: commitment, DiagnosesCiphertext: ciphertext,
			Lines: []types.ClaimLine{{System: types.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", Units: 1, Charge: math.NewInt(200)}}}
		f(m)
		return m
	}
	// A claim file is checked as claims were when the diagnoses were on chain.
	file := func(f func(m *types.ClaimFile)) *types.ClaimFile {
		m := &types.ClaimFile{Provider: provider, Patient: patient, CoverageID: 1, ServiceDate: day, Diagnoses: []string{"E11.9"},
			Lines: []types.ClaimLine{{System: types.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", Units: 1, Charge: math.NewInt(200)}}}
		f(m)
		return m
	}
	testkit.ValidateBasic(t, map[string]testkit.BasicCase{
		"plan: valid":                testkit.Case(plan(func(*types.MsgCreatePlan) {}), nil),
		"plan: no services":          testkit.Case(plan(func(m *types.MsgCreatePlan) { m.Services = nil }), types.ErrInvalidPlan),
		"plan: name with a control":  testkit.Case(plan(func(m *types.MsgCreatePlan) { m.Name = "Bronze\x00" }), types.ErrInvalidPlan),
		"plan: deductible above max": testkit.Case(plan(func(m *types.MsgCreatePlan) { m.Deductible = types.MaxAmount.AddRaw(1) }), types.ErrInvalidPlan),
		"plan: payer not an address": testkit.Case(plan(func(m *types.MsgCreatePlan) { m.Payer = "acme" }), types.ErrInvalidAddress),
		"update plan: plan 0":        testkit.Case(&types.MsgUpdatePlan{Payer: payer, Name: "B", Services: []types.CoveredService{service}, Deductible: math.ZeroInt(), OutOfPocketMax: math.ZeroInt(), ReviewThreshold: math.ZeroInt()}, types.ErrPlanNotFound),
		"enroll: valid":              testkit.Case(&types.MsgEnroll{Payer: payer, PlanID: 1, Patient: patient, MemberIDMAC: make([]byte, 32), MemberIDScheme: types.CurrentMemberIDScheme, Start: day, End: day.AddDate(1, 0, 0)}, nil),
		"enroll: member id in clear": testkit.Case(&types.MsgEnroll{Payer: payer, PlanID: 1, Patient: patient, MemberIDMAC: []byte("M-000123"), MemberIDScheme: types.CurrentMemberIDScheme, Start: day, End: day.AddDate(1, 0, 0)}, types.ErrInvalidCoverage),
		"enroll: no scheme":          testkit.Case(&types.MsgEnroll{Payer: payer, PlanID: 1, Patient: patient, MemberIDMAC: make([]byte, 32), Start: day, End: day.AddDate(1, 0, 0)}, types.ErrInvalidCoverage),
		"enroll: unknown scheme":     testkit.Case(&types.MsgEnroll{Payer: payer, PlanID: 1, Patient: patient, MemberIDMAC: make([]byte, 32), MemberIDScheme: 2, Start: day, End: day.AddDate(1, 0, 0)}, types.ErrInvalidCoverage),
		"enroll: end before start":   testkit.Case(&types.MsgEnroll{Payer: payer, PlanID: 1, Patient: patient, MemberIDMAC: make([]byte, 32), MemberIDScheme: types.CurrentMemberIDScheme, Start: day, End: day}, types.ErrInvalidCoverage),
		"prior auth: valid":          testkit.Case(&types.MsgGrantPriorAuth{Payer: payer, CoverageID: 1, Code: "99213", Units: 3, Start: day, End: day.AddDate(0, 1, 0)}, nil),
		"prior auth: bad code":       testkit.Case(&types.MsgGrantPriorAuth{Payer: payer, CoverageID: 1, Code: "nine", Units: 3, Start: day, End: day.AddDate(0, 1, 0)}, types.ErrInvalidCode),
		"prior auth: no units":       testkit.Case(&types.MsgGrantPriorAuth{Payer: payer, CoverageID: 1, Code: "99213", Start: day, End: day.AddDate(0, 1, 0)}, types.ErrInvalidPriorAuth),
		"fund: valid":                testkit.Case(&types.MsgFundEscrow{Payer: payer, Amount: sdk.NewInt64Coin("uusd", 5)}, nil),
		"fund: zero":                 testkit.Case(&types.MsgFundEscrow{Payer: payer, Amount: sdk.NewInt64Coin("uusd", 0)}, types.ErrInvalidFunds),
		"fund: nil amount":           testkit.Case(&types.MsgFundEscrow{Payer: payer}, types.ErrInvalidFunds),
		"withdraw escrow: zero":      testkit.Case(&types.MsgWithdrawEscrow{Payer: payer, Amount: sdk.NewInt64Coin("uusd", 0)}, types.ErrInvalidFunds),
		"claim: valid":               testkit.Case(claim(func(*types.MsgSubmitClaim) {}), nil),
		"claim: no lines":            testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.Lines = nil }), types.ErrInvalidClaim),
		"claim: no diagnoses":        testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.DiagnosesCommitment, m.DiagnosesCiphertext = nil, nil }), types.ErrInvalidDiagnoses),
		"claim: diagnoses in clear":  testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.DiagnosesCiphertext = clearDiagnoses() }), types.ErrInvalidDiagnoses),
		"claim: short commitment":    testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.DiagnosesCommitment = m.DiagnosesCommitment[:31] }), types.ErrInvalidDiagnoses),
		"claim file: valid":          testkit.Case(file(func(*types.ClaimFile) {}), nil),
		"claim file: no diagnosis":   testkit.Case(file(func(m *types.ClaimFile) { m.Diagnoses = nil }), types.ErrInvalidClaim),
		"claim file: bad diagnosis":  testkit.Case(file(func(m *types.ClaimFile) { m.Diagnoses = []string{"diabetes"} }), types.ErrInvalidCode),
		"claim file: no lines":       testkit.Case(file(func(m *types.ClaimFile) { m.Lines = nil }), types.ErrInvalidClaim),
		"claim file: record twice":   testkit.Case(file(func(m *types.ClaimFile) { m.RecordIDs = []uint64{4, 4} }), types.ErrInvalidClaim),
		"claim: bad line code":       testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.Lines[0].Code = "x" }), types.ErrInvalidCode),
		"claim: zero units":          testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.Lines[0].Units = 0 }), types.ErrInvalidClaim),
		"claim: no service date":     testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.ServiceDate = time.Time{} }), types.ErrInvalidClaim),
		"claim: record twice":        testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.RecordIDs = []uint64{4, 4} }), types.ErrInvalidClaim),
		"claim: coverage 0":          testkit.Case(claim(func(m *types.MsgSubmitClaim) { m.CoverageID = 0 }), types.ErrCoverageNotFound),
		"review: claim 0":            testkit.Case(&types.MsgReviewClaim{Payer: payer}, types.ErrClaimNotFound),
		"appeal: no reason":          testkit.Case(&types.MsgAppealClaim{Provider: provider, ClaimID: 1}, types.ErrInvalidAppeal),
		"withdraw: provider empty":   testkit.Case(&types.MsgWithdrawClaim{ClaimID: 1}, types.ErrInvalidAddress),
		"cancel: valid":              testkit.Case(&types.MsgCancelClaim{Payer: payer, ClaimID: 1, Reason: "27"}, nil),
		"params: valid":              testkit.Case(&types.MsgUpdateParams{Authority: payer, Params: types.DefaultParams()}, nil),
		"params: invalid":            testkit.Case(&types.MsgUpdateParams{Authority: payer}, types.ErrInvalidParams),
	})
}
