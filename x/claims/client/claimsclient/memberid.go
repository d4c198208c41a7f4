// Package claimsclient is the client half of x/claims privacy: the payer's
// member id key and MAC, and the diagnoses a provider seals for the payer and
// itself. Nothing here runs on a node: the chain sees only MACs, commitments
// and ciphertext.
package claimsclient

import (
	"fmt"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"

	"github.com/healthchain/healthd/internal/sigkey"
	"github.com/healthchain/healthd/x/claims/types"
)

// memberIDKeyMessage is what a payer's key signs to derive its member id key.
// It differs from x/records' encryption-key message, so the two keys are
// unrelated even though both come from the same signing key.
const memberIDKeyMessage = "healthd/claims/member-id-key/v1: sign only inside healthd; this signature is your member id key"

// memberIDKeyLabel separates the member id key from any other hash of the
// same signature.
const memberIDKeyLabel = "healthd-claims-member-id-hmac\x00"

// Signer signs bytes with an account's key.
type Signer = sigkey.Signer

// KeyringSigner signs with key name of kr, as transactions are signed.
func KeyringSigner(kr keyring.Keyring, name string) Signer { return sigkey.KeyringSigner(kr, name) }

// DeriveMemberIDKey derives a payer's member id key (MEMBER_ID_SCHEME_HMAC_SHA256_V1)
// from its signature over a fixed message, as x/records derives an account's
// encryption key: secp256k1 signatures here are deterministic (RFC 6979), so
// the same signing key always gives the same member id key, and nothing else
// needs to be stored, backed up or shared. Whoever holds the payer's signing
// key holds this key; nobody else can compute or check a MAC.
func DeriveMemberIDKey(sign Signer) ([]byte, error) {
	key, err := sigkey.Derive(sign, memberIDKeyMessage, memberIDKeyLabel, "a member id key")
	if err != nil {
		return nil, err
	}
	return key[:], nil
}

// EnrollMsg is the enrolment `healthd tx claims enroll` sends: the member id
// is checked and replaced by its MAC under the payer's key; it never leaves
// the client.
func EnrollMsg(key []byte, payer string, planID uint64, patient, memberID string, start, end time.Time) (*types.MsgEnroll, error) {
	if err := types.ValidateMemberID(memberID); err != nil {
		return nil, err
	}
	if len(key) != types.MemberIDKeySize {
		return nil, fmt.Errorf("member id key of %d bytes, want %d", len(key), types.MemberIDKeySize)
	}
	return &types.MsgEnroll{
		Payer: payer, PlanID: planID, Patient: patient,
		MemberIDMAC: types.MemberIDMAC(key, patient, memberID), MemberIDScheme: types.CurrentMemberIDScheme,
		Start: start, End: end,
	}, nil
}

// MemberCheck is the answer to whether a card's member id is the one a
// coverage holds.
type MemberCheck struct {
	CoverageID uint64 `json:"coverage_id"`
	Match      bool   `json:"match"`
	// Scheme is the coverage's member id scheme; a coverage under another
	// scheme than this client computes never matches.
	Scheme string `json:"scheme"`
}

// CheckMember checks memberID against each coverage of the payer's: the MAC
// is recomputed with the payer's key and compared in constant time.
// Coverages of other payers are skipped (their MACs are under keys this payer
// does not hold).
func CheckMember(key []byte, payer, memberID string, coverages []types.Coverage) ([]MemberCheck, error) {
	if err := types.ValidateMemberID(memberID); err != nil {
		return nil, err
	}
	var out []MemberCheck
	for _, c := range coverages {
		if c.Payer != payer {
			continue
		}
		ok := c.MemberIDScheme == types.MemberIDScheme_MEMBER_ID_SCHEME_HMAC_SHA256_V1 &&
			types.VerifyMemberIDMAC(key, c.Patient, memberID, c.MemberIDMAC)
		out = append(out, MemberCheck{CoverageID: c.ID, Match: ok, Scheme: c.MemberIDScheme.String()})
	}
	return out, nil
}
