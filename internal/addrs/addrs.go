// Package addrs decodes and encodes account addresses the same way in every
// healthd keeper, each refusing bad input with its own registered error.
package addrs

import (
	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Parse decodes the address s given in field; invalid is the calling module's
// registered "invalid address" error, which the refusal wraps.
func Parse(ac address.Codec, invalid *errorsmod.Error, field, s string) (sdk.AccAddress, error) {
	if s == "" {
		return nil, errorsmod.Wrapf(invalid, "%s is empty", field)
	}
	bz, err := ac.StringToBytes(s)
	if err != nil {
		return nil, errorsmod.Wrapf(invalid, "%s %q: %s", field, s, err)
	}
	return bz, nil
}

// String encodes an address; one that cannot be encoded reads "<invalid address>".
func String(ac address.Codec, a sdk.AccAddress) string {
	s, err := ac.BytesToString(a)
	if err != nil {
		return "<invalid address>"
	}
	return s
}
