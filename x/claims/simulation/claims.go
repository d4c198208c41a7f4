package simulation

import (
	"context"
	"time"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
)

// The claim flow: the patient's consents (payment to the payer, treatment
// to the provider), prior authorisations, submission (adjudicated at once:
// approved and paid or queued, pended for review, or denied), the payer's
// review, the provider's appeal and withdrawal, and the payer's cancellation.

// providerRoles are the roles that submit claims (as the msg server's).
var providerRoles = []ctypes.Role{ctypes.Role_ROLE_HOSPITAL, ctypes.Role_ROLE_LABORATORY, ctypes.Role_ROLE_PHARMACY}

// diagnosesHeader starts an age file, as the sealed diagnoses must.
const diagnosesHeader = "age-encryption.org/v1\n"

func now(ctx context.Context) time.Time { return sdk.UnwrapSDKContext(ctx).BlockTime() }

// liveCoverages returns up to 300 coverages that have started, are not
// ended and last at least another hour.
func liveCoverages(ctx context.Context, k keeper.Keeper) []types.Coverage {
	t := now(ctx)
	var out []types.Coverage
	_ = k.Coverages.Walk(ctx, nil, func(_ uint64, c types.Coverage) (bool, error) {
		if !c.Ended && !c.Start.After(t) && c.End.After(t.Add(time.Hour)) {
			out = append(out, c)
		}
		return len(out) >= 300, nil
	})
	return out
}

// claimsWhere returns up to 300 claims for which keep holds.
func claimsWhere(ctx context.Context, k keeper.Keeper, keep func(types.Claim) bool) []types.Claim {
	var out []types.Claim
	_ = k.Claims.Walk(ctx, nil, func(_ uint64, c types.Claim) (bool, error) {
		if keep(c) {
			out = append(out, c)
		}
		return len(out) >= 300, nil
	})
	return out
}

// paymentConsent reports whether the patient's consent lets the payer see
// claims (the submission's and the appeal's first check).
func paymentConsent(ctx context.Context, k keeper.Keeper, patient, payer sdk.AccAddress) bool {
	_, err := k.ConsentKeeper().Authorize(ctx, patient, payer, consenttypes.PurposePayment, keeper.CategoryClaim)
	return err == nil
}

// treatmentConsent reports whether the patient consented to treatment by
// the provider (break-glass access does not count), as the msg server asks.
func treatmentConsent(ctx context.Context, k keeper.Keeper, patient, provider sdk.AccAddress) bool {
	for _, p := range []string{keeper.PurposeTreatment, keeper.PurposeEmergencyTreatment} {
		if auth, err := k.ConsentKeeper().Authorize(ctx, patient, provider, p, keeper.CategoryClaim); err == nil && auth.ConsentID != 0 {
			return true
		}
	}
	return false
}

// ClaimConsent is a covered patient granting the consents a claim needs:
// disclosure for payment to the coverage's payer, or treatment by a
// provider, over the "Claim" category for thirty days. A consent the
// patient already has is not granted again; an overlapping one the factory
// does not see (none, unless a consent with a future start exists) is
// refused by x/consent.
func ClaimConsent(k keeper.Keeper) simsx.SimMsgFactoryFn[*consenttypes.MsgGrantConsent] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *consenttypes.MsgGrantConsent) {
		c := csim.Pick(data, reporter, "live coverage", liveCoverages(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		patient := data.GetAccount(reporter, c.Patient)
		if reporter.IsSkipped() {
			return nil, nil
		}
		var grantee simsx.SimAccount
		purpose := keeper.PurposePayment
		if data.Rand().Bool() {
			grantee = data.GetAccount(reporter, c.Payer)
			if !reporter.IsSkipped() && (grantee.AddressBech32 == c.Patient || paymentConsent(ctx, k, patient.Address, grantee.Address)) {
				reporter.Skip("the payer has the payment consent, or is the patient")
			}
		} else {
			purpose = keeper.PurposeTreatment
			// Not the patient itself (a patient may have been admitted as
			// a member since): a patient consents to no one for their own data.
			grantee = csim.AccountWhere(data, reporter, "provider", func(a simsx.SimAccount) bool {
				return a.AddressBech32 != c.Patient && k.ConsortiumKeeper().RequireRole(ctx, a.Address, providerRoles...) == nil
			})
			if !reporter.IsSkipped() && treatmentConsent(ctx, k, patient.Address, grantee.Address) {
				reporter.Skip("the provider has the treatment consent")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{patient}, &consenttypes.MsgGrantConsent{
			Signer: patient.AddressBech32, Patient: patient.AddressBech32, Grantee: grantee.AddressBech32,
			Purpose: purpose, Categories: []string{keeper.CategoryClaim}, End: now(ctx).AddDate(0, 0, 30),
		}
	}
}

type submitMode int

const (
	submitOK submitMode = iota
	submitWrongPatient
	submitNoTreatment
	submitNotProvider
)

func randomBytes(data *simsx.ChainDataSource, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(data.Rand().IntInRange(0, 256))
	}
	return b
}

// lines bills one to three of the plan's services (a code outside the plan,
// now and then, which adjudication denies) with charges around the plan's
// review threshold, so claims are approved, pended and denied.
func lines(data *simsx.ChainDataSource, p types.Plan) []types.ClaimLine {
	r := data.Rand()
	n := r.IntInRange(1, 4)
	out := make([]types.ClaimLine, 0, n)
	for i := 0; i < n; i++ {
		l := types.ClaimLine{System: types.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", Units: uint32(r.IntInRange(1, 4)),
			Charge: math.NewInt(int64(r.IntInRange(100, 30_000)))}
		if len(p.Services) > 0 && r.IntInRange(0, 5) != 0 {
			s := p.Services[r.IntInRange(0, len(p.Services))]
			l.System, l.Code = s.System, s.Code
		}
		out = append(out, l)
	}
	return out
}

// SubmitClaim is a provider with the patient's treatment consent billing a
// live coverage whose payer has the payment consent. The refused modes: the
// coverage of another patient (submitWrongPatient), a provider without the
// treatment consent (submitNoTreatment), a member that is no provider
// (submitNotProvider).
func SubmitClaim(k keeper.Keeper, mode submitMode) simsx.SimMsgFactoryFn[*types.MsgSubmitClaim] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSubmitClaim) {
		rc := k.ConsortiumKeeper()
		c := csim.Pick(data, reporter, "live coverage", liveCoverages(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		patient := data.GetAccount(reporter, c.Patient)
		payer := data.GetAccount(reporter, c.Payer)
		if reporter.IsSkipped() {
			return nil, nil
		}
		var provider simsx.SimAccount
		switch mode {
		case submitOK, submitNoTreatment:
			if !paymentConsent(ctx, k, patient.Address, payer.Address) {
				reporter.Skip("no payment consent")
				return nil, nil
			}
			want := mode == submitOK
			provider = csim.AccountWhere(data, reporter, "provider", func(a simsx.SimAccount) bool {
				return a.AddressBech32 != c.Patient && rc.RequireRole(ctx, a.Address, providerRoles...) == nil && treatmentConsent(ctx, k, patient.Address, a.Address) == want
			})
		case submitWrongPatient:
			provider = csim.MemberWithRole(ctx, data, reporter, rc, providerRoles...)
			other := csim.Patient(ctx, data, reporter, rc)
			if !reporter.IsSkipped() && other.AddressBech32 == c.Patient {
				reporter.Skip("picked the coverage's patient")
			}
			patient = other
		case submitNotProvider:
			provider = csim.Outsider(ctx, data, reporter, rc, providerRoles...)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		p, err := k.Plans.Get(ctx, c.PlanID)
		if err != nil {
			reporter.Skipf("plan: %s", err)
			return nil, nil
		}
		ciphertext := append([]byte(diagnosesHeader), randomBytes(data, types.DiagnosesPadding)...)
		return []simsx.SimAccount{provider}, &types.MsgSubmitClaim{
			Provider: provider.AddressBech32, Patient: patient.AddressBech32, CoverageID: c.ID,
			ServiceDate: now(ctx).Add(-time.Duration(data.Rand().IntInRange(0, 3600)) * time.Second),
			Lines:       lines(data, p), DiagnosesCommitment: randomBytes(data, types.DiagnosesCommitmentSize), DiagnosesCiphertext: ciphertext,
		}
	}
}

// claimPayer returns the claim's payer when still an active payer, or skips.
func claimPayer(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, c types.Claim) simsx.SimAccount {
	return payerOf(ctx, k, data, reporter, c.Payer)
}

// claimProvider returns the claim's provider when still an active provider,
// or skips.
func claimProvider(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, c types.Claim) simsx.SimAccount {
	a := data.GetAccount(reporter, c.Provider)
	if !reporter.IsSkipped() && k.ConsortiumKeeper().RequireRole(ctx, a.Address, providerRoles...) != nil {
		reporter.Skip("provider no longer active")
	}
	return a
}

// otherWithRole returns an active member with one of roles other than not,
// or skips.
func otherWithRole(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, not string, roles ...ctypes.Role) simsx.SimAccount {
	a := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), roles...)
	if !reporter.IsSkipped() && a.AddressBech32 == not {
		reporter.Skip("picked the claim's own party")
	}
	return a
}

func reviewable(c types.Claim) bool {
	return c.Status == types.ClaimStatus_CLAIM_STATUS_PENDED || c.Status == types.ClaimStatus_CLAIM_STATUS_APPEALED
}

type reviewMode int

const (
	reviewOK reviewMode = iota
	reviewOtherPayer
	reviewNotPended
)

// ReviewClaim is the payer deciding a pended or appealed claim: approve,
// deny with a CARC code, or (with two lines or more) approve some lines; a
// claim settled on Ethereum is only denied here (see RevealSettlement).
// Refused: another payer's review (reviewOtherPayer), a review of a claim
// that is not pended or appealed (reviewNotPended).
func ReviewClaim(k keeper.Keeper, mode reviewMode) simsx.SimMsgFactoryFn[*types.MsgReviewClaim] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReviewClaim) {
		c := csim.Pick(data, reporter, "claim", claimsWhere(ctx, k, func(c types.Claim) bool { return reviewable(c) == (mode != reviewNotPended) }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var payer simsx.SimAccount
		if mode == reviewOtherPayer {
			payer = otherWithRole(ctx, k, data, reporter, c.Payer, ctypes.Role_ROLE_PAYER)
		} else {
			payer = claimPayer(ctx, k, data, reporter, c)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		msg := &types.MsgReviewClaim{Payer: payer.AddressBech32, ClaimID: c.ID, Decision: types.ReviewDecision_REVIEW_DECISION_APPROVE}
		r := data.Rand()
		choice := r.IntInRange(0, 3)
		if c.Settlement == types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC {
			// Settled on Ethereum: approved only with the lock's preimage
			// (RevealSettlement); denied here, which lapses the lock.
			choice = 1
		}
		switch choice {
		case 1:
			msg.Decision, msg.Reason = types.ReviewDecision_REVIEW_DECISION_DENY, "50"
		case 2:
			if len(c.Lines) >= 2 {
				msg.Decision, msg.Reason = types.ReviewDecision_REVIEW_DECISION_PARTIAL, "96"
				msg.ApproveLines = []uint64{uint64(r.IntInRange(0, len(c.Lines)))}
			}
		}
		return []simsx.SimAccount{payer}, msg
	}
}

func appealable(c types.Claim) bool {
	partial := c.Outcome == types.ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED &&
		(c.Status == types.ClaimStatus_CLAIM_STATUS_PAID || c.Status == types.ClaimStatus_CLAIM_STATUS_PAYABLE)
	// A claim paid on Ethereum cannot be appealed: its denied lines are
	// billed again in a new claim.
	evmPaid := c.Status == types.ClaimStatus_CLAIM_STATUS_PAID && c.Settlement == types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC
	return !c.Appealed && !evmPaid && (c.Status == types.ClaimStatus_CLAIM_STATUS_DENIED || partial)
}

// AppealClaim is the provider appealing a denied or partially approved
// claim, once, while the patient's consents still hold; with own false
// another provider, which is refused.
func AppealClaim(k keeper.Keeper, own bool) simsx.SimMsgFactoryFn[*types.MsgAppealClaim] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAppealClaim) {
		c := csim.Pick(data, reporter, "appealable claim", claimsWhere(ctx, k, appealable))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var provider simsx.SimAccount
		if own {
			provider = claimProvider(ctx, k, data, reporter, c)
			patient, payer := data.GetAccount(reporter, c.Patient), data.GetAccount(reporter, c.Payer)
			if !reporter.IsSkipped() && (!paymentConsent(ctx, k, patient.Address, payer.Address) || !treatmentConsent(ctx, k, patient.Address, provider.Address)) {
				reporter.Skip("the patient's consents lapsed")
			}
		} else {
			provider = otherWithRole(ctx, k, data, reporter, c.Provider, providerRoles...)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		reason := types.AppealReason(data.Rand().IntInRange(1, len(types.AppealReason_name)))
		return []simsx.SimAccount{provider}, &types.MsgAppealClaim{Provider: provider.AddressBech32, ClaimID: c.ID, Reason: reason}
	}
}

func withdrawable(c types.Claim) bool {
	return types.CanTransition(c.Status, types.ClaimStatus_CLAIM_STATUS_WITHDRAWN) && !c.Paid.IsPositive()
}

// WithdrawClaim is the provider taking back an unpaid claim; with valid
// false the provider of a claim that can no longer be withdrawn (paid,
// denied, withdrawn or cancelled), which is refused.
func WithdrawClaim(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgWithdrawClaim] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgWithdrawClaim) {
		c := csim.Pick(data, reporter, "claim", claimsWhere(ctx, k, func(c types.Claim) bool { return withdrawable(c) == valid }))
		if reporter.IsSkipped() {
			return nil, nil
		}
		provider := claimProvider(ctx, k, data, reporter, c)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{provider}, &types.MsgWithdrawClaim{Provider: provider.AddressBech32, ClaimID: c.ID}
	}
}

// CancelClaim is the payer cancelling a payable claim with nothing paid
// (CARC 27: expenses after coverage ended); with own false another payer,
// which is refused.
func CancelClaim(k keeper.Keeper, own bool) simsx.SimMsgFactoryFn[*types.MsgCancelClaim] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCancelClaim) {
		c := csim.Pick(data, reporter, "payable claim", claimsWhere(ctx, k, func(c types.Claim) bool {
			return c.Status == types.ClaimStatus_CLAIM_STATUS_PAYABLE && c.Paid.IsZero()
		}))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var payer simsx.SimAccount
		if own {
			payer = claimPayer(ctx, k, data, reporter, c)
		} else {
			payer = otherWithRole(ctx, k, data, reporter, c.Payer, ctypes.Role_ROLE_PAYER)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{payer}, &types.MsgCancelClaim{Payer: payer.AddressBech32, ClaimID: c.ID, Reason: "27"}
	}
}

// GrantPriorAuth is the payer authorising units of one of the plan's
// services on a live coverage for ninety days; with valid false the code is
// no CPT, HCPCS or NDC code, which is refused.
func GrantPriorAuth(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgGrantPriorAuth] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgGrantPriorAuth) {
		c := csim.Pick(data, reporter, "live coverage", liveCoverages(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		payer := payerOf(ctx, k, data, reporter, c.Payer)
		if reporter.IsSkipped() {
			return nil, nil
		}
		code := "99213"
		if p, err := k.Plans.Get(ctx, c.PlanID); err == nil && len(p.Services) > 0 {
			code = p.Services[data.Rand().IntInRange(0, len(p.Services))].Code
		}
		if !valid {
			code = "9921"
		}
		t := now(ctx)
		return []simsx.SimAccount{payer}, &types.MsgGrantPriorAuth{
			Payer: payer.AddressBech32, CoverageID: c.ID, Code: code, Units: uint32(data.Rand().IntInRange(1, 20)),
			Start: t, End: t.AddDate(0, 0, 90),
		}
	}
}
