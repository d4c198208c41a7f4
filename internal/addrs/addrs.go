// Package addrs decodes and encodes account addresses the same way in every
// healthd keeper, each refusing bad input with its own registered error.
package addrs

import (
	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
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

// Check is the stateless check of an address, for ValidateBasic (which has
// no address codec): s is a bech32 string with a valid checksum and a 20- or
// 32-byte payload. The prefix is the codec's, checked by Parse in the msg
// server. invalid is the calling module's registered error.
func Check(invalid *errorsmod.Error, field, s string) error {
	if s == "" {
		return errorsmod.Wrapf(invalid, "%s is empty", field)
	}
	_, bz, err := bech32.DecodeAndConvert(s)
	if err != nil {
		return errorsmod.Wrapf(invalid, "%s is not a bech32 address: %s", field, err)
	}
	if len(bz) != 20 && len(bz) != 32 {
		return errorsmod.Wrapf(invalid, "%s is %d bytes, want 20 or 32", field, len(bz))
	}
	return nil
}

// CheckAll runs Check on (field, address) pairs.
func CheckAll(invalid *errorsmod.Error, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := Check(invalid, pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}
