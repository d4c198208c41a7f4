package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ConsortiumKeeper answers role checks: sponsors, sites, ethics committees.
type ConsortiumKeeper interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
}

// ConsentKeeper decides whether a subject's consent covers the trial.
type ConsentKeeper interface {
	Authorize(ctx context.Context, patient, grantee sdk.AccAddress, purpose, category string) (consenttypes.Authorization, error)
	// StillAuthorized answers whether an earlier authorization still holds and
	// still covers purpose and category (revoked, ended or narrowed: no).
	StillAuthorized(ctx context.Context, auth consenttypes.Authorization, purpose, category string) (bool, error)
}
