package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consortium/types"
)

// Migrator upgrades the consortium's store between consensus versions.
type Migrator struct {
	k Keeper
}

// NewMigrator returns the consortium's migrator.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 builds the identifier index (NPI, GLN, DEA number and GS1
// company prefix to member) that version 2 keeps. It fails, and so does the
// upgrade, if two members already share an identifier: the authority must
// first correct one of them.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	var members []types.Member
	if err := m.k.Members.Walk(ctx, nil, func(_ sdk.AccAddress, mem types.Member) (bool, error) {
		members = append(members, mem)
		return false, nil
	}); err != nil {
		return err
	}
	for _, mem := range members {
		addr, err := m.k.addressCodec.StringToBytes(mem.Address)
		if err != nil {
			return err
		}
		if err := m.k.checkIdentifiersFree(ctx, addr, mem); err != nil {
			return err
		}
		for _, id := range mem.IdentifierKeys() {
			if err := m.k.IdentifierIndex.Set(ctx, joinID(id), addr); err != nil {
				return err
			}
		}
	}
	return nil
}
