package claimsclient

import (
	"fmt"
	"testing"

	"filippo.io/age"
	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/claims/types"
	"github.com/healthchain/healthd/x/records/client/recordsclient"
)

func identity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	return id
}

// TestSealDiagnoses: the codes sealed for the payer and the provider open for
// each of them, match the commitment, and appear nowhere in what the chain
// gets; anyone else's key opens nothing.
func TestSealDiagnoses(t *testing.T) {
	payer, provider, stranger := identity(t), identity(t), identity(t)
	codes := []string{"G43.909", "R51.9"}
	sealed, err := SealDiagnoses(codes, 12, payer.Recipient(), provider.Recipient())
	require.NoError(t, err)
	require.NoError(t, types.ValidateSealedDiagnoses(sealed.Commitment, sealed.Ciphertext))
	for _, c := range codes {
		require.NotContains(t, string(sealed.Ciphertext), c)
		require.NotContains(t, string(sealed.Commitment), c)
	}

	for _, id := range []*age.X25519Identity{payer, provider} {
		opened, err := OpenDiagnoses(sealed.Commitment, sealed.Ciphertext, id)
		require.NoError(t, err)
		require.Equal(t, codes, opened.Codes)
		require.True(t, types.VerifyDiagnosesCommitment(sealed.Commitment, opened.Salt, codes))
	}
	_, err = OpenDiagnoses(sealed.Commitment, sealed.Ciphertext, stranger)
	require.ErrorIs(t, err, ErrNotRecipient)

	// A fresh salt each time: the same codes seal to another commitment.
	again, err := SealDiagnoses(codes, 12, payer.Recipient(), provider.Recipient())
	require.NoError(t, err)
	require.NotEqual(t, sealed.Commitment, again.Commitment)

	// Ciphertext and commitment are bound: another claim's commitment, or a
	// changed byte, refuses.
	_, err = OpenDiagnoses(again.Commitment, sealed.Ciphertext, payer)
	require.ErrorContains(t, err, "integrity")
	tampered := append([]byte{}, sealed.Ciphertext...)
	tampered[len(tampered)-20] ^= 1
	_, err = OpenDiagnoses(sealed.Commitment, tampered, payer)
	require.Error(t, err)
}

// TestSealDiagnosesRefusals: the client applies the rules the chain applied
// when the codes were on chain (ICD-10-CM with the dot, 1..max_diagnoses).
func TestSealDiagnosesRefusals(t *testing.T) {
	to := identity(t).Recipient()
	for name, tc := range map[string]struct {
		codes []string
		want  error
	}{
		"none":               {nil, types.ErrInvalidClaim},
		"too many":           {[]string{"E11.9", "I10", "J45.909"}, types.ErrInvalidClaim},
		"without the dot":    {[]string{"E11.9", "E119"}, types.ErrInvalidCode},
		"lower case":         {[]string{"e11.9"}, types.ErrInvalidCode},
		"a newline smuggled": {[]string{"E11.9\nI10"}, types.ErrInvalidCode},
	} {
		_, err := SealDiagnoses(tc.codes, 2, to)
		require.ErrorIs(t, err, tc.want, name)
	}
	_, err := SealDiagnoses([]string{"E11.9"}, 2)
	require.ErrorContains(t, err, "recipients")
}

// TestSealedDiagnosesSize: padding makes every claim of up to max_diagnoses
// (12 by default) seal to the same length, so the ciphertext does not say how
// many diagnoses a claim has; 99 codes (the largest max_diagnoses) of the
// longest form fit the chain's bound.
func TestSealedDiagnosesSize(t *testing.T) {
	payer, provider := identity(t).Recipient(), identity(t).Recipient()
	size := 0
	for n := 1; n <= int(types.DefaultParams().MaxDiagnoses); n++ {
		codes := make([]string, n)
		for i := range codes {
			codes[i] = fmt.Sprintf("S%02d.%04d", i, i)
		}
		sealed, err := SealDiagnoses(codes, 0, payer, provider)
		require.NoError(t, err)
		if size == 0 {
			size = len(sealed.Ciphertext)
		}
		require.Equal(t, size, len(sealed.Ciphertext), "%d codes", n)
	}
	t.Logf("1..12 diagnoses, two recipients: %d bytes", size)

	codes := make([]string, 99)
	for i := range codes {
		codes[i] = fmt.Sprintf("T%02d.%04d", i, i)
	}
	sealed, err := SealDiagnoses(codes, 99, payer, provider)
	require.NoError(t, err)
	require.LessOrEqual(t, len(sealed.Ciphertext), types.MaxDiagnosesCiphertext)
	t.Logf("99 diagnoses of 8 characters, two recipients: %d bytes (bound %d)", len(sealed.Ciphertext), types.MaxDiagnosesCiphertext)
}

// TestSubmitMsg: the message carries the file's fields and the seal, never
// the codes, and passes ValidateBasic; the file's own check is the old one.
func TestSubmitMsg(t *testing.T) {
	kr := testKeyring(t)
	provider, _ := address(t, kr, "payer")
	patient := patientAddress(t)
	f := &types.ClaimFile{
		Provider: provider, Patient: patient, CoverageID: 1, ServiceDate: start, Diagnoses: []string{"G43.909", "R51.9"},
		Lines: []types.ClaimLine{{System: types.CodeSystem_CODE_SYSTEM_CPT, Code: "70553", Units: 1, Charge: types.MaxAmount}},
	}
	require.NoError(t, f.ValidateBasic())
	me, err := Identity(KeyringSigner(kr, "payer"))
	require.NoError(t, err)
	sealed, err := SealDiagnoses(f.Diagnoses, 12, identity(t).Recipient(), me.Recipient())
	require.NoError(t, err)
	msg := SubmitMsg(f, sealed)
	require.NoError(t, msg.ValidateBasic())
	bz, err := msg.Marshal()
	require.NoError(t, err)
	require.NotContains(t, string(bz), "G43.909")
	require.NotContains(t, string(bz), "R51.9")
	require.Equal(t, f.Lines, msg.Lines)

	// The provider opens its own claim with the identity its signing key
	// derives: the one x/records registers for it.
	opened, err := OpenDiagnoses(msg.DiagnosesCommitment, msg.DiagnosesCiphertext, me)
	require.NoError(t, err)
	require.Equal(t, f.Diagnoses, opened.Codes)
	rid, err := recordsclient.DeriveIdentity(KeyringSigner(kr, "payer"))
	require.NoError(t, err)
	require.Equal(t, rid.Recipient().String(), me.Recipient().String())
}
