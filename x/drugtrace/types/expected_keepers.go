package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// ConsortiumKeeper answers role checks. RequireRole refuses unknown and
// suspended accounts: every drugtrace message goes through it, so a suspended
// member can do nothing here.
type ConsortiumKeeper interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, roles ...consortiumtypes.Role) error
	// GetMember returns the member record (its GS1 company prefixes bind the
	// GTINs a manufacturer may register).
	GetMember(ctx context.Context, addr sdk.AccAddress) (consortiumtypes.Member, error)
}

// Dispensation is what TraceHooks are told of a dispense about to happen.
type Dispensation struct {
	// Pharmacy is the dispensing member's account; Patient the patient's.
	Pharmacy, Patient string
	// PrescriptionID and PrescriptionCommitment are as the message gave
	// them: at most one is set.
	PrescriptionID         uint64
	PrescriptionCommitment []byte
	Product                Product
	Unit                   Unit
}

// TraceHooks let another module (x/bridge) take part in dispensing and
// recalls. An error refuses the message, so the hook's own writes and the
// dispense or recall stand or fall together.
type TraceHooks interface {
	// BeforeDispense checks the prescription a dispense names and records its use.
	BeforeDispense(ctx context.Context, d Dispensation) error
	// AfterRecall is told of a new recall.
	AfterRecall(ctx context.Context, r Recall) error
}
