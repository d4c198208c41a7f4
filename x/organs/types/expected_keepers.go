package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ConsortiumKeeper answers role checks. Both refuse unknown and suspended
// accounts, so a suspended member, and its staff, can do nothing here.
type ConsortiumKeeper interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
	RequireActive(ctx context.Context, addr sdk.AccAddress) error
	// GetMember finds a member whatever its status: a member's account,
	// even suspended, is never another member's staff.
	GetMember(ctx context.Context, addr sdk.AccAddress) (consortiumtypes.Member, error)
}

// ConsentKeeper says whether a living donor consented to the OPO for donation.
type ConsentKeeper interface {
	Authorize(ctx context.Context, patient, grantee sdk.AccAddress, purpose, category string) (consenttypes.Authorization, error)
}
