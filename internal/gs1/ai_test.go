package gs1

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNormalizeGTIN(t *testing.T) {
	valid := []struct{ in, want string }{
		{"09506000134352", "09506000134352"}, // GS1 example GTIN-14
		{"4006381333931", "04006381333931"},  // EAN-13
		{"04006381333931", "04006381333931"}, // same as GTIN-14
		{"036000291452", "00036000291452"},   // UPC-A (GTIN-12)
		{"96385074", "00000096385074"},       // EAN-8 (GTIN-8)
		{"10614141000019", "10614141000019"}, // GTIN-14 with indicator digit 1
		{"00000000000000", "00000000000000"},
	}
	for _, tc := range valid {
		got, err := NormalizeGTIN(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
		require.NoError(t, ValidateGTIN14(got))
	}

	invalid := []struct{ in, errSub string }{
		{"", "empty"},
		{"9638507", "invalid length"},
		{"96385074000", "invalid length"},      // 11 digits
		{"0950600013435200", "invalid length"}, // 16 digits
		{"095060001343520", "invalid length"},  // 15 digits
		{"09506000134353", "check digit"},
		{"4006381333932", "check digit"},
		{"96385075", "check digit"},
		{"036000291453", "check digit"},
		{"0950600013435A", "non-digit"},
		{" 4006381333931", "non-digit"},
		{"400638133393 ", "non-digit"},
		{"+400638133393", "non-digit"},
		{"４００６３８１３３３９３１", "invalid length"}, // full-width digits
	}
	for _, tc := range invalid {
		_, err := NormalizeGTIN(tc.in)
		require.Error(t, err, tc.in)
		require.Contains(t, err.Error(), tc.errSub, tc.in)
	}
}

func TestValidateGTIN14(t *testing.T) {
	for _, s := range []string{"09506000134352", "04006381333931", "10614141000019", "00000096385074"} {
		require.NoError(t, ValidateGTIN14(s), s)
	}
	invalid := []struct{ in, errSub string }{
		{"", "empty"},
		{"4006381333931", "invalid length"}, // a GTIN-13 is not accepted as is
		{"96385074", "invalid length"},
		{"095060001343520", "invalid length"},
		{"09506000134351", "check digit"},
		{"0950600013435X", "non-digit"},
		{"09506000134\x1d52", "non-digit"},
	}
	for _, tc := range invalid {
		err := ValidateGTIN14(tc.in)
		require.Error(t, err, tc.in)
		require.Contains(t, err.Error(), tc.errSub, tc.in)
	}
}

func TestValidateSSCC(t *testing.T) {
	for _, s := range []string{"106141411234567897", "000000000000000000", "306141411234567891"} {
		if refCheckDigitValid(s) {
			require.NoError(t, ValidateSSCC(s), s)
		} else {
			require.Error(t, ValidateSSCC(s), s)
		}
	}
	require.NoError(t, ValidateSSCC("106141411234567897"))
	invalid := []struct{ in, errSub string }{
		{"", "empty"},
		{"10614141123456789", "invalid length"},
		{"1061414112345678970", "invalid length"},
		{"106141411234567898", "check digit"},
		{"10614141123456789A", "non-digit"},
		{"09506000134352", "invalid length"},
	}
	for _, tc := range invalid {
		err := ValidateSSCC(tc.in)
		require.Error(t, err, tc.in)
		require.Contains(t, err.Error(), tc.errSub, tc.in)
	}
}

func TestValidateSerialAndLot(t *testing.T) {
	for name, validate := range map[string]func(string) error{
		"serial": ValidateSerial,
		"lot":    ValidateLot,
	} {
		t.Run(name, func(t *testing.T) {
			// Every byte value: accepted exactly when it is in set 82.
			for c := 0; c < 256; c++ {
				s := string([]byte{byte(c)})
				err := validate(s)
				if strings.IndexByte(refCSet82, byte(c)) >= 0 {
					require.NoError(t, err, "%q", s)
				} else {
					require.Error(t, err, "%q", s)
					require.Contains(t, err.Error(), "character set 82", "%q", s)
				}
			}
			for _, s := range []string{
				"1", "XYZ", "ABC123", "abc-123/45.6",
				`!"%&'()*+,-./:;<=>?_`, // all punctuation of set 82, 20 characters
				strings.Repeat("9", 20),
			} {
				require.NoError(t, validate(s), s)
			}
			invalid := []struct{ in, errSub string }{
				{"", "empty"},
				{strings.Repeat("9", 21), "too long"},
				{"AB CD", "character set 82"},
				{"AB#", "character set 82"},
				{"A$", "character set 82"},
				{"a@b", "character set 82"},
				{`A\B`, "character set 82"},
				{"A~", "character set 82"},
				{"A\x1dB", "character set 82"},
				{"Aé", "character set 82"},
				{"\x00", "character set 82"},
			}
			for _, tc := range invalid {
				err := validate(tc.in)
				require.Error(t, err, "%q", tc.in)
				require.Contains(t, err.Error(), tc.errSub, "%q", tc.in)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	ref1999 := day(1999, time.June, 1)
	ref2080 := day(2080, time.June, 1)
	valid := []struct {
		in   string
		ref  time.Time
		want time.Time
	}{
		// Century window around 2026 (two-digit year 26).
		{"201225", testRef, day(2020, time.December, 25)},
		{"491231", testRef, day(2049, time.December, 31)},
		{"760101", testRef, day(2076, time.January, 1)}, // 76-26 = 50: current century
		{"770101", testRef, day(1977, time.January, 1)}, // 77-26 = 51: previous century
		{"990101", testRef, day(1999, time.January, 1)},
		{"000101", testRef, day(2000, time.January, 1)},
		{"260315", testRef, day(2026, time.March, 15)},
		// Around 1999: 00-99 = -99 and 49-99 = -50 are in the next century.
		{"000101", ref1999, day(2000, time.January, 1)},
		{"490101", ref1999, day(2049, time.January, 1)},
		{"500101", ref1999, day(1950, time.January, 1)}, // -49: current century
		{"990101", ref1999, day(1999, time.January, 1)},
		// Around 2080.
		{"290101", ref2080, day(2129, time.January, 1)}, // -51: next century
		{"300101", ref2080, day(2130, time.January, 1)}, // -50: next century
		{"310101", ref2080, day(2031, time.January, 1)}, // -49: current century
		{"990101", ref2080, day(2099, time.January, 1)},
		// DD "00" is the last day of the month.
		{"240200", testRef, day(2024, time.February, 29)}, // leap year
		{"250200", testRef, day(2025, time.February, 28)},
		{"000200", testRef, day(2000, time.February, 29)}, // divisible by 400
		{"000200", ref2080, day(2100, time.February, 28)}, // 2100 is not a leap year
		{"251200", testRef, day(2025, time.December, 31)},
		{"250400", testRef, day(2025, time.April, 30)},
		{"240229", testRef, day(2024, time.February, 29)},
		{"250131", testRef, day(2025, time.January, 31)},
		// The reference year is taken in UTC: 2026-01-01 00:30 at UTC+1 is
		// still 2025 in UTC, so 76-25 = 51 is the previous century.
		{"760101", time.Date(2026, time.January, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), day(1976, time.January, 1)},
	}
	for _, tc := range valid {
		got, err := ParseDate(tc.in, tc.ref)
		require.NoError(t, err, "%s ref %s", tc.in, tc.ref)
		require.Equal(t, tc.want, got, "%s ref %s", tc.in, tc.ref)
		require.Equal(t, time.UTC, got.Location())
	}

	invalid := []struct{ in, errSub string }{
		{"", "expected 6 digits"},
		{"20122", "expected 6 digits"},
		{"2012255", "expected 6 digits"},
		{"20122A", "expected 6 digits"},
		{"-01225", "expected 6 digits"},
		{"20 225", "expected 6 digits"},
		{"201325", "invalid month 13"},
		{"200025", "invalid month 00"},
		{"201232", "invalid day 32"},
		{"250230", "invalid day 30"},
		{"250229", "invalid day 29"}, // 2025 is not a leap year
		{"250431", "invalid day 31"},
		{"250631", "invalid day 31"},
	}
	for _, tc := range invalid {
		_, err := ParseDate(tc.in, testRef)
		require.Error(t, err, tc.in)
		require.Contains(t, err.Error(), tc.errSub, tc.in)
	}
}
