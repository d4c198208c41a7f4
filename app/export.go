package app

import (
	"encoding/json"
	"fmt"

	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// ExportAppStateAndValidators exports the application state as a genesis app
// state, with the validator set and consensus params. With forZeroHeight the
// state is prepared for a new chain starting at height zero (rewards withdrawn,
// heights reset, validators outside jailAllowedAddrs jailed when it is given).
func (app *App) ExportAppStateAndValidators(forZeroHeight bool, jailAllowedAddrs, modulesToExport []string) (servertypes.ExportedApp, error) {
	ctx := app.NewContext(true)

	// A new chain from this export starts at the next height.
	height := app.LastBlockHeight() + 1
	if forZeroHeight {
		height = 0
		if err := app.prepForZeroHeightGenesis(ctx, jailAllowedAddrs); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}

	genState, err := app.ModuleManager.ExportGenesisForModules(ctx, app.appCodec, modulesToExport)
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	appState, err := json.MarshalIndent(genState, "", "  ")
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	validators, err := staking.WriteValidators(ctx, app.StakingKeeper)
	return servertypes.ExportedApp{
		AppState:        appState,
		Validators:      validators,
		Height:          height,
		ConsensusParams: app.GetConsensusParams(ctx),
	}, err
}

// prepForZeroHeightGenesis settles distribution and resets the heights that a
// chain restarting at zero cannot carry over.
func (app *App) prepForZeroHeightGenesis(ctx sdk.Context, jailAllowedAddrs []string) error {
	allowed := make(map[string]bool, len(jailAllowedAddrs))
	for _, addr := range jailAllowedAddrs {
		if _, err := sdk.ValAddressFromBech32(addr); err != nil {
			return fmt.Errorf("jail allowed address %q: %w", addr, err)
		}
		allowed[addr] = true
	}
	valCodec := app.StakingKeeper.ValidatorAddressCodec()

	// Withdraw all commission and rewards so distribution starts clean.
	var walkErr error
	if err := app.StakingKeeper.IterateValidators(ctx, func(_ int64, val stakingtypes.ValidatorI) bool {
		bz, err := valCodec.StringToBytes(val.GetOperator())
		if err != nil {
			walkErr = err
			return true
		}
		_, _ = app.DistrKeeper.WithdrawValidatorCommission(ctx, bz)
		return false
	}); err != nil {
		return err
	}
	if walkErr != nil {
		return walkErr
	}
	dels, err := app.StakingKeeper.GetAllDelegations(ctx)
	if err != nil {
		return err
	}
	for _, d := range dels {
		valAddr, err := valCodec.StringToBytes(d.ValidatorAddress)
		if err != nil {
			return err
		}
		delAddr, err := app.AccountKeeper.AddressCodec().StringToBytes(d.DelegatorAddress)
		if err != nil {
			return err
		}
		_, _ = app.DistrKeeper.WithdrawDelegationRewards(ctx, delAddr, valAddr)
	}
	app.DistrKeeper.DeleteAllValidatorSlashEvents(ctx)
	app.DistrKeeper.DeleteAllValidatorHistoricalRewards(ctx)

	// Re-create distribution records at height zero.
	height := ctx.BlockHeight()
	ctx = ctx.WithBlockHeight(0)
	if err := app.StakingKeeper.IterateValidators(ctx, func(_ int64, val stakingtypes.ValidatorI) bool {
		bz, err := valCodec.StringToBytes(val.GetOperator())
		if err != nil {
			walkErr = err
			return true
		}
		scraps, err := app.DistrKeeper.GetValidatorOutstandingRewardsCoins(ctx, bz)
		if err != nil {
			walkErr = err
			return true
		}
		feePool, err := app.DistrKeeper.FeePool.Get(ctx)
		if err != nil {
			walkErr = err
			return true
		}
		feePool.CommunityPool = feePool.CommunityPool.Add(scraps...)
		if err := app.DistrKeeper.FeePool.Set(ctx, feePool); err != nil {
			walkErr = err
			return true
		}
		walkErr = app.DistrKeeper.Hooks().AfterValidatorCreated(ctx, bz)
		return walkErr != nil
	}); err != nil {
		return err
	}
	if walkErr != nil {
		return walkErr
	}
	for _, d := range dels {
		valAddr, _ := valCodec.StringToBytes(d.ValidatorAddress)
		delAddr, _ := app.AccountKeeper.AddressCodec().StringToBytes(d.DelegatorAddress)
		if err := app.DistrKeeper.Hooks().BeforeDelegationCreated(ctx, delAddr, valAddr); err != nil {
			return err
		}
		if err := app.DistrKeeper.Hooks().AfterDelegationModified(ctx, delAddr, valAddr); err != nil {
			return err
		}
	}
	ctx = ctx.WithBlockHeight(height)

	// Reset creation heights of redelegations and unbondings.
	if err := app.StakingKeeper.IterateRedelegations(ctx, func(_ int64, red stakingtypes.Redelegation) bool {
		for i := range red.Entries {
			red.Entries[i].CreationHeight = 0
		}
		walkErr = app.StakingKeeper.SetRedelegation(ctx, red)
		return walkErr != nil
	}); err != nil {
		return err
	}
	if walkErr != nil {
		return walkErr
	}
	if err := app.StakingKeeper.IterateUnbondingDelegations(ctx, func(_ int64, ubd stakingtypes.UnbondingDelegation) bool {
		for i := range ubd.Entries {
			ubd.Entries[i].CreationHeight = 0
		}
		walkErr = app.StakingKeeper.SetUnbondingDelegation(ctx, ubd)
		return walkErr != nil
	}); err != nil {
		return err
	}
	if walkErr != nil {
		return walkErr
	}

	// Reset unbonding heights; jail validators not on the allow list.
	vals, err := app.StakingKeeper.GetAllValidators(ctx)
	if err != nil {
		return err
	}
	for _, val := range vals {
		val.UnbondingHeight = 0
		if len(allowed) > 0 && !allowed[val.OperatorAddress] {
			val.Jailed = true
		}
		if err := app.StakingKeeper.SetValidator(ctx, val); err != nil {
			return err
		}
	}
	if _, err := app.StakingKeeper.ApplyAndReturnValidatorSetUpdates(ctx); err != nil {
		return err
	}

	// Signing infos restart at height zero.
	if err := app.SlashingKeeper.IterateValidatorSigningInfos(ctx, func(addr sdk.ConsAddress, info slashingtypes.ValidatorSigningInfo) bool {
		info.StartHeight = 0
		walkErr = app.SlashingKeeper.SetValidatorSigningInfo(ctx, addr, info)
		return walkErr != nil
	}); err != nil {
		return err
	}
	return walkErr
}
