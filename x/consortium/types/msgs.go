package types

import (
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
	_, err := NormalizeCompanyPrefixes(m.GS1CompanyPrefixes)
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
	_, err := NormalizeCompanyPrefixes(m.GS1CompanyPrefixes)
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
