package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/healthchain/healthd/app"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	organstypes "github.com/healthchain/healthd/x/organs/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
	trialstypes "github.com/healthchain/healthd/x/trials/types"
)

// TestUpgradeV020 applies the v0.2.0 plan to a chain whose state looks like
// v0.1.0's: the upgrade module's version map has x/records and x/consent at
// 1 and no x/trials or x/organs, and their stores are empty. The handler must
// run both migrations, give the new modules their default genesis, and leave
// every module at this binary's consensus version. (The end-to-end test with
// the v0.1.0 binary is tests/e2e/upgrade_test.go.)
func TestUpgradeV020(t *testing.T) {
	c := newTestChain(t)
	ctx := c.ctx()
	a := c.app

	for _, name := range []string{trialstypes.StoreKey, organstypes.StoreKey} {
		s := ctx.KVStore(a.GetKey(name))
		it := s.Iterator(nil, nil)
		var keys [][]byte
		for ; it.Valid(); it.Next() {
			keys = append(keys, it.Key())
		}
		require.NoError(t, it.Close())
		for _, k := range keys {
			s.Delete(k)
		}
	}
	// The version map is stored as VersionMapByte ‖ module name.
	upgradeStore := ctx.KVStore(a.GetKey(upgradetypes.StoreKey))
	upgradeStore.Delete(append([]byte{upgradetypes.VersionMapByte}, trialstypes.ModuleName...))
	upgradeStore.Delete(append([]byte{upgradetypes.VersionMapByte}, organstypes.ModuleName...))
	old := a.ModuleManager.GetVersionMap()
	old[recordstypes.ModuleName], old[consenttypes.ModuleName] = 1, 1
	delete(old, trialstypes.ModuleName)
	delete(old, organstypes.ModuleName)
	require.NoError(t, a.UpgradeKeeper.SetModuleVersionMap(ctx, old))
	_, err := a.TrialsKeeper.Params.Get(ctx)
	require.Error(t, err, "no trials params before the upgrade")

	require.Len(t, app.Upgrades, 1)
	require.Equal(t, []string{trialstypes.StoreKey, organstypes.StoreKey}, app.V020.StoreUpgrades.Added)
	require.NoError(t, a.UpgradeKeeper.ApplyUpgrade(ctx, upgradetypes.Plan{Name: app.V020Name, Height: ctx.BlockHeight()}))

	vm, err := a.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	require.Equal(t, a.ModuleManager.GetVersionMap(), vm)
	require.Equal(t, uint64(2), vm[recordstypes.ModuleName])
	require.Equal(t, uint64(2), vm[consenttypes.ModuleName])
	require.Equal(t, uint64(2), vm[consortiumtypes.ModuleName], "x/consortium needs no migration")
	require.Equal(t, uint64(1), vm[trialstypes.ModuleName])
	require.Equal(t, uint64(1), vm[organstypes.ModuleName])
	tp, err := a.TrialsKeeper.Params.Get(ctx)
	require.NoError(t, err, "x/trials got its default genesis")
	require.Equal(t, trialstypes.DefaultParams(), tp)
	op, err := a.OrgansKeeper.Params.Get(ctx)
	require.NoError(t, err, "x/organs got its default genesis")
	require.Equal(t, organstypes.DefaultParams(), op)
}
