package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
)

// The stateless checks below run at CheckTx (BaseApp calls ValidateBasic):
// a message with a malformed account, DIN (check character included), organ
// type spelling, blood group, time, commitment, code, logger id or key, an
// empty or oversized list never reaches a block. The msg server repeats them
// and adds what needs state: roles, staff, custody, the params' organ types,
// limits and caps, the block time.
var (
	_ sdk.HasValidateBasic = (*MsgSetStaff)(nil)
	_ sdk.HasValidateBasic = (*MsgRegisterLogger)(nil)
	_ sdk.HasValidateBasic = (*MsgOpenCase)(nil)
	_ sdk.HasValidateBasic = (*MsgRecordABO)(nil)
	_ sdk.HasValidateBasic = (*MsgConfirmABO)(nil)
	_ sdk.HasValidateBasic = (*MsgRecoverOrgan)(nil)
	_ sdk.HasValidateBasic = (*MsgPostMatchRun)(nil)
	_ sdk.HasValidateBasic = (*MsgOffer)(nil)
	_ sdk.HasValidateBasic = (*MsgRespondOffer)(nil)
	_ sdk.HasValidateBasic = (*MsgSkipCandidate)(nil)
	_ sdk.HasValidateBasic = (*MsgHandOff)(nil)
	_ sdk.HasValidateBasic = (*MsgAcceptHandOff)(nil)
	_ sdk.HasValidateBasic = (*MsgCancelHandOff)(nil)
	_ sdk.HasValidateBasic = (*MsgPostReadings)(nil)
	_ sdk.HasValidateBasic = (*MsgTransplant)(nil)
	_ sdk.HasValidateBasic = (*MsgDiscard)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
)

func checkAddress(field, s string) error { return addrs.Check(ErrInvalidAddress, field, s) }

// checkActorOrgan is the common check of an organ message.
func checkActorOrgan(actor, din, organType string) error {
	if err := checkAddress("actor", actor); err != nil {
		return err
	}
	return CheckOrgan(din, organType)
}

func checkRank(rank uint32) error {
	if rank == 0 {
		return errorsmod.Wrap(ErrInvalidCandidate, "ranks start at 1")
	}
	return nil
}

// ValidateBasic checks both accounts: a member is not its own staff.
func (m *MsgSetStaff) ValidateBasic() error {
	if err := addrs.CheckAll(ErrInvalidAddress, "member", m.Member, "account", m.Account); err != nil {
		return err
	}
	if m.Member == m.Account {
		return errorsmod.Wrap(ErrInvalidStaff, "a member acts for itself without being its own staff")
	}
	return nil
}

// ValidateBasic checks the actor, the logger id and its key.
func (m *MsgRegisterLogger) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if err := CheckLoggerID(m.Logger); err != nil {
		return err
	}
	_, err := LoggerPubKey(m.PubKey)
	return err
}

// ValidateBasic checks the actor, the DIN and that exactly one basis is given.
func (m *MsgOpenCase) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if _, err := ParseDIN(m.DIN); err != nil {
		return err
	}
	return ValidateBasis(m.Donor, m.DonorSalt, m.AuthorisationCommitment)
}

// ValidateBasis checks that exactly one authorisation basis is given, well
// formed: a living donor's account with the salt of its commitment, or a
// deceased donor's authorisation commitment.
func ValidateBasis(donor string, salt, commitment []byte) error {
	switch {
	case donor != "" && len(commitment) > 0:
		return errorsmod.Wrap(ErrInvalidBasis, "a living donor's consent or a deceased donor's authorisation, not both")
	case donor != "":
		if err := addrs.Check(ErrInvalidBasis, "donor", donor); err != nil {
			return err
		}
		return CheckSalt(salt)
	case len(salt) > 0:
		return errorsmod.Wrap(ErrInvalidBasis, "a donor salt goes with a living donor only")
	case len(commitment) > 0:
		return CheckCommitment("authorisation commitment", commitment)
	}
	return errorsmod.Wrap(ErrInvalidBasis, "name the living donor (who consented) or the deceased donor's authorisation commitment")
}

// ValidateBasic checks the actor, the DIN and the blood group.
func (m *MsgRecordABO) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if _, err := ParseDIN(m.DIN); err != nil {
		return err
	}
	return CheckABO(m.ABO)
}

// ValidateBasic checks the actor, the DIN and the blood group.
func (m *MsgConfirmABO) ValidateBasic() error {
	if err := checkAddress("actor", m.Actor); err != nil {
		return err
	}
	if _, err := ParseDIN(m.DIN); err != nil {
		return err
	}
	return CheckABO(m.ABO)
}

// ValidateBasic checks the actor, the organ, the cross-clamp time's range
// (whether it is past needs the block time) and the logger id.
func (m *MsgRecoverOrgan) ValidateBasic() error {
	if err := checkActorOrgan(m.Actor, m.DIN, m.OrganType); err != nil {
		return err
	}
	if err := ValidateTime("cross-clamp", m.CrossClamp); err != nil {
		return err
	}
	if m.Logger != "" {
		return CheckLoggerID(m.Logger)
	}
	return nil
}

// ValidateBasic checks the actor, the organ and each candidate; a
// commitment appears once.
func (m *MsgPostMatchRun) ValidateBasic() error {
	if err := checkActorOrgan(m.Actor, m.DIN, m.OrganType); err != nil {
		return err
	}
	return CheckCandidates(m.Candidates)
}

// CheckCandidates checks a match run: 1..MaxCandidatesLimit candidates, each
// with a commitment, a centre and a blood group, no commitment twice.
func CheckCandidates(cs []CandidateEntry) error {
	if len(cs) == 0 {
		return errorsmod.Wrap(ErrInvalidCandidate, "empty match run")
	}
	if len(cs) > MaxCandidatesLimit {
		return errorsmod.Wrapf(ErrTooMany, "%d candidates, never more than %d", len(cs), MaxCandidatesLimit)
	}
	seen := make(map[string]bool, len(cs))
	for i, c := range cs {
		if err := CheckCommitment("candidate commitment", c.Commitment); err != nil {
			return err
		}
		if seen[string(c.Commitment)] {
			return errorsmod.Wrapf(ErrInvalidCandidate, "candidate %d listed twice", i+1)
		}
		seen[string(c.Commitment)] = true
		if err := checkAddress("candidate centre", c.Centre); err != nil {
			return err
		}
		if err := CheckABO(c.ABO); err != nil {
			return err
		}
	}
	return nil
}

// ValidateBasic checks the actor, the organ and the rank.
func (m *MsgOffer) ValidateBasic() error {
	if err := checkActorOrgan(m.Actor, m.DIN, m.OrganType); err != nil {
		return err
	}
	return checkRank(m.Rank)
}

// ValidateBasic checks the actor, the organ, the rank and that a decline
// has a reason and an acceptance none.
func (m *MsgRespondOffer) ValidateBasic() error {
	if err := checkActorOrgan(m.Actor, m.DIN, m.OrganType); err != nil {
		return err
	}
	if err := checkRank(m.Rank); err != nil {
		return err
	}
	return CheckDecline(m.Accept, m.DeclineReason)
}

// CheckDecline: a decline carries a known reason code, an acceptance none.
func CheckDecline(accept bool, r DeclineReason) error {
	_, known := DeclineReason_name[int32(r)]
	switch {
	case accept && r != DeclineReason_DECLINE_REASON_UNSPECIFIED:
		return errorsmod.Wrap(ErrInvalidReason, "an acceptance carries no decline reason")
	case !accept && (r == DeclineReason_DECLINE_REASON_UNSPECIFIED || !known):
		return errorsmod.Wrapf(ErrInvalidReason, "a decline needs a known reason code, got %d", int32(r))
	}
	return nil
}

// ValidateBasic checks the actor, the organ, the rank and the reason code.
func (m *MsgSkipCandidate) ValidateBasic() error {
	if err := checkActorOrgan(m.Actor, m.DIN, m.OrganType); err != nil {
		return err
	}
	if err := checkRank(m.Rank); err != nil {
		return err
	}
	return CheckBypass(m.Reason)
}

// CheckBypass accepts a known bypass code (TIMEOUT included).
func CheckBypass(r BypassReason) error {
	return checkEnum(int32(r), BypassReason_name, "bypass reason")
}

// CheckOverride accepts a known override code.
func CheckOverride(r OverrideReason) error {
	return checkEnum(int32(r), OverrideReason_name, "override reason")
}

// CheckDiscard accepts a known discard code.
func CheckDiscard(r DiscardReason) error {
	return checkEnum(int32(r), DiscardReason_name, "discard reason")
}

func checkEnum(v int32, names map[int32]string, what string) error {
	if _, ok := names[v]; !ok || v == 0 {
		return errorsmod.Wrapf(ErrInvalidReason, "%s %d is not a known code", what, v)
	}
	return nil
}

// ValidateBasic checks the accounts, the organ and the logger id.
func (m *MsgHandOff) ValidateBasic() error {
	if err := checkActorOrgan(m.Actor, m.DIN, m.OrganType); err != nil {
		return err
	}
	if err := checkAddress("to", m.To); err != nil {
		return err
	}
	if m.Logger != "" {
		return CheckLoggerID(m.Logger)
	}
	return nil
}

// ValidateBasic checks the actor and the organ.
func (m *MsgAcceptHandOff) ValidateBasic() error {
	return checkActorOrgan(m.Actor, m.DIN, m.OrganType)
}

// ValidateBasic checks the actor and the organ.
func (m *MsgCancelHandOff) ValidateBasic() error {
	return checkActorOrgan(m.Actor, m.DIN, m.OrganType)
}

// ValidateBasic checks the submitter, the logger, the organ, the readings
// and the signature's length (whether it verifies needs the logger's key).
func (m *MsgPostReadings) ValidateBasic() error {
	if err := checkAddress("submitter", m.Submitter); err != nil {
		return err
	}
	if err := CheckLoggerID(m.Logger); err != nil {
		return err
	}
	if err := CheckOrgan(m.DIN, m.OrganType); err != nil {
		return err
	}
	if err := CheckReadings(m.Readings); err != nil {
		return err
	}
	if len(m.Signature) == 0 || len(m.Signature) > MaxSignatureLength {
		return errorsmod.Wrapf(ErrBadSignature, "signature of %d bytes", len(m.Signature))
	}
	return nil
}

// ValidateBasic checks the actor, the organ, the recipient's commitment,
// the reperfusion time's range and the override code.
func (m *MsgTransplant) ValidateBasic() error {
	if err := checkActorOrgan(m.Actor, m.DIN, m.OrganType); err != nil {
		return err
	}
	if err := CheckCommitment("recipient commitment", m.RecipientCommitment); err != nil {
		return err
	}
	if err := ValidateTime("reperfusion", m.Reperfusion); err != nil {
		return err
	}
	if m.Override != OverrideReason_OVERRIDE_REASON_UNSPECIFIED {
		return CheckOverride(m.Override)
	}
	return nil
}

// ValidateBasic checks the actor, the organ and the reason code.
func (m *MsgDiscard) ValidateBasic() error {
	if err := checkActorOrgan(m.Actor, m.DIN, m.OrganType); err != nil {
		return err
	}
	return CheckDiscard(m.Reason)
}

// ValidateBasic checks the authority's address and the params.
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := checkAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}
