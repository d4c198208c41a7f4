package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of the records module.
var (
	ErrInvalidAddress       = errorsmod.Register(ModuleName, 2, "invalid address")
	ErrInvalidFormat        = errorsmod.Register(ModuleName, 3, "invalid record format")
	ErrInvalidKind          = errorsmod.Register(ModuleName, 4, "invalid record kind")
	ErrInvalidCategory      = errorsmod.Register(ModuleName, 5, "invalid record category")
	ErrInvalidCommitment    = errorsmod.Register(ModuleName, 6, "invalid commitment")
	ErrInvalidCID           = errorsmod.Register(ModuleName, 7, "invalid content identifier")
	ErrRecordNotFound       = errorsmod.Register(ModuleName, 8, "record not found")
	ErrSuperseded           = errorsmod.Register(ModuleName, 9, "record version already superseded")
	ErrNotAuthor            = errorsmod.Register(ModuleName, 10, "signer is not the author of the record")
	ErrTooManyVersions      = errorsmod.Register(ModuleName, 12, "too many versions")
	ErrNoGrantNeeded        = errorsmod.Register(ModuleName, 13, "the patient and the author need no access grant")
	ErrInvalidEncryptionKey = errorsmod.Register(ModuleName, 15, "invalid encryption key")
	ErrKeyNotFound          = errorsmod.Register(ModuleName, 16, "encryption key not found")
	ErrInvalidParams        = errorsmod.Register(ModuleName, 17, "invalid params")
	ErrInvalidGenesis       = errorsmod.Register(ModuleName, 18, "invalid genesis state")
	ErrInvalidSize          = errorsmod.Register(ModuleName, 19, "invalid blob size")
	// ErrCIDInUse: the vault stores, serves and erases by CID, so a CID is
	// anchored by one record version only.
	ErrCIDInUse = errorsmod.Register(ModuleName, 20, "content identifier already anchored by another record")
	// ErrIDsExhausted: an id sequence reached its last value; it never wraps.
	ErrIDsExhausted = errorsmod.Register(ModuleName, 21, "no ids left")
	// ErrRecordErased: the patient erased the record; its tombstone keeps only
	// its id, its patient and when it was erased.
	ErrRecordErased = errorsmod.Register(ModuleName, 22, "record erased")
	// ErrGrantLive: one live grant per grantee and record version, so a
	// grantee cannot pile up grants (and disclosures) by asking again.
	ErrGrantLive = errorsmod.Register(ModuleName, 23, "a live access grant already covers this record")
	// ErrNotLatestVersion: an erasure names the newest version its signer
	// saw; a record amended since is not erased unknowingly.
	ErrNotLatestVersion = errorsmod.Register(ModuleName, 24, "erasure does not name the record's latest version")
)
