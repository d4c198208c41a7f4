package isbt128_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/isbt128"
)

// The check characters below were computed by hand with the definition the
// standard gives (ISBT 128 / ISO 7064 MOD 37-2, as the UK Red Book's Annex 2
// states it): each character's value (0-9 → 0-9, A-Z → 10-35) times 2^n, n
// its position from the right; the sum mod 37; 38 minus that; mod 37.
//
//	G123498654321: the Red Book's worked example: sum 148354, mod 37 = 21, 38-21 = 17 → H.
//	A000126000001: A=10·2^13 = 81920, 1·2^9 = 512, 2·2^8 = 512, 6·2^7 = 768,
//	               1·2^1 = 2; sum 83714 = 37·2262 + 20; 38-20 = 18 → I.
//	B000726000069: B=11·8192 = 90112, 7·512 = 3584, 2·256 = 512, 6·128 = 768,
//	               6·4 = 24, 9·2 = 18; sum 95018 = 37·2568 + 2; 38-2 = 36 → *.
//	B000726000002: 90112+3584+512+768+2·2 = 94980 = 37·2567 + 1; 38-1 = 37 mod 37 = 0 → 0.
//	1234526999999: 1·8192+2·4096+3·2048+4·1024+5·512+2·256+6·128
//	               +9·(64+32+16+8+4+2) = 31598 = 37·854 + 0; 38 mod 37 = 1 → 1.
var handComputed = map[string]byte{
	"G123498654321": 'H',
	"A000126000001": 'I',
	"B000726000069": '*',
	"B000726000002": '0',
	"1234526999999": '1',
}

func TestCheckCharacterByHand(t *testing.T) {
	for din, want := range handComputed {
		got, err := isbt128.CheckCharacter(din)
		require.NoError(t, err, din)
		require.Equal(t, string(want), string(got), din)

		d, err := isbt128.Parse(din + string(want))
		require.NoError(t, err, din)
		require.Equal(t, din, d.Number())
		require.Equal(t, din+string(want), d.String())
		require.Equal(t, din[:5], d.FIN)
		require.Equal(t, din[5:7], d.Year)
		require.Equal(t, din[7:], d.Sequence)
	}
}

func TestBarcodeForm(t *testing.T) {
	// H is 17: the flags are 77, as the Red Book's example prints them.
	d, err := isbt128.Parse("=G12349865432177")
	require.NoError(t, err)
	require.Equal(t, "G123498654321H", d.String())
	require.Equal(t, "=G12349865432177", d.Barcode())
	// '*' is 36 (flags 96); '0' is 0 (flags 60).
	d, err = isbt128.Parse("=B00072600006996")
	require.NoError(t, err)
	require.Equal(t, byte('*'), d.Check)
	_, err = isbt128.Parse("=B00072600000260")
	require.NoError(t, err)

	for in, want := range map[string]error{
		"=G12349865432176": isbt128.ErrCheck,     // flags of another check value
		"=G12349865432100": isbt128.ErrCheck,     // flags 00 carry no check
		"=G12349865432197": isbt128.ErrCheck,     // above 96
		"+G12349865432177": isbt128.ErrCharacter, // not '='
		"=G1234986543217A": isbt128.ErrCharacter, // flags not digits
	} {
		_, err := isbt128.Parse(in)
		require.ErrorIs(t, err, want, in)
	}
}

func TestParseRefusals(t *testing.T) {
	for in, want := range map[string]error{
		"":                  isbt128.ErrLength,
		"G123498654321":     isbt128.ErrLength, // no check character
		"G123498654321HH":   isbt128.ErrLength,
		"G12349865432H":     isbt128.ErrLength,
		"G123498654321I":    isbt128.ErrCheck, // wrong check character
		"G123498654321*":    isbt128.ErrCheck,
		"A000126000001J":    isbt128.ErrCheck,
		"A000126000002I":    isbt128.ErrCheck, // one digit changed
		"A000126000010I":    isbt128.ErrCheck, // two digits swapped
		"g123498654321H":    isbt128.ErrCharacter,
		"G123498654321h":    isbt128.ErrCharacter, // lower-case check character
		"O123498654321H":    isbt128.ErrCharacter, // O is not a facility letter
		"0123498654321H":    isbt128.ErrCharacter, // nor is 0
		"*123498654321H":    isbt128.ErrCharacter,
		"GA23498654321H":    isbt128.ErrCharacter, // the FIN's last four are digits
		"G1234986543X1H":    isbt128.ErrCharacter,
		"G123498654321-":    isbt128.ErrCharacter,
		"G 23498654321H":    isbt128.ErrCharacter,
		"G12349865432\xffH": isbt128.ErrCharacter,
	} {
		_, err := isbt128.Parse(in)
		require.ErrorIs(t, err, want, "%q", in)
	}
	_, err := isbt128.CheckValue("AB*")
	require.ErrorIs(t, err, isbt128.ErrCharacter, "* is a check character only")
}

// A single substituted character or two swapped adjacent characters always
// change the check character: what MOD 37-2 is for.
func TestDetectsSingleErrorsAndTranspositions(t *testing.T) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for din := range handComputed {
		want, _ := isbt128.CheckCharacter(din)
		for i := range din {
			for _, c := range alphabet {
				if byte(c) == din[i] {
					continue
				}
				changed := din[:i] + string(c) + din[i+1:]
				got, err := isbt128.CheckCharacter(changed)
				require.NoError(t, err)
				require.NotEqual(t, want, got, "%s → %s", din, changed)
			}
			if i+1 < len(din) && din[i] != din[i+1] {
				swapped := din[:i] + string(din[i+1]) + string(din[i]) + din[i+2:]
				got, _ := isbt128.CheckCharacter(swapped)
				require.NotEqual(t, want, got, "%s → %s", din, swapped)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for din, c := range handComputed {
		f.Add(din + string(c))
		f.Add(strings.ToLower(din + string(c)))
	}
	f.Add("=G12349865432177")
	f.Add("=B00072600006996")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := isbt128.Parse(s)
		if err != nil {
			if !errors.Is(err, isbt128.ErrLength) && !errors.Is(err, isbt128.ErrCharacter) && !errors.Is(err, isbt128.ErrCheck) {
				t.Fatalf("%q: unclassified error %v", s, err)
			}
			if len(err.Error()) > 200 {
				t.Fatalf("%q: error of %d bytes", s, len(err.Error()))
			}
			return
		}
		// Whatever was accepted has one canonical form, which reads back
		// the same in both spellings, upper case only.
		if strings.ToUpper(s) != s {
			t.Fatalf("%q accepted with lower case", s)
		}
		if s != d.String() && s != d.Barcode() {
			t.Fatalf("%q accepted as %q / %q", s, d.String(), d.Barcode())
		}
		for _, form := range []string{d.String(), d.Barcode()} {
			again, err := isbt128.Parse(form)
			if err != nil || again != d {
				t.Fatalf("%q: canonical %q reads back as %+v, %v", s, form, again, err)
			}
		}
		if c, _ := isbt128.CheckCharacter(d.Number()); c != d.Check {
			t.Fatalf("%q: check %c, computed %c", s, d.Check, c)
		}
	})
}
