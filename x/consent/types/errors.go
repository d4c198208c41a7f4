package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of the consent module.
var (
	ErrInvalidAddress       = errorsmod.Register(ModuleName, 2, "invalid address")
	ErrNotPatientOrGuardian = errorsmod.Register(ModuleName, 3, "signer is neither the patient nor a guardian of the patient")
	ErrGuardianExpired      = errorsmod.Register(ModuleName, 4, "guardianship has expired")
	ErrUnknownPurpose       = errorsmod.Register(ModuleName, 5, "unknown purpose of use")
	ErrInvalidCategory      = errorsmod.Register(ModuleName, 6, "invalid data category")
	ErrInvalidPeriod        = errorsmod.Register(ModuleName, 7, "invalid period")
	ErrDurationTooLong      = errorsmod.Register(ModuleName, 8, "duration above the maximum")
	ErrGranteeIsPatient     = errorsmod.Register(ModuleName, 9, "grantee is the patient")
	ErrConsentNotFound      = errorsmod.Register(ModuleName, 10, "consent not found")
	ErrAlreadyRevoked       = errorsmod.Register(ModuleName, 11, "consent already revoked")
	ErrConsentExpired       = errorsmod.Register(ModuleName, 12, "consent has expired")
	ErrOverlappingConsent   = errorsmod.Register(ModuleName, 13, "an active consent already covers this grantee, purpose and category")
	ErrTooManyConsents      = errorsmod.Register(ModuleName, 14, "too many active consents for this grantee")
	ErrInvalidReason        = errorsmod.Register(ModuleName, 15, "invalid reason code")
	ErrNoActiveConsents     = errorsmod.Register(ModuleName, 16, "no active consents for this grantee")
	ErrGuardianNotFound     = errorsmod.Register(ModuleName, 17, "guardian not found")
	ErrTooManyGuardians     = errorsmod.Register(ModuleName, 18, "too many guardians")
	ErrBreakGlassRateLimit  = errorsmod.Register(ModuleName, 19, "break-glass rate limit reached")
	ErrInvalidParams        = errorsmod.Register(ModuleName, 20, "invalid params")
	ErrNotAuthorized        = errorsmod.Register(ModuleName, 21, "access not authorized")
	ErrInvalidGenesis       = errorsmod.Register(ModuleName, 22, "invalid genesis state")
	ErrVersionLimit         = errorsmod.Register(ModuleName, 23, "consent version limit reached")
	ErrIDsExhausted         = errorsmod.Register(ModuleName, 24, "no ids left")
	// ErrInvalidJustification: a break-glass justification goes sealed (a
	// commitment and an age ciphertext), never in clear.
	ErrInvalidJustification = errorsmod.Register(ModuleName, 25, "invalid sealed break-glass justification")
	ErrBreakGlassNotFound   = errorsmod.Register(ModuleName, 26, "break-glass access not found")
)
