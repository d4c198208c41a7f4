package gs1

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExamplesHaveValidCheckDigits(t *testing.T) {
	for _, s := range []string{
		"09506000134352", "04006381333931", "4006381333931", "106141411234567897",
		"96385074", "036000291452", "00614141123452", "10614141000019",
	} {
		require.True(t, refCheckDigitValid(s), s)
	}
	require.Len(t, refCSet82, 82)
}

// TestCheckDigit checks CheckDigit against the independent full-length
// validation on every example, and refuses data that is not digits.
func TestCheckDigit(t *testing.T) {
	for _, s := range []string{
		"09506000134352", "04006381333931", "4006381333931", "106141411234567897",
		"96385074", "036000291452", "00614141123452", "10614141000019", "0000000000000",
	} {
		got, err := CheckDigit(s[:len(s)-1])
		require.NoError(t, err, s)
		require.Equal(t, s[len(s)-1], got, s)
	}
	// Exactly one final digit makes a valid identifier: the check digit.
	data := "0950600013435"
	want := mustCheckDigit(t, data)
	for c := byte('0'); c <= '9'; c++ {
		require.Equal(t, c == want, refCheckDigitValid(data+string(c)), "%c", c)
	}
	for _, bad := range []string{"", "95060001343A", " 9506000134", "９"} {
		_, err := CheckDigit(bad)
		require.Error(t, err, "%q", bad)
	}
}

func mustCheckDigit(t *testing.T, data string) byte {
	t.Helper()
	c, err := CheckDigit(data)
	require.NoError(t, err)
	return c
}
