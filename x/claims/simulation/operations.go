package simulation

import (
	"context"
	"fmt"
	"time"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
)

// Register adds x/claims' operations: plans, coverages, prior
// authorisations, escrow, the claim flow (claims.go) and params, accepted
// and refused.
func Register(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	notPayer := csim.Errs(ctypes.ErrMissingRole, ctypes.ErrNotMember)
	notMember := notPayer
	reg.Add(weights.Get("claims_create_plan", 5), csim.Succeed(CreatePlan(k, true)))
	reg.Add(weights.Get("claims_create_plan_not_payer", 2), csim.Refuse(d, notPayer, CreatePlan(k, false)))
	reg.Add(weights.Get("claims_update_plan", 3), csim.Succeed(UpdatePlan(k, true)))
	reg.Add(weights.Get("claims_update_plan_other_payer", 2), csim.Refuse(d, csim.Errs(types.ErrNotPayer, ctypes.ErrMissingRole, ctypes.ErrNotMember), UpdatePlan(k, false)))
	reg.Add(weights.Get("claims_enroll", 8), csim.Succeed(Enroll(k, true)))
	reg.Add(weights.Get("claims_enroll_bad_mac", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidCoverage), Enroll(k, false)))
	reg.Add(weights.Get("claims_end_coverage", 2), csim.Succeed(EndCoverage(k, true)))
	reg.Add(weights.Get("claims_end_coverage_other_payer", 2), csim.Refuse(d, csim.Errs(types.ErrNotPayer, ctypes.ErrMissingRole, ctypes.ErrNotMember), EndCoverage(k, false)))
	reg.Add(weights.Get("claims_fund_escrow", 6), csim.Succeed(FundEscrow(k, true)))
	reg.Add(weights.Get("claims_fund_escrow_other_denom", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidFunds), FundEscrow(k, false)))
	reg.Add(weights.Get("claims_withdraw_escrow", 3), csim.Succeed(WithdrawEscrow(k, true)))
	reg.Add(weights.Get("claims_withdraw_escrow_too_much", 2), csim.Refuse(d, csim.Errs(types.ErrEscrowOwed, types.ErrInvalidFunds, sdkerrors.ErrInsufficientFunds), WithdrawEscrow(k, false)))
	reg.Add(weights.Get("claims_grant_prior_auth", 3), csim.Succeed(GrantPriorAuth(k, true)))
	reg.Add(weights.Get("claims_grant_prior_auth_bad_code", 1), csim.Refuse(d, csim.Errs(types.ErrInvalidCode), GrantPriorAuth(k, false)))
	// The consents a claim needs are x/consent messages; x/consent's own
	// factories check its refusals and state.
	reg.Add(weights.Get("claims_patient_consent", 12), csim.Attempt(nil, csim.Errs(consenttypes.ErrOverlappingConsent), ClaimConsent(k)))
	reg.Add(weights.Get("claims_submit", 15), csim.Succeed(SubmitClaim(k, submitOK)))
	reg.Add(weights.Get("claims_submit_wrong_patient", 2), csim.Refuse(d, csim.Errs(types.ErrCoveragePatient), SubmitClaim(k, submitWrongPatient)))
	reg.Add(weights.Get("claims_submit_no_treatment", 2), csim.Refuse(d, csim.Errs(types.ErrNoTreatment), SubmitClaim(k, submitNoTreatment)))
	reg.Add(weights.Get("claims_submit_not_provider", 2), csim.Refuse(d, notMember, SubmitClaim(k, submitNotProvider)))
	reg.Add(weights.Get("claims_review", 8), csim.Succeed(ReviewClaim(k, reviewOK)))
	reg.Add(weights.Get("claims_review_other_payer", 2), csim.Refuse(d, csim.Errs(types.ErrNotPayer), ReviewClaim(k, reviewOtherPayer)))
	reg.Add(weights.Get("claims_review_not_pended", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidTransition), ReviewClaim(k, reviewNotPended)))
	reg.Add(weights.Get("claims_lock_settlement", 3), csim.Succeed(LockSettlement(k, true)))
	reg.Add(weights.Get("claims_lock_settlement_too_soon", 1), csim.Refuse(d, csim.Errs(types.ErrSettlementTooSoon), LockSettlement(k, false)))
	reg.Add(weights.Get("claims_confirm_settlement", 3), csim.Succeed(ConfirmSettlement(k, true)))
	reg.Add(weights.Get("claims_confirm_settlement_not_provider", 1), csim.Refuse(d, csim.Errs(types.ErrNotProvider), ConfirmSettlement(k, false)))
	reg.Add(weights.Get("claims_review_reveal_unconfirmed", 1), csim.Refuse(d, csim.Errs(types.ErrSettlementUnconfirmed), RevealUnconfirmed(k)))
	reg.Add(weights.Get("claims_review_reveal", 4), csim.Attempt(d, csim.Errs(types.ErrInvalidReview), RevealSettlement(k, true)))
	reg.Add(weights.Get("claims_review_wrong_preimage", 1), csim.Refuse(d, csim.Errs(types.ErrPreimageMismatch), RevealSettlement(k, false)))
	reg.Add(weights.Get("claims_appeal", 4), csim.Succeed(AppealClaim(k, true)))
	reg.Add(weights.Get("claims_appeal_other_provider", 2), csim.Refuse(d, csim.Errs(types.ErrNotProvider), AppealClaim(k, false)))
	reg.Add(weights.Get("claims_withdraw", 2), csim.Succeed(WithdrawClaim(k, true)))
	reg.Add(weights.Get("claims_withdraw_settled", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidTransition), WithdrawClaim(k, false)))
	reg.Add(weights.Get("claims_cancel", 2), csim.Succeed(CancelClaim(k, true)))
	reg.Add(weights.Get("claims_cancel_other_payer", 2), csim.Refuse(d, csim.Errs(types.ErrNotPayer), CancelClaim(k, false)))
	reg.Add(weights.Get("claims_update_params", 1), csim.Succeed(UpdateParams(true)))
	reg.Add(weights.Get("claims_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(false)))
}

func services(data *simsx.ChainDataSource) []types.CoveredService {
	r := data.Rand()
	cpt := fmt.Sprintf("%05d", r.IntInRange(10000, 99999))
	return []types.CoveredService{{
		System: types.CodeSystem_CODE_SYSTEM_CPT, Code: cpt,
		AllowedPerUnit: math.NewInt(int64(r.IntInRange(100, 10_000))), Copay: math.NewInt(int64(r.IntInRange(0, 50))),
		CoinsuranceBps: uint32(r.IntInRange(0, 3000)),
	}}
}

// CreatePlan is a payer defining a plan with one CPT service; with payer
// false a member without the payer role, which is refused.
func CreatePlan(k keeper.Keeper, payer bool) simsx.SimMsgFactoryFn[*types.MsgCreatePlan] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCreatePlan) {
		rc := k.ConsortiumKeeper()
		var signer simsx.SimAccount
		if payer {
			signer = csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_PAYER)
		} else {
			signer = csim.Outsider(ctx, data, reporter, rc, ctypes.Role_ROLE_PAYER)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		ded := math.NewInt(int64(r.IntInRange(0, 1000)))
		return []simsx.SimAccount{signer}, &types.MsgCreatePlan{
			Payer: signer.AddressBech32, Name: fmt.Sprintf("Simulated Plan %d", r.IntInRange(0, 1000)), Services: services(data),
			Deductible: ded, OutOfPocketMax: ded.AddRaw(int64(r.IntInRange(0, 5000))), ReviewThreshold: math.NewInt(int64(r.IntInRange(0, 20_000))),
			Settlement: settlementMethod(data),
		}
	}
}

// settlementMethod is escrow for three plans in four, else hash-time-locked
// settlement on Ethereum (whose claims pend for the payer's lock).
func settlementMethod(data *simsx.ChainDataSource) types.SettlementMethod {
	if data.Rand().IntInRange(0, 4) == 0 {
		return types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC
	}
	return types.SettlementMethod_SETTLEMENT_METHOD_ESCROW
}

func plans(ctx context.Context, k keeper.Keeper) []types.Plan {
	var out []types.Plan
	_ = k.Plans.Walk(ctx, nil, func(_ uint64, p types.Plan) (bool, error) {
		out = append(out, p)
		return len(out) >= 300, nil
	})
	return out
}

// payerOf returns the plan's payer when still an active payer, or skips.
func payerOf(ctx context.Context, k keeper.Keeper, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, payer string) simsx.SimAccount {
	a := data.GetAccount(reporter, payer)
	if !reporter.IsSkipped() && k.ConsortiumKeeper().RequireRole(ctx, a.Address, ctypes.Role_ROLE_PAYER) != nil {
		reporter.Skip("payer no longer active")
	}
	return a
}

// UpdatePlan is a payer changing its plan's terms; with own false another
// payer, which is refused.
func UpdatePlan(k keeper.Keeper, own bool) simsx.SimMsgFactoryFn[*types.MsgUpdatePlan] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdatePlan) {
		p := csim.Pick(data, reporter, "plan", plans(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var signer simsx.SimAccount
		if own {
			signer = payerOf(ctx, k, data, reporter, p.Payer)
		} else {
			signer = csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_PAYER)
			if !reporter.IsSkipped() && signer.AddressBech32 == p.Payer {
				reporter.Skip("picked the plan's payer")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgUpdatePlan{
			Payer: signer.AddressBech32, PlanID: p.ID, Name: p.Name, Services: services(data),
			Deductible: p.Deductible, OutOfPocketMax: p.OutOfPocketMax, ReviewThreshold: p.ReviewThreshold, Settlement: p.Settlement,
		}
	}
}

// Enroll enrols a patient in a payer's plan for a year with a 32-byte member
// id MAC; with valid false the MAC is 31 bytes, which is refused.
func Enroll(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgEnroll] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgEnroll) {
		p := csim.Pick(data, reporter, "plan", plans(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		payer := payerOf(ctx, k, data, reporter, p.Payer)
		patient := csim.Patient(ctx, data, reporter, k.ConsortiumKeeper())
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := data.Rand()
		mac := make([]byte, 32)
		for i := range mac {
			mac[i] = byte(r.IntInRange(0, 256))
		}
		if !valid {
			mac = mac[:31]
		}
		now := sdk.UnwrapSDKContext(ctx).BlockTime()
		return []simsx.SimAccount{payer}, &types.MsgEnroll{
			Payer: payer.AddressBech32, PlanID: p.ID, Patient: patient.AddressBech32, Start: now, End: now.AddDate(1, 0, 0),
			MemberIDMAC: mac, MemberIDScheme: types.MemberIDScheme_MEMBER_ID_SCHEME_HMAC_SHA256_V1,
		}
	}
}

// EndCoverage is a payer ending one of its live coverages; with own false
// another payer, which is refused.
func EndCoverage(k keeper.Keeper, own bool) simsx.SimMsgFactoryFn[*types.MsgEndCoverage] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgEndCoverage) {
		now := sdk.UnwrapSDKContext(ctx).BlockTime()
		var covs []types.Coverage
		_ = k.Coverages.Walk(ctx, nil, func(_ uint64, c types.Coverage) (bool, error) {
			if !c.Ended && c.End.After(now.Add(time.Hour)) {
				covs = append(covs, c)
			}
			return len(covs) >= 300, nil
		})
		c := csim.Pick(data, reporter, "live coverage", covs)
		if reporter.IsSkipped() {
			return nil, nil
		}
		var signer simsx.SimAccount
		if own {
			signer = payerOf(ctx, k, data, reporter, c.Payer)
		} else {
			signer = csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_PAYER)
			if !reporter.IsSkipped() && signer.AddressBech32 == c.Payer {
				reporter.Skip("picked the coverage's payer")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgEndCoverage{Payer: signer.AddressBech32, CoverageID: c.ID, End: now.Add(time.Minute)}
	}
}

func settlementDenom(ctx context.Context, k keeper.Keeper) string {
	p, err := k.Params.Get(ctx)
	if err != nil || p.SettlementDenom == "" {
		return types.DefaultParams().SettlementDenom
	}
	return p.SettlementDenom
}

// FundEscrow is a payer moving some of its settlement-denom balance into
// escrow; with valid false another denom, which is refused.
func FundEscrow(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgFundEscrow] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgFundEscrow) {
		payer := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_PAYER)
		if reporter.IsSkipped() {
			return nil, nil
		}
		denom := settlementDenom(ctx, k)
		amount := sdk.NewInt64Coin(denom, int64(data.Rand().IntInRange(1, 10_000)))
		if !valid {
			amount.Denom = "ustable"
		} else if !payer.LiquidBalance().BlockAmount(amount) {
			reporter.Skip("payer's balance too low")
			return nil, nil
		}
		return []simsx.SimAccount{payer}, &types.MsgFundEscrow{Payer: payer.AddressBech32, Amount: amount}
	}
}

// WithdrawEscrow is a payer taking back escrow its payable claims are not
// owed; with valid false more than that, which is refused.
func WithdrawEscrow(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgWithdrawEscrow] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgWithdrawEscrow) {
		payer := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_PAYER)
		if reporter.IsSkipped() {
			return nil, nil
		}
		escrow, err := k.Escrow.Get(ctx, payer.Address)
		if err != nil {
			escrow = math.ZeroInt()
		}
		owed, err := k.Owed.Get(ctx, payer.Address)
		if err != nil {
			owed = math.ZeroInt()
		}
		// Owed may exceed the escrow (payable claims wait for funding).
		free := math.MaxInt(escrow.Sub(owed), math.ZeroInt())
		var amount math.Int
		if valid {
			if !free.IsPositive() {
				reporter.Skip("no free escrow")
				return nil, nil
			}
			amount = math.NewInt(int64(data.Rand().IntInRange(1, int(min(free.Int64(), 1<<40))+1)))
		} else {
			amount = free.AddRaw(int64(data.Rand().IntInRange(1, 1000)))
		}
		return []simsx.SimAccount{payer}, &types.MsgWithdrawEscrow{Payer: payer.AddressBech32, Amount: sdk.NewCoin(settlementDenom(ctx, k), amount)}
	}
}
