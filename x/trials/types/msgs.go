package types

import (
	"slices"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
	"github.com/healthchain/healthd/internal/text"
	"github.com/healthchain/healthd/internal/trialid"
	"github.com/healthchain/healthd/internal/unixfs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

// The stateless checks below run at CheckTx (BaseApp calls ValidateBasic): a
// malformed registry id, outcome, commitment, CID, visit code or reason is
// refused before it reaches a block. The msg server does the stateful ones:
// roles, who signs, the trial's state, the subject's consent.
var (
	_ sdk.HasValidateBasic = (*MsgRegisterTrial)(nil)
	_ sdk.HasValidateBasic = (*MsgAmendProtocol)(nil)
	_ sdk.HasValidateBasic = (*MsgApproveVersion)(nil)
	_ sdk.HasValidateBasic = (*MsgRejectVersion)(nil)
	_ sdk.HasValidateBasic = (*MsgConsentToVersion)(nil)
	_ sdk.HasValidateBasic = (*MsgEnrolSubject)(nil)
	_ sdk.HasValidateBasic = (*MsgWithdraw)(nil)
	_ sdk.HasValidateBasic = (*MsgRecordData)(nil)
	_ sdk.HasValidateBasic = (*MsgAmendData)(nil)
	_ sdk.HasValidateBasic = (*MsgReportSAE)(nil)
	_ sdk.HasValidateBasic = (*MsgSubmitSAEReport)(nil)
	_ sdk.HasValidateBasic = (*MsgLockDatabase)(nil)
	_ sdk.HasValidateBasic = (*MsgReportResults)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
	_ sdk.HasValidateBasic = (*MsgReleaseRegistryID)(nil)
)

func checkAddresses(pairs ...string) error { return addrs.CheckAll(ErrInvalidAddress, pairs...) }

// ParseRegistryID returns the canonical form of an NCT or EU CT number.
func ParseRegistryID(s string) (string, error) {
	id, err := trialid.Parse(s)
	if err != nil {
		return "", errorsmod.Wrapf(ErrInvalidRegistryID, "%q: %s", truncate(s), err)
	}
	return id.Canonical, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ValidateContent checks an anchor: a SHA-256 commitment and the CID of the
// encrypted document in the vault.
func ValidateContent(commitment []byte, cid string) error {
	if len(commitment) != CommitmentSize {
		return errorsmod.Wrapf(ErrInvalidCommitment, "%d bytes, want %d (salted SHA-256)", len(commitment), CommitmentSize)
	}
	if len(cid) > MaxCIDLength {
		return errorsmod.Wrapf(ErrInvalidCID, "longer than %d characters", MaxCIDLength)
	}
	if err := unixfs.Validate(cid); err != nil {
		return errorsmod.Wrap(ErrInvalidCID, err.Error())
	}
	return nil
}

// ValidateVisit checks a visit code: 1 to MaxVisitLength letters, digits,
// '.', '_' or '-' (V1, BASELINE, WEEK-12). No dates, no free text.
func ValidateVisit(v string) error {
	if len(v) == 0 || len(v) > MaxVisitLength {
		return errorsmod.Wrapf(ErrInvalidVisit, "%d characters, 1 to %d", len(v), MaxVisitLength)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return errorsmod.Wrapf(ErrInvalidVisit, "%q: letters, digits, '.', '_' and '-' only", truncate(v))
		}
	}
	return nil
}

func checkTrialID(id uint64) error {
	if id == 0 {
		return errorsmod.Wrap(ErrTrialNotFound, "trial id 0 names no trial")
	}
	return nil
}

func checkVersion(v uint32) error {
	if v == 0 || v > MaxVersions {
		return errorsmod.Wrapf(ErrVersionNotFound, "version %d: 1 to %d", v, MaxVersions)
	}
	return nil
}

// ValidateBasic checks the registration.
func (m *MsgRegisterTrial) ValidateBasic() error {
	if err := checkAddresses("sponsor", m.Sponsor, "ethics committee", m.EthicsCommittee); err != nil {
		return err
	}
	if _, err := ParseRegistryID(m.RegistryID); err != nil {
		return err
	}
	if err := text.Check(m.Title, MaxTitleLength); err != nil {
		return errorsmod.Wrapf(ErrInvalidTrial, "title %s", err)
	}
	if _, ok := Phase_name[int32(m.Phase)]; !ok || m.Phase == Phase_PHASE_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidTrial, "phase %d", int32(m.Phase))
	}
	if _, err := NormalizeSites(m.Sites); err != nil {
		return err
	}
	if slices.Contains(m.Sites, m.EthicsCommittee) || slices.Contains(m.Sites, m.Sponsor) {
		return errorsmod.Wrap(ErrInvalidTrial, "the sponsor and the ethics committee are not sites of their own trial")
	}
	if m.EthicsCommittee == m.Sponsor {
		return errorsmod.Wrap(ErrInvalidTrial, "the sponsor cannot be its own ethics committee")
	}
	if m.TargetEnrolment == 0 {
		return errorsmod.Wrap(ErrInvalidTrial, "target enrolment must be positive")
	}
	if err := ValidateOutcomes(m.Outcomes); err != nil {
		return err
	}
	if consenttypes.CategorySystem(m.ConsentCategory) == "" {
		return errorsmod.Wrapf(ErrInvalidTrial, "consent category %q is not an x/consent data category", truncate(m.ConsentCategory))
	}
	if m.PrimaryCompletion.IsZero() || m.PrimaryCompletion.Unix() <= 0 {
		return errorsmod.Wrap(ErrInvalidTrial, "primary completion is required")
	}
	return ValidateContent(m.ProtocolCommitment, m.ProtocolCID)
}

// NormalizeSites checks a site list (1 to MaxSites well-formed accounts, each
// once) and returns it sorted.
func NormalizeSites(sites []string) ([]string, error) {
	if len(sites) == 0 || len(sites) > MaxSites {
		return nil, errorsmod.Wrapf(ErrInvalidTrial, "%d sites, 1 to %d", len(sites), MaxSites)
	}
	out := slices.Clone(sites)
	slices.Sort(out)
	for i, s := range out {
		if err := addrs.Check(ErrInvalidAddress, "site", s); err != nil {
			return nil, err
		}
		if i > 0 && out[i-1] == s {
			return nil, errorsmod.Wrapf(ErrInvalidTrial, "site %s listed twice", s)
		}
	}
	return out, nil
}

// ValidateBasic checks the amendment.
func (m *MsgAmendProtocol) ValidateBasic() error {
	if err := checkAddresses("sponsor", m.Sponsor); err != nil {
		return err
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	return ValidateContent(m.Commitment, m.CID)
}

// ValidateBasic checks the approval.
func (m *MsgApproveVersion) ValidateBasic() error {
	if err := checkAddresses("ethics committee", m.EthicsCommittee); err != nil {
		return err
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	return checkVersion(m.Version)
}

// ValidateBasic checks the rejection.
func (m *MsgRejectVersion) ValidateBasic() error {
	if err := checkAddresses("ethics committee", m.EthicsCommittee); err != nil {
		return err
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	return checkVersion(m.Version)
}

// ValidateBasic checks the subject's consent binding.
func (m *MsgConsentToVersion) ValidateBasic() error {
	if err := checkAddresses("subject", m.Subject, "site", m.Site); err != nil {
		return err
	}
	if m.Subject == m.Site {
		return errorsmod.Wrap(ErrSubjectIsSite, "a site is not its own subject")
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	return checkVersion(m.Version)
}

// ValidateBasic checks the enrolment.
func (m *MsgEnrolSubject) ValidateBasic() error {
	if err := checkAddresses("site", m.Site, "subject", m.Subject); err != nil {
		return err
	}
	if m.Subject == m.Site {
		return errorsmod.Wrap(ErrSubjectIsSite, "a site is not its own subject")
	}
	return checkTrialID(m.TrialID)
}

// ValidateBasic checks the withdrawal.
func (m *MsgWithdraw) ValidateBasic() error {
	if err := checkAddresses("subject", m.Subject); err != nil {
		return err
	}
	return checkTrialID(m.TrialID)
}

// ValidateBasic checks the data anchor.
func (m *MsgRecordData) ValidateBasic() error {
	if err := checkAddresses("site", m.Site, "subject", m.Subject); err != nil {
		return err
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	if err := ValidateVisit(m.Visit); err != nil {
		return err
	}
	return ValidateContent(m.Commitment, m.CID)
}

// ValidateAmendReason checks a data amendment's reason code.
func ValidateAmendReason(r AmendReason) error {
	if _, ok := AmendReason_name[int32(r)]; !ok || r == AmendReason_AMEND_REASON_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidReason, "amendment reason %d", int32(r))
	}
	return nil
}

// ValidateBasic checks the data amendment.
func (m *MsgAmendData) ValidateBasic() error {
	if err := checkAddresses("site", m.Site, "subject", m.Subject); err != nil {
		return err
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	if err := ValidateVisit(m.Visit); err != nil {
		return err
	}
	if err := ValidateAmendReason(m.Reason); err != nil {
		return err
	}
	return ValidateContent(m.Commitment, m.CID)
}

// ValidateBasic checks the SAE report.
func (m *MsgReportSAE) ValidateBasic() error {
	if err := checkAddresses("site", m.Site); err != nil {
		return err
	}
	return checkTrialID(m.TrialID)
}

// ValidateBasic checks the expedited report.
func (m *MsgSubmitSAEReport) ValidateBasic() error {
	if err := checkAddresses("sponsor", m.Sponsor); err != nil {
		return err
	}
	if m.SAEID == 0 {
		return errorsmod.Wrap(ErrSAENotFound, "SAE id 0 names no clock")
	}
	return ValidateContent(m.Commitment, m.CID)
}

// ValidateBasic checks the lock.
func (m *MsgLockDatabase) ValidateBasic() error {
	if err := checkAddresses("sponsor", m.Sponsor); err != nil {
		return err
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	return ValidateContent(m.Commitment, m.CID)
}

// ValidateBasic checks the results as far as it can without the trial.
func (m *MsgReportResults) ValidateBasic() error {
	if err := checkAddresses("sponsor", m.Sponsor); err != nil {
		return err
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	return checkReported(m.Outcomes, m.Omissions)
}

// ValidateBasic checks the authority and the params.
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := checkAddresses("authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}

// ValidateBasic checks the authority, the trial id and the reason.
func (m *MsgReleaseRegistryID) ValidateBasic() error {
	if err := checkAddresses("authority", m.Authority); err != nil {
		return err
	}
	if err := checkTrialID(m.TrialID); err != nil {
		return err
	}
	if err := text.Check(m.Reason, MaxReleaseReasonLength); err != nil {
		return errorsmod.Wrapf(ErrInvalidReason, "release reason %s", err)
	}
	return nil
}
