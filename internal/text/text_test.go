package text

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	require.NoError(t, Check("Meridian Silver", 128))
	require.NoError(t, Check("Hôpital Saint-Éloi", 18))
	require.NoError(t, Check("Łódź Szpital Ćwiczeń", 128))
	require.NoError(t, Check("Amoxicillin 500 µg (PL)", 128))
	for in, want := range map[string]string{
		"":           "empty",
		"\xff":       "UTF-8",
		"abcd":       "at most 3",
		" padded":    "leading or trailing",
		"tab\there":  "U+0009",
		"line\nfeed": "U+000A",
	} {
		max := 100
		if in == "abcd" {
			max = 3
		}
		err := Check(in, max)
		require.ErrorContains(t, err, want, "%q", in)
	}
}

// TestCheckFixedSet pins the accepted set to characters written out in the
// package, whatever Go's Unicode tables say. unicode.IsPrint accepted every
// one of these (scripts, symbols and characters added in later Unicode
// versions), so two validators built with different Go releases could
// disagree; the fixed set refuses them all.
func TestCheckFixedSet(t *testing.T) {
	for _, s := range []string{
		"Больница",           // Cyrillic: look-alikes of Latin letters
		"病院",                 // CJK
		"Clinic 🏥",           // emoji (tables grow every Unicode release)
		"Clinic\u00a0Name",   // no-break space
		"Clin\u00adic",       // soft hyphen (invisible)
		"Clinic\u200bName",   // zero-width space
		"Clinic\u202eemaN",   // right-to-left override
		"Clinic \U0001FAE8",  // Unicode 15 (shaking face): unknown to older Go
		"Clinic \u0378",      // unassigned today, may be assigned tomorrow
		"\u2018Quoted\u2019", // typographic quotes are outside the set
	} {
		require.Error(t, Check(s, 100), "%q", s)
	}
	// The boundaries of the set.
	for r, ok := range map[rune]bool{
		0x1F: false, 0x20: true, 0x7E: true, 0x7F: false, 0x80: false, 0x9F: false, 0xA0: false,
		0xA1: true, 0xAC: true, 0xAD: false, 0xAE: true, 0xFF: true, 0x100: true, 0x17F: true, 0x180: false,
	} {
		require.Equal(t, ok, Allowed(r), "%U", r)
	}
}
