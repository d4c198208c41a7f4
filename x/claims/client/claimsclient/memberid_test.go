package claimsclient

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/x/claims/types"
)

// The walk-through's card: README-format member ids are MEM- and six digits.
const (
	card        = "MEM-000123"
	memberIDs   = 1_000_000
	idFormat    = "MEM-%06d"
	payerKeyHex = "1f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778"
	otherKeyHex = "8877665544332211ffeeddccbbaa99887766554433221100aabbccddeeff0011"
)

var (
	start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end   = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
)

// testKeyring holds a payer's key and another payer's, as the CLI's keyring does.
func testKeyring(t testing.TB) keyring.Keyring {
	t.Helper()
	ir := codectestutil.CodecOptions{AccAddressPrefix: "health"}.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(ir)
	kr := keyring.NewInMemory(codec.NewProtoCodec(ir))
	require.NoError(t, kr.ImportPrivKeyHex("payer", payerKeyHex, "secp256k1"))
	require.NoError(t, kr.ImportPrivKeyHex("other", otherKeyHex, "secp256k1"))
	return kr
}

func address(t testing.TB, kr keyring.Keyring, name string) (string, []byte) {
	t.Helper()
	rec, err := kr.Key(name)
	require.NoError(t, err)
	pub, err := rec.GetPubKey()
	require.NoError(t, err)
	addr, err := bech32.ConvertAndEncode("health", pub.Address())
	require.NoError(t, err)
	return addr, pub.Bytes()
}

func patientAddress(t testing.TB) string {
	t.Helper()
	addr, err := bech32.ConvertAndEncode("health", []byte("patient-address-0001"))
	require.NoError(t, err)
	return addr
}

// legacyHash is what the chain used to store: SHA-256 over a tag, the
// patient's address and the member id, with no secret.
func legacyHash(patient, memberID string) []byte {
	h := sha256.Sum256([]byte("healthd/claims/member-id\x00" + patient + "\x00" + memberID))
	return h[:]
}

// bruteForce tries every README-format member id against stored with the
// hash an attacker guesses (newHash, over the same tag, patient and member id
// as types.MemberIDMAC or the legacy hash) and returns the ids that match.
func bruteForce(stored []byte, newHash func() hash.Hash, prefix string, patient string) []string {
	var found []string
	h := newHash()
	head := []byte(prefix + patient + "\x00")
	buf := make([]byte, 0, 64)
	sum := make([]byte, 0, sha256.Size)
	for i := range memberIDs {
		h.Reset()
		h.Write(head)
		buf = fmt.Appendf(buf[:0], idFormat, i)
		h.Write(buf)
		if sum = h.Sum(sum[:0]); bytes.Equal(sum, stored) {
			found = append(found, string(buf))
		}
	}
	return found
}

const macTag = "healthd/claims/member-id/v1\x00"

func hmacWith(key []byte) func() hash.Hash {
	return func() hash.Hash { return hmac.New(sha256.New, key) }
}

// TestMemberIDBruteForce is the attack the issue describes, run against what
// the chain now stores: the 10^6 README-format member ids (MEM-000000 ..
// MEM-999999) with every key that public data offers. None matches. The
// payer, whose key is derived from its signing key, finds the card; and the
// same search against the old unkeyed hash finds it too, so the search is
// not what fails.
func TestMemberIDBruteForce(t *testing.T) {
	if testing.Short() {
		t.Skip("10^6 candidates per attack")
	}
	kr := testKeyring(t)
	payer, payerPub := address(t, kr, "payer")
	other, _ := address(t, kr, "other")
	patient := patientAddress(t)

	key, err := DeriveMemberIDKey(KeyringSigner(kr, "payer"))
	require.NoError(t, err)
	msg, err := EnrollMsg(key, payer, 1, patient, card, start, end)
	require.NoError(t, err)
	require.NoError(t, msg.ValidateBasic())

	// What the chain sees and stores: the message and the coverage built
	// from it (as the msg server builds it). Neither holds the member id.
	stored := types.Coverage{
		ID: 1, PlanID: 1, Payer: payer, Patient: patient,
		MemberIDMAC: msg.MemberIDMAC, MemberIDScheme: msg.MemberIDScheme, Start: start, End: end,
	}
	for _, m := range []interface{ Marshal() ([]byte, error) }{msg, &stored} {
		bz, err := m.Marshal()
		require.NoError(t, err)
		require.NotContains(t, string(bz), card)
		require.NotContains(t, string(bz), "000123")
	}

	otherKey, err := DeriveMemberIDKey(KeyringSigner(kr, "other"))
	require.NoError(t, err)
	_, payerAddrBytes, err := bech32.DecodeAndConvert(payer)
	require.NoError(t, err)
	pubHash := sha256.Sum256(payerPub)

	// Without the payer's key: the unkeyed scheme, then HMAC under every key
	// an attacker can form from what is public, or holds as another payer.
	attacks := []struct {
		name    string
		newHash func() hash.Hash
		prefix  string
	}{
		{"old unkeyed SHA-256 scheme", sha256.New, "healthd/claims/member-id\x00"},
		{"unkeyed SHA-256 over the v1 input", sha256.New, macTag},
		{"HMAC, empty key", hmacWith(nil), macTag},
		{"HMAC, key 32 zero bytes", hmacWith(make([]byte, 32)), macTag},
		{"HMAC, key = payer's public key", hmacWith(payerPub), macTag},
		{"HMAC, key = SHA-256(payer's public key)", hmacWith(pubHash[:]), macTag},
		{"HMAC, key = payer's address", hmacWith(payerAddrBytes), macTag},
		{"HMAC, key = the derivation label", hmacWith([]byte(memberIDKeyLabel)), macTag},
		{"HMAC, another payer's member id key", hmacWith(otherKey), macTag},
	}
	for _, a := range attacks {
		t0 := time.Now()
		found := bruteForce(stored.MemberIDMAC, a.newHash, a.prefix, patient)
		t.Logf("%-42s %d ids in %v: %d found", a.name, memberIDs, time.Since(t0).Round(time.Millisecond), len(found))
		require.Empty(t, found, a.name)
	}

	// With the key, the payer recovers the card (the space is small: the key
	// is the only thing in the way) and checks it in one MAC.
	t0 := time.Now()
	require.Equal(t, []string{card}, bruteForce(stored.MemberIDMAC, hmacWith(key), macTag, patient))
	t.Logf("%-42s %d ids in %v: the card", "HMAC, the payer's key", memberIDs, time.Since(t0).Round(time.Millisecond))
	checks, err := CheckMember(key, payer, card, []types.Coverage{stored})
	require.NoError(t, err)
	require.Equal(t, []MemberCheck{{CoverageID: 1, Match: true, Scheme: "MEMBER_ID_SCHEME_HMAC_SHA256_V1"}}, checks)

	// The control: the same search against the old stored hash succeeds.
	t0 = time.Now()
	require.Equal(t, []string{card}, bruteForce(legacyHash(patient, card), sha256.New, "healthd/claims/member-id\x00", patient))
	t.Logf("%-42s %d ids in %v: the card", "old scheme against an old hash (control)", memberIDs, time.Since(t0).Round(time.Millisecond))

	// Another payer's check answers nothing: the coverage is not its own.
	checks, err = CheckMember(otherKey, other, card, []types.Coverage{stored})
	require.NoError(t, err)
	require.Empty(t, checks)
}

// TestDeriveMemberIDKey: the key is the same on every derivation (nothing to
// store), differs per signing key, and differs from anything derived from
// another signed message (x/records' encryption key signs another one).
func TestDeriveMemberIDKey(t *testing.T) {
	kr := testKeyring(t)
	a, err := DeriveMemberIDKey(KeyringSigner(kr, "payer"))
	require.NoError(t, err)
	b, err := DeriveMemberIDKey(KeyringSigner(kr, "payer"))
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.Len(t, a, types.MemberIDKeySize)
	c, err := DeriveMemberIDKey(KeyringSigner(kr, "other"))
	require.NoError(t, err)
	require.NotEqual(t, a, c)

	// A signer whose signatures vary cannot derive a key.
	n := byte(0)
	_, err = DeriveMemberIDKey(func([]byte) ([]byte, error) { n++; return []byte{n}, nil })
	require.ErrorContains(t, err, "not deterministic")
	// No key named: a clear error.
	_, err = DeriveMemberIDKey(KeyringSigner(kr, ""))
	require.ErrorContains(t, err, "--from")
	// The signed message is this module's own.
	var signed []byte
	_, err = DeriveMemberIDKey(func(m []byte) ([]byte, error) { signed = m; return []byte("sig"), nil })
	require.NoError(t, err)
	require.Contains(t, string(signed), "healthd/claims/member-id-key/v1")
	require.NotContains(t, string(signed), "records")
}

func TestEnrollMsgAndCheckMember(t *testing.T) {
	kr := testKeyring(t)
	payer, _ := address(t, kr, "payer")
	patient := patientAddress(t)
	key, err := DeriveMemberIDKey(KeyringSigner(kr, "payer"))
	require.NoError(t, err)

	_, err = EnrollMsg(key, payer, 1, patient, "MEM 1", start, end)
	require.ErrorIs(t, err, types.ErrInvalidCoverage)
	_, err = EnrollMsg(key[:16], payer, 1, patient, card, start, end)
	require.ErrorContains(t, err, "member id key")

	msg, err := EnrollMsg(key, payer, 1, patient, card, start, end)
	require.NoError(t, err)
	require.Equal(t, types.MemberIDMAC(key, patient, card), msg.MemberIDMAC)
	require.Equal(t, types.CurrentMemberIDScheme, msg.MemberIDScheme)

	own := types.Coverage{ID: 4, Payer: payer, Patient: patient, MemberIDMAC: msg.MemberIDMAC, MemberIDScheme: msg.MemberIDScheme}
	theirs := types.Coverage{ID: 5, Payer: "health1someoneelse", Patient: patient, MemberIDMAC: msg.MemberIDMAC, MemberIDScheme: msg.MemberIDScheme}
	legacy := types.Coverage{ID: 6, Payer: payer, Patient: patient, MemberIDMAC: msg.MemberIDMAC}
	checks, err := CheckMember(key, payer, card, []types.Coverage{own, theirs, legacy})
	require.NoError(t, err)
	require.Equal(t, []MemberCheck{
		{CoverageID: 4, Match: true, Scheme: "MEMBER_ID_SCHEME_HMAC_SHA256_V1"},
		{CoverageID: 6, Match: false, Scheme: "MEMBER_ID_SCHEME_UNSPECIFIED"},
	}, checks)
	checks, err = CheckMember(key, payer, "MEM-000124", []types.Coverage{own})
	require.NoError(t, err)
	require.False(t, checks[0].Match)
	_, err = CheckMember(key, payer, "", []types.Coverage{own})
	require.ErrorIs(t, err, types.ErrInvalidCoverage)
}

// BenchmarkMemberIDSearch is the cost of one candidate of the brute force:
// the old unkeyed hash and the v1 MAC (what the payer pays per card check).
func BenchmarkMemberIDSearch(b *testing.B) {
	patient := "health1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqf0l5f6"
	key, _ := hex.DecodeString(payerKeyHex)
	b.Run("scheme=legacy-sha256", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			legacyHash(patient, fmt.Sprintf(idFormat, i%memberIDs))
		}
	})
	b.Run("scheme=hmac-sha256-v1", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			types.MemberIDMAC(key, patient, fmt.Sprintf(idFormat, i%memberIDs))
		}
	})
}
