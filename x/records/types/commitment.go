package types

import (
	"bytes"
	"crypto/sha256"
)

// SaltSize is the length of a commitment's salt. Clients draw it at random
// per record and keep it inside the encrypted envelope, never on chain.
const SaltSize = 32

// Commitment is a record's commitment: SHA-256(salt ‖ canonical), where
// canonical is the record's canonical bytes (RFC 8785 JSON with FHIR decimals
// as written, HL7 v2 segments ended by CR, DICOM as is). It is CommitmentSize
// bytes. It lives here, beside the anchor it fills, because it is a rule of
// the chain: every client that anchors or verifies a record computes it with
// this one function.
func Commitment(salt, canonical []byte) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write(canonical)
	return h.Sum(nil)
}

// VerifyCommitment reports whether commitment is the commitment of the
// canonical bytes under salt. The commitment is public (it is on chain), so a
// plain comparison leaks nothing.
func VerifyCommitment(commitment, salt, canonical []byte) bool {
	return bytes.Equal(Commitment(salt, canonical), commitment)
}
