package text

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	require.NoError(t, Check("Meridian Silver", 128))
	require.NoError(t, Check("Hôpital Saint-Éloi", 18))
	for in, want := range map[string]string{
		"":           "empty",
		"\xff":       "UTF-8",
		"abcd":       "at most 3",
		" padded":    "leading or trailing",
		"tab\there":  "non-printable",
		"line\nfeed": "non-printable",
	} {
		max := 100
		if in == "abcd" {
			max = 3
		}
		err := Check(in, max)
		require.ErrorContains(t, err, want, "%q", in)
	}
}
