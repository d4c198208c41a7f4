package types_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
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

// TestMemberIDMAC pins the v1 MAC with a vector computed outside Go (Python's
// hmac): HMAC-SHA256(key 00..1f, "healthd/claims/member-id/v1\x00" + patient
// + "\x00" + member id).
func TestMemberIDMAC(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	mac := types.MemberIDMAC(key, "health1patient", "MEM-000123")
	require.Equal(t, "8a9218f4b01ef224bd16f4a49cd32675ec987c8be50205162262434a108ddf8a", hex.EncodeToString(mac))
	require.Len(t, mac, types.MemberIDMACSize)
	require.True(t, types.VerifyMemberIDMAC(key, "health1patient", "MEM-000123", mac))
	// bound to the patient, the member id and the key
	require.False(t, types.VerifyMemberIDMAC(key, "health1other", "MEM-000123", mac))
	require.False(t, types.VerifyMemberIDMAC(key, "health1patient", "MEM-000124", mac))
	other := append([]byte{}, key...)
	other[0] ^= 1
	require.False(t, types.VerifyMemberIDMAC(other, "health1patient", "MEM-000123", mac))
	// the separator keeps (patient, member id) pairs apart
	require.NotEqual(t, types.MemberIDMAC(key, "ab", "c"), types.MemberIDMAC(key, "a", "bc"))
	// not the old unkeyed hash
	old := sha256.Sum256([]byte("healthd/claims/member-id\x00health1patient\x00MEM-000123"))
	require.NotEqual(t, old[:], mac)
}

func TestValidateMemberID(t *testing.T) {
	for _, id := range []string{"MEM-000123", "W123456789", "1", strings.Repeat("9", types.MaxMemberIDLength)} {
		require.NoError(t, types.ValidateMemberID(id), id)
	}
	for _, id := range []string{"", " MEM-1", "MEM 1", "MEM-1\n", "MÉM-1", strings.Repeat("9", types.MaxMemberIDLength+1)} {
		require.ErrorIs(t, types.ValidateMemberID(id), types.ErrInvalidCoverage, "%q", id)
	}
}

func TestValidateMemberIDMAC(t *testing.T) {
	require.NoError(t, types.ValidateMemberIDMAC(make([]byte, 32), types.CurrentMemberIDScheme))
	require.ErrorIs(t, types.ValidateMemberIDMAC(make([]byte, 32), types.MemberIDScheme_MEMBER_ID_SCHEME_UNSPECIFIED), types.ErrInvalidCoverage)
	require.ErrorIs(t, types.ValidateMemberIDMAC(make([]byte, 32), 2), types.ErrInvalidCoverage)
	require.ErrorIs(t, types.ValidateMemberIDMAC(make([]byte, 33), types.CurrentMemberIDScheme), types.ErrInvalidCoverage)
	require.ErrorIs(t, types.ValidateMemberIDMAC(nil, types.CurrentMemberIDScheme), types.ErrInvalidCoverage)
}
