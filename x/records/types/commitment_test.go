package types_test

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/records/types"
)

// TestCommitmentVectors pins the commitment to known answers: these are the
// values the client computed before the commitment moved here, so every
// record anchored so far still verifies.
func TestCommitmentVectors(t *testing.T) {
	salt := make([]byte, types.SaltSize)
	for i := range salt {
		salt[i] = byte(i)
	}
	for _, tc := range []struct {
		name            string
		salt, canonical []byte
		want            string
	}{
		// Without a salt it is plain SHA-256: the FIPS 180-2 "abc" vector.
		{"no salt", nil, []byte("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"salt only", salt, nil, "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"},
		{"salted record", salt, []byte("record"), "c50e4c954f202c83e6956ecba42a74f346e645befd579a1485cc45506bdefebe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := types.Commitment(tc.salt, tc.canonical)
			require.Len(t, c, types.CommitmentSize)
			require.Equal(t, tc.want, hex.EncodeToString(c))
			require.True(t, types.VerifyCommitment(c, tc.salt, tc.canonical))
		})
	}
}

func TestVerifyCommitment(t *testing.T) {
	salt := make([]byte, types.SaltSize)
	other := append([]byte(nil), salt...)
	other[0] = 1
	data := []byte("record")
	c := types.Commitment(salt, data)
	require.True(t, types.VerifyCommitment(c, salt, data))
	require.False(t, types.VerifyCommitment(c, other, data), "another salt")
	require.False(t, types.VerifyCommitment(c, salt, []byte("recorD")), "another byte")
	require.False(t, types.VerifyCommitment(c[:31], salt, data), "a cut commitment")
	require.False(t, types.VerifyCommitment(nil, salt, data))
	// The salt is not a separator: moving a byte across the boundary changes nothing,
	// which is why the salt has a fixed length.
	require.Equal(t, types.Commitment(salt, data), types.Commitment(append(append([]byte(nil), salt...), data[0]), data[1:]))
}
