package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
)

// The stateless checks below run at CheckTx (BaseApp calls ValidateBasic), so
// a consent with an unknown purpose, a bad category, an end before its start
// or a malformed account is refused before it reaches a block, costs no block
// space, and the CLI shows the error at once. The msg server repeats them and
// adds the stateful ones: who signs, the block time, params, overlaps.
var (
	_ sdk.HasValidateBasic = (*MsgGrantConsent)(nil)
	_ sdk.HasValidateBasic = (*MsgAmendConsent)(nil)
	_ sdk.HasValidateBasic = (*MsgRevokeConsent)(nil)
	_ sdk.HasValidateBasic = (*MsgRevokeAllForGrantee)(nil)
	_ sdk.HasValidateBasic = (*MsgAppointGuardian)(nil)
	_ sdk.HasValidateBasic = (*MsgRemoveGuardian)(nil)
	_ sdk.HasValidateBasic = (*MsgBreakGlass)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
)

func checkAddress(field, s string) error { return addrs.Check(ErrInvalidAddress, field, s) }

func checkAddresses(pairs ...string) error { return addrs.CheckAll(ErrInvalidAddress, pairs...) }

func checkEnd(end time.Time) error {
	if end.IsZero() || end.Unix() <= 0 {
		return errorsmod.Wrap(ErrInvalidPeriod, "end is required")
	}
	return nil
}

func checkConsentID(id uint64) error {
	if id == 0 {
		return errorsmod.Wrap(ErrConsentNotFound, "consent id 0 names no consent")
	}
	return nil
}

// ValidateRevocationReason checks a revocation reason against its vocabulary.
func ValidateRevocationReason(r RevocationReason) error {
	if _, ok := RevocationReason_name[int32(r)]; !ok || r == RevocationReason_REVOCATION_REASON_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidReason, "revocation reason %d", int32(r))
	}
	return nil
}

// ValidateJustification checks a break-glass justification against its vocabulary.
func ValidateJustification(j JustificationCode) error {
	if _, ok := JustificationCode_name[int32(j)]; !ok || j == JustificationCode_JUSTIFICATION_CODE_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidReason, "justification code %d", int32(j))
	}
	return nil
}

// ValidateBasic checks the accounts, purpose, categories and period.
func (m *MsgGrantConsent) ValidateBasic() error {
	if err := checkAddresses("signer", m.Signer, "patient", m.Patient, "grantee", m.Grantee); err != nil {
		return err
	}
	if m.Grantee == m.Patient {
		return errorsmod.Wrap(ErrGranteeIsPatient, "a patient needs no consent to their own data")
	}
	if err := ValidatePurpose(m.Purpose); err != nil {
		return err
	}
	if _, err := NormalizeCategories(m.Categories, m.AllCategories); err != nil {
		return err
	}
	if err := checkEnd(m.End); err != nil {
		return err
	}
	if m.Start != nil && !m.End.After(*m.Start) {
		return errorsmod.Wrapf(ErrInvalidPeriod, "end %s is not after start %s", m.End.UTC().Format(time.RFC3339), m.Start.UTC().Format(time.RFC3339))
	}
	return nil
}

// ValidateBasic checks the signer, consent id, categories and end.
func (m *MsgAmendConsent) ValidateBasic() error {
	if err := checkAddress("signer", m.Signer); err != nil {
		return err
	}
	if err := checkConsentID(m.ConsentID); err != nil {
		return err
	}
	if _, err := NormalizeCategories(m.Categories, m.AllCategories); err != nil {
		return err
	}
	return checkEnd(m.End)
}

// ValidateBasic checks the signer, consent id and reason.
func (m *MsgRevokeConsent) ValidateBasic() error {
	if err := checkAddress("signer", m.Signer); err != nil {
		return err
	}
	if err := checkConsentID(m.ConsentID); err != nil {
		return err
	}
	return ValidateRevocationReason(m.Reason)
}

// ValidateBasic checks the accounts and reason.
func (m *MsgRevokeAllForGrantee) ValidateBasic() error {
	if err := checkAddresses("signer", m.Signer, "patient", m.Patient, "grantee", m.Grantee); err != nil {
		return err
	}
	return ValidateRevocationReason(m.Reason)
}

// ValidateBasic checks the accounts and end.
func (m *MsgAppointGuardian) ValidateBasic() error {
	if err := checkAddresses("patient", m.Patient, "guardian", m.Guardian); err != nil {
		return err
	}
	if m.Patient == m.Guardian {
		return errorsmod.Wrap(ErrInvalidAddress, "a patient cannot be their own guardian")
	}
	return checkEnd(m.End)
}

// ValidateBasic checks the accounts.
func (m *MsgRemoveGuardian) ValidateBasic() error {
	return checkAddresses("patient", m.Patient, "guardian", m.Guardian)
}

// ValidateBasic checks the accounts and the sealed justification's form.
func (m *MsgBreakGlass) ValidateBasic() error {
	if err := checkAddresses("member", m.Member, "patient", m.Patient); err != nil {
		return err
	}
	return ValidateSealedJustification(m.JustificationCommitment, m.JustificationCiphertext)
}

// ValidateBasic checks the authority's address and the params.
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := checkAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}
