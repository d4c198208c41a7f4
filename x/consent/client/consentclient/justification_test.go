package consentclient

import (
	"testing"

	"filippo.io/age"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/consent/types"
)

// TestSealFitsEveryReader: sealed to the member, the patient and the most
// guardians a patient may have, a justification still fits the chain's bound,
// and every reader opens it.
func TestSealFitsEveryReader(t *testing.T) {
	var ids []*age.X25519Identity
	var recipients []age.Recipient
	for range 2 + types.MaxGuardiansPerPatient {
		id, err := age.GenerateX25519Identity()
		require.NoError(t, err)
		ids, recipients = append(ids, id), append(recipients, id.Recipient())
	}
	for code := range types.JustificationCode_name {
		j := types.JustificationCode(code)
		if j == types.JustificationCode_JUSTIFICATION_CODE_UNSPECIFIED {
			_, err := SealJustification(j, recipients...)
			require.ErrorIs(t, err, types.ErrInvalidReason)
			continue
		}
		sealed, err := SealJustification(j, recipients...)
		require.NoError(t, err)
		require.LessOrEqual(t, len(sealed.Ciphertext), types.MaxJustificationCiphertext)
		require.NoError(t, types.ValidateSealedJustification(sealed.Commitment, sealed.Ciphertext))
		for _, id := range ids {
			opened, err := OpenJustification(sealed.Commitment, sealed.Ciphertext, id)
			require.NoError(t, err)
			require.Equal(t, j, opened.Code)
		}
	}
	_, err := SealJustification(types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING)
	require.ErrorContains(t, err, "recipients")
}

// TestSealIsSalted: the same code sealed twice gives two commitments, so the
// four codes cannot be tried against one.
func TestSealIsSalted(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	a, err := SealJustification(types.JustificationCode_JUSTIFICATION_CODE_PATIENT_UNCONSCIOUS, id.Recipient())
	require.NoError(t, err)
	b, err := SealJustification(types.JustificationCode_JUSTIFICATION_CODE_PATIENT_UNCONSCIOUS, id.Recipient())
	require.NoError(t, err)
	require.NotEqual(t, a.Commitment, b.Commitment)
	for code := range types.JustificationCode_name {
		require.NotEqual(t, a.Commitment, types.JustificationCommitment(make([]byte, types.JustificationSaltSize), types.JustificationCode(code)))
	}
}
