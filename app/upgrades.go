package app

import (
	"context"
	"fmt"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
)

// Upgrade is one named software upgrade: the handler that migrates state and the
// stores it adds, renames or deletes.
type Upgrade struct {
	Name          string
	Handler       func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap, app *App) (module.VersionMap, error)
	StoreUpgrades storetypes.StoreUpgrades
}

// Upgrades lists the upgrades this binary knows. A new release appends its own;
// a plan passed by the authority names one of them.
var Upgrades []Upgrade

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
