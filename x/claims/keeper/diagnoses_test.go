package keeper_test

import (
	"github.com/healthchain/healthd/x/claims/types"
)

// TestStateHoldsNoDiagnoses: after a claim is submitted, no entry of the
// claims store holds its diagnoses in clear (only the commitment and the
// ciphertext), and the queries that return the claim carry none either.
func (s *KeeperTestSuite) TestStateHoldsNoDiagnoses() {
	s.fund(s.payer, 10_000)
	msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))
	dx := seal("G43.909", "R51.9")
	msg.DiagnosesCommitment, msg.DiagnosesCiphertext = dx.Commitment, dx.Ciphertext
	res := s.submit(msg)

	it := s.ctx.KVStore(s.claimsKey).Iterator(nil, nil)
	defer it.Close()
	entries := 0
	for ; it.Valid(); it.Next() {
		entries++
		for _, code := range []string{"G43.909", "R51.9"} {
			s.Require().NotContains(string(it.Key()), code)
			s.Require().NotContains(string(it.Value()), code)
		}
	}
	s.Require().Positive(entries)

	c, err := s.qs.Claim(s.ctx, &types.QueryClaimRequest{Id: res.ID})
	s.Require().NoError(err)
	s.Require().Equal(dx.Commitment, c.Claim.DiagnosesCommitment)
	fhir, err := s.qs.ExplanationOfBenefitFHIR(s.ctx, &types.QueryExplanationOfBenefitsRequest{Patient: s.addr(s.patient), From: covStart, To: covEnd})
	s.Require().NoError(err)
	s.Require().NotContains(fhir.JSON, "G43.909")
	s.Require().NotContains(fhir.JSON, `"diagnosis"`)
}
