package types_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

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
		m := &types.MsgSubmitClaim{Provider: provider, Patient: patient, CoverageID: 1, ServiceDate: day, Diagnoses: []string{"E11.9"},
			Lines: []types.ClaimLine{{System: types.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", Units: 1, Charge: math.NewInt(200)}}}
		f(m)
		return m
	}
	for name, tc := range map[string]struct {
		msg  sdk.HasValidateBasic
		want error
	}{
		"plan: valid":                {plan(func(*types.MsgCreatePlan) {}), nil},
		"plan: no services":          {plan(func(m *types.MsgCreatePlan) { m.Services = nil }), types.ErrInvalidPlan},
		"plan: name with a control":  {plan(func(m *types.MsgCreatePlan) { m.Name = "Bronze\x00" }), types.ErrInvalidPlan},
		"plan: deductible above max": {plan(func(m *types.MsgCreatePlan) { m.Deductible = types.MaxAmount.AddRaw(1) }), types.ErrInvalidPlan},
		"plan: payer not an address": {plan(func(m *types.MsgCreatePlan) { m.Payer = "acme" }), types.ErrInvalidAddress},
		"update plan: plan 0":        {&types.MsgUpdatePlan{Payer: payer, Name: "B", Services: []types.CoveredService{service}, Deductible: math.ZeroInt(), OutOfPocketMax: math.ZeroInt(), ReviewThreshold: math.ZeroInt()}, types.ErrPlanNotFound},
		"enroll: valid":              {&types.MsgEnroll{Payer: payer, PlanID: 1, Patient: patient, MemberIDHash: make([]byte, 32), Start: day, End: day.AddDate(1, 0, 0)}, nil},
		"enroll: short hash":         {&types.MsgEnroll{Payer: payer, PlanID: 1, Patient: patient, MemberIDHash: []byte("M-000123"), Start: day, End: day.AddDate(1, 0, 0)}, types.ErrInvalidCoverage},
		"enroll: end before start":   {&types.MsgEnroll{Payer: payer, PlanID: 1, Patient: patient, MemberIDHash: make([]byte, 32), Start: day, End: day}, types.ErrInvalidCoverage},
		"prior auth: valid":          {&types.MsgGrantPriorAuth{Payer: payer, CoverageID: 1, Code: "99213", Units: 3, Start: day, End: day.AddDate(0, 1, 0)}, nil},
		"prior auth: bad code":       {&types.MsgGrantPriorAuth{Payer: payer, CoverageID: 1, Code: "nine", Units: 3, Start: day, End: day.AddDate(0, 1, 0)}, types.ErrInvalidCode},
		"prior auth: no units":       {&types.MsgGrantPriorAuth{Payer: payer, CoverageID: 1, Code: "99213", Start: day, End: day.AddDate(0, 1, 0)}, types.ErrInvalidPriorAuth},
		"fund: valid":                {&types.MsgFundEscrow{Payer: payer, Amount: sdk.NewInt64Coin("uusd", 5)}, nil},
		"fund: zero":                 {&types.MsgFundEscrow{Payer: payer, Amount: sdk.NewInt64Coin("uusd", 0)}, types.ErrInvalidFunds},
		"fund: nil amount":           {&types.MsgFundEscrow{Payer: payer}, types.ErrInvalidFunds},
		"withdraw escrow: zero":      {&types.MsgWithdrawEscrow{Payer: payer, Amount: sdk.NewInt64Coin("uusd", 0)}, types.ErrInvalidFunds},
		"claim: valid":               {claim(func(*types.MsgSubmitClaim) {}), nil},
		"claim: no lines":            {claim(func(m *types.MsgSubmitClaim) { m.Lines = nil }), types.ErrInvalidClaim},
		"claim: no diagnosis":        {claim(func(m *types.MsgSubmitClaim) { m.Diagnoses = nil }), types.ErrInvalidClaim},
		"claim: bad diagnosis":       {claim(func(m *types.MsgSubmitClaim) { m.Diagnoses = []string{"diabetes"} }), types.ErrInvalidCode},
		"claim: bad line code":       {claim(func(m *types.MsgSubmitClaim) { m.Lines[0].Code = "x" }), types.ErrInvalidCode},
		"claim: zero units":          {claim(func(m *types.MsgSubmitClaim) { m.Lines[0].Units = 0 }), types.ErrInvalidClaim},
		"claim: no service date":     {claim(func(m *types.MsgSubmitClaim) { m.ServiceDate = time.Time{} }), types.ErrInvalidClaim},
		"claim: record twice":        {claim(func(m *types.MsgSubmitClaim) { m.RecordIDs = []uint64{4, 4} }), types.ErrInvalidClaim},
		"claim: coverage 0":          {claim(func(m *types.MsgSubmitClaim) { m.CoverageID = 0 }), types.ErrCoverageNotFound},
		"review: claim 0":            {&types.MsgReviewClaim{Payer: payer}, types.ErrClaimNotFound},
		"appeal: no reason":          {&types.MsgAppealClaim{Provider: provider, ClaimID: 1}, types.ErrInvalidAppeal},
		"withdraw: provider empty":   {&types.MsgWithdrawClaim{ClaimID: 1}, types.ErrInvalidAddress},
		"cancel: valid":              {&types.MsgCancelClaim{Payer: payer, ClaimID: 1, Reason: "27"}, nil},
		"params: valid":              {&types.MsgUpdateParams{Authority: payer, Params: types.DefaultParams()}, nil},
		"params: invalid":            {&types.MsgUpdateParams{Authority: payer}, types.ErrInvalidParams},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.msg.ValidateBasic()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}
