package types

import (
	"fmt"
	"math"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

// DefaultGenesisState has default params and no records. IDs start at 1: zero
// means "none" wherever an ID is optional.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextRecordID: 1, NextGrantID: 1}
}

// Validate checks params and every record, grant and key, that IDs are unique,
// ordered and below the next ids, and that version chains and grants refer to
// records of the same patient.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	if gs.NextRecordID == 0 || gs.NextGrantID == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next ids start at 1")
	}
	// The last uint64 is never handed out (the sequence would wrap).
	if gs.NextRecordID == math.MaxUint64 || gs.NextGrantID == math.MaxUint64 {
		return errorsmod.Wrapf(ErrInvalidGenesis, "next ids must be below %d", uint64(math.MaxUint64))
	}
	addr := func(what, s string) error {
		bz, err := ac.StringToBytes(s)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s %q: %s", what, s, err)
		}
		// Addresses are compared as strings (patient, author, key owner): only
		// the canonical lower-case form may be stored.
		if canonical, err := ac.BytesToString(bz); err != nil || canonical != s {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s %q is not in canonical (lower-case bech32) form", what, s)
		}
		return nil
	}
	records := make(map[uint64]Record, len(gs.Records))
	// cids: a CID is anchored by one record version only (the vault acts by CID).
	cids := make(map[string]uint64, len(gs.Records))
	var prev uint64
	for i, r := range gs.Records {
		if r.ID == 0 || (i > 0 && r.ID <= prev) || r.ID >= gs.NextRecordID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "record id %d out of order or not below next id %d", r.ID, gs.NextRecordID)
		}
		prev = r.ID
		if err := addr("patient", r.Patient); err != nil {
			return err
		}
		if err := addr("author", r.Author); err != nil {
			return err
		}
		for _, err := range []error{ValidateKind(r.Format, r.Kind), ValidateCategory(r.Category), ValidateContent(r.Commitment, r.CID, r.BlobSize)} {
			if err != nil {
				return fmt.Errorf("%w: record %d: %w", ErrInvalidGenesis, r.ID, err)
			}
		}
		if other, dup := cids[r.CID]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "records %d and %d anchor the same CID %s", other, r.ID, r.CID)
		}
		cids[r.CID] = r.ID
		if r.Version == 0 || r.RootID == 0 || r.RootID > r.ID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "record %d: bad version %d or root %d", r.ID, r.Version, r.RootID)
		}
		if r.Supersedes == 0 {
			if r.Version != 1 || r.RootID != r.ID {
				return errorsmod.Wrapf(ErrInvalidGenesis, "record %d: a first version is version 1 and its own root", r.ID)
			}
		} else {
			old, ok := records[r.Supersedes]
			switch {
			case !ok:
				return errorsmod.Wrapf(ErrInvalidGenesis, "record %d supersedes unknown or later record %d", r.ID, r.Supersedes)
			case old.SupersededBy != r.ID:
				return errorsmod.Wrapf(ErrInvalidGenesis, "record %d supersedes %d, which names %d as its successor", r.ID, r.Supersedes, old.SupersededBy)
			case old.Patient != r.Patient || old.Format != r.Format || old.RootID != r.RootID || old.Version+1 != r.Version:
				return errorsmod.Wrapf(ErrInvalidGenesis, "record %d does not continue the chain of %d", r.ID, r.Supersedes)
			}
		}
		if r.SupersededBy != 0 && r.SupersededBy <= r.ID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "record %d superseded by an earlier id %d", r.ID, r.SupersededBy)
		}
		records[r.ID] = r
	}
	for _, r := range gs.Records {
		if next, ok := records[r.SupersededBy]; r.SupersededBy != 0 && (!ok || next.Supersedes != r.ID) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "record %d names %d as successor, which does not supersede it", r.ID, r.SupersededBy)
		}
	}
	tombstones, err := validateTombstones(gs.Tombstones, records, gs.NextRecordID, addr)
	if err != nil {
		return err
	}
	prev = 0
	for i, g := range gs.Grants {
		if g.ID == 0 || (i > 0 && g.ID <= prev) || g.ID >= gs.NextGrantID {
			return errorsmod.Wrapf(ErrInvalidGenesis, "grant id %d out of order or not below next id %d", g.ID, gs.NextGrantID)
		}
		prev = g.ID
		r, live := records[g.RecordID]
		t, erased := tombstones[g.RecordID]
		switch {
		case !live && !erased:
			return errorsmod.Wrapf(ErrInvalidGenesis, "grant %d names unknown record %d", g.ID, g.RecordID)
		case g.RecordErased || g.Category != "":
			// Both are derived by queries from the record, never stored.
			return errorsmod.Wrapf(ErrInvalidGenesis, "grant %d stores a category or record_erased", g.ID)
		case live && r.Patient != g.Patient, erased && t.Patient != g.Patient:
			return errorsmod.Wrapf(ErrInvalidGenesis, "grant %d does not match record %d", g.ID, g.RecordID)
		case (g.ConsentID == 0) == (g.BreakGlassID == 0):
			return errorsmod.Wrapf(ErrInvalidGenesis, "grant %d rests on exactly one consent or break-glass access", g.ID)
		case !g.ExpiresAt.After(g.GrantedAt):
			return errorsmod.Wrapf(ErrInvalidGenesis, "grant %d expires before it is granted", g.ID)
		}
		if err := addr("grantee", g.Grantee); err != nil {
			return err
		}
		if err := consenttypes.ValidatePurpose(g.Purpose); err != nil {
			return fmt.Errorf("%w: grant %d: %w", ErrInvalidGenesis, g.ID, err)
		}
	}
	owners := make(map[string]bool, len(gs.EncryptionKeys))
	for _, k := range gs.EncryptionKeys {
		if err := addr("key owner", k.Owner); err != nil {
			return err
		}
		if owners[k.Owner] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "two encryption keys for %s", k.Owner)
		}
		owners[k.Owner] = true
		if err := ValidateRecipient(k.Recipient); err != nil {
			return fmt.Errorf("%w: key of %s: %w", ErrInvalidGenesis, k.Owner, err)
		}
	}
	return nil
}

// validateTombstones checks the erased versions: ids unique, in order, below
// the next id and used by no live record; each holds its id, its patient,
// erased and erased_at, and nothing else. It returns them by id.
func validateTombstones(ts []Record, records map[uint64]Record, next uint64, addr func(what, s string) error) (map[uint64]Record, error) {
	out := make(map[uint64]Record, len(ts))
	var prev uint64
	for i, t := range ts {
		if t.ID == 0 || (i > 0 && t.ID <= prev) || t.ID >= next {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "tombstone id %d out of order or not below next id %d", t.ID, next)
		}
		prev = t.ID
		if _, ok := records[t.ID]; ok {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "record %d is both live and erased", t.ID)
		}
		if err := addr("patient", t.Patient); err != nil {
			return nil, err
		}
		if !t.Erased || t.ErasedAt == nil {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "tombstone %d: erased and erased_at are required", t.ID)
		}
		if !t.IsBareTombstone() {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "tombstone %d keeps more than its id, patient and erasure time", t.ID)
		}
		out[t.ID] = t
	}
	return out, nil
}
