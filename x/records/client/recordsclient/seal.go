package recordsclient

import (
	"fmt"

	"filippo.io/age"

	"github.com/healthchain/healthd/internal/unixfs"
	"github.com/healthchain/healthd/x/records/types"
)

// Sealed is a record validated, committed to and encrypted: what is uploaded
// to the vault (Ciphertext) and anchored on chain (Commitment, CID).
type Sealed struct {
	Prepared   *Prepared
	Category   string
	Commitment []byte
	Ciphertext []byte
	CID        string
	// Key is the fresh record key; it leaves the client only wrapped for a reader.
	Key *age.X25519Identity
}

// SealRecord validates and canonicalises record (its format detected when
// unspecified), commits to it under a fresh salt and encrypts it, with a
// header holding the salt, under a fresh record key. category overrides the
// one the record implies; a record that implies none needs one.
func SealRecord(record []byte, format types.Format, category string) (*Sealed, error) {
	p, err := Prepare(record, format)
	if err != nil {
		return nil, err
	}
	if category == "" {
		category = p.Category
	}
	if category == "" {
		return nil, fmt.Errorf("a %s %s implies no consent category: give --category (a FHIR resource type or an observation category)", p.Format, p.Kind)
	}
	if err := types.ValidateCategory(category); err != nil {
		return nil, err
	}
	salt, err := NewSalt()
	if err != nil {
		return nil, err
	}
	env, err := Envelope(Header{Format: p.Format, Kind: p.Kind, Category: category, Salt: salt}, record)
	if err != nil {
		return nil, err
	}
	ct, key, err := Seal(env)
	if err != nil {
		return nil, err
	}
	return &Sealed{
		Prepared: p, Category: category, Commitment: types.Commitment(salt, p.Canonical),
		Ciphertext: ct, CID: unixfs.SumBytes(ct), Key: key,
	}, nil
}

// Opened is a record decrypted and checked against its anchor.
type Opened struct {
	Record types.Record
	Header Header
	// Bytes are the record as its author gave it.
	Bytes []byte
	// GrantID is the access grant the read rests on; 0 when none is needed
	// (the patient, the author). Session.Get sets it.
	GrantID uint64
}

// OpenRecord checks blob's CID against the anchor r, decrypts it with the
// record key, and checks that the record still validates and that its salted
// commitment is the anchored one. Nothing is returned unless every check holds.
func OpenRecord(r types.Record, blob []byte, key age.Identity) (*Opened, error) {
	if err := checkCID(r, blob); err != nil {
		return nil, err
	}
	return openChecked(r, blob, key)
}

// checkCID checks that blob is the one r anchors.
func checkCID(r types.Record, blob []byte) error {
	if cid := unixfs.SumBytes(blob); cid != r.CID {
		return fmt.Errorf("integrity: the vault's blob has CID %s, the chain anchored %s", cid, r.CID)
	}
	return nil
}

// openChecked is OpenRecord after the CID check.
func openChecked(r types.Record, blob []byte, key age.Identity) (*Opened, error) {
	env, err := Unseal(blob, key)
	if err != nil {
		return nil, err
	}
	h, b, err := OpenEnvelope(env)
	if err != nil {
		return nil, err
	}
	p, err := Prepare(b, r.Format)
	if err != nil {
		return nil, fmt.Errorf("the decrypted record no longer validates: %w", err)
	}
	if !types.VerifyCommitment(r.Commitment, h.Salt, p.Canonical) {
		return nil, fmt.Errorf("integrity: the decrypted record's commitment %x does not match the anchored %x", types.Commitment(h.Salt, p.Canonical), r.Commitment)
	}
	return &Opened{Record: r, Header: h, Bytes: b}, nil
}
