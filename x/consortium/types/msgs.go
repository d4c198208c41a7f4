package types

import (
	"github.com/cometbft/cometbft/crypto/ed25519"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// The stateless checks below run at CheckTx (BaseApp calls ValidateBasic) and
// in the CLI before a transaction is built or signed, so a malformed admission
// is refused at the door. The msg server repeats them and adds the stateful
// ones (authority, addresses through the address codec, uniqueness).
var (
	_ sdk.HasValidateBasic = (*MsgAdmitMember)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateIdentifiers)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateRoles)(nil)
	_ sdk.HasValidateBasic = (*MsgSuspendMember)(nil)
	_ sdk.HasValidateBasic = (*MsgRegisterNode)(nil)
	_ sdk.HasValidateBasic = (*MsgRemoveNode)(nil)
	_ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)
)

func requireAddress(field, s string) error {
	if s == "" {
		return errorsmod.Wrapf(ErrInvalidAddress, "%s is empty", field)
	}
	return nil
}

// ValidateBasic checks the name, roles and identifiers of an admission.
func (m *MsgAdmitMember) ValidateBasic() error {
	if err := requireAddress("member address", m.Address); err != nil {
		return err
	}
	if err := ValidateName(m.Name); err != nil {
		return err
	}
	if _, err := NormalizeRoles(m.Roles); err != nil {
		return err
	}
	if err := ValidateIdentifiers(m.NPI, m.GLN, m.DEA); err != nil {
		return err
	}
	if _, err := NormalizeCompanyPrefixes(m.GS1CompanyPrefixes); err != nil {
		return err
	}
	_, err := NormalizeFINs(m.FINs)
	return err
}

// ValidateBasic checks the new identifiers.
func (m *MsgUpdateIdentifiers) ValidateBasic() error {
	if err := requireAddress("member address", m.Address); err != nil {
		return err
	}
	if err := ValidateIdentifiers(m.NPI, m.GLN, m.DEA); err != nil {
		return err
	}
	if _, err := NormalizeCompanyPrefixes(m.GS1CompanyPrefixes); err != nil {
		return err
	}
	_, err := NormalizeFINs(m.FINs)
	return err
}

// ValidateBasic checks the new role list.
func (m *MsgUpdateRoles) ValidateBasic() error {
	if err := requireAddress("member address", m.Address); err != nil {
		return err
	}
	_, err := NormalizeRoles(m.Roles)
	return err
}

// ValidateBasic checks the reason.
func (m *MsgSuspendMember) ValidateBasic() error {
	if err := requireAddress("member address", m.Address); err != nil {
		return err
	}
	return ValidateReason(m.Reason)
}

// ValidateBasic checks the node id and address, and that the public key is the
// node's. The signature names the chain id, which only the msg server knows:
// it is verified there.
func (m *MsgRegisterNode) ValidateBasic() error {
	if err := requireAddress("member address", m.Member); err != nil {
		return err
	}
	if err := ValidateNodeID(m.NodeID); err != nil {
		return err
	}
	if err := ValidateNodeAddress(m.Address); err != nil {
		return err
	}
	id, err := NodeIDOfPubKey(m.PubKey)
	if err != nil {
		return err
	}
	if id != m.NodeID {
		return errorsmod.Wrapf(ErrNodeKeyMismatch, "the public key is node %s's, not %s's", id, m.NodeID)
	}
	if len(m.Signature) != ed25519.SignatureSize {
		return errorsmod.Wrapf(ErrNodeKeyMismatch, "signature has %d bytes, want %d", len(m.Signature), ed25519.SignatureSize)
	}
	return nil
}

// ValidateBasic checks the node id.
func (m *MsgRemoveNode) ValidateBasic() error {
	if err := requireAddress("signer", m.Signer); err != nil {
		return err
	}
	return ValidateNodeID(m.NodeID)
}

// ValidateBasic checks the parameters.
func (m *MsgUpdateParams) ValidateBasic() error {
	return m.Params.Validate()
}
