package sigkey

import (
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
)

// TestDerive: the same key and message give the same secret; another key,
// message or label another; a key that signs differently each time, or not
// at all, gives none.
func TestDerive(t *testing.T) {
	k1, k2 := secp256k1.GenPrivKey(), secp256k1.GenPrivKey()
	s1 := Signer(k1.Sign)
	a, err := Derive(s1, "m", "l\x00", "a test key")
	require.NoError(t, err)
	b, err := Derive(s1, "m", "l\x00", "a test key")
	require.NoError(t, err)
	require.Equal(t, a, b, "deterministic")
	sig, err := k1.Sign([]byte("m"))
	require.NoError(t, err)
	require.Equal(t, sha256.Sum256(append([]byte("l\x00"), sig...)), a, "SHA-256(label ‖ signature)")

	for name, s := range map[string]func() ([32]byte, error){
		"other key":     func() ([32]byte, error) { return Derive(k2.Sign, "m", "l\x00", "x") },
		"other message": func() ([32]byte, error) { return Derive(s1, "m2", "l\x00", "x") },
		"other label":   func() ([32]byte, error) { return Derive(s1, "m", "l2\x00", "x") },
	} {
		c, err := s()
		require.NoError(t, err, name)
		require.NotEqual(t, a, c, name)
	}

	n := byte(0)
	_, err = Derive(func([]byte) ([]byte, error) { n++; return []byte{n}, nil }, "m", "l", "a test key")
	require.ErrorContains(t, err, "not deterministic: it cannot derive a test key")
	_, err = Derive(func([]byte) ([]byte, error) { return nil, errors.New("locked") }, "m", "l", "x")
	require.ErrorContains(t, err, "locked")
	_, err = Derive(KeyringSigner(nil, ""), "m", "l", "x")
	require.ErrorContains(t, err, "--from")
}
