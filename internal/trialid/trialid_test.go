package trialid

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	valid := map[string]ID{
		"NCT04368728":       {ClinicalTrialsGov, "NCT04368728"},
		"nct04368728":       {ClinicalTrialsGov, "NCT04368728"},
		"Nct00000001":       {ClinicalTrialsGov, "NCT00000001"},
		"2022-500014-26-00": {EUCTR, "2022-500014-26-00"},
		"2099-999999-99-99": {EUCTR, "2099-999999-99-99"},
		"2000-000000-00-00": {EUCTR, "2000-000000-00-00"},
	}
	for in, want := range valid {
		got, err := Parse(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{
		"", "NCT", "NCT0436872", "NCT043687280", "NCT0436872a", "NCT00000000", " NCT04368728", "NCT04368728 ",
		"NCT-4368728", "ISRCTN1234567", "2022-500014-26", "2022-500014-26-0", "1999-500014-26-00", "2100-500014-26-00",
		"2022_500014_26_00", "2022-50001a-26-00", "2022-5000142-6-00", "2022-500014-26-00-", "２０２２-500014-26-00",
		"NCT０4368728",
	} {
		_, err := Parse(in)
		require.ErrorIs(t, err, ErrInvalid, "%q", in)
	}
	require.Equal(t, "ClinicalTrials.gov", ClinicalTrialsGov.String())
	require.Equal(t, "EU CTR", EUCTR.String())
	require.Equal(t, "unknown", Unknown.String())
}

// FuzzParse: Parse never panics, accepts only the two forms, returns the
// canonical form, which parses to itself, and keeps its errors short.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"NCT04368728", "nct04368728", "2022-500014-26-00", "", "NCT", "2022-500014-26-0x", strings.Repeat("9", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			require.True(t, errors.Is(err, ErrInvalid))
			require.Less(t, len(err.Error()), 200)
			return
		}
		require.True(t, utf8.ValidString(id.Canonical))
		require.True(t, strings.EqualFold(id.Canonical, s))
		switch id.Registry {
		case ClinicalTrialsGov:
			require.Len(t, id.Canonical, 11)
			require.True(t, strings.HasPrefix(id.Canonical, "NCT"))
		case EUCTR:
			require.Len(t, id.Canonical, 17)
			require.Equal(t, s, id.Canonical)
		default:
			t.Fatalf("registry %v", id.Registry)
		}
		again, err := Parse(id.Canonical)
		require.NoError(t, err)
		require.Equal(t, id, again)
	})
}
