package types_test

import (
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	"github.com/healthchain/healthd/x/claims/types"
)

var ac = addresscodec.NewBech32Codec("health")

func bech(seed string) string {
	h := sha256.Sum256([]byte("claims-types-test/" + seed))
	s, err := ac.BytesToString(h[:20])
	if err != nil {
		panic(err)
	}
	return s
}

// validGenesis holds one of everything: two plans of two payers, coverage,
// a prior authorisation, claims in several statuses, an accumulator and escrow.
func validGenesis() types.GenesisState {
	payer, payer2, patient, provider := bech("payer"), bech("payer2"), bech("patient"), bech("provider")
	plan := fixturePlan()
	plan.ID, plan.Payer = 1, payer
	plan2 := fixturePlan()
	plan2.ID, plan2.Payer = 2, payer2
	cov := types.Coverage{ID: 1, PlanID: 1, Payer: payer, Patient: patient, MemberIDMAC: types.MemberIDMAC(make([]byte, 32), patient, "M1"), MemberIDScheme: types.CurrentMemberIDScheme, Start: covStart, End: covEnd}
	pa := fixturePA()
	pa.ID, pa.CoverageID, pa.UnitsUsed = 1, 1, 1
	commitment, ciphertext := sealed()
	claim := func(id uint64, status types.ClaimStatus, paid int64) types.Claim {
		return types.Claim{
			ID: id, Provider: provider, Patient: patient, Payer: payer, CoverageID: 1, PlanID: 1, ServiceDate: serviceDate,
			DiagnosesCommitment: commitment, DiagnosesCiphertext: ciphertext,
			Lines:   []types.ClaimLine{cl(cpt, "99213", 1, 150)},
			Results: []types.LineResult{{Approved: true, Allowed: n(150), Deductible: n(0), Copay: n(20), Coinsurance: n(26), PlanPays: n(104), PatientResponsibility: n(46)}},
			Status:  status, Outcome: statusApproved, Paid: n(paid),
		}
	}
	return types.GenesisState{
		Params:     types.DefaultParams(),
		Plans:      []types.Plan{plan, plan2},
		Coverages:  []types.Coverage{cov},
		PriorAuths: []types.PriorAuth{pa},
		Claims: []types.Claim{
			claim(1, types.ClaimStatus_CLAIM_STATUS_PAID, 104), claim(2, types.ClaimStatus_CLAIM_STATUS_PAYABLE, 0),
			claim(4, types.ClaimStatus_CLAIM_STATUS_PENDED, 0), claim(5, types.ClaimStatus_CLAIM_STATUS_APPEALED, 0),
			claim(6, types.ClaimStatus_CLAIM_STATUS_WITHDRAWN, 0), claim(7, types.ClaimStatus_CLAIM_STATUS_DENIED, 0),
		},
		Accumulators: []types.AccumulatorEntry{{CoverageID: 1, Year: 2026, Accumulator: acc(100, 146)}, {CoverageID: 1, Year: 2027, Accumulator: acc(0, 0)}},
		Escrows:      []types.EscrowEntry{{Payer: payer, Balance: n(1000)}, {Payer: payer2, Balance: n(0)}},
		NextPlanID:   3, NextCoverageID: 2, NextPriorAuthID: 2, NextClaimID: 8,
	}
}

func TestGenesisValidateAccepts(t *testing.T) {
	require.NoError(t, types.DefaultGenesisState().Validate(ac))
	gs := validGenesis()
	require.NoError(t, gs.Validate(ac))
}

// An appealed claim may hold more than its results pay: the review after the
// appeal denied lines already paid, and payments are never clawed back.
func TestGenesisValidateAppealedPaidAboveResults(t *testing.T) {
	gs := validGenesis()
	c := &gs.Claims[0] // PAID 104
	c.Results[0] = types.LineResult{Allowed: n(0), Deductible: n(0), Copay: n(0), Coinsurance: n(0), PlanPays: n(0), PatientResponsibility: n(0), Reasons: []string{"50"}}
	c.Status, c.Outcome = types.ClaimStatus_CLAIM_STATUS_DENIED, statusDenied
	require.ErrorIs(t, gs.Validate(ac), types.ErrInvalidGenesis, "not appealed: paid above what the results pay")
	c.Appealed, c.AppealReason = true, types.AppealReason_APPEAL_REASON_MEDICAL_NECESSITY
	require.NoError(t, gs.Validate(ac))
	c.Paid = n(-1)
	require.ErrorIs(t, gs.Validate(ac), types.ErrInvalidGenesis)
}

func TestGenesisValidateRefusals(t *testing.T) {
	other := bech("other")
	upper := strings.ToUpper(bech("payer"))
	cases := []struct {
		name, want string
		edit       func(gs *types.GenesisState)
	}{
		{"bad params", "max_lines", func(gs *types.GenesisState) { gs.Params.MaxLines = 0 }},
		{"next plan id 0", "next ids start at 1", func(gs *types.GenesisState) { gs.NextPlanID = 0 }},
		{"next coverage id 0", "next ids start at 1", func(gs *types.GenesisState) { gs.NextCoverageID = 0 }},
		{"next prior auth id 0", "next ids start at 1", func(gs *types.GenesisState) { gs.NextPriorAuthID = 0 }},
		{"next claim id 0", "next ids start at 1", func(gs *types.GenesisState) { gs.NextClaimID = 0 }},

		{"plan id 0", "plan id", func(gs *types.GenesisState) { gs.Plans[0].ID = 0 }},
		{"plan ids out of order", "plan id", func(gs *types.GenesisState) { gs.Plans[0], gs.Plans[1] = gs.Plans[1], gs.Plans[0] }},
		{"plan id twice", "plan id", func(gs *types.GenesisState) { gs.Plans[1].ID = 1 }},
		{"plan id at next id", "plan id", func(gs *types.GenesisState) { gs.NextPlanID = 2 }},
		{"plan payer not bech32", "payer \"", func(gs *types.GenesisState) { gs.Plans[0].Payer = "payer" }},
		{"plan payer other prefix", "payer \"", func(gs *types.GenesisState) { gs.Plans[1].Payer = otherPrefix(bech("payer2")) }},
		{"plan payer not canonical", "payer \"", func(gs *types.GenesisState) { gs.Plans[0].Payer = upper }},
		{"plan without services", "at least one service", func(gs *types.GenesisState) { gs.Plans[0].Services = nil }},
		{"plan with a bad service", "is not a CPT code", func(gs *types.GenesisState) { gs.Plans[0].Services[0].Code = "x" }},
		{"plan maximum below deduct", "out_of_pocket_max", func(gs *types.GenesisState) { gs.Plans[1].OutOfPocketMax = n(1) }},
		{"plan without threshold", "review_threshold", func(gs *types.GenesisState) { gs.Plans[1].ReviewThreshold = math.Int{} }},
		{"plan services above max", "6 services, at most 5", func(gs *types.GenesisState) { gs.Params.MaxServices = 5 }},

		{"coverage id 0", "coverage id", func(gs *types.GenesisState) { gs.Coverages[0].ID = 0 }},
		{"coverage id at next id", "coverage id", func(gs *types.GenesisState) { gs.NextCoverageID = 1 }},
		{"coverage ids repeated", "coverage id", func(gs *types.GenesisState) { gs.Coverages = append(gs.Coverages, gs.Coverages[0]) }},
		{"coverage of an unknown plan", "unknown or of another payer", func(gs *types.GenesisState) { gs.Coverages[0].PlanID = 9 }},
		{"coverage of another payer", "unknown or of another payer", func(gs *types.GenesisState) { gs.Coverages[0].PlanID = 2 }},
		{"coverage patient bad", "patient \"", func(gs *types.GenesisState) { gs.Coverages[0].Patient = "patient" }},
		{"coverage MAC short", "bad member id MAC", func(gs *types.GenesisState) { gs.Coverages[0].MemberIDMAC = make([]byte, 31) }},
		{"coverage MAC missing", "bad member id MAC", func(gs *types.GenesisState) { gs.Coverages[0].MemberIDMAC = nil }},
		{"coverage without a member id scheme (a pre-MAC hash)", "bad member id MAC", func(gs *types.GenesisState) {
			gs.Coverages[0].MemberIDScheme = types.MemberIDScheme_MEMBER_ID_SCHEME_UNSPECIFIED
		}},
		{"coverage period empty", "bad period", func(gs *types.GenesisState) { gs.Coverages[0].End = gs.Coverages[0].Start }},
		{"coverage period reversed", "bad period", func(gs *types.GenesisState) { gs.Coverages[0].End = covStart.Add(-time.Hour) }},

		{"prior auth id 0", "prior authorisation id", func(gs *types.GenesisState) { gs.PriorAuths[0].ID = 0 }},
		{"prior auth id at next id", "prior authorisation id", func(gs *types.GenesisState) { gs.NextPriorAuthID = 1 }},
		{"prior auth of unknown coverage", "unknown coverage, bad units or period", func(gs *types.GenesisState) { gs.PriorAuths[0].CoverageID = 9 }},
		{"prior auth used above units", "unknown coverage, bad units or period", func(gs *types.GenesisState) { gs.PriorAuths[0].UnitsUsed = 4 }},
		{"prior auth of no units", "unknown coverage, bad units or period", func(gs *types.GenesisState) { gs.PriorAuths[0].Units, gs.PriorAuths[0].UnitsUsed = 0, 0 }},
		{"prior auth units above the maximum", "unknown coverage, bad units or period", func(gs *types.GenesisState) { gs.PriorAuths[0].Units = types.MaxPriorAuthUnits + 1 }},
		{"prior auth period empty", "unknown coverage, bad units or period", func(gs *types.GenesisState) { gs.PriorAuths[0].End = gs.PriorAuths[0].Start }},
		{"prior auth ids out of order", "prior authorisation id", func(gs *types.GenesisState) { gs.PriorAuths = append(gs.PriorAuths, gs.PriorAuths[0]) }},
		{"claim id 0", "claim id", func(gs *types.GenesisState) { gs.Claims[0].ID = 0 }},
		{"claim ids out of order", "claim id", func(gs *types.GenesisState) { gs.Claims[0], gs.Claims[1] = gs.Claims[1], gs.Claims[0] }},
		{"claim id at next id", "claim id", func(gs *types.GenesisState) { gs.NextClaimID = 7 }},
		{"claim of an unknown coverage", "does not match coverage", func(gs *types.GenesisState) { gs.Claims[0].CoverageID = 9 }},
		{"claim of another patient", "does not match coverage", func(gs *types.GenesisState) { gs.Claims[0].Patient = other }},
		{"claim of another payer", "does not match coverage", func(gs *types.GenesisState) { gs.Claims[0].Payer = bech("payer2") }},
		{"claim of another plan", "does not match coverage", func(gs *types.GenesisState) { gs.Claims[0].PlanID = 2 }},
		{"claim without lines", "lines and results differ", func(gs *types.GenesisState) { gs.Claims[0].Lines, gs.Claims[0].Results = nil, nil }},
		{"claim with a result missing", "lines and results differ", func(gs *types.GenesisState) { gs.Claims[0].Results = nil }},
		{"claim status unspecified", "claim 1: status", func(gs *types.GenesisState) { gs.Claims[0].Status = types.ClaimStatus_CLAIM_STATUS_UNSPECIFIED }},
		{"claim status approved", "claim 1: status", func(gs *types.GenesisState) { gs.Claims[0].Status = statusApproved }},
		{"claim status partially approved", "claim 1: status", func(gs *types.GenesisState) { gs.Claims[0].Status = statusPartial }},
		{"claim status unknown", "claim 1: status", func(gs *types.GenesisState) { gs.Claims[0].Status = types.ClaimStatus(42) }},
		{"claim paid missing", "paid out of range", func(gs *types.GenesisState) { gs.Claims[0].Paid = math.Int{} }},
		{"claim paid negative", "paid out of range", func(gs *types.GenesisState) { gs.Claims[1].Paid = n(-1) }},
		{"claim paid above plan pays", "paid out of range", func(gs *types.GenesisState) { gs.Claims[0].Paid = n(105) }},
		{"claim line units above the maximum", "units must be in", func(gs *types.GenesisState) { gs.Claims[0].Lines[0].Units = types.MaxUnitsPerLine + 1 }},
		{"claim line charge above the maximum", "charge must be in", func(gs *types.GenesisState) { gs.Claims[0].Lines[0].Charge = types.MaxAmount.AddRaw(1) }},
		{"claim lines above max_lines", "lines, at most", func(gs *types.GenesisState) {
			gs.Params.MaxLines = 1
			gs.Claims[0].Lines = append(gs.Claims[0].Lines, gs.Claims[0].Lines[0])
			gs.Claims[0].Results = append(gs.Claims[0].Results, gs.Claims[0].Results[0])
		}},
		{"claim result amount negative", "result amount out of range", func(gs *types.GenesisState) { gs.Claims[0].Results[0].Copay = n(-1) }},
		{"claim without diagnoses", "claim 1: diagnoses_commitment", func(gs *types.GenesisState) { gs.Claims[0].DiagnosesCommitment = nil }},
		{"claim with diagnoses in clear", "claim 1: diagnoses_ciphertext is not an age file", func(gs *types.GenesisState) { gs.Claims[0].DiagnosesCiphertext = clearDiagnoses() }},
		{"claim provider bad", "provider \"", func(gs *types.GenesisState) { gs.Claims[2].Provider = "provider" }},
		{"claim provider not canonical", "provider \"", func(gs *types.GenesisState) { gs.Claims[2].Provider = strings.ToUpper(gs.Claims[2].Provider) }},

		{"accumulator of unknown coverage", "unknown coverage or listed twice", func(gs *types.GenesisState) { gs.Accumulators[0].CoverageID = 9 }},
		{"accumulator listed twice", "unknown coverage or listed twice", func(gs *types.GenesisState) { gs.Accumulators[1].Year = 2026 }},
		{"accumulator negative deductible", ": negative", func(gs *types.GenesisState) { gs.Accumulators[0].Accumulator.DeductibleMet = n(-1) }},
		{"accumulator negative maximum", ": negative", func(gs *types.GenesisState) { gs.Accumulators[0].Accumulator.OutOfPocketMet = n(-1) }},
		{"accumulator missing amount", ": negative", func(gs *types.GenesisState) { gs.Accumulators[0].Accumulator.OutOfPocketMet = math.Int{} }},

		{"escrow payer bad", "escrow payer \"", func(gs *types.GenesisState) { gs.Escrows[0].Payer = "payer" }},
		{"escrow payer twice", "listed twice or negative", func(gs *types.GenesisState) { gs.Escrows[1].Payer = gs.Escrows[0].Payer }},
		{"escrow negative", "listed twice or negative", func(gs *types.GenesisState) { gs.Escrows[0].Balance = n(-1) }},
		{"escrow missing balance", "listed twice or negative", func(gs *types.GenesisState) { gs.Escrows[1].Balance = math.Int{} }},
		{"escrow payer non-canon.", "escrow payer \"", func(gs *types.GenesisState) { gs.Escrows[0].Payer = upper }},
	}
	for _, tc := range cases {
		gs := validGenesis()
		tc.edit(&gs)
		err := gs.Validate(ac)
		require.ErrorIs(t, err, types.ErrInvalidGenesis, tc.name)
		require.ErrorContains(t, err, tc.want, tc.name)
	}
}

func otherPrefix(s string) string {
	bz, err := ac.StringToBytes(s)
	if err != nil {
		panic(err)
	}
	out, err := addresscodec.NewBech32Codec("cosmos").BytesToString(bz)
	if err != nil {
		panic(err)
	}
	return out
}

// TestGenesisRefusesUnkeyedMemberIDs: a genesis file exported before member
// ids were MACs (a coverage with member_id_hash, the unkeyed SHA-256) is
// refused when read, naming the field; the same coverage with a MAC is read.
func TestGenesisRefusesUnkeyedMemberIDs(t *testing.T) {
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	gs := validGenesis()
	bz, err := cdc.MarshalJSON(&gs)
	require.NoError(t, err)
	var back types.GenesisState
	require.NoError(t, cdc.UnmarshalJSON(bz, &back))
	require.NoError(t, back.Validate(ac))

	old := strings.Replace(string(bz), `"member_id_mac":`, `"member_id_hash":`, 1)
	require.NotEqual(t, string(bz), old)
	require.ErrorContains(t, cdc.UnmarshalJSON([]byte(old), &back), `unknown field "member_id_hash"`)

	// Likewise a claim with its diagnoses in clear.
	old = strings.Replace(string(bz), `"diagnoses_commitment":`, `"diagnoses":["E11.9"],"diagnoses_commitment":`, 1)
	require.NotEqual(t, string(bz), old)
	require.ErrorContains(t, cdc.UnmarshalJSON([]byte(old), &back), `unknown field "diagnoses"`)
}
