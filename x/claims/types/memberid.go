package types

import (
	"crypto/hmac"
	"crypto/sha256"

	errorsmod "cosmossdk.io/errors"
)

// A coverage keeps the payer's member id only as a keyed MAC. The member id is
// an identifier (HIPAA's "health plan beneficiary number") printed on the
// patient's card in a short, guessable format, so an unkeyed hash of it, even
// with the patient's address mixed in, is recovered by trying every id: a
// million ids of the form MEM-000123 take well under a second. Under a key only
// the payer holds, the MAC says nothing to anyone else, and the payer, with the
// key, still checks a card in one computation.
const (
	// MemberIDMACSize is the length of a member id MAC (HMAC-SHA256).
	MemberIDMACSize = sha256.Size
	// MemberIDKeySize is the length of a payer's member id key.
	MemberIDKeySize = 32
	// MaxMemberIDLength bounds a member id (X12 271's NM109 holds 80 characters).
	MaxMemberIDLength = 80
	// CurrentMemberIDScheme is the scheme new enrolments use.
	CurrentMemberIDScheme = MemberIDScheme_MEMBER_ID_SCHEME_HMAC_SHA256_V1
)

// memberIDTag separates the v1 MAC's input from anything else the key could
// be used for.
const memberIDTag = "healthd/claims/member-id/v1\x00"

// MemberIDMAC is the MEMBER_ID_SCHEME_HMAC_SHA256_V1 MAC of a member id:
// HMAC-SHA256 under the payer's member id key (see claimsclient.DeriveMemberIDKey)
// over the tag, the patient's address and the member id. The patient's address
// is in it so that one MAC cannot stand for another patient's coverage.
func MemberIDMAC(key []byte, patient, memberID string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(memberIDTag))
	m.Write([]byte(patient))
	m.Write([]byte{0})
	m.Write([]byte(memberID))
	return m.Sum(nil)
}

// VerifyMemberIDMAC reports, in constant time, whether mac is the MAC of
// memberID for patient under key.
func VerifyMemberIDMAC(key []byte, patient, memberID string, mac []byte) bool {
	return hmac.Equal(MemberIDMAC(key, patient, memberID), mac)
}

// ValidateMemberID checks a member id as a payer types it: 1..80 printable
// ASCII characters. It never reaches the chain; the client checks it before
// computing the MAC.
func ValidateMemberID(id string) error {
	if id == "" || len(id) > MaxMemberIDLength {
		return errorsmod.Wrapf(ErrInvalidCoverage, "a member id has 1..%d characters", MaxMemberIDLength)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return errorsmod.Wrapf(ErrInvalidCoverage, "a member id is printable ASCII without spaces (character %d)", i)
		}
	}
	return nil
}

// ValidateMemberIDMAC checks what a coverage keeps of the member id: a MAC of
// MemberIDMACSize bytes under a known scheme.
func ValidateMemberIDMAC(mac []byte, scheme MemberIDScheme) error {
	if scheme != MemberIDScheme_MEMBER_ID_SCHEME_HMAC_SHA256_V1 {
		return errorsmod.Wrapf(ErrInvalidCoverage, "member_id_scheme %s: want %s (a MAC under the payer's key)", scheme, CurrentMemberIDScheme)
	}
	if len(mac) != MemberIDMACSize {
		return errorsmod.Wrapf(ErrInvalidCoverage, "member_id_mac is %d bytes, want %d (HMAC-SHA256; the member id stays off chain)", len(mac), MemberIDMACSize)
	}
	return nil
}
