package keeper_test

import (
	"strings"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/claims/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ---------------------------------------------------------------------------
// CreatePlan / UpdatePlan
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestCreatePlan() {
	msg := s.planMsg(s.payer2)
	msg.ReviewThreshold = n(1000)
	s.advance(time.Minute)
	id := s.createPlan(msg)
	s.Require().Equal(uint64(2), id)

	res, err := s.qs.Plan(s.ctx, &types.QueryPlanRequest{Id: id})
	s.Require().NoError(err)
	p := res.Plan
	s.Require().Equal(id, p.ID)
	s.Require().Equal(s.addr(s.payer2), p.Payer)
	s.Require().Equal("Silver PPO", p.Name)
	s.Require().Equal(fixtureServices(), p.Services, "services are stored sorted by (system, code)")
	s.Require().Equal("100", p.Deductible.String())
	s.Require().Equal("500", p.OutOfPocketMax.String())
	s.Require().Equal("1000", p.ReviewThreshold.String())
	s.Require().Equal(blockTime.Add(time.Minute), p.UpdatedAt)
	has, err := indexHas(s.ctx, s.k.Plans.Indexes.Payer, s.payer2, id)
	s.Require().NoError(err)
	s.Require().True(has)

	s.Require().Equal([]string{"healthd.claims.v1.EventPlanDefined"}, s.claimsEvents())
}

func (s *KeeperTestSuite) TestCreatePlanRefusals() {
	s.setParams(func(p *types.Params) { p.MaxServices = 6 })
	cases := []struct {
		name string
		edit func(*types.MsgCreatePlan)
		want error
	}{
		{"payer not an address", func(m *types.MsgCreatePlan) { m.Payer = "payer" }, types.ErrInvalidAddress},
		{"payer not a member", func(m *types.MsgCreatePlan) { m.Payer = s.addr(s.stranger) }, consortiumtypes.ErrNotMember},
		{"a hospital is no payer", func(m *types.MsgCreatePlan) { m.Payer = s.addr(s.hospital) }, consortiumtypes.ErrMissingRole},
		{"a suspended member", func(m *types.MsgCreatePlan) { m.Payer = s.addr(s.suspended) }, consortiumtypes.ErrNotMember},
		{"no name", func(m *types.MsgCreatePlan) { m.Name = "" }, types.ErrInvalidPlan},
		{"name too long", func(m *types.MsgCreatePlan) { m.Name = strings.Repeat("x", 129) }, types.ErrInvalidPlan},
		{"name with a newline", func(m *types.MsgCreatePlan) { m.Name = "Silver\nPPO" }, types.ErrInvalidPlan},
		{"no services", func(m *types.MsgCreatePlan) { m.Services = nil }, types.ErrInvalidPlan},
		{"too many services", func(m *types.MsgCreatePlan) { m.Services = append(m.Services, svc(cpt, "99214", 200, 20, 2000)) }, types.ErrInvalidPlan},
		{"bad service code", func(m *types.MsgCreatePlan) { m.Services[0].Code = "0042X" }, types.ErrInvalidCode},
		{"service listed twice", func(m *types.MsgCreatePlan) { m.Services[1] = m.Services[0] }, types.ErrInvalidPlan},
		{"allowed per unit zero", func(m *types.MsgCreatePlan) { m.Services[0].AllowedPerUnit = n(0) }, types.ErrInvalidPlan},
		{"negative copay", func(m *types.MsgCreatePlan) { m.Services[0].Copay = n(-5) }, types.ErrInvalidPlan},
		{"coinsurance above 100%", func(m *types.MsgCreatePlan) { m.Services[0].CoinsuranceBps = 10_001 }, types.ErrInvalidPlan},
		{"negative deductible", func(m *types.MsgCreatePlan) { m.Deductible = n(-1) }, types.ErrInvalidPlan},
		{"maximum below deductible", func(m *types.MsgCreatePlan) { m.OutOfPocketMax = n(99) }, types.ErrInvalidPlan},
		{"negative threshold", func(m *types.MsgCreatePlan) { m.ReviewThreshold = n(-1) }, types.ErrInvalidPlan},
		{"threshold missing", func(m *types.MsgCreatePlan) { m.ReviewThreshold = math.Int{} }, types.ErrInvalidPlan},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := s.planMsg(s.payer)
			tc.edit(msg)
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.CreatePlan(ctx, msg); return err })
		})
	}
}

func (s *KeeperTestSuite) TestUpdatePlan() {
	s.fund(s.payer, 10_000)
	// a claim adjudicated under the old terms: allowed 150 = min(200, 150);
	// deductible 100 → 50; copay 20 → 30; coinsurance 6; patient 126; plan 24.
	first := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 200)))
	s.requireLines(first.ID, ok(150, 100, 20, 6, 126, 24, "45", "1", "3", "2"))

	msg := &types.MsgUpdatePlan{
		Payer: s.addr(s.payer), PlanID: s.plan, Name: "Gold PPO",
		Services:   []types.CoveredService{svc(cpt, "99213", 180, 10, 1000), svc(cpt, "97110", 100, 15, 2000)},
		Deductible: n(0), OutOfPocketMax: n(1000), ReviewThreshold: n(0),
	}
	s.advance(time.Hour)
	s.freshEvents()
	_, err := s.ms.UpdatePlan(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal([]string{"healthd.claims.v1.EventPlanDefined"}, s.claimsEvents())
	p, err := s.k.Plans.Get(s.ctx, s.plan)
	s.Require().NoError(err)
	s.Require().Equal("Gold PPO", p.Name)
	s.Require().Equal([]string{"97110", "99213"}, []string{p.Services[0].Code, p.Services[1].Code}, "sorted")
	s.Require().Equal(blockTime.Add(time.Hour), p.UpdatedAt)
	s.Require().Equal(s.addr(s.payer), p.Payer)

	// the old claim keeps its results
	s.requireLines(first.ID, ok(150, 100, 20, 6, 126, 24, "45", "1", "3", "2"))
	// a new claim uses the new terms: allowed 180 = min(200, 180); no
	// deductible; copay 10 → 170; coinsurance 10% of 170 = 17; patient 27;
	// plan 153. J1100 is no longer covered.
	second := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "99213", 1, 200), line(hcpcs, "J1100", 1, 10)))
	s.requireLines(second.ID, ok(180, 0, 10, 17, 27, 153, "45", "3", "2"), deny(types.CARCNotCovered))
	s.Require().Equal(stPaid, second.Status)
	s.Require().Equal(stPartial, second.Outcome)
}

func (s *KeeperTestSuite) TestUpdatePlanRefusals() {
	good := func() *types.MsgUpdatePlan {
		m := s.planMsg(s.payer)
		return &types.MsgUpdatePlan{Payer: m.Payer, PlanID: s.plan, Name: "New", Services: m.Services,
			Deductible: m.Deductible, OutOfPocketMax: m.OutOfPocketMax, ReviewThreshold: m.ReviewThreshold}
	}
	cases := []struct {
		name string
		edit func(*types.MsgUpdatePlan)
		want error
	}{
		{"payer not an address", func(m *types.MsgUpdatePlan) { m.Payer = "" }, types.ErrInvalidAddress},
		{"not a payer", func(m *types.MsgUpdatePlan) { m.Payer = s.addr(s.hospital) }, consortiumtypes.ErrMissingRole},
		{"unknown plan", func(m *types.MsgUpdatePlan) { m.PlanID = 99 }, types.ErrPlanNotFound},
		{"another payer's plan", func(m *types.MsgUpdatePlan) { m.Payer = s.addr(s.payer2) }, types.ErrNotPayer},
		{"no name", func(m *types.MsgUpdatePlan) { m.Name = "" }, types.ErrInvalidPlan},
		{"bad code", func(m *types.MsgUpdatePlan) { m.Services[2].Code = "J1100" }, types.ErrInvalidCode},
		{"no services", func(m *types.MsgUpdatePlan) { m.Services = nil }, types.ErrInvalidPlan},
		{"maximum below deductible", func(m *types.MsgUpdatePlan) { m.Deductible = n(600) }, types.ErrInvalidPlan},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := good()
			tc.edit(msg)
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.UpdatePlan(ctx, msg); return err })
		})
	}
}

// ---------------------------------------------------------------------------
// Enroll / EndCoverage
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestEnroll() {
	msg := s.enrollMsg(s.payer, s.plan, s.stranger)
	msg.Start = time.Date(2026, 1, 1, 2, 0, 0, 0, time.FixedZone("X", 2*3600)) // midnight UTC
	s.freshEvents()
	res, err := s.ms.Enroll(s.ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(3), res.CoverageID)
	c, err := s.k.Coverages.Get(s.ctx, res.CoverageID)
	s.Require().NoError(err)
	s.Require().Equal(types.Coverage{
		ID: 3, PlanID: s.plan, Payer: s.addr(s.payer), Patient: s.addr(s.stranger),
		MemberIDMAC: msg.MemberIDMAC, MemberIDScheme: types.CurrentMemberIDScheme, Start: covStart, End: covEnd,
	}, c)
	s.Require().Equal(time.UTC, c.Start.Location())
	s.Require().Equal([]string{"healthd.claims.v1.EventCoverageChanged"}, s.claimsEvents())

	q, err := s.qs.CoverageByPatient(s.ctx, &types.QueryCoverageByPatientRequest{Patient: s.addr(s.stranger)})
	s.Require().NoError(err)
	s.Require().Equal([]types.Coverage{c}, q.Coverages)
}

func (s *KeeperTestSuite) TestEnrollRefusals() {
	plan2 := s.createPlan(s.planMsg(s.payer2))
	cases := []struct {
		name string
		edit func(*types.MsgEnroll)
		want error
	}{
		{"payer not an address", func(m *types.MsgEnroll) { m.Payer = "x" }, types.ErrInvalidAddress},
		{"not a payer", func(m *types.MsgEnroll) { m.Payer = s.addr(s.hospital) }, consortiumtypes.ErrMissingRole},
		{"patient not an address", func(m *types.MsgEnroll) { m.Patient = "patient" }, types.ErrInvalidAddress},
		{"unknown plan", func(m *types.MsgEnroll) { m.PlanID = 99 }, types.ErrPlanNotFound},
		{"another payer's plan", func(m *types.MsgEnroll) { m.PlanID = plan2 }, types.ErrNotPayer},
		{"member id in clear", func(m *types.MsgEnroll) { m.MemberIDMAC = []byte("M-1234") }, types.ErrInvalidCoverage},
		{"member id MAC of 31 bytes", func(m *types.MsgEnroll) { m.MemberIDMAC = m.MemberIDMAC[:31] }, types.ErrInvalidCoverage},
		{"no member id MAC", func(m *types.MsgEnroll) { m.MemberIDMAC = nil }, types.ErrInvalidCoverage},
		{"no member id scheme (an unkeyed hash)", func(m *types.MsgEnroll) { m.MemberIDScheme = types.MemberIDScheme_MEMBER_ID_SCHEME_UNSPECIFIED }, types.ErrInvalidCoverage},
		{"unknown member id scheme", func(m *types.MsgEnroll) { m.MemberIDScheme = 7 }, types.ErrInvalidCoverage},
		{"empty period", func(m *types.MsgEnroll) { m.End = m.Start }, types.ErrInvalidCoverage},
		{"reversed period", func(m *types.MsgEnroll) { m.Start, m.End = m.End, m.Start }, types.ErrInvalidCoverage},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := s.enrollMsg(s.payer, s.plan, s.stranger)
			tc.edit(msg)
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.Enroll(ctx, msg); return err })
		})
	}
}

func (s *KeeperTestSuite) TestEndCoverage() {
	s.fund(s.payer, 10_000)
	end := blockTime.Add(24 * time.Hour)
	s.freshEvents()
	_, err := s.ms.EndCoverage(s.ctx, &types.MsgEndCoverage{Payer: s.addr(s.payer), CoverageID: s.cov, End: end})
	s.Require().NoError(err)
	s.Require().Equal([]string{"healthd.claims.v1.EventCoverageChanged"}, s.claimsEvents())
	c, err := s.k.Coverages.Get(s.ctx, s.cov)
	s.Require().NoError(err)
	s.Require().True(c.Ended)
	s.Require().Equal(end, c.End)

	// services before the end are covered, on or after it are not (27)
	before := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(hcpcs, "J1100", 10, 100)))
	s.Require().Equal(stPaid, before.Status)
	s.advance(48 * time.Hour)
	msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150), line(hcpcs, "J1100", 1, 10))
	msg.ServiceDate = end
	after := s.submit(msg)
	s.Require().Equal(stDenied, after.Status)
	s.requireLines(after.ID, deny(types.CARCAfterCoverage), deny(types.CARCAfterCoverage))
}

func (s *KeeperTestSuite) TestEndCoverageRefusals() {
	cov3 := s.enroll(s.enrollMsg(s.payer, s.plan, s.stranger))
	_, err := s.ms.EndCoverage(s.ctx, &types.MsgEndCoverage{Payer: s.addr(s.payer), CoverageID: cov3, End: blockTime.Add(time.Hour)})
	s.Require().NoError(err)
	cases := []struct {
		name string
		msg  types.MsgEndCoverage
		want error
	}{
		{"payer not an address", types.MsgEndCoverage{Payer: "p", CoverageID: s.cov, End: blockTime}, types.ErrInvalidAddress},
		{"not a payer", types.MsgEndCoverage{Payer: s.addr(s.lab), CoverageID: s.cov, End: blockTime}, consortiumtypes.ErrMissingRole},
		{"unknown coverage", types.MsgEndCoverage{Payer: s.addr(s.payer), CoverageID: 99, End: blockTime}, types.ErrCoverageNotFound},
		{"another payer's coverage", types.MsgEndCoverage{Payer: s.addr(s.payer2), CoverageID: s.cov, End: blockTime}, types.ErrNotPayer},
		{"already ended", types.MsgEndCoverage{Payer: s.addr(s.payer), CoverageID: cov3, End: blockTime}, types.ErrInvalidCoverage},
		{"end in the past", types.MsgEndCoverage{Payer: s.addr(s.payer), CoverageID: s.cov, End: blockTime.Add(-time.Second)}, types.ErrInvalidCoverage},
		{"end after the coverage's", types.MsgEndCoverage{Payer: s.addr(s.payer), CoverageID: s.cov, End: covEnd.Add(time.Second)}, types.ErrInvalidCoverage},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.EndCoverage(ctx, &tc.msg); return err })
		})
	}
	s.Run("end not after the start", func() {
		future := s.enrollMsg(s.payer, s.plan, s.stranger)
		future.Start, future.End = blockTime.Add(48*time.Hour), covEnd
		id := s.enroll(future)
		s.refuse(types.ErrInvalidCoverage, func(ctx sdk.Context) error {
			_, err := s.ms.EndCoverage(ctx, &types.MsgEndCoverage{Payer: s.addr(s.payer), CoverageID: id, End: future.Start})
			return err
		})
	})
}

// ---------------------------------------------------------------------------
// GrantPriorAuth
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) grantPA(coverage uint64, code string, units uint32) uint64 {
	s.T().Helper()
	res, err := s.ms.GrantPriorAuth(s.ctx, &types.MsgGrantPriorAuth{
		Payer: s.addr(s.payer), CoverageID: coverage, Code: code, Units: units, Start: covStart, End: covEnd,
	})
	s.Require().NoError(err)
	return res.ID
}

func (s *KeeperTestSuite) pa(id uint64) types.PriorAuth {
	s.T().Helper()
	pa, err := s.k.PriorAuths.Get(s.ctx, id)
	s.Require().NoError(err)
	return pa
}

func (s *KeeperTestSuite) TestGrantPriorAuth() {
	s.fund(s.payer, 10_000)
	s.freshEvents()
	first := s.grantPA(s.cov, "70553", 1)
	s.Require().Equal([]string{"healthd.claims.v1.EventPriorAuthGranted"}, s.claimsEvents())
	s.Require().Equal(types.PriorAuth{ID: first, CoverageID: s.cov, Code: "70553", Units: 1, Start: covStart, End: covEnd}, s.pa(first))

	// the latest authorisation per (coverage, code) is the one adjudication uses
	second := s.grantPA(s.cov, "70553", 3)
	latest, err := s.k.LatestPriorAuth.Get(s.ctx, collections.Join(s.cov, "70553"))
	s.Require().NoError(err)
	s.Require().Equal(second, latest)

	// 70553 ×2, charge 2000: allowed 2000; deductible 100 → 1900; coinsurance
	// 20% of 1900 = 380; patient 480; plan 1520; 2 of 3 units used.
	res := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 2, 2000)))
	s.Require().Equal(stPaid, res.Status)
	s.requireLines(res.ID, ok(2000, 100, 0, 380, 480, 1520, "1", "2").pa(second))
	s.Require().Equal(uint32(2), s.pa(second).UnitsUsed)
	s.Require().Equal(uint32(0), s.pa(first).UnitsUsed)
	// another patient's coverage has no authorisation
	other := s.submit(s.claimMsg(s.hospital, s.patient2, s.cov2, line(cpt, "70553", 1, 1000)))
	s.requireLines(other.ID, deny(types.CARCNoPriorAuth))
}

func (s *KeeperTestSuite) TestGrantPriorAuthRefusals() {
	good := func() *types.MsgGrantPriorAuth {
		return &types.MsgGrantPriorAuth{Payer: s.addr(s.payer), CoverageID: s.cov, Code: "70553", Units: 2, Start: covStart, End: covEnd}
	}
	cases := []struct {
		name string
		edit func(*types.MsgGrantPriorAuth)
		want error
	}{
		{"payer not an address", func(m *types.MsgGrantPriorAuth) { m.Payer = "" }, types.ErrInvalidAddress},
		{"not a payer", func(m *types.MsgGrantPriorAuth) { m.Payer = s.addr(s.hospital) }, consortiumtypes.ErrMissingRole},
		{"unknown coverage", func(m *types.MsgGrantPriorAuth) { m.CoverageID = 42 }, types.ErrCoverageNotFound},
		{"another payer's coverage", func(m *types.MsgGrantPriorAuth) { m.Payer = s.addr(s.payer2) }, types.ErrNotPayer},
		{"code in no system", func(m *types.MsgGrantPriorAuth) { m.Code = "7055" }, types.ErrInvalidCode},
		{"a diagnosis is no service", func(m *types.MsgGrantPriorAuth) { m.Code = "E11.9" }, types.ErrInvalidCode},
		{"no units", func(m *types.MsgGrantPriorAuth) { m.Units = 0 }, types.ErrInvalidPriorAuth},
		{"empty period", func(m *types.MsgGrantPriorAuth) { m.End = m.Start }, types.ErrInvalidPriorAuth},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := good()
			tc.edit(msg)
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.GrantPriorAuth(ctx, msg); return err })
		})
	}
}

// ---------------------------------------------------------------------------
// FundEscrow
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestFundEscrow() {
	paid := s.fund(s.payer, 2_500)
	s.Require().Empty(paid)
	s.Require().Equal(int64(payerFunds-2_500), s.balance(s.payer))
	s.Require().Equal(int64(2_500), s.balance(moduleAddr))
	s.Require().Equal(int64(2_500), s.escrowOf(s.payer))
	s.Require().Equal([]string{"healthd.claims.v1.EventEscrowFunded"}, s.claimsEvents())

	s.fund(s.payer2, 700)
	s.fund(s.payer, 500)
	s.Require().Equal(int64(3_000), s.escrowOf(s.payer))
	s.Require().Equal(int64(700), s.escrowOf(s.payer2))
	s.Require().Equal(int64(3_700), s.balance(moduleAddr))

	res, err := s.qs.Escrow(s.ctx, &types.QueryEscrowRequest{Payer: s.addr(s.stranger)})
	s.Require().NoError(err)
	s.Require().Equal("0", res.Balance.String())
	s.Require().Equal(denom, res.Denom)
}

func (s *KeeperTestSuite) TestFundEscrowRefusals() {
	s.fund(s.payer, 1_000)
	cases := []struct {
		name  string
		payer string
		coin  sdk.Coin
		want  error
	}{
		{"payer not an address", "payer", sdk.NewInt64Coin(denom, 10), types.ErrInvalidAddress},
		{"not a member", s.addr(s.stranger), sdk.NewInt64Coin(denom, 10), consortiumtypes.ErrNotMember},
		{"not a payer", s.addr(s.hospital), sdk.NewInt64Coin(denom, 10), consortiumtypes.ErrMissingRole},
		{"wrong denom", s.addr(s.payer), sdk.NewInt64Coin("stake", 10), types.ErrInvalidFunds},
		{"zero", s.addr(s.payer), sdk.NewInt64Coin(denom, 0), types.ErrInvalidFunds},
		{"negative", s.addr(s.payer), sdk.Coin{Denom: denom, Amount: n(-5)}, types.ErrInvalidFunds},
		{"no amount", s.addr(s.payer), sdk.Coin{Denom: denom}, types.ErrInvalidFunds},
		{"more than the payer holds", s.addr(s.payer), sdk.NewInt64Coin(denom, payerFunds-1_000+1), sdkerrors.ErrInsufficientFunds},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.refuse(tc.want, func(ctx sdk.Context) error {
				_, err := s.ms.FundEscrow(ctx, &types.MsgFundEscrow{Payer: tc.payer, Amount: tc.coin})
				return err
			})
		})
	}
	// all that is left is fine
	s.fund(s.payer, payerFunds-1_000)
	s.Require().Zero(s.balance(s.payer))
}

// ---------------------------------------------------------------------------
// UpdateParams
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestUpdateParams() {
	p := types.Params{SettlementDenom: "ucredit", MaxLines: 2, MaxDiagnoses: 3, MaxRecords: 0, MaxServices: 10,
		EVMSettlementMargin: 60, EVMMinRevealWindow: 30}
	_, err := s.ms.UpdateParams(s.ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: p})
	s.Require().NoError(err, "no escrow is held: the denom may change")
	res, err := s.qs.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(p, res.Params)

	// the new bounds apply
	msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150), line(cpt, "97110", 1, 100), line(hcpcs, "J1100", 1, 10))
	s.refuse(types.ErrInvalidClaim, func(ctx sdk.Context) error { _, err := s.ms.SubmitClaim(ctx, msg); return err })
	s.refuse(types.ErrInvalidFunds, func(ctx sdk.Context) error {
		_, err := s.ms.FundEscrow(ctx, &types.MsgFundEscrow{Payer: s.addr(s.payer), Amount: sdk.NewInt64Coin(denom, 10)})
		return err
	})
}

func (s *KeeperTestSuite) TestUpdateParamsRefusals() {
	s.fund(s.payer, 100)
	cases := []struct {
		name      string
		authority string
		edit      func(*types.Params)
		want      error
	}{
		{"not the authority", s.addr(s.payer), func(*types.Params) {}, sdkerrors.ErrUnauthorized},
		{"no authority", "", func(*types.Params) {}, sdkerrors.ErrUnauthorized},
		{"invalid params", testkit.Gov, func(p *types.Params) { p.MaxLines = 0 }, types.ErrInvalidParams},
		{"invalid denom", testkit.Gov, func(p *types.Params) { p.SettlementDenom = "$" }, types.ErrInvalidParams},
		{"denom change while escrow is held", testkit.Gov, func(p *types.Params) { p.SettlementDenom = "ucredit" }, types.ErrInvalidParams},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			p := s.params()
			tc.edit(&p)
			s.refuse(tc.want, func(ctx sdk.Context) error {
				_, err := s.ms.UpdateParams(ctx, &types.MsgUpdateParams{Authority: tc.authority, Params: p})
				return err
			})
		})
	}
	// other params may change while escrow is held
	s.setParams(func(p *types.Params) { p.MaxLines = 10 })
	s.Require().Equal(uint32(10), s.params().MaxLines)
}

// Once every escrow has been paid out, no escrow is held: the denom may
// change although the payers' (now empty) escrow entries remain.
func (s *KeeperTestSuite) TestUpdateParamsDenomAfterEscrowPaidOut() {
	s.fund(s.payer, 114)
	// 99213 charge 200 + J1100 ×10 charge 100: plan pays 24 + 90 = 114.
	res := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 200), line(hcpcs, "J1100", 10, 100)))
	s.Require().Equal(stPaid, res.Status)
	s.Require().Zero(s.escrowOf(s.payer))
	has, err := s.k.Escrow.Has(s.ctx, s.payer)
	s.Require().NoError(err)
	s.Require().True(has, "the emptied escrow entry stays")
	s.setParams(func(p *types.Params) { p.SettlementDenom = "ucredit" })
	s.Require().Equal("ucredit", s.params().SettlementDenom)
}
