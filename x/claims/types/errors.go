package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of the claims module.
var (
	ErrInvalidAddress    = errorsmod.Register(ModuleName, 2, "invalid address")
	ErrInvalidPlan       = errorsmod.Register(ModuleName, 3, "invalid plan")
	ErrPlanNotFound      = errorsmod.Register(ModuleName, 4, "plan not found")
	ErrNotPayer          = errorsmod.Register(ModuleName, 5, "signer is not the payer of this plan or coverage")
	ErrInvalidCoverage   = errorsmod.Register(ModuleName, 6, "invalid coverage")
	ErrCoverageNotFound  = errorsmod.Register(ModuleName, 7, "coverage not found")
	ErrInvalidPriorAuth  = errorsmod.Register(ModuleName, 8, "invalid prior authorisation")
	ErrInvalidClaim      = errorsmod.Register(ModuleName, 9, "invalid claim")
	ErrInvalidCode       = errorsmod.Register(ModuleName, 10, "invalid code")
	ErrClaimNotFound     = errorsmod.Register(ModuleName, 11, "claim not found")
	ErrInvalidTransition = errorsmod.Register(ModuleName, 12, "claim status does not allow this")
	ErrNotProvider       = errorsmod.Register(ModuleName, 13, "signer is not the provider of this claim")
	ErrAlreadyAppealed   = errorsmod.Register(ModuleName, 14, "claim already appealed once")
	ErrInvalidReview     = errorsmod.Register(ModuleName, 15, "invalid review")
	ErrInvalidFunds      = errorsmod.Register(ModuleName, 16, "invalid escrow funding")
	ErrInvalidParams     = errorsmod.Register(ModuleName, 17, "invalid params")
	ErrInvalidGenesis    = errorsmod.Register(ModuleName, 18, "invalid genesis state")
	ErrCoveragePatient   = errorsmod.Register(ModuleName, 19, "the coverage is not the patient's")
	ErrInvalidAppeal     = errorsmod.Register(ModuleName, 20, "invalid appeal reason")
	ErrNoTreatment       = errorsmod.Register(ModuleName, 21, "no treatment relationship between the patient and the provider")
	ErrEscrowOwed        = errorsmod.Register(ModuleName, 22, "escrow is owed to payable claims")
	ErrInvalidCancel     = errorsmod.Register(ModuleName, 23, "invalid cancellation")
	ErrOverflow          = errorsmod.Register(ModuleName, 24, "amount or count out of range")
	ErrInvalidDiagnoses  = errorsmod.Register(ModuleName, 25, "invalid diagnoses commitment or ciphertext")
)

// Errors of hash-time-locked settlement (docs/settlement.md).
var (
	ErrInvalidSettlement  = errorsmod.Register(ModuleName, 26, "invalid settlement")
	ErrSettlementLocked   = errorsmod.Register(ModuleName, 27, "claim already has a locked settlement")
	ErrHashlockInUse      = errorsmod.Register(ModuleName, 28, "hashlock already used by a settlement")
	ErrPreimageMismatch   = errorsmod.Register(ModuleName, 29, "preimage does not open the hashlock")
	ErrSettlementExpired  = errorsmod.Register(ModuleName, 30, "settlement deadline has passed")
	ErrSettlementNotFound = errorsmod.Register(ModuleName, 31, "settlement not found")
	ErrSettlementRequired = errorsmod.Register(ModuleName, 32, "claim is settled on Ethereum: lock the settlement, then approve with its preimage")
	ErrSettlementTooSoon  = errorsmod.Register(ModuleName, 33, "settlement deadline too soon")
	// ErrSettlementUnconfirmed: the lock's receiver has not confirmed it.
	ErrSettlementUnconfirmed = errorsmod.Register(ModuleName, 34, "settlement lock not confirmed by its receiver")
)
