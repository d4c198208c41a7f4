package keeper

import (
	"context"
	"regexp"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/text"
	"github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

type msgServer struct {
	k Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the claims Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

var (
	providerRoles = []consortiumtypes.Role{consortiumtypes.Role_ROLE_HOSPITAL, consortiumtypes.Role_ROLE_LABORATORY, consortiumtypes.Role_ROLE_PHARMACY}
	carcCode      = regexp.MustCompile(`^[A-Z]?[0-9]{1,3}$`)
)

// PurposePayment and CategoryClaim are what a claim needs the patient's
// consent to the payer for; PurposeTreatment or PurposeEmergencyTreatment,
// for category Claim (or all categories), is what it needs the patient's
// consent to the provider for: the treatment relationship.
const (
	PurposePayment            = consenttypes.PurposePayment
	PurposeTreatment          = consenttypes.PurposeTreatment
	PurposeEmergencyTreatment = consenttypes.PurposeEmergency
	CategoryClaim             = "Claim"
)

func validName(s string) error {
	if err := text.Check(s, 128); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidPlan, "name %s", err)
	}
	return nil
}

func (m msgServer) payer(ctx context.Context, s string) (sdk.AccAddress, error) {
	payer, err := m.k.parseAddress("payer", s)
	if err != nil {
		return nil, err
	}
	return payer, m.k.consortium.RequireRole(ctx, payer, consortiumtypes.Role_ROLE_PAYER)
}

func (m msgServer) planTerms(ctx context.Context, name string, services []types.CoveredService, ded, oop, threshold math.Int, settlement types.SettlementMethod) ([]types.CoveredService, error) {
	if err := validName(name); err != nil {
		return nil, err
	}
	if err := types.ValidateSettlementMethod(settlement); err != nil {
		return nil, err
	}
	params, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	sorted, err := types.NormalizeServices(services, params.MaxServices)
	if err != nil {
		return nil, err
	}
	return sorted, types.ValidatePlanAmounts(ded, oop, threshold)
}

// CreatePlan implements types.MsgServer.
func (m msgServer) CreatePlan(ctx context.Context, msg *types.MsgCreatePlan) (*types.MsgCreatePlanResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	services, err := m.planTerms(ctx, msg.Name, msg.Services, msg.Deductible, msg.OutOfPocketMax, msg.ReviewThreshold, msg.Settlement)
	if err != nil {
		return nil, err
	}
	id, err := m.k.nextID(ctx, m.k.PlanSeq, "plan")
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p := types.Plan{
		ID: id, Payer: m.k.addrString(payer), Name: msg.Name, Services: services, Deductible: msg.Deductible,
		OutOfPocketMax: msg.OutOfPocketMax, ReviewThreshold: msg.ReviewThreshold, UpdatedAt: sdkCtx.BlockTime(),
		Settlement: msg.Settlement,
	}
	if err := m.k.Plans.Set(ctx, id, p); err != nil {
		return nil, err
	}
	return &types.MsgCreatePlanResponse{ID: id}, sdkCtx.EventManager().EmitTypedEvent(&types.EventPlanDefined{PlanID: id, Payer: p.Payer})
}

func (m msgServer) ownPlan(ctx context.Context, payer sdk.AccAddress, id uint64) (types.Plan, error) {
	p, err := getOr(ctx, m.k.Plans, id, errorsmod.Wrapf(types.ErrPlanNotFound, "%d", id))
	if err != nil {
		return p, err
	}
	if p.Payer != m.k.addrString(payer) {
		return p, errorsmod.Wrapf(types.ErrNotPayer, "plan %d belongs to %s", id, p.Payer)
	}
	return p, nil
}

// UpdatePlan implements types.MsgServer. Claims already adjudicated keep
// their results; later adjudications use the new terms.
func (m msgServer) UpdatePlan(ctx context.Context, msg *types.MsgUpdatePlan) (*types.MsgUpdatePlanResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	p, err := m.ownPlan(ctx, payer, msg.PlanID)
	if err != nil {
		return nil, err
	}
	services, err := m.planTerms(ctx, msg.Name, msg.Services, msg.Deductible, msg.OutOfPocketMax, msg.ReviewThreshold, msg.Settlement)
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p.Name, p.Services, p.Deductible, p.OutOfPocketMax, p.ReviewThreshold, p.UpdatedAt, p.Settlement =
		msg.Name, services, msg.Deductible, msg.OutOfPocketMax, msg.ReviewThreshold, sdkCtx.BlockTime(), msg.Settlement
	if err := m.k.Plans.Set(ctx, p.ID, p); err != nil {
		return nil, err
	}
	return &types.MsgUpdatePlanResponse{}, sdkCtx.EventManager().EmitTypedEvent(&types.EventPlanDefined{PlanID: p.ID, Payer: p.Payer})
}

// Enroll implements types.MsgServer.
func (m msgServer) Enroll(ctx context.Context, msg *types.MsgEnroll) (*types.MsgEnrollResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	patient, err := m.k.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	if _, err := m.ownPlan(ctx, payer, msg.PlanID); err != nil {
		return nil, err
	}
	if err := types.ValidateMemberIDMAC(msg.MemberIDMAC, msg.MemberIDScheme); err != nil {
		return nil, err
	}
	if !msg.End.After(msg.Start) {
		return nil, errorsmod.Wrap(types.ErrInvalidCoverage, "end must be after start")
	}
	id, err := m.k.nextID(ctx, m.k.CoverageSeq, "coverage")
	if err != nil {
		return nil, err
	}
	c := types.Coverage{
		ID: id, PlanID: msg.PlanID, Payer: m.k.addrString(payer), Patient: m.k.addrString(patient),
		MemberIDMAC: msg.MemberIDMAC, MemberIDScheme: msg.MemberIDScheme, Start: msg.Start.UTC(), End: msg.End.UTC(),
	}
	if err := m.k.Coverages.Set(ctx, id, c); err != nil {
		return nil, err
	}
	return &types.MsgEnrollResponse{CoverageID: id}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventCoverageChanged{CoverageID: id, Payer: c.Payer, Patient: c.Patient})
}

func (m msgServer) ownCoverage(ctx context.Context, payer sdk.AccAddress, id uint64) (types.Coverage, error) {
	c, err := getOr(ctx, m.k.Coverages, id, errorsmod.Wrapf(types.ErrCoverageNotFound, "%d", id))
	if err != nil {
		return c, err
	}
	if c.Payer != m.k.addrString(payer) {
		return c, errorsmod.Wrapf(types.ErrNotPayer, "coverage %d belongs to %s", id, c.Payer)
	}
	return c, nil
}

// EndCoverage implements types.MsgServer: services on or after end are not covered.
func (m msgServer) EndCoverage(ctx context.Context, msg *types.MsgEndCoverage) (*types.MsgEndCoverageResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	c, err := m.ownCoverage(ctx, payer, msg.CoverageID)
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	switch {
	case c.Ended:
		return nil, errorsmod.Wrapf(types.ErrInvalidCoverage, "coverage %d already ended", c.ID)
	case msg.End.Before(sdkCtx.BlockTime()):
		return nil, errorsmod.Wrap(types.ErrInvalidCoverage, "coverage cannot end in the past: claims already adjudicated would not match")
	case msg.End.After(c.End) || !msg.End.After(c.Start):
		return nil, errorsmod.Wrap(types.ErrInvalidCoverage, "end must lie within the coverage period")
	}
	c.End, c.Ended = msg.End.UTC(), true
	if err := m.k.Coverages.Set(ctx, c.ID, c); err != nil {
		return nil, err
	}
	return &types.MsgEndCoverageResponse{}, sdkCtx.EventManager().EmitTypedEvent(
		&types.EventCoverageChanged{CoverageID: c.ID, Payer: c.Payer, Patient: c.Patient, Ended: true})
}

// GrantPriorAuth implements types.MsgServer.
func (m msgServer) GrantPriorAuth(ctx context.Context, msg *types.MsgGrantPriorAuth) (*types.MsgGrantPriorAuthResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	c, err := m.ownCoverage(ctx, payer, msg.CoverageID)
	if err != nil {
		return nil, err
	}
	if !anyCodeFormat(msg.Code) {
		return nil, errorsmod.Wrapf(types.ErrInvalidCode, "%q is not a CPT, HCPCS or NDC code", msg.Code)
	}
	if msg.Units == 0 || msg.Units > types.MaxPriorAuthUnits || !msg.End.After(msg.Start) {
		return nil, errorsmod.Wrapf(types.ErrInvalidPriorAuth, "units must be in 1..%d and end after start", types.MaxPriorAuthUnits)
	}
	id, err := m.k.nextID(ctx, m.k.PriorAuthSeq, "prior authorisation")
	if err != nil {
		return nil, err
	}
	pa := types.PriorAuth{ID: id, CoverageID: c.ID, Code: msg.Code, Units: msg.Units, Start: msg.Start.UTC(), End: msg.End.UTC()}
	if err := m.k.PriorAuths.Set(ctx, id, pa); err != nil {
		return nil, err
	}
	if err := m.k.LatestPriorAuth.Set(ctx, collections.Join(c.ID, msg.Code), id); err != nil {
		return nil, err
	}
	return &types.MsgGrantPriorAuthResponse{ID: id}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventPriorAuthGranted{ID: id, CoverageID: c.ID})
}

func anyCodeFormat(code string) bool {
	for _, s := range []types.CodeSystem{types.CodeSystem_CODE_SYSTEM_CPT, types.CodeSystem_CODE_SYSTEM_HCPCS, types.CodeSystem_CODE_SYSTEM_NDC} {
		if types.ValidateServiceCode(s, code) == nil {
			return true
		}
	}
	return false
}

// FundEscrow implements types.MsgServer.
func (m msgServer) FundEscrow(ctx context.Context, msg *types.MsgFundEscrow) (*types.MsgFundEscrowResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	params, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Amount.Denom != params.SettlementDenom || msg.Amount.Amount.IsNil() || !msg.Amount.Amount.IsPositive() {
		return nil, errorsmod.Wrapf(types.ErrInvalidFunds, "fund a positive amount of %s", params.SettlementDenom)
	}
	if err := m.k.bank.SendCoinsFromAccountToModule(ctx, payer, types.ModuleName, sdk.NewCoins(msg.Amount)); err != nil {
		return nil, err
	}
	balance, err := m.k.escrow(ctx, payer)
	if err != nil {
		return nil, err
	}
	balance = balance.Add(msg.Amount.Amount)
	if err := m.k.Escrow.Set(ctx, payer, balance); err != nil {
		return nil, err
	}
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventEscrowFunded{
		Payer: m.k.addrString(payer), Amount: msg.Amount.Amount.String(), Balance: balance.String(),
	}); err != nil {
		return nil, err
	}
	paid, err := m.k.payQueue(ctx, payer)
	if err != nil {
		return nil, err
	}
	return &types.MsgFundEscrowResponse{PaidClaims: paid}, nil
}

// SubmitClaim implements types.MsgServer: the claim is checked, then
// adjudicated and, when approved, paid in the same transaction.
func (m msgServer) SubmitClaim(ctx context.Context, msg *types.MsgSubmitClaim) (*types.MsgSubmitClaimResponse, error) {
	provider, err := m.k.parseAddress("provider", msg.Provider)
	if err != nil {
		return nil, err
	}
	patient, err := m.k.parseAddress("patient", msg.Patient)
	if err != nil {
		return nil, err
	}
	params, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := validateClaim(params, msg, sdkCtx); err != nil {
		return nil, err
	}
	if err := m.k.consortium.RequireRole(ctx, provider, providerRoles...); err != nil {
		return nil, err
	}
	cov, err := getOr(ctx, m.k.Coverages, msg.CoverageID, errorsmod.Wrapf(types.ErrCoverageNotFound, "%d", msg.CoverageID))
	if err != nil {
		return nil, err
	}
	if cov.Patient != m.k.addrString(patient) {
		return nil, errorsmod.Wrapf(types.ErrCoveragePatient, "coverage %d", cov.ID)
	}
	auth, err := m.k.consent.Authorize(ctx, patient, m.k.mustAddr(cov.Payer), PurposePayment, CategoryClaim)
	if err != nil {
		return nil, err
	}
	treatment, err := m.k.treatment(ctx, patient, provider)
	if err != nil {
		return nil, err
	}
	id, err := m.k.nextID(ctx, m.k.ClaimSeq, "claim")
	if err != nil {
		return nil, err
	}
	c := types.Claim{
		ID: id, Provider: m.k.addrString(provider), Patient: cov.Patient, Payer: cov.Payer, CoverageID: cov.ID, PlanID: cov.PlanID,
		ServiceDate: msg.ServiceDate.UTC(), Lines: msg.Lines, RecordIDs: msg.RecordIDs,
		DiagnosesCommitment: msg.DiagnosesCommitment, DiagnosesCiphertext: msg.DiagnosesCiphertext,
		ConsentID: auth.ConsentID, TreatmentConsentID: treatment, Paid: math.ZeroInt(), SubmittedAt: sdkCtx.BlockTime(),
	}
	if err := m.k.adjudicate(ctx, &c, nil, false); err != nil {
		return nil, err
	}
	return &types.MsgSubmitClaimResponse{ID: id, Status: c.Status, Outcome: c.Outcome}, nil
}

func validateClaim(params types.Params, msg *types.MsgSubmitClaim, ctx sdk.Context) error {
	switch {
	case len(msg.Lines) == 0 || uint32(len(msg.Lines)) > params.MaxLines:
		return errorsmod.Wrapf(types.ErrInvalidClaim, "1..%d lines", params.MaxLines)
	case uint32(len(msg.RecordIDs)) > params.MaxRecords:
		return errorsmod.Wrapf(types.ErrInvalidClaim, "at most %d records", params.MaxRecords)
	case msg.ServiceDate.IsZero() || msg.ServiceDate.After(ctx.BlockTime()):
		return errorsmod.Wrap(types.ErrInvalidClaim, "the service date must be given and not in the future")
	}
	// The diagnoses are sealed: their number (max_diagnoses) and codes are
	// checked by the provider's client; the chain checks the seal's form.
	if err := types.ValidateSealedDiagnoses(msg.DiagnosesCommitment, msg.DiagnosesCiphertext); err != nil {
		return err
	}
	for i, l := range msg.Lines {
		if err := types.ValidateServiceCode(l.System, l.Code); err != nil {
			return errorsmod.Wrapf(err, "line %d (from 0)", i)
		}
		if err := types.ValidateLine(l); err != nil {
			return errorsmod.Wrapf(err, "line %d (from 0)", i)
		}
	}
	seen := map[uint64]bool{}
	for _, r := range msg.RecordIDs {
		if r == 0 || seen[r] {
			return errorsmod.Wrapf(types.ErrInvalidClaim, "record %d listed twice or zero", r)
		}
		seen[r] = true
	}
	return nil
}

// ReviewClaim implements types.MsgServer: the payer decides a pended or
// appealed claim; it is adjudicated again with the current accumulators.
func (m msgServer) ReviewClaim(ctx context.Context, msg *types.MsgReviewClaim) (*types.MsgReviewClaimResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	c, err := m.k.GetClaim(ctx, msg.ClaimID)
	if err != nil {
		return nil, err
	}
	if c.Payer != m.k.addrString(payer) {
		return nil, errorsmod.Wrapf(types.ErrNotPayer, "claim %d is for %s", c.ID, c.Payer)
	}
	if c.Status != types.ClaimStatus_CLAIM_STATUS_PENDED && c.Status != types.ClaimStatus_CLAIM_STATUS_APPEALED {
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "claim %d is %s: only pended or appealed claims are reviewed", c.ID, c.Status)
	}
	denied := map[int]string{}
	switch msg.Decision {
	case types.ReviewDecision_REVIEW_DECISION_APPROVE:
		if len(msg.ApproveLines) > 0 {
			return nil, errorsmod.Wrap(types.ErrInvalidReview, "approve_lines belong to a partial decision")
		}
	case types.ReviewDecision_REVIEW_DECISION_PARTIAL, types.ReviewDecision_REVIEW_DECISION_DENY:
		if !carcCode.MatchString(msg.Reason) {
			return nil, errorsmod.Wrap(types.ErrInvalidReview, "give the CARC code for the denied lines, e.g. 50")
		}
		approve := map[uint64]bool{}
		for _, i := range msg.ApproveLines {
			if i >= uint64(len(c.Lines)) || approve[i] {
				return nil, errorsmod.Wrapf(types.ErrInvalidReview, "line %d is out of range or listed twice", i)
			}
			approve[i] = true
		}
		partial := msg.Decision == types.ReviewDecision_REVIEW_DECISION_PARTIAL
		if partial && (len(approve) == 0 || len(approve) == len(c.Lines)) {
			return nil, errorsmod.Wrap(types.ErrInvalidReview, "a partial decision approves some lines, not none or all")
		}
		if !partial && len(approve) > 0 {
			return nil, errorsmod.Wrap(types.ErrInvalidReview, "a denial approves no lines")
		}
		for i := range c.Lines {
			if !approve[uint64(i)] {
				denied[i] = msg.Reason
			}
		}
	default:
		return nil, errorsmod.Wrapf(types.ErrInvalidReview, "unknown decision %s", msg.Decision)
	}
	approving := msg.Decision != types.ReviewDecision_REVIEW_DECISION_DENY
	s, locked, err := m.k.lockedSettlement(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case len(msg.SettlementPreimage) > 0 && !(approving && locked):
		return nil, errorsmod.Wrapf(types.ErrInvalidSettlement, "claim %d: a preimage goes only with the approval of a claim with a locked settlement", c.ID)
	case approving && locked:
		if err := checkReveal(ctx, s, msg.SettlementPreimage); err != nil {
			return nil, err
		}
	case approving && c.Settlement == types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC:
		return nil, errorsmod.Wrapf(types.ErrSettlementRequired, "claim %d has no locked settlement", c.ID)
	}
	if !locked {
		if err := m.k.adjudicate(ctx, &c, denied, true); err != nil {
			return nil, err
		}
		return &types.MsgReviewClaimResponse{Status: c.Status}, nil
	}
	// The claim has a locked settlement: an approval must end PAID (settled
	// on Ethereum) and reveal, a denial lapses it. Adjudicate in a cache, so
	// that an approval the adjudication turns into a denial changes nothing.
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	if err := m.k.adjudicate(cacheCtx, &c, denied, true); err != nil {
		return nil, err
	}
	switch {
	case approving && c.Status == types.ClaimStatus_CLAIM_STATUS_PAID:
		err = m.k.reveal(cacheCtx, s, msg.SettlementPreimage)
	case approving:
		return nil, errorsmod.Wrapf(types.ErrInvalidReview, "claim %d adjudicates to %s (%s), not paid: the preimage is not revealed; deny the claim instead",
			c.ID, c.Status, c.Outcome)
	case c.Status == types.ClaimStatus_CLAIM_STATUS_DENIED:
		err = m.k.lapse(cacheCtx, c.ID, types.LapseDenied)
	}
	if err != nil {
		return nil, err
	}
	write()
	return &types.MsgReviewClaimResponse{Status: c.Status}, nil
}

// AppealClaim implements types.MsgServer: once per claim, a denied or
// partially approved claim goes back to the payer.
func (m msgServer) AppealClaim(ctx context.Context, msg *types.MsgAppealClaim) (*types.MsgAppealClaimResponse, error) {
	c, err := m.ownClaim(ctx, msg.Provider, msg.ClaimID)
	if err != nil {
		return nil, err
	}
	if _, ok := types.AppealReason_name[int32(msg.Reason)]; !ok || msg.Reason == types.AppealReason_APPEAL_REASON_UNSPECIFIED {
		return nil, errorsmod.Wrapf(types.ErrInvalidAppeal, "%d", msg.Reason)
	}
	if c.Appealed {
		return nil, errorsmod.Wrapf(types.ErrAlreadyAppealed, "claim %d", c.ID)
	}
	partial := c.Outcome == types.ClaimStatus_CLAIM_STATUS_PARTIALLY_APPROVED &&
		(c.Status == types.ClaimStatus_CLAIM_STATUS_PAID || c.Status == types.ClaimStatus_CLAIM_STATUS_PAYABLE)
	if c.Status != types.ClaimStatus_CLAIM_STATUS_DENIED && !partial {
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "claim %d is %s (%s): only denied or partially approved claims are appealed",
			c.ID, c.Status, c.Outcome)
	}
	if c.Status == types.ClaimStatus_CLAIM_STATUS_PAID && c.Settlement == types.SettlementMethod_SETTLEMENT_METHOD_EVM_HTLC {
		// Its payment was revealed on Ethereum and cannot be re-locked: the
		// denied lines are billed again in a new claim (they hold no slot).
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "claim %d was settled on Ethereum: bill its denied lines in a new claim", c.ID)
	}
	// An appeal sends the claim to the payer again: the patient's consents
	// must still hold, as at submission.
	patient := m.k.mustAddr(c.Patient)
	if _, err := m.k.consent.Authorize(ctx, patient, m.k.mustAddr(c.Payer), PurposePayment, CategoryClaim); err != nil {
		return nil, err
	}
	if _, err := m.k.treatment(ctx, patient, m.k.mustAddr(c.Provider)); err != nil {
		return nil, err
	}
	c.Appealed, c.AppealReason = true, msg.Reason
	// An appealed claim waits for the payer's review, not for escrow: the
	// review adjudicates it again and pays or queues it.
	if err := m.k.dequeue(ctx, m.k.mustAddr(c.Payer), c.ID); err != nil {
		return nil, err
	}
	if err := m.k.setStatus(ctx, &c, types.ClaimStatus_CLAIM_STATUS_APPEALED); err != nil {
		return nil, err
	}
	return &types.MsgAppealClaimResponse{}, m.k.Claims.Set(ctx, c.ID, c)
}

// WithdrawClaim implements types.MsgServer: before any payment, the provider
// takes the claim back; its cost sharing leaves the accumulators.
func (m msgServer) WithdrawClaim(ctx context.Context, msg *types.MsgWithdrawClaim) (*types.MsgWithdrawClaimResponse, error) {
	c, err := m.ownClaim(ctx, msg.Provider, msg.ClaimID)
	if err != nil {
		return nil, err
	}
	if !types.CanTransition(c.Status, types.ClaimStatus_CLAIM_STATUS_WITHDRAWN) || c.Paid.IsPositive() {
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "claim %d is %s with %s paid: only unpaid claims are withdrawn", c.ID, c.Status, c.Paid)
	}
	if err := m.k.release(ctx, &c); err != nil {
		return nil, err
	}
	if err := m.k.setStatus(ctx, &c, types.ClaimStatus_CLAIM_STATUS_WITHDRAWN); err != nil {
		return nil, err
	}
	if err := m.k.lapse(ctx, c.ID, types.LapseWithdrawn); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawClaimResponse{}, m.k.Claims.Set(ctx, c.ID, c)
}

func (m msgServer) ownClaim(ctx context.Context, providerStr string, id uint64) (types.Claim, error) {
	provider, err := m.k.parseAddress("provider", providerStr)
	if err != nil {
		return types.Claim{}, err
	}
	c, err := m.k.GetClaim(ctx, id)
	if err != nil {
		return c, err
	}
	if c.Provider != m.k.addrString(provider) {
		return c, errorsmod.Wrapf(types.ErrNotProvider, "claim %d was submitted by %s", c.ID, c.Provider)
	}
	// A suspended (or no longer billing) provider acts on none of its claims.
	return c, m.k.consortium.RequireRole(ctx, provider, providerRoles...)
}

// CancelClaim implements types.MsgServer: the payer cancels an approved claim
// it has paid nothing of (PAYABLE), giving a CARC code. Its cost sharing
// leaves the accumulators, its prior-authorisation units return, its
// duplicate slots free up and it leaves the payable queue.
func (m msgServer) CancelClaim(ctx context.Context, msg *types.MsgCancelClaim) (*types.MsgCancelClaimResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	c, err := m.k.GetClaim(ctx, msg.ClaimID)
	if err != nil {
		return nil, err
	}
	if c.Payer != m.k.addrString(payer) {
		return nil, errorsmod.Wrapf(types.ErrNotPayer, "claim %d is for %s", c.ID, c.Payer)
	}
	if !carcCode.MatchString(msg.Reason) {
		return nil, errorsmod.Wrap(types.ErrInvalidCancel, "give the CARC code of the cancellation, e.g. 27")
	}
	if c.Status != types.ClaimStatus_CLAIM_STATUS_PAYABLE || !c.Paid.IsZero() {
		return nil, errorsmod.Wrapf(types.ErrInvalidTransition, "claim %d is %s with %s paid: only payable claims with nothing paid are cancelled", c.ID, c.Status, c.Paid)
	}
	if err := m.k.release(ctx, &c); err != nil {
		return nil, err
	}
	c.CancelReason, c.UpdatedAt = msg.Reason, sdk.UnwrapSDKContext(ctx).BlockTime()
	if err := m.k.setStatus(ctx, &c, types.ClaimStatus_CLAIM_STATUS_CANCELLED); err != nil {
		return nil, err
	}
	// A PAYABLE claim has no locked settlement (locks are for pended and
	// appealed claims); lapse covers any all the same.
	if err := m.k.lapse(ctx, c.ID, types.LapseCancelled); err != nil {
		return nil, err
	}
	if err := m.k.Claims.Set(ctx, c.ID, c); err != nil {
		return nil, err
	}
	return &types.MsgCancelClaimResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventClaimCancelled{ClaimID: c.ID, Payer: c.Payer, Reason: c.CancelReason})
}

// WithdrawEscrow implements types.MsgServer: the payer takes back escrow
// that is not owed to its payable claims.
func (m msgServer) WithdrawEscrow(ctx context.Context, msg *types.MsgWithdrawEscrow) (*types.MsgWithdrawEscrowResponse, error) {
	payer, err := m.payer(ctx, msg.Payer)
	if err != nil {
		return nil, err
	}
	params, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Amount.Denom != params.SettlementDenom || msg.Amount.Amount.IsNil() || !msg.Amount.Amount.IsPositive() {
		return nil, errorsmod.Wrapf(types.ErrInvalidFunds, "withdraw a positive amount of %s", params.SettlementDenom)
	}
	balance, err := m.k.escrow(ctx, payer)
	if err != nil {
		return nil, err
	}
	owed, err := m.k.owedTotal(ctx, payer)
	if err != nil {
		return nil, err
	}
	free := balance.Sub(owed)
	if msg.Amount.Amount.GT(free) {
		return nil, errorsmod.Wrapf(types.ErrEscrowOwed, "escrow %s, owed to payable claims %s: at most %s can be withdrawn", balance, owed, math.MaxInt(free, math.ZeroInt()))
	}
	balance = balance.Sub(msg.Amount.Amount)
	if err := m.k.Escrow.Set(ctx, payer, balance); err != nil {
		return nil, err
	}
	if err := m.k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, payer, sdk.NewCoins(msg.Amount)); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawEscrowResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventEscrowWithdrawn{
		Payer: m.k.addrString(payer), Amount: msg.Amount.Amount.String(), Balance: balance.String(),
	})
}

// UpdateParams implements types.MsgServer.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), m.k.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	old, err := m.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if old.SettlementDenom != msg.Params.SettlementDenom {
		// Escrow balances are held in the old denom; a payer's entry stays,
		// at zero, once its escrow is paid out.
		held := false
		err := m.k.Escrow.Walk(ctx, nil, func(_ sdk.AccAddress, b math.Int) (bool, error) {
			held = b.IsPositive()
			return held, nil
		})
		if err != nil {
			return nil, err
		}
		if held {
			return nil, errorsmod.Wrap(types.ErrInvalidParams, "the settlement denom cannot change while escrow is held")
		}
	}
	return &types.MsgUpdateParamsResponse{}, m.k.Params.Set(ctx, msg.Params)
}
