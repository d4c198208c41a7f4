package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of the consortium module.
var (
	ErrInvalidAddress     = errorsmod.Register(ModuleName, 2, "invalid address")
	ErrInvalidName        = errorsmod.Register(ModuleName, 3, "invalid member name")
	ErrInvalidRole        = errorsmod.Register(ModuleName, 4, "invalid role")
	ErrInvalidIdentifier  = errorsmod.Register(ModuleName, 5, "invalid external identifier")
	ErrMemberExists       = errorsmod.Register(ModuleName, 6, "member already admitted")
	ErrMemberNotFound     = errorsmod.Register(ModuleName, 7, "member not found")
	ErrMemberSuspended    = errorsmod.Register(ModuleName, 8, "member is suspended")
	ErrMemberNotSuspended = errorsmod.Register(ModuleName, 9, "member is not suspended")
	ErrMissingRole        = errorsmod.Register(ModuleName, 10, "member lacks required role")
	ErrNotMember          = errorsmod.Register(ModuleName, 11, "not an active consortium member")
	ErrInvalidReason      = errorsmod.Register(ModuleName, 12, "invalid reason")
	ErrLastValidator      = errorsmod.Register(ModuleName, 13, "suspension would jail the last bonded validator")
	ErrInvalidGenesis     = errorsmod.Register(ModuleName, 14, "invalid genesis state")
	ErrIdentifierTaken    = errorsmod.Register(ModuleName, 15, "external identifier belongs to another member")
	ErrInvalidNodeID      = errorsmod.Register(ModuleName, 16, "invalid node id")
	ErrInvalidNodeAddress = errorsmod.Register(ModuleName, 17, "invalid node address")
	ErrNodeKeyMismatch    = errorsmod.Register(ModuleName, 18, "node key does not prove the node id")
	ErrNodeTaken          = errorsmod.Register(ModuleName, 19, "node is registered by another member")
	ErrNodeNotFound       = errorsmod.Register(ModuleName, 20, "node is not registered")
	ErrNotNodeOwner       = errorsmod.Register(ModuleName, 21, "only the node's member or the authority may remove it")
	ErrTooManyNodes       = errorsmod.Register(ModuleName, 22, "member has registered as many nodes as allowed")
	ErrInvalidParams      = errorsmod.Register(ModuleName, 23, "invalid params")
)
