package keeper_test

import (
	"encoding/json"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/fhirr4"
	"github.com/healthchain/healthd/x/claims/types"
)

func (s *KeeperTestSuite) requireCode(err error, code codes.Code) {
	s.T().Helper()
	s.Require().Error(err)
	st, ok := status.FromError(err)
	s.Require().True(ok, "not a gRPC status: %v", err)
	s.Require().Equal(code, st.Code(), err.Error())
}

func ids(claims []types.Claim) []uint64 {
	var out []uint64
	for _, c := range claims {
		out = append(out, c.ID)
	}
	return out
}

// eobState: three claims of the patient, two of them in February 2026, and
// one of patient2 in February.
func (s *KeeperTestSuite) eobState() (feb10, mar1, jan15, other uint64) {
	s.T().Helper()
	s.fund(s.payer, 10_000)
	at := func(t time.Time, m *msgT) *msgT { m.ServiceDate = t; return m }
	// 99213 charge 200: allowed 150, deductible 100, copay 20, coinsurance 6,
	// patient 126, plan 24; 99999 charge 50 not covered. PAID, partial.
	feb10 = s.submit(at(time.Date(2026, 2, 10, 8, 0, 0, 0, time.UTC),
		s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 200), line(cpt, "99999", 1, 50)))).ID
	// J1100 ×10 charge 100: coinsurance 10, patient 10, plan 90.
	mar1 = s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(hcpcs, "J1100", 10, 100))).ID
	// NDC ×30 charge 150: copay 10, patient 10, plan 140.
	jan15 = s.submit(at(time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC),
		s.claimMsg(s.pharmacy, s.patient, s.cov, line(ndc, "00093-4155-73", 30, 150)))).ID
	other = s.submit(at(time.Date(2026, 2, 11, 8, 0, 0, 0, time.UTC),
		s.claimMsg(s.hospital, s.patient2, s.cov2, line(cpt, "99213", 1, 150)))).ID
	return
}

type msgT = types.MsgSubmitClaim

func (s *KeeperTestSuite) TestExplanationOfBenefits() {
	feb10, mar1, _, _ := s.eobState()
	req := &types.QueryExplanationOfBenefitsRequest{
		Patient: s.addr(s.patient), From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
	}
	res, err := s.qs.ExplanationOfBenefits(s.ctx, req)
	s.Require().NoError(err)
	s.Require().Len(res.Benefits, 2)
	type sum struct{ billed, allowed, paid, patient string }
	got := map[uint64]sum{}
	for _, b := range res.Benefits {
		got[b.Claim.ID] = sum{b.Billed.String(), b.Allowed.String(), b.PlanPaid.String(), b.PatientResponsibility.String()}
		s.Require().Equal(s.claim(b.Claim.ID), b.Claim)
	}
	s.Require().Equal(map[uint64]sum{
		feb10: {"250", "150", "24", "126"}, // the uncovered line is billed, not allowed
		mar1:  {"100", "100", "90", "10"},
	}, got)
	s.Require().Equal(feb10, res.Benefits[0].Claim.ID, "in service-date order")

	// from is inclusive, to exclusive
	req.From, req.To = time.Date(2026, 2, 10, 8, 0, 0, 0, time.UTC), serviceDate
	res, err = s.qs.ExplanationOfBenefits(s.ctx, req)
	s.Require().NoError(err)
	s.Require().Len(res.Benefits, 1)
	s.Require().Equal(feb10, res.Benefits[0].Claim.ID)

	// nothing in December
	req.From, req.To = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err = s.qs.ExplanationOfBenefits(s.ctx, req)
	s.Require().NoError(err)
	s.Require().Empty(res.Benefits)
}

func (s *KeeperTestSuite) TestFHIRExportsValidate() {
	feb10, mar1, jan15, _ := s.eobState()
	pended, _ := s.pendedClaim(s.patient2)
	denied := s.submit(s.claimMsg(s.hospital, s.patient2, s.cov2, line(cpt, "70553", 1, 1000))).ID
	for _, id := range []uint64{feb10, mar1, jan15, pended, denied} {
		res, err := s.qs.ClaimResponseFHIR(s.ctx, &types.QueryClaimResponseFHIRRequest{Id: id})
		s.Require().NoError(err)
		r, err := fhirr4.Validate([]byte(res.JSON))
		s.Require().NoError(err, "claim %d: %s", id, res.JSON)
		s.Require().Equal("ClaimResponse", r.ResourceType)
		s.Require().Equal("claim-"+itoa(id), r.ID)
	}

	req := &types.QueryExplanationOfBenefitsRequest{
		Patient: s.addr(s.patient), From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
	}
	res, err := s.qs.ExplanationOfBenefitFHIR(s.ctx, req)
	s.Require().NoError(err)
	b, err := fhirr4.Validate([]byte(res.JSON))
	s.Require().NoError(err, res.JSON)
	s.Require().Equal("Bundle", b.ResourceType)
	s.Require().Equal(2, b.Entries)
	var bundle struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	s.Require().NoError(json.Unmarshal([]byte(res.JSON), &bundle))
	var eobIDs []string
	for i, e := range bundle.Entry {
		r, err := fhirr4.Validate(e.Resource)
		s.Require().NoError(err, "entry %d: %s", i, e.Resource)
		s.Require().Equal("ExplanationOfBenefit", r.ResourceType)
		eobIDs = append(eobIDs, r.ID)
	}
	s.Require().Equal([]string{"eob-" + itoa(feb10), "eob-" + itoa(mar1)}, eobIDs)

	// a period without claims is a valid Bundle without entries
	req.From, req.To = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	res, err = s.qs.ExplanationOfBenefitFHIR(s.ctx, req)
	s.Require().NoError(err)
	b, err = fhirr4.Validate([]byte(res.JSON))
	s.Require().NoError(err, res.JSON)
	s.Require().Zero(b.Entries)
}

func itoa(i uint64) string { return strconv.FormatUint(i, 10) }

func (s *KeeperTestSuite) TestAccumulatorsQuery() {
	s.fund(s.payer, 10_000)
	res, err := s.qs.Accumulators(s.ctx, &types.QueryAccumulatorsRequest{CoverageId: s.cov, Year: year})
	s.Require().NoError(err)
	s.Require().Equal("0", res.Accumulator.DeductibleMet.String())
	s.Require().Equal("0", res.Accumulator.OutOfPocketMet.String())
	s.Require().Equal("100", res.Deductible.String())
	s.Require().Equal("500", res.OutOfPocketMax.String())

	s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 130)))
	// allowed 130; deductible 100 → 30; copay 20 → 10; coinsurance 2; patient 122
	res, err = s.qs.Accumulators(s.ctx, &types.QueryAccumulatorsRequest{CoverageId: s.cov, Year: year})
	s.Require().NoError(err)
	s.Require().Equal("100", res.Accumulator.DeductibleMet.String())
	s.Require().Equal("122", res.Accumulator.OutOfPocketMet.String())
	// other years and coverages are untouched
	res, err = s.qs.Accumulators(s.ctx, &types.QueryAccumulatorsRequest{CoverageId: s.cov, Year: 2027})
	s.Require().NoError(err)
	s.Require().True(res.Accumulator.OutOfPocketMet.IsZero())
	s.Require().Equal([2]int64{0, 0}, s.acc(s.cov2))
}

func (s *KeeperTestSuite) TestClaimListsPaginate() {
	s.fund(s.payer, 10_000)
	var mine []uint64
	for i := range 5 {
		m := s.claimMsg(s.hospital, s.patient, s.cov, line(hcpcs, "J1100", 1, 10))
		m.ServiceDate = serviceDate.Add(-time.Duration(i) * 24 * time.Hour)
		mine = append(mine, s.submit(m).ID)
	}
	s.submit(s.claimMsg(s.lab, s.patient2, s.cov2, line(hcpcs, "J1100", 1, 10)))          // 6: another patient and provider
	denied := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "99999", 1, 10))).ID // 7: the patient's, by the lab

	walk := func(list func(*query.PageRequest) (*types.QueryClaimsResponse, error)) []uint64 {
		var got []uint64
		var key []byte
		for pages := 0; ; pages++ {
			s.Require().Less(pages, 10)
			res, err := list(&query.PageRequest{Key: key, Limit: 2})
			s.Require().NoError(err)
			s.Require().LessOrEqual(len(res.Claims), 2)
			got = append(got, ids(res.Claims)...)
			if key = res.Pagination.NextKey; key == nil {
				return got
			}
		}
	}
	party := func(f func(*types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error), a string) func(*query.PageRequest) (*types.QueryClaimsResponse, error) {
		return func(p *query.PageRequest) (*types.QueryClaimsResponse, error) {
			return f(&types.QueryClaimsByPartyRequest{Address: a, Pagination: p})
		}
	}
	byPatient := func(r *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
		return s.qs.ClaimsByPatient(s.ctx, r)
	}
	byProvider := func(r *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
		return s.qs.ClaimsByProvider(s.ctx, r)
	}
	byPayer := func(r *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
		return s.qs.ClaimsByPayer(s.ctx, r)
	}
	s.Require().Equal(append(append([]uint64{}, mine...), denied), walk(party(byPatient, s.addr(s.patient))))
	s.Require().Equal(mine, walk(party(byProvider, s.addr(s.hospital))))
	s.Require().Equal([]uint64{6, denied}, walk(party(byProvider, s.addr(s.lab))))
	s.Require().Equal([]uint64{1, 2, 3, 4, 5, 6, 7}, walk(party(byPayer, s.addr(s.payer))))
	s.Require().Empty(walk(party(byPayer, s.addr(s.payer2))))
	s.Require().Equal([]uint64{1, 2, 3, 4, 5, 6}, walk(func(p *query.PageRequest) (*types.QueryClaimsResponse, error) {
		return s.qs.ClaimsByStatus(s.ctx, &types.QueryClaimsByStatusRequest{Status: stPaid, Pagination: p})
	}))
	s.Require().Equal([]uint64{denied}, s.byStatus(stDenied))

	// offset and totals
	res, err := s.qs.ClaimsByPatient(s.ctx, &types.QueryClaimsByPartyRequest{
		Address: s.addr(s.patient), Pagination: &query.PageRequest{Offset: 4, Limit: 1, CountTotal: true},
	})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{mine[4]}, ids(res.Claims))
	s.Require().Equal(uint64(6), res.Pagination.Total)

	// the claim query returns the stored claim
	c, err := s.qs.Claim(s.ctx, &types.QueryClaimRequest{Id: denied})
	s.Require().NoError(err)
	s.Require().Equal(s.claim(denied), c.Claim)
}

func (s *KeeperTestSuite) TestQueryRefusals() {
	var err error
	_, err = s.qs.Plan(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.qs.Plan(s.ctx, &types.QueryPlanRequest{Id: 9})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.Claim(s.ctx, &types.QueryClaimRequest{Id: 9})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.Claim(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.qs.CoverageByPatient(s.ctx, &types.QueryCoverageByPatientRequest{Patient: "x"})
	s.requireCode(err, codes.InvalidArgument)
	for _, f := range []func(*types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error){
		func(r *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
			return s.qs.ClaimsByPatient(s.ctx, r)
		},
		func(r *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
			return s.qs.ClaimsByProvider(s.ctx, r)
		},
		func(r *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
			return s.qs.ClaimsByPayer(s.ctx, r)
		},
	} {
		_, err = f(&types.QueryClaimsByPartyRequest{Address: "health1xyz"})
		s.requireCode(err, codes.InvalidArgument)
		_, err = f(nil)
		s.requireCode(err, codes.InvalidArgument)
	}
	_, err = s.qs.ClaimsByStatus(s.ctx, &types.QueryClaimsByStatusRequest{})
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.qs.ClaimsByStatus(s.ctx, &types.QueryClaimsByStatusRequest{Status: 42})
	s.requireCode(err, codes.InvalidArgument)
	eob := &types.QueryExplanationOfBenefitsRequest{Patient: s.addr(s.patient), From: serviceDate, To: serviceDate}
	_, err = s.qs.ExplanationOfBenefits(s.ctx, eob)
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.qs.ExplanationOfBenefitFHIR(s.ctx, eob)
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.qs.ExplanationOfBenefits(s.ctx, &types.QueryExplanationOfBenefitsRequest{Patient: "p", From: covStart, To: covEnd})
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.qs.ExplanationOfBenefits(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
	_, err = s.qs.ClaimResponseFHIR(s.ctx, &types.QueryClaimResponseFHIRRequest{Id: 9})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.Accumulators(s.ctx, &types.QueryAccumulatorsRequest{CoverageId: 9, Year: year})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.Escrow(s.ctx, &types.QueryEscrowRequest{Payer: ""})
	s.requireCode(err, codes.InvalidArgument)
}
