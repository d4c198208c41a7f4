package app

import (
	"context"
	"fmt"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	organstypes "github.com/healthchain/healthd/x/organs/types"
	trialstypes "github.com/healthchain/healthd/x/trials/types"
)

// Upgrade is one named software upgrade: the handler that migrates state and the
// stores it adds, renames or deletes.
type Upgrade struct {
	Name          string
	Handler       func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap, app *App) (module.VersionMap, error)
	StoreUpgrades storetypes.StoreUpgrades
}

// Upgrades lists the upgrades this binary knows. A new release appends its own;
// a plan passed by the authority names one of them (docs/upgrades.md).
var Upgrades = []Upgrade{V020}

// V020Name is the plan name of the upgrade from healthd v0.1.0.
const V020Name = "v0.2.0"

// V020 takes a chain from healthd v0.1.0 (tag v0.1.0) to this release. It adds
// the stores of x/trials and x/organs, which RunMigrations then fills with
// their default genesis (a module missing from fromVM gets InitGenesis), and
// runs the migrations of the modules whose layout changed: x/records 1 to 2
// (grants stored without their category), x/consent 1 to 2 (break-glass
// accesses stored without their clear justification), and x/claims and
// x/drugtrace 1 to 2 (the settlement params set to their defaults). x/consortium's FINs are
// a new optional field of Member that no v0.1.0 member holds: no migration.
var V020 = Upgrade{
	Name: V020Name,
	Handler: func(ctx context.Context, _ upgradetypes.Plan, fromVM module.VersionMap, app *App) (module.VersionMap, error) {
		return app.ModuleManager.RunMigrations(ctx, app.configurator, fromVM)
	},
	StoreUpgrades: storetypes.StoreUpgrades{
		Added: []string{trialstypes.StoreKey, organstypes.StoreKey},
	},
}

// registerUpgradeHandlers installs the handler of every known upgrade and, when
// this binary starts at a planned upgrade height, the store loader that applies
// that upgrade's store changes.
func (app *App) registerUpgradeHandlers() {
	for _, u := range Upgrades {
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
			if u.Handler != nil {
				return u.Handler(ctx, plan, fromVM, app)
			}
			return app.ModuleManager.RunMigrations(ctx, app.configurator, fromVM)
		})
	}

	info, err := app.UpgradeKeeper.ReadUpgradeInfoFromDisk()
	if err != nil {
		panic(fmt.Errorf("read upgrade info: %w", err))
	}
	if info.Name == "" || app.UpgradeKeeper.IsSkipHeight(info.Height) {
		return
	}
	for _, u := range Upgrades {
		if u.Name == info.Name {
			app.SetStoreLoader(upgradetypes.UpgradeStoreLoader(info.Height, &u.StoreUpgrades))
		}
	}
}
