package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of the bridge module.
var (
	ErrInvalidAddress       = errorsmod.Register(ModuleName, 2, "invalid address")
	ErrInvalidPacket        = errorsmod.Register(ModuleName, 3, "invalid packet data")
	ErrInvalidChannel       = errorsmod.Register(ModuleName, 4, "invalid bridge channel")
	ErrWrongRole            = errorsmod.Register(ModuleName, 5, "flow not handled by this chain's role")
	ErrInvalidPrescription  = errorsmod.Register(ModuleName, 6, "invalid prescription")
	ErrPrescriptionNotFound = errorsmod.Register(ModuleName, 7, "prescription not found")
	ErrPrescriptionStatus   = errorsmod.Register(ModuleName, 8, "prescription not in a state that allows this")
	ErrPrescriptionNeeded   = errorsmod.Register(ModuleName, 9, "a prescription-only product needs an open prescription")
	ErrMismatch             = errorsmod.Register(ModuleName, 10, "prescription does not match the dispense")
	ErrNotPrescriber        = errorsmod.Register(ModuleName, 11, "signer is not the prescriber")
	ErrInvalidUnit          = errorsmod.Register(ModuleName, 12, "invalid unit reference")
	ErrNotFound             = errorsmod.Register(ModuleName, 13, "not found")
	ErrNotResendable        = errorsmod.Register(ModuleName, 14, "notice cannot be re-sent")
	ErrInvalidParams        = errorsmod.Register(ModuleName, 15, "invalid params")
	ErrInvalidGenesis       = errorsmod.Register(ModuleName, 16, "invalid genesis state")
	ErrInvalidAck           = errorsmod.Register(ModuleName, 17, "invalid acknowledgement")
	ErrUnknownPacket        = errorsmod.Register(ModuleName, 18, "acknowledged packet was not pending")
	ErrUntrustedClient      = errorsmod.Register(ModuleName, 19, "light client is not of a trusted counterparty")
	ErrChannelExists        = errorsmod.Register(ModuleName, 20, "a bridge channel to this counterparty is already open")
	ErrOverflow             = errorsmod.Register(ModuleName, 21, "counter would overflow")
)
