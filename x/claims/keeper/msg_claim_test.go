package keeper_test

import (
	"fmt"
	"strings"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"
	"filippo.io/age"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/claims/client/claimsclient"
	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ---------------------------------------------------------------------------
// SubmitClaim
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestSubmitClaimStoresAndIndexes() {
	s.fund(s.payer, 10_000)
	r1, r2 := s.anchor(s.patient, "lab-1"), s.anchor(s.patient, "lab-2")
	msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 200), line(hcpcs, "J1100", 10, 100))
	dx := seal("E11.9", "I10")
	msg.DiagnosesCommitment, msg.DiagnosesCiphertext, msg.RecordIDs = dx.Commitment, dx.Ciphertext, []uint64{r2, r1}
	msg.ServiceDate = time.Date(2026, 3, 1, 5, 0, 0, 0, time.FixedZone("EST", -5*3600)) // 10:00 UTC
	s.advance(time.Minute)
	res := s.submit(msg)
	s.Require().Equal(&types.MsgSubmitClaimResponse{ID: 1, Status: stPaid, Outcome: stApproved}, res)

	c := s.claim(1)
	// line 1: allowed 150 = min(200, 150); deductible 100 → 50; copay 20 → 30;
	// coinsurance 6; patient 126; plan 24. line 2: allowed 100; coinsurance
	// 10% = 10; patient 10; plan 90.
	s.requireLines(1, ok(150, 100, 20, 6, 126, 24, "45", "1", "3", "2"), ok(100, 0, 0, 10, 10, 90, "2"))
	c.Results = nil
	s.Require().Equal(types.Claim{
		ID: 1, Provider: s.addr(s.hospital), Patient: s.addr(s.patient), Payer: s.addr(s.payer), CoverageID: s.cov, PlanID: s.plan,
		ServiceDate: serviceDate, DiagnosesCommitment: dx.Commitment, DiagnosesCiphertext: dx.Ciphertext, Lines: msg.Lines, RecordIDs: []uint64{r2, r1},
		ConsentID: 1, TreatmentConsentID: 3, Status: stPaid, Outcome: stApproved, Paid: n(114), Applied: true,
		SubmittedAt: blockTime.Add(time.Minute), UpdatedAt: blockTime.Add(time.Minute),
	}, c)
	s.Require().Equal(time.UTC, c.ServiceDate.Location())
	// The stored diagnoses open for the payer and the provider, and match the commitment.
	for _, id := range []*age.X25519Identity{payerIdentity, providerIdentity} {
		opened, err := claimsclient.OpenClaimDiagnoses(c, id)
		s.Require().NoError(err)
		s.Require().Equal([]string{"E11.9", "I10"}, opened.Codes)
	}

	// indexes
	for name, has := range map[string]func() (bool, error){
		"by patient":  func() (bool, error) { return indexHas(s.ctx, s.k.Claims.Indexes.Patient, s.patient, 1) },
		"by provider": func() (bool, error) { return indexHas(s.ctx, s.k.Claims.Indexes.Provider, s.hospital, 1) },
		"by payer":    func() (bool, error) { return indexHas(s.ctx, s.k.Claims.Indexes.Payer, s.payer, 1) },
		"by status":   func() (bool, error) { return indexHas(s.ctx, s.k.Claims.Indexes.Status, int32(stPaid), 1) },
		"by patient date": func() (bool, error) {
			return indexHas(s.ctx, s.k.Claims.Indexes.PatientDate, collections.Join(s.patient, serviceDate), 1)
		},
	} {
		ok, err := has()
		s.Require().NoError(err)
		s.Require().True(ok, name)
	}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix()
	for _, code := range []string{"99213", "J1100"} {
		owner, err := s.k.Duplicates.Get(s.ctx, collections.Join4(s.hospital, s.patient, code, day))
		s.Require().NoError(err)
		s.Require().Equal(uint64(1), owner, code)
	}
	// accumulators: deductible 100, out of pocket 126 + 10
	s.Require().Equal([2]int64{100, 136}, s.acc(s.cov))
	// money: the provider gets what the plan pays, from the payer's escrow
	s.Require().Equal(int64(114), s.balance(s.hospital))
	s.Require().Equal(int64(10_000-114), s.balance(moduleAddr))
	s.Require().Equal(int64(10_000-114), s.escrowOf(s.payer))

	// events: one transition, one payment, and nothing clinical
	s.Require().Equal([]types.EventClaimStatus{{
		ClaimID: 1, Provider: s.addr(s.hospital), Patient: s.addr(s.patient), Payer: s.addr(s.payer),
		From: types.ClaimStatus_CLAIM_STATUS_UNSPECIFIED, To: stPaid, Outcome: stApproved,
	}}, s.statusEvents())
	s.Require().Equal(map[uint64]string{1: "114"}, s.paidEvents())
	for _, e := range s.ctx.EventManager().ABCIEvents() {
		for _, a := range e.Attributes {
			for _, secret := range []string{"E11.9", "I10", "99213", "J1100"} {
				s.Require().NotContains(a.Value, secret, "event %s attribute %s", e.Type, a.Key)
			}
		}
	}
}

func (s *KeeperTestSuite) TestSubmitClaimProviders() {
	s.fund(s.payer, 10_000)
	// a laboratory and a pharmacy bill too; NDC ×30 charge 150: allowed 150;
	// deductible 100 → 50; copay 10 → 40; no coinsurance; patient 110; plan 40.
	res := s.submit(s.claimMsg(s.pharmacy, s.patient, s.cov, line(ndc, "00093-4155-73", 30, 150)))
	s.Require().Equal(stPaid, res.Status)
	s.requireLines(res.ID, ok(150, 100, 10, 0, 110, 40, "1", "3"))
	s.Require().Equal(int64(40), s.balance(s.pharmacy))
	// deductible met: 99213 charge 150 → copay 20, coinsurance 26, patient 46, plan 104.
	res = s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "99213", 1, 150)))
	s.requireLines(res.ID, ok(150, 0, 20, 26, 46, 104, "3", "2"))
	s.Require().Equal(int64(104), s.balance(s.lab))
	s.Require().Equal([2]int64{100, 156}, s.acc(s.cov))
}

func (s *KeeperTestSuite) TestSubmitClaimRecords() {
	s.fund(s.payer, 10_000)
	mine, theirs := s.anchor(s.patient, "mine"), s.anchor(s.patient2, "theirs")
	for name, ids := range map[string][]uint64{
		"a record of another patient":  {mine, theirs},
		"a record that does not exist": {mine, 999},
	} {
		msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150), line(hcpcs, "J1100", 10, 100))
		msg.RecordIDs = ids
		msg.ServiceDate = serviceDate.Add(-time.Duration(len(name)) * 24 * time.Hour) // not a duplicate of the other
		res := s.submit(msg)
		s.Require().Equal(stDenied, res.Status, name)
		s.requireLines(res.ID, deny(types.CARCLacksInformation), deny(types.CARCLacksInformation))
	}
	s.Require().Equal([2]int64{0, 0}, s.acc(s.cov))
	s.Require().Zero(s.balance(s.hospital))

	msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))
	msg.RecordIDs = []uint64{mine}
	res := s.submit(msg)
	s.Require().Equal(stPaid, res.Status)
}

// TestSubmitClaimRefusals covers the checks made before anything is stored.
func (s *KeeperTestSuite) TestSubmitClaimRefusals() {
	s.fund(s.payer, 10_000)
	s.setParams(func(p *types.Params) { p.MaxLines, p.MaxDiagnoses, p.MaxRecords = 3, 2, 2 })
	l := line(cpt, "99213", 1, 150)
	cases := []struct {
		name string
		edit func(*types.MsgSubmitClaim)
		want error
	}{
		{"provider not an address", func(m *types.MsgSubmitClaim) { m.Provider = "hospital" }, types.ErrInvalidAddress},
		{"patient not an address", func(m *types.MsgSubmitClaim) { m.Patient = "" }, types.ErrInvalidAddress},
		{"no lines", func(m *types.MsgSubmitClaim) { m.Lines = nil }, types.ErrInvalidClaim},
		{"too many lines", func(m *types.MsgSubmitClaim) { m.Lines = []types.ClaimLine{l, l, l, l} }, types.ErrInvalidClaim},
		// The diagnoses are sealed: the chain checks the seal's form; their
		// number and codes are checked by the provider's client
		// (claimsclient.SealDiagnoses, types.ValidateDiagnoses).
		{"no diagnoses", func(m *types.MsgSubmitClaim) { m.DiagnosesCommitment, m.DiagnosesCiphertext = nil, nil }, types.ErrInvalidDiagnoses},
		{"no diagnoses commitment", func(m *types.MsgSubmitClaim) { m.DiagnosesCommitment = nil }, types.ErrInvalidDiagnoses},
		{"diagnoses commitment of 31 bytes", func(m *types.MsgSubmitClaim) { m.DiagnosesCommitment = m.DiagnosesCommitment[:31] }, types.ErrInvalidDiagnoses},
		{"no diagnoses ciphertext", func(m *types.MsgSubmitClaim) { m.DiagnosesCiphertext = nil }, types.ErrInvalidDiagnoses},
		{"diagnoses in clear", func(m *types.MsgSubmitClaim) {
			m.DiagnosesCiphertext = []byte(`["E11.9","I10","J45.909"]` + strings.Repeat(" ", types.MinDiagnosesCiphertext))
		}, types.ErrInvalidDiagnoses},
		{"diagnoses ciphertext too large", func(m *types.MsgSubmitClaim) {
			m.DiagnosesCiphertext = append(append([]byte{}, m.DiagnosesCiphertext...), make([]byte, types.MaxDiagnosesCiphertext)...)
		}, types.ErrInvalidDiagnoses},
		{"too many records", func(m *types.MsgSubmitClaim) { m.RecordIDs = []uint64{1, 2, 3} }, types.ErrInvalidClaim},
		{"no service date", func(m *types.MsgSubmitClaim) { m.ServiceDate = time.Time{} }, types.ErrInvalidClaim},
		{"future service date", func(m *types.MsgSubmitClaim) { m.ServiceDate = blockTime.Add(time.Second) }, types.ErrInvalidClaim},
		{"bad CPT code", func(m *types.MsgSubmitClaim) { m.Lines[0].Code = "9921" }, types.ErrInvalidCode},
		{"code of another system", func(m *types.MsgSubmitClaim) { m.Lines[0].System = hcpcs }, types.ErrInvalidCode},
		{"no code system", func(m *types.MsgSubmitClaim) { m.Lines[0].System = 0 }, types.ErrInvalidCode},
		{"zero units", func(m *types.MsgSubmitClaim) { m.Lines[0].Units = 0 }, types.ErrInvalidClaim},
		{"zero charge", func(m *types.MsgSubmitClaim) { m.Lines[0].Charge = n(0) }, types.ErrInvalidClaim},
		{"negative charge", func(m *types.MsgSubmitClaim) { m.Lines[0].Charge = n(-150) }, types.ErrInvalidClaim},
		{"no charge", func(m *types.MsgSubmitClaim) { m.Lines[0].Charge = math.Int{} }, types.ErrInvalidClaim},
		{"duplicate record ids", func(m *types.MsgSubmitClaim) { m.RecordIDs = []uint64{1, 1} }, types.ErrInvalidClaim},
		{"record id zero", func(m *types.MsgSubmitClaim) { m.RecordIDs = []uint64{0} }, types.ErrInvalidClaim},
		{"provider not a member", func(m *types.MsgSubmitClaim) { m.Provider = s.addr(s.stranger) }, consortiumtypes.ErrNotMember},
		{"provider suspended", func(m *types.MsgSubmitClaim) { m.Provider = s.addr(s.suspended) }, consortiumtypes.ErrNotMember},
		{"a payer does not bill", func(m *types.MsgSubmitClaim) { m.Provider = s.addr(s.payer) }, consortiumtypes.ErrMissingRole},
		{"a manufacturer does not bill", func(m *types.MsgSubmitClaim) { m.Provider = s.addr(s.manufacturer) }, consortiumtypes.ErrMissingRole},
		{"unknown coverage", func(m *types.MsgSubmitClaim) { m.CoverageID = 99 }, types.ErrCoverageNotFound},
		{"coverage of another patient", func(m *types.MsgSubmitClaim) { m.CoverageID = s.cov2 }, types.ErrCoveragePatient},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))
			tc.edit(msg)
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.SubmitClaim(ctx, msg); return err })
		})
	}
}

// TestSubmitClaimNeedsPaymentConsent: without a live consent of the patient
// to the payer for HPAYMT covering the Claim category, the claim is refused.
func (s *KeeperTestSuite) TestSubmitClaimNeedsPaymentConsent() {
	s.fund(s.payer, 10_000)
	cov := s.enroll(s.enrollMsg(s.payer, s.plan, s.stranger))
	s.consentTreatment(s.stranger, s.hospital)
	submit := func(ctx sdk.Context) error {
		_, err := s.ms.SubmitClaim(ctx, s.claimMsg(s.hospital, s.stranger, cov, line(cpt, "99213", 1, 150)))
		return err
	}
	s.refuse(consenttypes.ErrNotAuthorized, submit) // no consent at all

	s.consentTo(s.stranger, s.payer2, keeper.PurposePayment, keeper.CategoryClaim)
	s.refuse(consenttypes.ErrNotAuthorized, submit) // to another payer

	s.consentTo(s.stranger, s.payer, "TREAT", keeper.CategoryClaim)
	s.refuse(consenttypes.ErrNotAuthorized, submit) // for another purpose

	s.consentTo(s.stranger, s.payer, keeper.PurposePayment, "Observation")
	s.refuse(consenttypes.ErrNotAuthorized, submit) // for another category

	s.consentTo(s.stranger, s.hospital, keeper.PurposePayment, keeper.CategoryClaim)
	s.refuse(consenttypes.ErrNotAuthorized, submit) // to the provider, not the payer

	id := s.consentPayment(s.stranger, s.payer)
	s.tx(submit)
	s.Require().Equal(id, s.claim(1).ConsentID)

	s.revoke(s.stranger, id)
	s.refuse(consenttypes.ErrNotAuthorized, func(ctx sdk.Context) error {
		msg := s.claimMsg(s.hospital, s.stranger, cov, line(cpt, "97110", 1, 100))
		_, err := s.ms.SubmitClaim(ctx, msg)
		return err
	}) // revoked

	// a consent that has run out
	s.advance(366 * 24 * time.Hour)
	s.refuse(consenttypes.ErrNotAuthorized, func(ctx sdk.Context) error {
		_, err := s.ms.SubmitClaim(ctx, s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150)))
		return err
	})
}

// ---------------------------------------------------------------------------
// ReviewClaim
// ---------------------------------------------------------------------------

// pendingCoverage enrols patient in a new plan of payer with a review
// threshold of 100 and returns the coverage.
func (s *KeeperTestSuite) pendingCoverage(patient sdk.AccAddress) uint64 {
	s.T().Helper()
	msg := s.planMsg(s.payer)
	msg.Name, msg.ReviewThreshold = "Reviewed PPO", n(100)
	return s.enroll(s.enrollMsg(s.payer, s.createPlan(msg), patient))
}

// pendedClaim submits, under a fresh pending coverage of patient, three lines
// the plan would pay 182 for (above the threshold of 100):
//
//	99213 charge 150: deductible 100 → 50; copay 20 → 30; coinsurance 6; patient 126; plan 24
//	97110 charge 100: copay 15 → 85; coinsurance 17; patient 32; plan 68
//	J1100 ×10 charge 100: coinsurance 10; patient 10; plan 90
func (s *KeeperTestSuite) pendedClaim(patient sdk.AccAddress) (claim, coverage uint64) {
	s.T().Helper()
	coverage = s.pendingCoverage(patient)
	res := s.submit(s.claimMsg(s.hospital, patient, coverage,
		line(cpt, "99213", 1, 150), line(cpt, "97110", 1, 100), line(hcpcs, "J1100", 10, 100)))
	s.Require().Equal(stPended, res.Status)
	s.Require().Equal(stPended, res.Outcome)
	s.Require().Equal([]string{types.PendOverThreshold}, s.claim(res.ID).PendReasons)
	s.Require().Equal([2]int64{0, 0}, s.acc(coverage), "a pended claim counts in no accumulator")
	return res.ID, coverage
}

var (
	pendedL1 = ok(150, 100, 20, 6, 126, 24, "1", "3", "2")
	pendedL2 = ok(100, 0, 15, 17, 32, 68, "3", "2")
	pendedL3 = ok(100, 0, 0, 10, 10, 90, "2")
)

func (s *KeeperTestSuite) TestReviewApprove() {
	s.fund(s.payer, 1_000)
	id, cov := s.pendedClaim(s.patient)
	s.requireLines(id, pendedL1, pendedL2, pendedL3)
	s.Require().Equal(stPaid, s.review(s.payer, id, approve, ""))
	c := s.claim(id)
	s.Require().Equal(stApproved, c.Outcome)
	s.Require().Empty(c.PendReasons)
	s.Require().Equal("182", c.Paid.String())
	s.Require().True(c.Applied)
	s.requireLines(id, pendedL1, pendedL2, pendedL3)
	s.Require().Equal([2]int64{100, 168}, s.acc(cov))
	s.Require().Equal(int64(182), s.balance(s.hospital))
	s.Require().Equal(int64(1_000-182), s.escrowOf(s.payer))
	s.Require().Equal([]types.EventClaimStatus{{
		ClaimID: id, Provider: s.addr(s.hospital), Patient: s.addr(s.patient), Payer: s.addr(s.payer),
		From: stPended, To: stPaid, Outcome: stApproved,
	}}, s.statusEvents())
}

func (s *KeeperTestSuite) TestReviewPartial() {
	s.fund(s.payer, 1_000)
	id, cov := s.pendedClaim(s.patient)
	// lines 1 and 3 approved, line 2 denied as not medically necessary (50)
	s.Require().Equal(stPaid, s.review(s.payer, id, partial, "50", 2, 0))
	s.requireLines(id, pendedL1, deny("50"), pendedL3)
	c := s.claim(id)
	s.Require().Equal(stPartial, c.Outcome)
	s.Require().Equal("114", c.Paid.String()) // 24 + 90
	s.Require().Equal([2]int64{100, 136}, s.acc(cov))
	s.Require().Equal(int64(114), s.balance(s.hospital))
}

func (s *KeeperTestSuite) TestReviewDeny() {
	s.fund(s.payer, 1_000)
	id, cov := s.pendedClaim(s.patient)
	s.Require().Equal(stDenied, s.review(s.payer, id, denyAll, "N130"))
	s.requireLines(id, deny("N130"), deny("N130"), deny("N130"))
	c := s.claim(id)
	s.Require().Equal(stDenied, c.Outcome)
	s.Require().False(c.Applied)
	s.Require().Equal("0", c.Paid.String())
	s.Require().Equal([2]int64{0, 0}, s.acc(cov))
	s.Require().Zero(s.balance(s.hospital))
	// a denied claim holds no duplicate slot: the same claim is accepted again
	res := s.submit(s.claimMsg(s.hospital, s.patient, cov, line(hcpcs, "J1100", 10, 100)))
	s.Require().Equal(stPaid, res.Status)
}

// TestReviewWhileEscrowShort: an approved review with too little escrow
// leaves the claim PAYABLE, counted in the accumulators.
func (s *KeeperTestSuite) TestReviewWhileEscrowShort() {
	s.fund(s.payer, 100)
	id, cov := s.pendedClaim(s.patient)
	s.Require().Equal(stPayable, s.review(s.payer, id, approve, ""))
	s.Require().Equal([2]int64{100, 168}, s.acc(cov))
	s.Require().Equal("0", s.claim(id).Paid.String())
	s.Require().Equal([]uint64{id}, s.fund(s.payer, 82))
	s.Require().Equal(stPaid, s.claim(id).Status)
	s.Require().Zero(s.escrowOf(s.payer))
}

func (s *KeeperTestSuite) TestReviewRefusals() {
	s.fund(s.payer, 10_000)
	id, _ := s.pendedClaim(s.patient)
	paid := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))).ID
	denied := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99999", 1, 150))).ID
	s.Require().Equal(stDenied, s.claim(denied).Status)
	cases := []struct {
		name string
		msg  types.MsgReviewClaim
		want error
	}{
		{"payer not an address", types.MsgReviewClaim{Payer: "p", ClaimID: id, Decision: approve}, types.ErrInvalidAddress},
		{"not a payer", types.MsgReviewClaim{Payer: s.addr(s.hospital), ClaimID: id, Decision: approve}, consortiumtypes.ErrMissingRole},
		{"unknown claim", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: 99, Decision: approve}, types.ErrClaimNotFound},
		{"another payer's claim", types.MsgReviewClaim{Payer: s.addr(s.payer2), ClaimID: id, Decision: approve}, types.ErrNotPayer},
		{"a paid claim", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: paid, Decision: approve}, types.ErrInvalidTransition},
		{"a denied claim", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: denied, Decision: approve}, types.ErrInvalidTransition},
		{"approve with lines", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: approve, ApproveLines: []uint64{0}}, types.ErrInvalidReview},
		{"partial approving none", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: partial, Reason: "50"}, types.ErrInvalidReview},
		{"partial approving all", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: partial, Reason: "50", ApproveLines: []uint64{0, 1, 2}}, types.ErrInvalidReview},
		{"partial line out of range", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: partial, Reason: "50", ApproveLines: []uint64{3}}, types.ErrInvalidReview},
		{"partial line twice", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: partial, Reason: "50", ApproveLines: []uint64{1, 1}}, types.ErrInvalidReview},
		{"partial without CARC", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: partial, ApproveLines: []uint64{0}}, types.ErrInvalidReview},
		{"partial with a word for a CARC", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: partial, Reason: "unnecessary", ApproveLines: []uint64{0}}, types.ErrInvalidReview},
		{"partial with a 4-digit CARC", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: partial, Reason: "1234", ApproveLines: []uint64{0}}, types.ErrInvalidReview},
		{"deny with a padded CARC", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: denyAll, Reason: "50 "}, types.ErrInvalidReview},
		{"deny without CARC", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: denyAll}, types.ErrInvalidReview},
		{"deny approving a line", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: denyAll, Reason: "50", ApproveLines: []uint64{0}}, types.ErrInvalidReview},
		{"no decision", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Reason: "50"}, types.ErrInvalidReview},
		{"unknown decision", types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: 9, Reason: "50"}, types.ErrInvalidReview},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.ReviewClaim(ctx, &tc.msg); return err })
		})
	}
	// reviewed once, the claim is no longer pended
	s.review(s.payer, id, approve, "")
	s.refuse(types.ErrInvalidTransition, func(ctx sdk.Context) error {
		_, err := s.ms.ReviewClaim(ctx, &types.MsgReviewClaim{Payer: s.addr(s.payer), ClaimID: id, Decision: approve})
		return err
	})
}

// ---------------------------------------------------------------------------
// AppealClaim
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestAppealDenied() {
	s.fund(s.payer, 10_000)
	// no prior authorisation: 197, DENIED
	res := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 1, 1000)))
	s.Require().Equal(stDenied, res.Status)
	pa := s.grantPA(s.cov, "70553", 1)
	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: res.ID, Reason: types.AppealReason_APPEAL_REASON_PRIOR_AUTH_OBTAINED})
		return err
	})
	c := s.claim(res.ID)
	s.Require().Equal(stAppealed, c.Status)
	s.Require().Equal(stDenied, c.Outcome)
	s.Require().True(c.Appealed)
	s.Require().Equal(types.AppealReason_APPEAL_REASON_PRIOR_AUTH_OBTAINED, c.AppealReason)
	s.Require().Equal([]types.EventClaimStatus{{
		ClaimID: res.ID, Provider: s.addr(s.hospital), Patient: s.addr(s.patient), Payer: s.addr(s.payer),
		From: stDenied, To: stAppealed, Outcome: stDenied,
	}}, s.statusEvents())

	// reviewed again: 70553 charge 1000: deductible 100 → 900; coinsurance
	// 20% of 900 = 180; patient 280; plan 720.
	s.Require().Equal(stPaid, s.review(s.payer, res.ID, approve, ""))
	s.requireLines(res.ID, ok(1000, 100, 0, 180, 280, 720, "1", "2").pa(pa))
	s.Require().Equal(uint32(1), s.pa(pa).UnitsUsed)
	s.Require().Equal(int64(720), s.balance(s.hospital))

	// once only
	s.refuse(types.ErrAlreadyAppealed, func(ctx sdk.Context) error {
		_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: res.ID, Reason: necessity})
		return err
	})
}

func (s *KeeperTestSuite) TestAppealRefusals() {
	s.fund(s.payer, 10_000)
	denied := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99999", 1, 150))).ID
	paidFull := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))).ID
	pended, _ := s.pendedClaim(s.patient2)
	withdrawn := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "99999", 1, 1))).ID
	s.withdraw(s.lab, withdrawn)
	twice := s.submit(s.claimMsg(s.hospital, s.patient2, s.cov2, line(cpt, "99999", 1, 150))).ID
	s.appeal(s.hospital, twice)
	cases := []struct {
		name string
		msg  types.MsgAppealClaim
		want error
	}{
		{"provider not an address", types.MsgAppealClaim{Provider: "h", ClaimID: denied, Reason: necessity}, types.ErrInvalidAddress},
		{"unknown claim", types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: 99, Reason: necessity}, types.ErrClaimNotFound},
		{"another provider's claim", types.MsgAppealClaim{Provider: s.addr(s.lab), ClaimID: denied, Reason: necessity}, types.ErrNotProvider},
		{"the payer's appeal", types.MsgAppealClaim{Provider: s.addr(s.payer), ClaimID: denied, Reason: necessity}, types.ErrNotProvider},
		{"no reason", types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: denied}, types.ErrInvalidAppeal},
		{"unknown reason", types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: denied, Reason: 99}, types.ErrInvalidAppeal},
		{"appeal twice", types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: twice, Reason: necessity}, types.ErrAlreadyAppealed},
		{"a paid, fully approved claim", types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: paidFull, Reason: necessity}, types.ErrInvalidTransition},
		{"a pended claim", types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: pended, Reason: necessity}, types.ErrInvalidTransition},
		{"a withdrawn claim", types.MsgAppealClaim{Provider: s.addr(s.lab), ClaimID: withdrawn, Reason: necessity}, types.ErrInvalidTransition},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.AppealClaim(ctx, &tc.msg); return err })
		})
	}
}

// TestAppealFullyApprovedPayable: a fully approved claim waiting for escrow
// is not appealed either.
func (s *KeeperTestSuite) TestAppealFullyApprovedPayable() {
	res := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 200)))
	s.Require().Equal(stPayable, res.Status)
	s.Require().Equal(stApproved, res.Outcome)
	s.refuse(types.ErrInvalidTransition, func(ctx sdk.Context) error {
		_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: res.ID, Reason: necessity})
		return err
	})
}

// ---------------------------------------------------------------------------
// WithdrawClaim
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestWithdrawPendedAndDenied() {
	id, cov := s.pendedClaim(s.patient)
	s.withdraw(s.hospital, id)
	c := s.claim(id)
	s.Require().Equal(stWithdrawn, c.Status)
	s.Require().False(c.Applied)
	s.Require().Equal([2]int64{0, 0}, s.acc(cov))
	s.Require().Equal([]types.EventClaimStatus{{
		ClaimID: id, Provider: s.addr(s.hospital), Patient: s.addr(s.patient), Payer: s.addr(s.payer),
		From: stPended, To: stWithdrawn, Outcome: stPended,
	}}, s.statusEvents())
	// the pended claim's duplicate slots are free again
	for _, code := range []string{"99213", "97110", "J1100"} {
		has, err := s.k.Duplicates.Has(s.ctx, collections.Join4(s.hospital, s.patient, code, types.ServiceDay(serviceDate).Unix()))
		s.Require().NoError(err)
		s.Require().False(has, code)
	}

	denied := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99999", 1, 150))).ID
	s.withdraw(s.hospital, denied)
	s.Require().Equal(stWithdrawn, s.claim(denied).Status)
}

func (s *KeeperTestSuite) TestWithdrawRefusals() {
	s.fund(s.payer, 10_000)
	paid := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))).ID
	denied := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99999", 1, 150))).ID
	s.withdraw(s.hospital, denied)
	// partly paid, then appealed: money has moved, no withdrawal
	id, _ := s.pendedClaim(s.patient2)
	s.review(s.payer, id, partial, "50", 0)
	s.appeal(s.hospital, id)
	s.Require().Equal(stAppealed, s.claim(id).Status)
	s.Require().Equal("24", s.claim(id).Paid.String())
	cases := []struct {
		name string
		msg  types.MsgWithdrawClaim
		want error
	}{
		{"provider not an address", types.MsgWithdrawClaim{Provider: "", ClaimID: paid}, types.ErrInvalidAddress},
		{"unknown claim", types.MsgWithdrawClaim{Provider: s.addr(s.hospital), ClaimID: 99}, types.ErrClaimNotFound},
		{"another provider's claim", types.MsgWithdrawClaim{Provider: s.addr(s.pharmacy), ClaimID: paid}, types.ErrNotProvider},
		{"after payment", types.MsgWithdrawClaim{Provider: s.addr(s.hospital), ClaimID: paid}, types.ErrInvalidTransition},
		{"appealed after a partial payment", types.MsgWithdrawClaim{Provider: s.addr(s.hospital), ClaimID: id}, types.ErrInvalidTransition},
		{"withdrawn twice", types.MsgWithdrawClaim{Provider: s.addr(s.hospital), ClaimID: denied}, types.ErrInvalidTransition},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.WithdrawClaim(ctx, &tc.msg); return err })
		})
	}
}

// TestNoTransitionOutsideTheLifecycle drives claims through every message in
// every status and checks each move against types.CanTransition, from the
// events emitted.
func (s *KeeperTestSuite) TestNoTransitionOutsideTheLifecycle() {
	s.fund(s.payer, 114) // what the partial approval below pays, no more
	var moves []string
	record := func() {
		for _, e := range s.statusEvents() {
			s.Require().True(types.CanTransition(e.From, e.To), "claim %d: %s → %s", e.ClaimID, e.From, e.To)
			moves = append(moves, fmt.Sprintf("%s→%s", short(e.From), short(e.To)))
		}
	}
	id, _ := s.pendedClaim(s.patient)
	record()
	s.review(s.payer, id, partial, "50", 0, 2)
	record()
	s.appeal(s.hospital, id)
	record()
	s.review(s.payer, id, approve, "")
	record()
	d := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99999", 1, 1))).ID
	record()
	s.appeal(s.hospital, d)
	record()
	s.review(s.payer, d, denyAll, "50")
	record()
	s.withdraw(s.hospital, d)
	record()
	p := s.submit(s.claimMsg(s.lab, s.patient2, s.cov2, line(cpt, "70553", 1, 1000), line(cpt, "99213", 1, 1000))).ID
	record()
	s.appeal(s.lab, p)
	record()
	s.withdraw(s.lab, p)
	record()
	s.Require().Equal([]string{
		"NONE→PENDED", "PENDED→PAID", "PAID→APPEALED", "APPEALED→PAYABLE", "NONE→DENIED", "DENIED→APPEALED",
		"APPEALED→DENIED", "DENIED→WITHDRAWN", "NONE→PAYABLE", "PAYABLE→APPEALED", "APPEALED→WITHDRAWN",
	}, moves)
}

func short(s types.ClaimStatus) string {
	if s == types.ClaimStatus_CLAIM_STATUS_UNSPECIFIED {
		return "NONE"
	}
	return strings.TrimPrefix(s.String(), "CLAIM_STATUS_")
}
