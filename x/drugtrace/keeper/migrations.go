package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// Migrator upgrades the drugtrace store between consensus versions.
type Migrator struct {
	k Keeper
}

// NewMigrator returns the drugtrace migrator.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 gives the params of version 1 (healthd v0.1.0) the
// hash-time-locked settlement params, which version 1 did not have: a stored
// version 1 Params decodes with both at zero, which Params.Validate refuses
// and which would leave no margin between a reveal and the Ethereum
// timelock. Each that is zero gets its default. Settlements and hashlocks are
// new collections: version 1 has none.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	p, err := m.k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if p.EVMSettlementMargin == 0 {
		p.EVMSettlementMargin = types.DefaultEVMSettlementMargin
	}
	if p.EVMMinRevealWindow == 0 {
		p.EVMMinRevealWindow = types.DefaultEVMMinRevealWindow
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return m.k.Params.Set(ctx, p)
}
