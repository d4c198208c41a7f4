package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// ConsortiumKeeper answers role checks.
type ConsortiumKeeper interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
}

// ConsentKeeper decides whether the patient consented to disclosure for payment.
type ConsentKeeper interface {
	Authorize(ctx context.Context, patient, grantee sdk.AccAddress, purpose, category string) (consenttypes.Authorization, error)
}

// RecordsKeeper finds the record anchors a claim cites.
type RecordsKeeper interface {
	GetRecord(ctx context.Context, id uint64) (recordstypes.Record, error)
}

// BankKeeper moves escrow in and payments out.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, sender sdk.AccAddress, module string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, module string, recipient sdk.AccAddress, amt sdk.Coins) error
}
