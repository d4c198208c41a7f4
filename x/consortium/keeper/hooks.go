package keeper

import (
	"context"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// Hooks keeps the validator set permissioned from inside x/staking, whatever
// path a message took (direct, authz MsgExec, governance, genesis gentx): a
// validator can only be created by, and a delegation only opened by, an active
// member. The ante decorator refuses the same messages earlier, with a clearer
// error; these hooks are the guarantee.
type Hooks struct {
	k Keeper
}

var _ stakingtypes.StakingHooks = Hooks{}

// Hooks returns the staking hooks of the consortium.
func (k Keeper) Hooks() Hooks { return Hooks{k: k} }

// AfterValidatorCreated refuses a validator whose operator is not an active member.
func (h Hooks) AfterValidatorCreated(ctx context.Context, valAddr sdk.ValAddress) error {
	if atGenesis(ctx) {
		return nil
	}
	return h.k.RequireActive(ctx, sdk.AccAddress(valAddr))
}

// BeforeDelegationCreated refuses a new delegation from a non-member.
func (h Hooks) BeforeDelegationCreated(ctx context.Context, delAddr sdk.AccAddress, _ sdk.ValAddress) error {
	if atGenesis(ctx) {
		return nil
	}
	return h.k.RequireActive(ctx, delAddr)
}

// atGenesis reports whether the chain is running InitChain (height 0). Validators
// and delegations written directly into x/staking's genesis state are part of the
// genesis document every founder signs off, so the hooks accept them; gentxs,
// which are transactions, still pass the ante handler's staking gate.
func atGenesis(ctx context.Context) bool {
	return sdk.UnwrapSDKContext(ctx).BlockHeight() == 0
}

// BeforeValidatorModified implements stakingtypes.StakingHooks.
func (Hooks) BeforeValidatorModified(context.Context, sdk.ValAddress) error { return nil }

// AfterValidatorRemoved implements stakingtypes.StakingHooks.
func (Hooks) AfterValidatorRemoved(context.Context, sdk.ConsAddress, sdk.ValAddress) error {
	return nil
}

// AfterValidatorBonded implements stakingtypes.StakingHooks.
func (Hooks) AfterValidatorBonded(context.Context, sdk.ConsAddress, sdk.ValAddress) error {
	return nil
}

// AfterValidatorBeginUnbonding implements stakingtypes.StakingHooks.
func (Hooks) AfterValidatorBeginUnbonding(context.Context, sdk.ConsAddress, sdk.ValAddress) error {
	return nil
}

// BeforeDelegationSharesModified implements stakingtypes.StakingHooks. It is
// also called on undelegation, which a suspended member must still be able to do.
func (Hooks) BeforeDelegationSharesModified(context.Context, sdk.AccAddress, sdk.ValAddress) error {
	return nil
}

// BeforeDelegationRemoved implements stakingtypes.StakingHooks.
func (Hooks) BeforeDelegationRemoved(context.Context, sdk.AccAddress, sdk.ValAddress) error {
	return nil
}

// AfterDelegationModified implements stakingtypes.StakingHooks.
func (Hooks) AfterDelegationModified(context.Context, sdk.AccAddress, sdk.ValAddress) error {
	return nil
}

// BeforeValidatorSlashed implements stakingtypes.StakingHooks.
func (Hooks) BeforeValidatorSlashed(context.Context, sdk.ValAddress, math.LegacyDec) error {
	return nil
}

// AfterUnbondingInitiated implements stakingtypes.StakingHooks.
func (Hooks) AfterUnbondingInitiated(context.Context, uint64) error { return nil }
