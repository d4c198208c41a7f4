package types_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/claims/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// sealed is a seal of the form the chain accepts: a 32-byte commitment and
// an age file of one padded block (the chain cannot tell it from a real one;
// x/claims/client/claimsclient tests real ones).
func sealed() (commitment, ciphertext []byte) {
	c := sha256.Sum256([]byte("diagnoses commitment"))
	ct := append([]byte("age-encryption.org/v1\n"), bytes.Repeat([]byte{0xa5}, types.DiagnosesPadding+200)...)
	return c[:], ct
}

// clearDiagnoses are codes where the ciphertext goes, padded to a size the
// chain accepts.
func clearDiagnoses() []byte {
	return []byte(`["E11.9","I10"]` + strings.Repeat(" ", types.MinDiagnosesCiphertext))
}

func TestValidateSealedDiagnoses(t *testing.T) {
	c, ct := sealed()
	require.NoError(t, types.ValidateSealedDiagnoses(c, ct))
	require.NoError(t, types.ValidateSealedDiagnoses(c, ct[:types.MinDiagnosesCiphertext]))
	big := append(append([]byte{}, ct...), make([]byte, types.MaxDiagnosesCiphertext-len(ct))...)
	require.NoError(t, types.ValidateSealedDiagnoses(c, big))
	for name, tc := range map[string]struct{ c, ct []byte }{
		"no commitment":           {nil, ct},
		"commitment of 31 bytes":  {c[:31], ct},
		"commitment of 33 bytes":  {append(append([]byte{}, c...), 0), ct},
		"no ciphertext":           {c, nil},
		"ciphertext too short":    {c, ct[:types.MinDiagnosesCiphertext-1]},
		"ciphertext too long":     {c, append(big, 0)},
		"codes in clear":          {c, clearDiagnoses()},
		"another age version":     {c, append([]byte("age-encryption.org/v2\n"), ct[22:]...)},
		"armored age (PEM), text": {c, append([]byte("-----BEGIN AGE ENCRYPTED FILE-----\n"), ct...)},
	} {
		require.ErrorIs(t, types.ValidateSealedDiagnoses(tc.c, tc.ct), types.ErrInvalidDiagnoses, name)
	}
}

func TestValidateDiagnoses(t *testing.T) {
	require.NoError(t, types.ValidateDiagnoses([]string{"E11.9", "I10", "G43.909"}, 3))
	require.NoError(t, types.ValidateDiagnoses([]string{"E11.9"}, 0))
	require.ErrorIs(t, types.ValidateDiagnoses(nil, 12), types.ErrInvalidClaim)
	require.ErrorIs(t, types.ValidateDiagnoses([]string{"E11.9", "I10", "J45.909"}, 2), types.ErrInvalidClaim)
	require.ErrorIs(t, types.ValidateDiagnoses([]string{"E11.9", "E119"}, 12), types.ErrInvalidCode)
	require.ErrorIs(t, types.ValidateDiagnoses([]string{"e11.9"}, 12), types.ErrInvalidCode)
}

// TestDiagnosesCommitment pins the canonical bytes and the commitment:
// SHA-256(salt ‖ "healthd/claims/diagnoses/v1\n" ‖ each code and "\n"), with
// x/records' commitment function.
func TestDiagnosesCommitment(t *testing.T) {
	codes := []string{"G43.909", "R51.9"}
	canonical := types.CanonicalDiagnoses(codes)
	require.Equal(t, "healthd/claims/diagnoses/v1\nG43.909\nR51.9\n", string(canonical))
	back, err := types.ParseCanonicalDiagnoses(canonical)
	require.NoError(t, err)
	require.Equal(t, codes, back)

	salt := bytes.Repeat([]byte{7}, recordstypes.SaltSize)
	want := sha256.Sum256(append(append([]byte{}, salt...), canonical...))
	c := types.DiagnosesCommitment(salt, codes)
	require.Equal(t, want[:], c)
	require.Equal(t, recordstypes.Commitment(salt, canonical), c)
	require.True(t, types.VerifyDiagnosesCommitment(c, salt, codes))
	// order, codes and salt all count
	require.False(t, types.VerifyDiagnosesCommitment(c, salt, []string{"R51.9", "G43.909"}))
	require.False(t, types.VerifyDiagnosesCommitment(c, salt, []string{"G43.909"}))
	require.False(t, types.VerifyDiagnosesCommitment(c, bytes.Repeat([]byte{8}, recordstypes.SaltSize), codes))

	for _, bad := range []string{"", "G43.909\n", "healthd/claims/diagnoses/v1\n", "healthd/claims/diagnoses/v1\nG43.909",
		"healthd/claims/diagnoses/v1\ng43.909\n", "healthd/claims/diagnoses/v1\nG43.909\n\nR51.9\n"} {
		_, err := types.ParseCanonicalDiagnoses([]byte(bad))
		require.Error(t, err, "%q", bad)
	}
}
