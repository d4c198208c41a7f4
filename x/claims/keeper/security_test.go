package keeper_test

import (
	stdmath "math"
	"math/big"
	"time"

	"cosmossdk.io/math"
	"filippo.io/age"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
	"github.com/healthchain/healthd/x/consent/client/consentclient"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

const (
	stCancelled      = types.ClaimStatus_CLAIM_STATUS_CANCELLED
	evClaimCancelled = "healthd.claims.v1.EventClaimCancelled"
	evEscrowWithdraw = "healthd.claims.v1.EventEscrowWithdrawn"
)

// suspend suspends a member through the consortium's Msg service.
func (s *KeeperTestSuite) suspend(a sdk.AccAddress) {
	s.T().Helper()
	s.members.Suspend(a)
}

// eventTypes returns the types of the events emitted on s.ctx.
func (s *KeeperTestSuite) eventTypes() []string {
	var out []string
	for _, e := range s.ctx.EventManager().Events() {
		out = append(out, e.Type)
	}
	return out
}

// ---------------------------------------------------------------------------
// the treatment relationship
// ---------------------------------------------------------------------------

// TestSubmitClaimNeedsTreatmentRelationship: a provider bills a patient only
// with the patient's live TREAT or ETREAT consent to that provider for the
// Claim category. Before the fix any hospital, laboratory or pharmacy could
// bill any enrolled patient who had consented to HPAYMT for the payer.
func (s *KeeperTestSuite) TestSubmitClaimNeedsTreatmentRelationship() {
	s.fund(s.payer, 10_000)
	cov := s.enroll(s.enrollMsg(s.payer, s.plan, s.stranger))
	s.consentPayment(s.stranger, s.payer)
	submitBy := func(provider sdk.AccAddress, code string) func(ctx sdk.Context) error {
		return func(ctx sdk.Context) error {
			_, err := s.ms.SubmitClaim(ctx, s.claimMsg(provider, s.stranger, cov, line(cpt, code, 1, 150)))
			return err
		}
	}
	submit := submitBy(s.hospital, "99213")
	s.refuse(types.ErrNoTreatment, submit) // no consent to the provider at all

	s.consentTreatment(s.stranger, s.lab)
	s.refuse(types.ErrNoTreatment, submit) // a consent to another provider

	s.consentTo(s.stranger, s.hospital, keeper.PurposePayment, keeper.CategoryClaim)
	s.refuse(types.ErrNoTreatment, submit) // to the provider, for payment, not treatment

	s.consentTo(s.stranger, s.hospital, keeper.PurposeTreatment, "Observation")
	s.refuse(types.ErrNoTreatment, submit) // treatment, another category

	s.consentTo(s.stranger, s.payer, keeper.PurposeTreatment, keeper.CategoryClaim)
	s.refuse(types.ErrNoTreatment, submit) // treatment, to the payer

	key, err := age.GenerateX25519Identity()
	s.Require().NoError(err)
	sealed, err := consentclient.SealJustification(consenttypes.JustificationCode_JUSTIFICATION_CODE_PATIENT_UNCONSCIOUS, key.Recipient())
	s.Require().NoError(err)
	_, err = s.consentMS.BreakGlass(s.ctx, &consenttypes.MsgBreakGlass{
		Member: s.addr(s.hospital), Patient: s.addr(s.stranger),
		JustificationCommitment: sealed.Commitment, JustificationCiphertext: sealed.Ciphertext,
	})
	s.Require().NoError(err)
	s.refuse(types.ErrNoTreatment, submit) // a break-glass access the hospital declared alone

	// every wrong actor, whatever the patient consented to
	for _, tc := range []struct {
		name     string
		provider sdk.AccAddress
		want     error
	}{
		{"the payer", s.payer, consortiumtypes.ErrMissingRole},
		{"the patient", s.stranger, consortiumtypes.ErrNotMember},
		{"a non-member", testkit.Addr("nobody"), consortiumtypes.ErrNotMember},
		{"a suspended hospital", s.suspended, consortiumtypes.ErrNotMember},
		{"a manufacturer", s.manufacturer, consortiumtypes.ErrMissingRole},
		{"a pharmacy the patient never consented to", s.pharmacy, types.ErrNoTreatment},
	} {
		s.Run(tc.name, func() { s.refuse(tc.want, submitBy(tc.provider, "99213")) })
	}

	treat := s.consentTreatment(s.stranger, s.hospital)
	s.tx(submit)
	c := s.claim(1)
	s.Require().Equal(treat, c.TreatmentConsentID)
	s.Require().Equal(stPaid, c.Status)
	// the laboratory, consented to above, bills too
	s.tx(submitBy(s.lab, "97110"))
	s.Require().Equal(stPaid, s.claim(2).Status)

	// revoked: refused again; an ETREAT consent serves as well
	s.revoke(s.stranger, treat)
	s.refuse(types.ErrNoTreatment, submitBy(s.hospital, "0042T"))
	etreat := s.consentTo(s.stranger, s.hospital, keeper.PurposeEmergencyTreatment, keeper.CategoryClaim)
	s.tx(submitBy(s.hospital, "0042T"))
	s.Require().Equal(etreat, s.claim(3).TreatmentConsentID)
}

// TestAppealNeedsLiveConsents: an appeal sends the claim to the payer again,
// so the treatment and payment consents must still hold.
func (s *KeeperTestSuite) TestAppealNeedsLiveConsents() {
	cov := s.enroll(s.enrollMsg(s.payer, s.plan, s.stranger))
	pay := s.consentPayment(s.stranger, s.payer)
	treat := s.consentTreatment(s.stranger, s.hospital)
	denied := s.submit(s.claimMsg(s.hospital, s.stranger, cov, line(cpt, "99999", 1, 150))).ID
	appeal := func(ctx sdk.Context) error {
		_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: denied, Reason: necessity})
		return err
	}
	s.revoke(s.stranger, treat)
	s.refuse(types.ErrNoTreatment, appeal)
	s.consentTreatment(s.stranger, s.hospital)
	s.revoke(s.stranger, pay)
	s.refuse(consenttypes.ErrNotAuthorized, appeal)
	s.consentPayment(s.stranger, s.payer)
	s.tx(appeal)
	s.Require().Equal(stAppealed, s.claim(denied).Status)
}

// TestSuspendedProviderCannotAppealOrWithdraw: before the fix a suspended
// member still appealed and withdrew its claims.
func (s *KeeperTestSuite) TestSuspendedProviderCannotAppealOrWithdraw() {
	denied := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99999", 1, 150))).ID
	payable := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))).ID
	s.Require().Equal(stPayable, s.claim(payable).Status)
	s.suspend(s.hospital)
	s.refuse(consortiumtypes.ErrNotMember, func(ctx sdk.Context) error {
		_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: denied, Reason: necessity})
		return err
	})
	for _, id := range []uint64{denied, payable} {
		s.refuse(consortiumtypes.ErrNotMember, func(ctx sdk.Context) error {
			_, err := s.ms.WithdrawClaim(ctx, &types.MsgWithdrawClaim{Provider: s.addr(s.hospital), ClaimID: id})
			return err
		})
	}
}

// ---------------------------------------------------------------------------
// CancelClaim
// ---------------------------------------------------------------------------

// TestCancelClaim: the payer cancels an approved claim it has paid nothing
// of; everything the claim applied is undone and it is never paid.
func (s *KeeperTestSuite) TestCancelClaim() {
	pa := s.grantPA(s.cov, "70553", 3)
	// 70553 ×2 charge 2000: deductible 100, coinsurance 380, patient 480, plan 1520
	msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 2, 2000))
	id := s.submit(msg).ID
	s.Require().Equal(stPayable, s.claim(id).Status)
	s.Require().Equal([2]int64{100, 480}, s.acc(s.cov))
	s.Require().Equal(uint32(2), s.pa(pa).UnitsUsed)

	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.CancelClaim(ctx, &types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: id, Reason: "27"})
		return err
	})
	c := s.claim(id)
	s.Require().Equal(stCancelled, c.Status)
	s.Require().Equal("27", c.CancelReason)
	s.Require().False(c.Applied)
	s.Require().Equal([]string{evClaimStatus, evClaimCancelled}, s.eventTypes())
	s.Require().Equal([]types.EventClaimStatus{{
		ClaimID: id, Provider: s.addr(s.hospital), Patient: s.addr(s.patient), Payer: s.addr(s.payer),
		From: stPayable, To: stCancelled, Outcome: stApproved,
	}}, s.statusEvents())
	s.Require().Equal([2]int64{0, 0}, s.acc(s.cov))
	s.Require().Equal(uint32(0), s.pa(pa).UnitsUsed)
	has, err := s.k.Owed.Has(s.ctx, s.payer)
	s.Require().NoError(err)
	s.Require().False(has, "nothing owed any more")

	s.Require().Empty(s.fund(s.payer, 5_000), "a cancelled claim is never paid")
	// its duplicate slot is free: the same service billed again is paid
	again := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 2, 2000)))
	s.Require().Equal(stPaid, again.Status)
	// and a cancelled claim is final
	for _, f := range []func(sdk.Context) error{
		func(ctx sdk.Context) error {
			_, err := s.ms.AppealClaim(ctx, &types.MsgAppealClaim{Provider: s.addr(s.hospital), ClaimID: id, Reason: necessity})
			return err
		},
		func(ctx sdk.Context) error {
			_, err := s.ms.WithdrawClaim(ctx, &types.MsgWithdrawClaim{Provider: s.addr(s.hospital), ClaimID: id})
			return err
		},
		func(ctx sdk.Context) error {
			_, err := s.ms.CancelClaim(ctx, &types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: id, Reason: "27"})
			return err
		},
	} {
		s.refuse(types.ErrInvalidTransition, f)
	}
	// a cancelled claim survives export and import, holding no slot
	gs := s.export()
	s.Require().NoError(gs.Validate(testkit.AddressCodec))
	fresh := s.importInto(gs)
	s.Require().Equal(testkit.Dump(s.ctx, s.claimsKey), testkit.Dump(fresh.ctx, fresh.claimsKey))
}

func (s *KeeperTestSuite) TestCancelClaimRefusals() {
	suspendedPayer := testkit.Addr("suspended-payer")
	s.members.Admit(suspendedPayer, consortiumtypes.Role_ROLE_PAYER)
	s.suspend(suspendedPayer)
	payable := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150))).ID
	s.Require().Equal(stPayable, s.claim(payable).Status)
	denied := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99999", 1, 150))).ID
	// patient2's deductible takes the whole charge: plan pays 0, PAID at once
	paidNothing := s.submit(s.claimMsg(s.lab, s.patient2, s.cov2, line(cpt, "99213", 1, 50))).ID
	s.Require().Equal(stPaid, s.claim(paidNothing).Status)
	pended, _ := s.pendedClaim(s.patient2)
	cases := []struct {
		name string
		msg  types.MsgCancelClaim
		want error
	}{
		{"payer not an address", types.MsgCancelClaim{Payer: "payer", ClaimID: payable, Reason: "27"}, types.ErrInvalidAddress},
		{"the provider", types.MsgCancelClaim{Payer: s.addr(s.hospital), ClaimID: payable, Reason: "27"}, consortiumtypes.ErrMissingRole},
		{"the patient", types.MsgCancelClaim{Payer: s.addr(s.patient), ClaimID: payable, Reason: "27"}, consortiumtypes.ErrNotMember},
		{"a non-member", types.MsgCancelClaim{Payer: s.addr(s.stranger), ClaimID: payable, Reason: "27"}, consortiumtypes.ErrNotMember},
		{"a suspended payer", types.MsgCancelClaim{Payer: s.addr(suspendedPayer), ClaimID: payable, Reason: "27"}, consortiumtypes.ErrNotMember},
		{"another payer", types.MsgCancelClaim{Payer: s.addr(s.payer2), ClaimID: payable, Reason: "27"}, types.ErrNotPayer},
		{"unknown claim", types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: 99, Reason: "27"}, types.ErrClaimNotFound},
		{"no reason", types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: payable}, types.ErrInvalidCancel},
		{"free text reason", types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: payable, Reason: "coverage ended"}, types.ErrInvalidCancel},
		{"a paid claim", types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: paidNothing, Reason: "27"}, types.ErrInvalidTransition},
		{"a denied claim", types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: denied, Reason: "27"}, types.ErrInvalidTransition},
		{"a pended claim", types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: pended, Reason: "27"}, types.ErrInvalidTransition},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.CancelClaim(ctx, &tc.msg); return err })
		})
	}
}

// ---------------------------------------------------------------------------
// WithdrawEscrow
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestWithdrawEscrow() {
	s.fund(s.payer, 100)
	// 97110 ×100 charge 10,000: patient 500 (the maximum), plan 9,500: PAYABLE
	big := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "97110", 100, 10_000))).ID
	s.Require().Equal(stPayable, s.claim(big).Status)
	withdraw := func(amount int64) func(ctx sdk.Context) error {
		return func(ctx sdk.Context) error {
			_, err := s.ms.WithdrawEscrow(ctx, &types.MsgWithdrawEscrow{Payer: s.addr(s.payer), Amount: sdk.NewInt64Coin(denom, amount)})
			return err
		}
	}
	s.refuse(types.ErrEscrowOwed, withdraw(1)) // all 100 is owed to the payable claim

	s.tx(func(ctx sdk.Context) error {
		_, err := s.ms.CancelClaim(ctx, &types.MsgCancelClaim{Payer: s.addr(s.payer), ClaimID: big, Reason: "50"})
		return err
	})
	before := s.balance(s.payer)
	s.tx(withdraw(60))
	s.Require().Equal(before+60, s.balance(s.payer))
	s.Require().Equal(int64(40), s.escrowOf(s.payer))
	s.Require().Equal([]string{evEscrowWithdraw}, s.claimsEvents())
	s.refuse(types.ErrEscrowOwed, withdraw(41))
	s.tx(withdraw(40))
	s.Require().Zero(s.escrowOf(s.payer))
	s.Require().Equal(int64(payerFunds), s.balance(s.payer))
}

func (s *KeeperTestSuite) TestWithdrawEscrowRefusals() {
	suspendedPayer := testkit.Addr("suspended-payer")
	s.members.Admit(suspendedPayer, consortiumtypes.Role_ROLE_PAYER)
	s.mint(s.T(), suspendedPayer, 1_000)
	_, err := s.ms.FundEscrow(s.ctx, &types.MsgFundEscrow{Payer: s.addr(suspendedPayer), Amount: sdk.NewInt64Coin(denom, 1_000)})
	s.Require().NoError(err)
	s.suspend(suspendedPayer)
	s.fund(s.payer, 1_000)
	coin := sdk.NewInt64Coin(denom, 10)
	cases := []struct {
		name string
		msg  types.MsgWithdrawEscrow
		want error
	}{
		{"payer not an address", types.MsgWithdrawEscrow{Payer: "payer", Amount: coin}, types.ErrInvalidAddress},
		{"a provider", types.MsgWithdrawEscrow{Payer: s.addr(s.hospital), Amount: coin}, consortiumtypes.ErrMissingRole},
		{"a patient", types.MsgWithdrawEscrow{Payer: s.addr(s.patient), Amount: coin}, consortiumtypes.ErrNotMember},
		{"a non-member", types.MsgWithdrawEscrow{Payer: s.addr(s.stranger), Amount: coin}, consortiumtypes.ErrNotMember},
		{"a suspended payer", types.MsgWithdrawEscrow{Payer: s.addr(suspendedPayer), Amount: coin}, consortiumtypes.ErrNotMember},
		{"another payer (no escrow of its own)", types.MsgWithdrawEscrow{Payer: s.addr(s.payer2), Amount: coin}, types.ErrEscrowOwed},
		{"more than the escrow", types.MsgWithdrawEscrow{Payer: s.addr(s.payer), Amount: sdk.NewInt64Coin(denom, 1_001)}, types.ErrEscrowOwed},
		{"another denom", types.MsgWithdrawEscrow{Payer: s.addr(s.payer), Amount: sdk.NewInt64Coin("stake", 10)}, types.ErrInvalidFunds},
		{"zero", types.MsgWithdrawEscrow{Payer: s.addr(s.payer), Amount: sdk.NewInt64Coin(denom, 0)}, types.ErrInvalidFunds},
		{"no amount", types.MsgWithdrawEscrow{Payer: s.addr(s.payer), Amount: sdk.Coin{Denom: denom}}, types.ErrInvalidFunds},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.refuse(tc.want, func(ctx sdk.Context) error { _, err := s.ms.WithdrawEscrow(ctx, &tc.msg); return err })
		})
	}
}

// ---------------------------------------------------------------------------
// units, amounts and sequences
// ---------------------------------------------------------------------------

// TestPriorAuthUnitsCannotWrap: with 1 of 2 authorised units used, a line of
// 4,294,967,295 units wrapped the uint32 check before the fix, was paid, and
// left the authorisation reading as unused.
func (s *KeeperTestSuite) TestPriorAuthUnitsCannotWrap() {
	s.fund(s.payer, 100_000)
	pa := s.grantPA(s.cov, "70553", 2)
	s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 1, 1000)))
	s.Require().Equal(uint32(1), s.pa(pa).UnitsUsed)
	for _, units := range []uint32{stdmath.MaxUint32, types.MaxUnitsPerLine + 1} {
		s.refuse(types.ErrInvalidClaim, func(ctx sdk.Context) error {
			msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", units, 1000))
			msg.ServiceDate = serviceDate.Add(-24 * time.Hour)
			_, err := s.ms.SubmitClaim(ctx, msg)
			return err
		})
	}
	// two more units than are left: denied 197, nothing used
	msg := s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 2, 2000))
	msg.ServiceDate = serviceDate.Add(-24 * time.Hour)
	res := s.submit(msg)
	s.requireLines(res.ID, deny(types.CARCNoPriorAuth))
	s.Require().Equal(uint32(1), s.pa(pa).UnitsUsed)
}

func (s *KeeperTestSuite) TestGrantPriorAuthUnitsBounded() {
	s.refuse(types.ErrInvalidPriorAuth, func(ctx sdk.Context) error {
		_, err := s.ms.GrantPriorAuth(ctx, &types.MsgGrantPriorAuth{
			Payer: s.addr(s.payer), CoverageID: s.cov, Code: "70553", Units: types.MaxPriorAuthUnits + 1, Start: covStart, End: covEnd,
		})
		return err
	})
}

// TestExportInitGenesisAfterWithdraw: before the fix a wrapped line and a
// withdrawal left units_used above units, and the chain's own export was
// refused by InitGenesis. Now the wrapping line is refused, and after a
// withdrawal the export imports.
func (s *KeeperTestSuite) TestExportInitGenesisAfterWithdraw() {
	pa := s.grantPA(s.cov, "70553", 2)
	first := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 1, 1000))).ID
	s.refuse(types.ErrInvalidClaim, func(ctx sdk.Context) error {
		msg := s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "70553", stdmath.MaxUint32, 1000))
		_, err := s.ms.SubmitClaim(ctx, msg)
		return err
	})
	second := s.submit(s.claimMsg(s.lab, s.patient, s.cov, line(cpt, "70553", 1, 1000))).ID
	s.Require().Equal(uint32(2), s.pa(pa).UnitsUsed)
	s.withdraw(s.hospital, first)
	s.Require().Equal(uint32(1), s.pa(pa).UnitsUsed)
	s.Require().Equal(stPayable, s.claim(second).Status)

	gs := s.export()
	s.Require().NoError(gs.Validate(testkit.AddressCodec))
	fresh := s.importInto(gs)
	again, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, again)
	s.Require().Equal(testkit.Dump(s.ctx, s.claimsKey), testkit.Dump(fresh.ctx, fresh.claimsKey))
}

// TestReleaseNeverBelowZero: should a prior authorisation ever hold fewer
// used units than a claim gives back, the withdrawal is refused rather than
// wrapping units_used to four billion.
func (s *KeeperTestSuite) TestReleaseNeverBelowZero() {
	pa := s.grantPA(s.cov, "70553", 2)
	id := s.submit(s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "70553", 2, 2000))).ID
	p := s.pa(pa)
	p.UnitsUsed = 1
	s.Require().NoError(s.k.PriorAuths.Set(s.ctx, pa, p))
	s.refuse(types.ErrOverflow, func(ctx sdk.Context) error {
		_, err := s.ms.WithdrawClaim(ctx, &types.MsgWithdrawClaim{Provider: s.addr(s.hospital), ClaimID: id})
		return err
	})
}

// TestPlanAmountsBounded: amounts large enough to overflow math.Int in
// units × price (a panic at adjudication) are refused at plan creation and
// update; so are charges above MaxAmount.
func (s *KeeperTestSuite) TestPlanAmountsBounded() {
	huge := math.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 255)) // 2^255: × 2 units overflows 256 bits
	over := types.MaxAmount.AddRaw(1)
	cases := []struct {
		name string
		edit func(*types.MsgCreatePlan)
	}{
		{"allowed per unit 2^255", func(m *types.MsgCreatePlan) { m.Services[0].AllowedPerUnit = huge }},
		{"allowed per unit above the maximum", func(m *types.MsgCreatePlan) { m.Services[0].AllowedPerUnit = over }},
		{"copay above the maximum", func(m *types.MsgCreatePlan) { m.Services[0].Copay = over }},
		{"deductible above the maximum", func(m *types.MsgCreatePlan) { m.Deductible, m.OutOfPocketMax = over, over }},
		{"out-of-pocket maximum above the maximum", func(m *types.MsgCreatePlan) { m.OutOfPocketMax = over }},
		{"review threshold above the maximum", func(m *types.MsgCreatePlan) { m.ReviewThreshold = over }},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := s.planMsg(s.payer)
			tc.edit(msg)
			s.refuse(types.ErrInvalidPlan, func(ctx sdk.Context) error { _, err := s.ms.CreatePlan(ctx, msg); return err })
			up := &types.MsgUpdatePlan{Payer: msg.Payer, PlanID: s.plan, Name: msg.Name, Services: msg.Services,
				Deductible: msg.Deductible, OutOfPocketMax: msg.OutOfPocketMax, ReviewThreshold: msg.ReviewThreshold}
			s.refuse(types.ErrInvalidPlan, func(ctx sdk.Context) error { _, err := s.ms.UpdatePlan(ctx, up); return err })
		})
	}
	// at the maximum itself a plan is accepted, and a claim at the largest
	// units and charge is priced without overflow
	msg := s.planMsg(s.payer)
	for i := range msg.Services {
		msg.Services[i].AllowedPerUnit, msg.Services[i].Copay, msg.Services[i].CoinsuranceBps = types.MaxAmount, types.MaxAmount, 10_000
	}
	msg.Deductible, msg.OutOfPocketMax, msg.ReviewThreshold = types.MaxAmount, types.MaxAmount, n(0)
	cov := s.enroll(s.enrollMsg(s.payer, s.createPlan(msg), s.stranger))
	s.consentPayment(s.stranger, s.payer)
	s.consentTreatment(s.stranger, s.hospital)
	res := s.submit(s.claimMsg(s.hospital, s.stranger, cov, line(cpt, "99213", types.MaxUnitsPerLine, 1), types.ClaimLine{
		System: cpt, Code: "97110", Units: types.MaxUnitsPerLine, Charge: types.MaxAmount,
	}))
	s.Require().Equal(stPayable, res.Status)
	s.refuse(types.ErrInvalidClaim, func(ctx sdk.Context) error {
		_, err := s.ms.SubmitClaim(ctx, s.claimMsg(s.hospital, s.stranger, cov, types.ClaimLine{System: hcpcs, Code: "J1100", Units: 1, Charge: over}))
		return err
	})
}

// TestSequenceDoesNotWrap: the last uint64 id is never handed out, so ids
// cannot wrap to 0 and collide.
func (s *KeeperTestSuite) TestSequenceDoesNotWrap() {
	s.Require().NoError(s.k.ClaimSeq.Set(s.ctx, stdmath.MaxUint64))
	s.refuse(types.ErrOverflow, func(ctx sdk.Context) error {
		_, err := s.ms.SubmitClaim(ctx, s.claimMsg(s.hospital, s.patient, s.cov, line(cpt, "99213", 1, 150)))
		return err
	})
	has, err := s.k.Claims.Has(s.ctx, 0)
	s.Require().NoError(err)
	s.Require().False(has)
}
