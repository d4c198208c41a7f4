package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ConsortiumKeeper answers role checks.
type ConsortiumKeeper interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
}
