package types_test

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/drugtrace/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// rxKey is a pharmacy's prescription key in tests.
var rxKey = bytes.Repeat([]byte{0x5a}, 32)

// rxCommitment commits to "RX-42" for unit gtinA/S1 under rxKey.
var rxCommitment = types.PrescriptionCommitment(types.PrescriptionSalt(rxKey, gtinA+"/S1"), "RX-42")

// TestPrescriptionCommitment: the commitment is x/records' SHA-256(salt ‖
// reference) with a salt per unit under the pharmacy's key, so one salt
// opens one dispense, a reference is not found by trying candidates without
// it, and the reference itself is nowhere in the 32 bytes.
func TestPrescriptionCommitment(t *testing.T) {
	salt := types.PrescriptionSalt(rxKey, gtinA+"/S1")
	require.Len(t, salt, recordstypes.SaltSize)
	require.Len(t, rxCommitment, types.PrescriptionCommitmentSize)
	require.Equal(t, recordstypes.Commitment(salt, []byte("RX-42")), rxCommitment, "the x/records rule")
	require.True(t, types.VerifyPrescriptionCommitment(rxCommitment, salt, "RX-42"))
	require.False(t, types.VerifyPrescriptionCommitment(rxCommitment, salt, "RX-43"))

	// Without the salt the reference cannot be tested: a plain hash differs.
	plain := sha256.Sum256([]byte("RX-42"))
	require.NotEqual(t, plain[:], rxCommitment)
	require.False(t, bytes.Contains(rxCommitment, []byte("RX-42")))

	// The salt depends on the unit and on the key.
	require.NotEqual(t, salt, types.PrescriptionSalt(rxKey, gtinA+"/S2"))
	require.NotEqual(t, salt, types.PrescriptionSalt(bytes.Repeat([]byte{0x5b}, 32), gtinA+"/S1"))
	require.Equal(t, salt, types.PrescriptionSalt(rxKey, gtinA+"/S1"), "deterministic: the pharmacy recomputes it")
	require.False(t, types.VerifyPrescriptionCommitment(rxCommitment, types.PrescriptionSalt(rxKey, gtinA+"/S2"), "RX-42"))
}

func TestValidatePrescription(t *testing.T) {
	require.NoError(t, types.ValidatePrescription(0, nil))
	require.NoError(t, types.ValidatePrescription(1, nil))
	require.NoError(t, types.ValidatePrescription(0, rxCommitment))
	require.ErrorIs(t, types.ValidatePrescription(1, rxCommitment), types.ErrInvalidReference)
	for _, n := range []int{1, 31, 33, 64} {
		require.ErrorIs(t, types.ValidatePrescription(0, make([]byte, n)), types.ErrInvalidReference, n)
	}
}
