package types

import (
	stdmath "math"
	"time"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/internal/text"
)

// The stateless checks below run at CheckTx (BaseApp calls ValidateBasic):
// a plan, enrolment, prior authorisation or claim with a malformed account,
// code, amount, period or count never reaches a block. Limits that are
// params (how many lines, diagnoses, services, records) and everything that
// reads state stay in the msg server, which repeats these checks.
var (
	_ sdk.HasValidateBasic = (*MsgCreatePlan)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdatePlan)(nil)
	_ sdk.HasValidateBasic = (*MsgEnroll)(nil)
	_ sdk.HasValidateBasic = (*MsgEndCoverage)(nil)
	_ sdk.HasValidateBasic = (*MsgGrantPriorAuth)(nil)
	_ sdk.HasValidateBasic = (*MsgFundEscrow)(nil)
	_ sdk.HasValidateBasic = (*MsgSubmitClaim)(nil)
	_ sdk.HasValidateBasic = (*MsgReviewClaim)(nil)
	_ sdk.HasValidateBasic = (*MsgAppealClaim)(nil)
	_ sdk.HasValidateBasic = (*MsgWithdrawClaim)(nil)
	_ sdk.HasValidateBasic = (*MsgCancelClaim)(nil)
	_ sdk.HasValidateBasic = (*MsgWithdrawEscrow)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
	_ sdk.HasValidateBasic = (*MsgLockClaimSettlement)(nil)
	_ sdk.HasValidateBasic = (*MsgConfirmClaimSettlement)(nil)
)

// MaxPlanNameLength bounds a plan's name.
const MaxPlanNameLength = 128

// ValidatePlanName checks a plan's name against the fixed character set.
func ValidatePlanName(s string) error {
	if err := text.Check(s, MaxPlanNameLength); err != nil {
		return errorsmod.Wrapf(ErrInvalidPlan, "name %s", err)
	}
	return nil
}

func validatePlanTerms(name string, services []CoveredService, ded, oop, threshold math.Int) error {
	if err := ValidatePlanName(name); err != nil {
		return err
	}
	// How many services a plan may list is a param, checked by the msg server.
	if _, err := NormalizeServices(services, stdmath.MaxUint32); err != nil {
		return err
	}
	return ValidatePlanAmounts(ded, oop, threshold)
}

func requireID(notFound *errorsmod.Error, what string, id uint64) error {
	if id == 0 {
		return errorsmod.Wrapf(notFound, "%s 0 names nothing", what)
	}
	return nil
}

// ValidateBasic checks the payer, name, services and amounts.
func (m *MsgCreatePlan) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	if err := ValidateSettlementMethod(m.Settlement); err != nil {
		return err
	}
	return validatePlanTerms(m.Name, m.Services, m.Deductible, m.OutOfPocketMax, m.ReviewThreshold)
}

// ValidateBasic checks the payer, plan id, name, services and amounts.
func (m *MsgUpdatePlan) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	if err := requireID(ErrPlanNotFound, "plan", m.PlanID); err != nil {
		return err
	}
	if err := ValidateSettlementMethod(m.Settlement); err != nil {
		return err
	}
	return validatePlanTerms(m.Name, m.Services, m.Deductible, m.OutOfPocketMax, m.ReviewThreshold)
}

// ValidateBasic checks the accounts, plan id, member id MAC and scheme, and period.
func (m *MsgEnroll) ValidateBasic() error {
	if err := addrs.CheckAll(ErrInvalidAddress, "payer", m.Payer, "patient", m.Patient); err != nil {
		return err
	}
	if err := requireID(ErrPlanNotFound, "plan", m.PlanID); err != nil {
		return err
	}
	if err := ValidateMemberIDMAC(m.MemberIDMAC, m.MemberIDScheme); err != nil {
		return err
	}
	if !m.End.After(m.Start) {
		return errorsmod.Wrap(ErrInvalidCoverage, "end must be after start")
	}
	return nil
}

// ValidateBasic checks the payer, coverage id and end.
func (m *MsgEndCoverage) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	if err := requireID(ErrCoverageNotFound, "coverage", m.CoverageID); err != nil {
		return err
	}
	if m.End.IsZero() {
		return errorsmod.Wrap(ErrInvalidCoverage, "end is required")
	}
	return nil
}

// ValidateBasic checks the payer, coverage id, code, units and period.
func (m *MsgGrantPriorAuth) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	if err := requireID(ErrCoverageNotFound, "coverage", m.CoverageID); err != nil {
		return err
	}
	if !AnyServiceCode(m.Code) {
		return errorsmod.Wrapf(ErrInvalidCode, "%q is not a CPT, HCPCS or NDC code", m.Code)
	}
	if m.Units == 0 || m.Units > MaxPriorAuthUnits || !m.End.After(m.Start) {
		return errorsmod.Wrapf(ErrInvalidPriorAuth, "units must be in 1..%d and end after start", MaxPriorAuthUnits)
	}
	return nil
}

// AnyServiceCode reports whether code is a well-formed CPT, HCPCS or NDC code.
func AnyServiceCode(code string) bool {
	for _, s := range []CodeSystem{CodeSystem_CODE_SYSTEM_CPT, CodeSystem_CODE_SYSTEM_HCPCS, CodeSystem_CODE_SYSTEM_NDC} {
		if ValidateServiceCode(s, code) == nil {
			return true
		}
	}
	return false
}

func validateCoin(c sdk.Coin) error {
	if err := c.Validate(); err != nil || !c.IsPositive() {
		return errorsmod.Wrapf(ErrInvalidFunds, "amount %s must be a positive, valid coin", c)
	}
	return nil
}

// ValidateBasic checks the payer and the amount.
func (m *MsgFundEscrow) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	return validateCoin(m.Amount)
}

// ValidateBasic checks the payer and the amount.
func (m *MsgWithdrawEscrow) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	return validateCoin(m.Amount)
}

// ValidateBasic checks the accounts, coverage id, service date, sealed
// diagnoses (sizes and form: the chain cannot read them), lines (code format,
// units, charge) and record ids; how many lines and records a claim may list
// is a param, checked by the msg server.
func (m *MsgSubmitClaim) ValidateBasic() error {
	return validateClaimBasic(m.Provider, m.Patient, m.CoverageID, m.ServiceDate, m.Lines, m.RecordIDs, func() error {
		return ValidateSealedDiagnoses(m.DiagnosesCommitment, m.DiagnosesCiphertext)
	})
}

// ValidateBasic checks a claim file as MsgSubmitClaim.ValidateBasic checked
// a claim when the diagnoses went on chain in clear: the same accounts,
// coverage id, service date, lines and record ids, and the diagnoses as
// ICD-10-CM codes. `healthd tx claims submit` runs it, and checks the number
// of diagnoses against the param max_diagnoses, before it seals them.
func (f *ClaimFile) ValidateBasic() error {
	return validateClaimBasic(f.Provider, f.Patient, f.CoverageID, f.ServiceDate, f.Lines, f.RecordIDs, func() error {
		return ValidateDiagnoses(f.Diagnoses, 0)
	})
}

func validateClaimBasic(provider, patient string, coverage uint64, serviceDate time.Time, lines []ClaimLine, records []uint64, diagnoses func() error) error {
	if err := addrs.CheckAll(ErrInvalidAddress, "provider", provider, "patient", patient); err != nil {
		return err
	}
	if err := requireID(ErrCoverageNotFound, "coverage", coverage); err != nil {
		return err
	}
	switch {
	case serviceDate.IsZero():
		return errorsmod.Wrap(ErrInvalidClaim, "the service date must be given")
	case len(lines) == 0:
		return errorsmod.Wrap(ErrInvalidClaim, "a claim has at least one line")
	}
	if err := diagnoses(); err != nil {
		return err
	}
	for i, l := range lines {
		if err := ValidateServiceCode(l.System, l.Code); err != nil {
			return errorsmod.Wrapf(err, "line %d (from 0)", i)
		}
		if err := ValidateLine(l); err != nil {
			return errorsmod.Wrapf(err, "line %d (from 0)", i)
		}
	}
	seen := make(map[uint64]bool, len(records))
	for _, r := range records {
		if r == 0 || seen[r] {
			return errorsmod.Wrapf(ErrInvalidClaim, "record %d listed twice or zero", r)
		}
		seen[r] = true
	}
	return nil
}

// ValidateBasic checks the payer and the claim id (the decision and lines
// are checked against the claim by the msg server).
func (m *MsgReviewClaim) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	if n := len(m.SettlementPreimage); n != 0 && n != PreimageLength {
		return errorsmod.Wrapf(ErrPreimageMismatch, "settlement_preimage is %d bytes, want %d", n, PreimageLength)
	}
	return requireID(ErrClaimNotFound, "claim", m.ClaimID)
}

// ValidateBasic checks the payer, the claim id and the lock's fields.
func (m *MsgLockClaimSettlement) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	if err := requireID(ErrClaimNotFound, "claim", m.ClaimID); err != nil {
		return err
	}
	_, err := m.Lock().Normalize()
	return err
}

// ValidateBasic checks the provider, the claim id and the hashlock's length.
func (m *MsgConfirmClaimSettlement) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "provider", m.Provider); err != nil {
		return err
	}
	if len(m.Hashlock) != HashlockLength {
		return errorsmod.Wrapf(ErrInvalidSettlement, "hashlock is %d bytes, want %d", len(m.Hashlock), HashlockLength)
	}
	return requireID(ErrClaimNotFound, "claim", m.ClaimID)
}

// Lock returns the lock the message declares.
func (m *MsgLockClaimSettlement) Lock() SettlementLock {
	return SettlementLock{Hashlock: m.Hashlock, EVMLockID: m.EVMLockID, EVMTimelock: m.EVMTimelock,
		EVMReceiver: m.EVMReceiver, EVMToken: m.EVMToken, EVMAmount: m.EVMAmount}
}

// ValidateSettlementMethod checks a plan's settlement method.
func ValidateSettlementMethod(m SettlementMethod) error {
	if _, ok := SettlementMethod_name[int32(m)]; !ok {
		return errorsmod.Wrapf(ErrInvalidPlan, "settlement method %d", int32(m))
	}
	return nil
}

// ValidateBasic checks the provider, claim id and reason.
func (m *MsgAppealClaim) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "provider", m.Provider); err != nil {
		return err
	}
	if err := requireID(ErrClaimNotFound, "claim", m.ClaimID); err != nil {
		return err
	}
	if _, ok := AppealReason_name[int32(m.Reason)]; !ok || m.Reason == AppealReason_APPEAL_REASON_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidAppeal, "appeal reason %d", int32(m.Reason))
	}
	return nil
}

// ValidateBasic checks the provider and claim id.
func (m *MsgWithdrawClaim) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "provider", m.Provider); err != nil {
		return err
	}
	return requireID(ErrClaimNotFound, "claim", m.ClaimID)
}

// ValidateBasic checks the payer and claim id.
func (m *MsgCancelClaim) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "payer", m.Payer); err != nil {
		return err
	}
	return requireID(ErrClaimNotFound, "claim", m.ClaimID)
}

// ValidateBasic checks the authority's address and the params.
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}
