package types_test

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/claims/types"
)

func TestValidateServiceCode(t *testing.T) {
	cases := []struct {
		system types.CodeSystem
		code   string
		ok     bool
	}{
		// CPT: four digits then a digit, F (category II), T (category III) or U (PLA)
		{cpt, "99213", true}, {cpt, "00100", true}, {cpt, "0001F", true}, {cpt, "0042T", true}, {cpt, "0003U", true},
		{cpt, "9921", false}, {cpt, "992134", false}, {cpt, "0001A", false}, {cpt, "0001f", false}, {cpt, "A9921", false},
		{cpt, "J1100", false}, {cpt, " 99213", false}, {cpt, "99213 ", false}, {cpt, "99213\n", false}, {cpt, "", false},
		{cpt, "٩٩٢١٣", false}, // Arabic-Indic digits are not ASCII digits
		// HCPCS Level II: a letter A..V and four digits
		{hcpcs, "J1100", true}, {hcpcs, "A0425", true}, {hcpcs, "V2020", true},
		{hcpcs, "W1234", false}, {hcpcs, "Z1234", false}, {hcpcs, "j1100", false}, {hcpcs, "J110", false},
		{hcpcs, "J11000", false}, {hcpcs, "99213", false}, {hcpcs, "", false},
		// NDC in 5-4-2 form
		{ndc, "00093-4155-73", true}, {ndc, "12345-6789-01", true},
		{ndc, "0093-4155-73", false}, {ndc, "00093-415-73", false}, {ndc, "00093-4155-7", false},
		{ndc, "00093415573", false}, {ndc, "00093-4155-73-1", false}, {ndc, "0009a-4155-73", false}, {ndc, "", false},
		// no system, or one the module does not know
		{types.CodeSystem_CODE_SYSTEM_UNSPECIFIED, "99213", false}, {types.CodeSystem(99), "99213", false},
	}
	for _, tc := range cases {
		err := types.ValidateServiceCode(tc.system, tc.code)
		if tc.ok {
			require.NoError(t, err, "%s %q", tc.system, tc.code)
		} else {
			require.ErrorIs(t, err, types.ErrInvalidCode, "%s %q", tc.system, tc.code)
		}
	}
}

func TestValidateDiagnosis(t *testing.T) {
	for _, code := range []string{"E11.9", "I10", "J45.909", "S72.001A", "Z00.00", "M54.5", "U07.1", "C50.911", "O09.A0", "F32.A"} {
		require.NoError(t, types.ValidateDiagnosis(code), code)
	}
	for _, code := range []string{
		"", "e11.9", "E119", "E11.", "E11.12345", "11.9", "E1", "EE1.9", "E11.9 ", " E11.9", "E11-9", "E11.9\n", "E11..9", "E11.9a",
	} {
		require.ErrorIs(t, types.ValidateDiagnosis(code), types.ErrInvalidCode, "%q", code)
	}
}

func TestSystemName(t *testing.T) {
	require.Equal(t, "CPT", types.SystemName(cpt))
	require.Equal(t, "HCPCS", types.SystemName(hcpcs))
	require.Equal(t, "NDC", types.SystemName(ndc))
	require.Equal(t, "CODE_SYSTEM_UNSPECIFIED", types.SystemName(types.CodeSystem_CODE_SYSTEM_UNSPECIFIED))
}

func TestMemberIDHash(t *testing.T) {
	h := types.MemberIDHash("health1patient", "M-12345")
	require.Len(t, h, 32)
	want := sha256.Sum256([]byte("healthd/claims/member-id\x00health1patient\x00M-12345"))
	require.Equal(t, want[:], h)
	// salted with the patient: the same member id hashes differently per patient
	require.NotEqual(t, h, types.MemberIDHash("health1other", "M-12345"))
	require.NotEqual(t, h, types.MemberIDHash("health1patient", "M-12346"))
	// the separator keeps (patient, member id) pairs apart
	require.NotEqual(t, types.MemberIDHash("ab", "c"), types.MemberIDHash("a", "bc"))
}
