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
	// OwnerOfFIN names the member an ISBT 128 FIN is registered to (by the
	// chain authority), or fails with consortiumtypes.ErrMemberNotFound.
	OwnerOfFIN(ctx context.Context, fin string) (sdk.AccAddress, error)
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
	RequireActive(ctx context.Context, addr sdk.AccAddress) error
	// GetMember finds a member whatever its status: a member's account,
	// even suspended, is never another member's staff.
	GetMember(ctx context.Context, addr sdk.AccAddress) (consortiumtypes.Member, error)
}

// ConsentKeeper says whether a living donor consented to the OPO for
// donation (Authorize, at opening) and whether that consent still holds
// (StillAuthorized: active, not ended, still covering DONAT; one read).
type ConsentKeeper interface {
	Authorize(ctx context.Context, patient, grantee sdk.AccAddress, purpose, category string) (consenttypes.Authorization, error)
	StillAuthorized(ctx context.Context, auth consenttypes.Authorization, purpose, category string) (bool, error)
}
