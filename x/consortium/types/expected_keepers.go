package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// StakingKeeper is what x/consortium needs of x/staking to keep the validator
// set permissioned.
type StakingKeeper interface {
	GetValidator(ctx context.Context, addr sdk.ValAddress) (stakingtypes.Validator, error)
	GetLastValidators(ctx context.Context) ([]stakingtypes.Validator, error)
	Jail(ctx context.Context, consAddr sdk.ConsAddress) error
}
