package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/records/types"
)

// Migrator upgrades the records store between consensus versions.
type Migrator struct {
	k Keeper
}

// NewMigrator returns the records migrator.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 rewrites the access grants of version 1 (healthd v0.1.0), which
// stored the record version's category in each grant, into version 2's
// layout: a grant is stored as granted, without its category, and queries
// derive the category from the record (grantView). No index of Grants reads
// the category, so rewriting a grant writes the same index entries. Version 2
// also adds Tombstones, which starts empty: no record was erased before.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	var old []types.AccessGrant
	if err := m.k.Grants.Walk(ctx, nil, func(_ uint64, g types.AccessGrant) (bool, error) {
		if g.Category != "" || g.RecordErased {
			old = append(old, g)
		}
		return false, nil
	}); err != nil {
		return err
	}
	for _, g := range old {
		g.Category, g.RecordErased = "", false
		if err := m.k.Grants.Set(ctx, g.ID, g); err != nil {
			return err
		}
	}
	return nil
}
