package types

import (
	"context"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ConsortiumKeeper answers role checks; break glass needs an active hospital.
type ConsortiumKeeper interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
}

// Authorization is what Authorize grants: a consent, or break-glass access.
type Authorization struct {
	ConsentID    uint64
	BreakGlassID uint64
	// Until is when the consent ends or the break-glass access expires: nothing
	// granted on the strength of this authorization may outlive it.
	Until time.Time
}
