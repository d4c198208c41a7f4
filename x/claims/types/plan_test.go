package types_test

import (
	"testing"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/claims/types"
)

func TestNormalizeServices(t *testing.T) {
	in := []types.CoveredService{
		svc(ndc, "00093-4155-73", 5, 10, 0), svc(cpt, "99213", 150, 20, 2000),
		svc(hcpcs, "J1100", 10, 0, 1000), svc(cpt, "0042T", 300, 0, 0),
	}
	orig := append([]types.CoveredService(nil), in...)
	out, err := types.NormalizeServices(in, 4)
	require.NoError(t, err)
	var keys []string
	for _, s := range out {
		keys = append(keys, types.SystemName(s.System)+" "+s.Code)
	}
	require.Equal(t, []string{"CPT 0042T", "CPT 99213", "HCPCS J1100", "NDC 00093-4155-73"}, keys)
	require.Equal(t, orig, in, "the caller's slice is left as given")

	// boundaries that pass: coinsurance 100%, copay 0
	_, err = types.NormalizeServices([]types.CoveredService{svc(cpt, "99213", 1, 0, 10_000)}, 1)
	require.NoError(t, err)
}

func TestNormalizeServicesRefusals(t *testing.T) {
	good := func() types.CoveredService { return svc(cpt, "99213", 150, 20, 2000) }
	edit := func(f func(*types.CoveredService)) []types.CoveredService {
		s := good()
		f(&s)
		return []types.CoveredService{svc(hcpcs, "J1100", 10, 0, 0), s}
	}
	cases := []struct {
		name     string
		services []types.CoveredService
		max      uint32
		want     error
	}{
		{"none", nil, 10, types.ErrInvalidPlan},
		{"more than the maximum", []types.CoveredService{good(), svc(hcpcs, "J1100", 10, 0, 0)}, 1, types.ErrInvalidPlan},
		{"bad code", edit(func(s *types.CoveredService) { s.Code = "9921" }), 10, types.ErrInvalidCode},
		{"no system", edit(func(s *types.CoveredService) { s.System = types.CodeSystem_CODE_SYSTEM_UNSPECIFIED }), 10, types.ErrInvalidCode},
		{"listed twice", []types.CoveredService{good(), svc(cpt, "99213", 10, 0, 0)}, 10, types.ErrInvalidPlan},
		{"allowed missing", edit(func(s *types.CoveredService) { s.AllowedPerUnit = math.Int{} }), 10, types.ErrInvalidPlan},
		{"allowed zero", edit(func(s *types.CoveredService) { s.AllowedPerUnit = n(0) }), 10, types.ErrInvalidPlan},
		{"allowed negative", edit(func(s *types.CoveredService) { s.AllowedPerUnit = n(-1) }), 10, types.ErrInvalidPlan},
		{"copay missing", edit(func(s *types.CoveredService) { s.Copay = math.Int{} }), 10, types.ErrInvalidPlan},
		{"copay negative", edit(func(s *types.CoveredService) { s.Copay = n(-1) }), 10, types.ErrInvalidPlan},
		{"coinsurance above 100%", edit(func(s *types.CoveredService) { s.CoinsuranceBps = 10_001 }), 10, types.ErrInvalidPlan},
	}
	for _, tc := range cases {
		out, err := types.NormalizeServices(tc.services, tc.max)
		require.ErrorIs(t, err, tc.want, tc.name)
		require.Nil(t, out, tc.name)
	}
}

func TestValidatePlanAmounts(t *testing.T) {
	require.NoError(t, types.ValidatePlanAmounts(n(100), n(500), n(1000)))
	require.NoError(t, types.ValidatePlanAmounts(n(0), n(0), n(0)), "all zero: no cost sharing, never pend")
	require.NoError(t, types.ValidatePlanAmounts(n(500), n(500), n(0)), "maximum equal to the deductible")
	nilInt := math.Int{}
	for name, a := range map[string][3]math.Int{
		"deductible missing":         {nilInt, n(500), n(0)},
		"deductible negative":        {n(-1), n(500), n(0)},
		"maximum missing":            {n(100), nilInt, n(0)},
		"maximum below deductible":   {n(100), n(99), n(0)},
		"maximum negative":           {n(0), n(-1), n(0)},
		"threshold missing":          {n(100), n(500), nilInt},
		"threshold negative":         {n(100), n(500), n(-1)},
		"everything missing":         {nilInt, nilInt, nilInt},
		"maximum missing, threshold": {n(0), nilInt, n(5)},
	} {
		require.ErrorIs(t, types.ValidatePlanAmounts(a[0], a[1], a[2]), types.ErrInvalidPlan, name)
	}
}

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	boundary := types.Params{SettlementDenom: "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2", MaxLines: 999, MaxDiagnoses: 99, MaxRecords: 100, MaxServices: 10_000,
		EVMSettlementMargin: types.MaxEVMSettlementSeconds, EVMMinRevealWindow: types.MaxEVMSettlementSeconds}
	require.NoError(t, boundary.Validate())
	low := types.Params{SettlementDenom: "uhealth", MaxLines: 1, MaxDiagnoses: 1, MaxRecords: 0, MaxServices: 1,
		EVMSettlementMargin: 1, EVMMinRevealWindow: 1}
	require.NoError(t, low.Validate(), "claims may cite no records")

	for name, f := range map[string]func(*types.Params){
		"no denom":             func(p *types.Params) { p.SettlementDenom = "" },
		"bad denom":            func(p *types.Params) { p.SettlementDenom = "1health" },
		"denom with a space":   func(p *types.Params) { p.SettlementDenom = "u health" },
		"no lines":             func(p *types.Params) { p.MaxLines = 0 },
		"no settlement margin": func(p *types.Params) { p.EVMSettlementMargin = 0 },
		"margin over a year":   func(p *types.Params) { p.EVMSettlementMargin = types.MaxEVMSettlementSeconds + 1 },
		"no reveal window":     func(p *types.Params) { p.EVMMinRevealWindow = 0 },
		"window over a year":   func(p *types.Params) { p.EVMMinRevealWindow = types.MaxEVMSettlementSeconds + 1 },
		"too many lines":       func(p *types.Params) { p.MaxLines = 1000 },
		"no diagnoses":         func(p *types.Params) { p.MaxDiagnoses = 0 },
		"too many diagnoses":   func(p *types.Params) { p.MaxDiagnoses = 100 },
		"too many records":     func(p *types.Params) { p.MaxRecords = 101 },
		"no services":          func(p *types.Params) { p.MaxServices = 0 },
		"too many services":    func(p *types.Params) { p.MaxServices = 10_001 },
		"denom and bad lines":  func(p *types.Params) { p.SettlementDenom, p.MaxLines = "x", 0 },
	} {
		p := types.DefaultParams()
		f(&p)
		require.ErrorIs(t, p.Validate(), types.ErrInvalidParams, name)
	}
}
