package types

import (
	"fmt"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesisState has no members: a network's genesis names its founders.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{}
}

// Validate checks every member and that no address appears twice.
func (gs GenesisState) Validate(ac address.Codec) error {
	seen := make(map[string]struct{}, len(gs.Members))
	for _, m := range gs.Members {
		if err := m.Validate(ac); err != nil {
			// Keep both sentinels reachable with errors.Is.
			return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
		}
		bz, _ := ac.StringToBytes(m.Address)
		if _, dup := seen[string(bz)]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "member %s listed twice", m.Address)
		}
		seen[string(bz)] = struct{}{}
	}
	return nil
}
