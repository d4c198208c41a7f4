package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/addrs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

// The stateless checks below run at CheckTx (BaseApp calls ValidateBasic):
// an anchor with a bad kind, category, commitment, CID or size, an unknown
// purpose or a malformed account never reaches a block. The msg server
// repeats them and adds the stateful ones (roles, CID uniqueness, authorship,
// versions, consent).
var (
	_ sdk.HasValidateBasic = (*MsgRegisterEncryptionKey)(nil)
	_ sdk.HasValidateBasic = (*MsgAnchorRecord)(nil)
	_ sdk.HasValidateBasic = (*MsgAmendRecord)(nil)
	_ sdk.HasValidateBasic = (*MsgRequestAccess)(nil)
	_ sdk.HasValidateBasic = (*MsgEraseRecord)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
)

func requireRecordID(field string, id uint64) error {
	if id == 0 {
		return errorsmod.Wrapf(ErrRecordNotFound, "%s 0 names no record", field)
	}
	return nil
}

// ValidateBasic checks the owner and the age recipient.
func (m *MsgRegisterEncryptionKey) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "owner", m.Owner); err != nil {
		return err
	}
	return ValidateRecipient(m.Recipient)
}

// ValidateBasic checks the accounts, format and kind, category, commitment,
// CID and size.
func (m *MsgAnchorRecord) ValidateBasic() error {
	if err := addrs.CheckAll(ErrInvalidAddress, "author", m.Author, "patient", m.Patient); err != nil {
		return err
	}
	if err := ValidateKind(m.Format, m.Kind); err != nil {
		return err
	}
	if err := ValidateCategory(m.Category); err != nil {
		return err
	}
	return ValidateContent(m.Commitment, m.CID, m.BlobSize)
}

// ValidateBasic checks the author, the superseded id, category and content
// (the kind is checked against the record's format in the msg server).
func (m *MsgAmendRecord) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "author", m.Author); err != nil {
		return err
	}
	if err := requireRecordID("supersedes", m.Supersedes); err != nil {
		return err
	}
	if err := ValidateCategory(m.Category); err != nil {
		return err
	}
	return ValidateContent(m.Commitment, m.CID, m.BlobSize)
}

// ValidateBasic checks the grantee, the record id and the purpose.
func (m *MsgRequestAccess) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "grantee", m.Grantee); err != nil {
		return err
	}
	if err := requireRecordID("record_id", m.RecordID); err != nil {
		return err
	}
	return consenttypes.ValidatePurpose(m.Purpose)
}

// ValidateBasic checks the signer, the record id and that the latest version
// the signer saw is named.
func (m *MsgEraseRecord) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "signer", m.Signer); err != nil {
		return err
	}
	if err := requireRecordID("record_id", m.RecordID); err != nil {
		return err
	}
	if m.LatestVersion == 0 {
		return errorsmod.Wrap(ErrNotLatestVersion, "latest_version must name the newest version you saw (1 or more)")
	}
	return nil
}

// ValidateBasic checks the authority's address and the params.
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := addrs.Check(ErrInvalidAddress, "authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}
