package keeper

import (
	"context"

	"github.com/healthchain/healthd/x/records/types"
)

// GrantView is grantViewByID for the external tests: a grant as the
// queries show it.
func GrantView(k Keeper, ctx context.Context, id uint64) (types.AccessGrant, error) {
	return k.grantViewByID(ctx, id)
}
