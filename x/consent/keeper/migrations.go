package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/consent/types"
)

// Migrator upgrades the consent store between consensus versions.
type Migrator struct {
	k Keeper
}

// NewMigrator returns the consent migrator.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 removes the clear justification from the break-glass accesses of
// version 1 (healthd v0.1.0). Version 1 stored it as field 4, a
// JustificationCode: health information about the patient. Version 2 reserves
// field 4 and keeps only a sealed justification (commitment and ciphertext),
// which the chain cannot make: the salt and the readers' keys are off chain.
// Decoding a version 1 entry skips the unknown field 4 and encoding it again
// leaves it out, so every entry is read and written back; an entry from
// before the upgrade then has neither a clear nor a sealed justification. The
// ActiveBreakGlass markers are keyed by patient and member and are unchanged.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	var all []types.BreakGlass
	if err := m.k.BreakGlasses.Walk(ctx, nil, func(_ uint64, bg types.BreakGlass) (bool, error) {
		all = append(all, bg)
		return false, nil
	}); err != nil {
		return err
	}
	for _, bg := range all {
		if err := m.k.BreakGlasses.Set(ctx, bg.ID, bg); err != nil {
			return err
		}
	}
	return nil
}
