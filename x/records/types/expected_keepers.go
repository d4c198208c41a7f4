package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ConsortiumKeeper answers membership and role checks.
type ConsortiumKeeper interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
	RequireActive(ctx context.Context, addr sdk.AccAddress) error
}

// ConsentKeeper decides whether the patient's consent allows an access.
type ConsentKeeper interface {
	Authorize(ctx context.Context, patient, grantee sdk.AccAddress, purpose, category string) (consenttypes.Authorization, error)
	// StillAuthorized answers whether an earlier authorization still holds and
	// still covers purpose and category (a narrowed consent ends it).
	StillAuthorized(ctx context.Context, auth consenttypes.Authorization, purpose, category string) (bool, error)
	// RequirePatientOrGuardian admits the patient and a guardian whose
	// guardianship is live: the rule of every patient action.
	RequirePatientOrGuardian(ctx context.Context, signer, patient sdk.AccAddress) error
}
