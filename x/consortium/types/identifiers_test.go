package types

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Valid examples. Every one was checked with an independent full-length
// validation (Luhn over "80840"+NPI, GS1 weighted sum over all digits
// including the check digit, DEA weighted sum) in addition to the code under
// test; see identRefLuhnValid / identRefGS1Valid below.
var (
	identValidNPIs = []string{
		"1234567893", // CMS example: base 123456789 -> check digit 3
		"1245319599", // commonly cited CMS/NPPES example NPI
		"1679576722",
		"1003000126",
	}
	identValidGLNs = []string{
		"0614141000005", // GS1 US example company prefix 0614141
		"0614141000012",
		"0614141999996",
		"4006381333931", // GTIN-13 of a Stabilo pen, a documented GS1 example
		"5901234123457", // GS1 standard EAN-13 sample symbol
		"0000000000000",
	}
	identValidDEAs = []string{
		"AB1234563", // (1+3+5) + 2*(2+4+6) = 33 -> 3
		"BJ1234563",
		"F91234563", // second character '9' is allowed
		"XA0000000",
		"MZ7654329", // (7+5+3) + 2*(6+4+2) = 39 -> 9
	}
)

// identRefLuhnValid is an independent full-length Luhn validation used to
// cross-check ValidateNPI: the whole number (check digit included) must sum
// to a multiple of 10 when every second digit from the right is doubled.
func identRefLuhnValid(n string) bool {
	total := 0
	for i := 0; i < len(n); i++ {
		d := int(n[len(n)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		total += d
	}
	return total%10 == 0
}

// identRefGS1Valid is an independent full-length GS1 validation: with the
// check digit included, weights 1,3,1,3,... from the right sum to a multiple
// of 10.
func identRefGS1Valid(n string) bool {
	total := 0
	for i := 0; i < len(n); i++ {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		total += int(n[len(n)-1-i]-'0') * w
	}
	return total%10 == 0
}

func identAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func TestIdentifiers_ValidExamplesCrossCheck(t *testing.T) {
	for _, n := range identValidNPIs {
		require.True(t, identRefLuhnValid("80840"+n), "reference Luhn rejects NPI %s", n)
		require.NoError(t, ValidateNPI(n))
	}
	for _, n := range identValidGLNs {
		require.True(t, identRefGS1Valid(n), "reference GS1 rejects GLN %s", n)
		require.NoError(t, ValidateGLN(n))
	}
}

func TestIdentifiers_ValidateNPI(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		wantErr string // empty means valid
	}{
		{"cms example", "1234567893", ""},
		{"nppes example", "1245319599", ""},
		{"valid 3", "1679576722", ""},
		{"valid 4", "1003000126", ""},
		{"empty", "", "empty"},
		{"too short", "123456789", "length"},
		{"too long", "12345678930", "length"},
		{"letter", "12345A7893", "non-digit"},
		{"letter check position", "123456789X", "non-digit"},
		{"space", " 234567893", "non-digit"},
		{"unicode digit", "12345678٩3", "length"}, // Arabic-Indic nine is 2 bytes
		{"invalid utf-8 bytes", "12345678\xef\xbc", "non-digit"},
		{"wrong check digit", "1234567890", "check digit"},
		{"wrong check digit 2", "1245319598", "check digit"},
		{"transposition", "1234567983", "check digit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateNPI(tc.in)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.wantErr)
			require.Contains(t, err.Error(), "NPI")
		})
	}

	err := ValidateNPI("1234567890")
	require.EqualError(t, err, `NPI "1234567890": invalid check digit: expected 3, got 0`)
}

func TestIdentifiers_GS1CheckDigit(t *testing.T) {
	cases := []struct {
		name string
		data string
		want byte
	}{
		{"GTIN-13 Stabilo", "400638133393", '1'},
		{"GTIN-12 UPC-A", "03600029145", '2'},
		{"SSCC-18", "10614141123456789", '7'},
		{"GLN", "061414100000", '5'},
		{"EAN-13 sample", "590123412345", '7'},
		{"GTIN-14", "1061414100001", '9'}, // computed, cross-checked by identRefGS1Valid
		{"single digit", "1", '7'},        // 1*3 = 3 -> 7
		{"single zero", "0", '0'},         // sum 0 -> 0
		{"two digits", "12", '3'},         // 2*3 + 1*1 = 7 -> 3
		{"all zeros", "00000000000000000", '0'},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := GS1CheckDigit(tc.data)
			require.NoError(t, err)
			require.Equal(t, string(tc.want), string(got))
			require.True(t, identRefGS1Valid(tc.data+string(got)))
		})
	}

	_, err := GS1CheckDigit("")
	require.Error(t, err)
	require.Contains(t, err.Error(), "empty")

	_, err = GS1CheckDigit("40063813339A")
	require.Error(t, err)
	require.Contains(t, err.Error(), "non-digit")
	require.Contains(t, err.Error(), "position 12")

	_, err = GS1CheckDigit("-1")
	require.Error(t, err)
	require.Contains(t, err.Error(), "non-digit")
}

func TestIdentifiers_ValidateGLN(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"gs1 us example", "0614141000005", ""},
		{"gs1 us example 2", "0614141000012", ""},
		{"gs1 us example 3", "0614141999996", ""},
		{"stabilo gtin-13 shape", "4006381333931", ""},
		{"ean sample", "5901234123457", ""},
		{"zeros", "0000000000000", ""},
		{"empty", "", "empty"},
		{"too short (gtin-12)", "036000291452", "length"},
		{"too long (sscc)", "106141411234567897", "length"},
		{"letter", "061414100000X", "non-digit"},
		{"letter first", "A614141000005", "non-digit"},
		{"negative sign", "-614141000005", "non-digit"},
		{"wrong check digit", "0614141000006", "check digit"},
		{"wrong check digit stabilo", "4006381333932", "check digit"},
		{"single data digit error", "4006381334931", "check digit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateGLN(tc.in)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.wantErr)
			require.Contains(t, err.Error(), "GLN")
		})
	}

	err := ValidateGLN("4006381333932")
	require.EqualError(t, err, `GLN "4006381333932": invalid check digit: expected 1, got 2`)
}

func TestIdentifiers_ValidateDEA(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"example", "AB1234563", ""},
		{"other name letter", "BJ1234563", ""},
		{"digit nine as second char", "F91234563", ""},
		{"mid-level practitioner", "MZ7654329", ""},
		{"zeros", "XA0000000", ""},
		{"empty", "", "empty"},
		{"too short", "AB123456", "length"},
		{"too long", "AB12345630", "length"},
		{"lowercase type", "ab1234563", "uppercase"},
		{"lowercase name letter", "Ab1234563", "uppercase"},
		{"type not in set (I)", "IB1234563", "registrant type"},
		{"type not in set (N)", "NB1234563", "registrant type"},
		{"type not in set (Z)", "ZB1234563", "registrant type"},
		{"type digit", "1B1234563", "registrant type"},
		{"second char digit other than 9", "A11234563", "position 2"},
		{"second char symbol", "A-1234563", "position 2"},
		{"letter in digits", "AB12345X3", "non-digit"},
		{"letter as check digit", "AB123456X", "non-digit"},
		{"wrong check digit", "AB1234567", "check digit"},
		{"wrong data digit", "AB1234463", "check digit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateDEA(tc.in)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.wantErr)
			require.Contains(t, err.Error(), "DEA")
		})
	}

	err := ValidateDEA("AB1234567")
	require.EqualError(t, err, `DEA number "AB1234567": invalid check digit: expected 3, got 7`)
}

func TestIdentifiers_ErrorEchoIsBounded(t *testing.T) {
	long := strings.Repeat("9", 10_000)
	for _, err := range []error{ValidateNPI(long), ValidateGLN(long), ValidateDEA(long)} {
		require.Error(t, err)
		require.Contains(t, err.Error(), "length")
		require.Less(t, len(err.Error()), 200)
	}
	_, err := GS1CheckDigit(long + "x")
	require.Error(t, err)
	require.Less(t, len(err.Error()), 200)
}

// identSingleDigitMutationsInvalid asserts that changing any single digit at
// the given positions of a valid identifier to any other digit makes validate
// fail with a check-digit error.
func identSingleDigitMutationsInvalid(t *testing.T, valid string, positions []int, validate func(string) error) {
	t.Helper()
	b := []byte(valid)
	for _, pos := range positions {
		orig := b[pos]
		for d := byte('0'); d <= '9'; d++ {
			if d == orig {
				continue
			}
			b[pos] = d
			err := validate(string(b))
			require.Error(t, err, "mutating position %d of %q to %c must be detected", pos+1, valid, d)
			require.Contains(t, err.Error(), "check digit")
		}
		b[pos] = orig
	}
}

func identRange(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func FuzzValidateNPI(f *testing.F) {
	for _, s := range identValidNPIs {
		f.Add(s)
	}
	for _, s := range []string{"", "1234567890", "123456789", "12345678930", "12345A7893", "١٢٣٤٥٦٧٨٩٣", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateNPI(s)
		if err == nil {
			require.Len(t, s, 10)
			require.True(t, identAllDigits(s), "valid NPI %q must be all ASCII digits", s)
			require.True(t, identRefLuhnValid("80840"+s), "valid NPI %q must pass reference Luhn", s)
			// Single-digit error detection on the check digit (and, as Luhn
			// guarantees, on every other digit too).
			identSingleDigitMutationsInvalid(t, s, []int{9}, ValidateNPI)
			identSingleDigitMutationsInvalid(t, s, identRange(0, 9), ValidateNPI)
		} else {
			require.NotEmpty(t, err.Error())
		}

		// Build a valid NPI from the first 9 digits of the input, if possible,
		// so the mutation property is exercised on every such input and not
		// only on the ~1 in 10 random digit strings that happen to be valid.
		if len(s) >= 9 && identAllDigits(s[:9]) {
			var cand string
			for d := byte('0'); d <= '9'; d++ {
				if c := s[:9] + string(d); ValidateNPI(c) == nil {
					require.Empty(t, cand, "exactly one check digit must be valid for %q", s[:9])
					cand = c
				}
			}
			require.NotEmpty(t, cand, "some check digit must complete %q", s[:9])
			require.True(t, identRefLuhnValid("80840"+cand))
			identSingleDigitMutationsInvalid(t, cand, []int{9}, ValidateNPI)
		}
	})
}

func FuzzValidateGLN(f *testing.F) {
	for _, s := range identValidGLNs {
		f.Add(s)
	}
	for _, s := range []string{"", "0614141000006", "036000291452", "106141411234567897", "061414100000X", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateGLN(s)
		if err == nil {
			require.Len(t, s, 13)
			require.True(t, identAllDigits(s), "valid GLN %q must be all ASCII digits", s)
			require.True(t, identRefGS1Valid(s), "valid GLN %q must pass reference GS1 check", s)
			identSingleDigitMutationsInvalid(t, s, []int{12}, ValidateGLN)
			identSingleDigitMutationsInvalid(t, s, identRange(0, 12), ValidateGLN)
		} else {
			require.NotEmpty(t, err.Error())
		}

		// GS1CheckDigit must never panic and must agree with the reference
		// for any digit string.
		cd, cdErr := GS1CheckDigit(s)
		if s != "" && identAllDigits(s) {
			require.NoError(t, cdErr)
			require.True(t, cd >= '0' && cd <= '9')
			require.True(t, identRefGS1Valid(s+string(cd)))
		} else {
			require.Error(t, cdErr)
		}

		if len(s) >= 12 && identAllDigits(s[:12]) {
			cand := s[:12] + string(identMustGS1(t, s[:12]))
			require.NoError(t, ValidateGLN(cand))
			identSingleDigitMutationsInvalid(t, cand, []int{12}, ValidateGLN)
		}
	})
}

func identMustGS1(t *testing.T, data string) byte {
	t.Helper()
	cd, err := GS1CheckDigit(data)
	require.NoError(t, err)
	return cd
}

func FuzzValidateDEA(f *testing.F) {
	for _, s := range identValidDEAs {
		f.Add(s)
	}
	for _, s := range []string{"", "ab1234563", "AB1234567", "IB1234563", "A11234563", "AB12345X3", "AB123456", "AB12345630", "ÄB1234563"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateDEA(s)
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		require.Len(t, s, 9)
		require.True(t, strings.IndexByte(deaRegistrantTypesForTest, s[0]) >= 0, "bad registrant type in %q", s)
		require.True(t, (s[1] >= 'A' && s[1] <= 'Z') || s[1] == '9', "bad second char in %q", s)
		require.True(t, identAllDigits(s[2:]), "non-digit in %q", s)
		d := func(i int) int { return int(s[1+i] - '0') }
		require.Equal(t, (d(1)+d(3)+d(5)+2*(d(2)+d(4)+d(6)))%10, d(7))
		// Lowercasing a valid number must make it invalid (no normalisation).
		require.Error(t, ValidateDEA(strings.ToLower(s[:1])+s[1:]))
		identSingleDigitMutationsInvalid(t, s, []int{8}, ValidateDEA)
	})
}

// deaRegistrantTypesForTest duplicates the documented set on purpose so the
// test does not depend on the implementation's constant.
const deaRegistrantTypesForTest = "ABCDEFGHJKLMPRSTUX"
