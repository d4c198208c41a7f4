package types

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// gs1TestRef is the reference time used for the century window in most
// tests: any date in 2026 gives the window 1977..2076.
var gs1TestRef = time.Date(2026, time.March, 15, 12, 0, 0, 0, time.UTC)

// gs1TestHost is the host used to build Digital Link URIs in tests.
const gs1TestHost = "id.example.com"

// gs1Date returns y-m-d at 00:00 UTC.
func gs1Date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// gs1RefCheckDigitValid is an independent full-length GS1 mod-10 validation
// used to cross-check the examples: weights 1, 3, 1, 3, ... from the right,
// check digit included, must sum to a multiple of 10.
func gs1RefCheckDigitValid(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(c-'0') * w
	}
	return sum%10 == 0
}

// gs1RefCSet82 lists every character of GS1 AI encodable character set 82,
// written out independently of the code under test.
const gs1RefCSet82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// exampleUnit is the unit of the GS1 example element string
// (01)09506000134352(17)201225(10)ABC123(21)XYZ.
var exampleUnit = UnitID{
	GTIN:      "09506000134352",
	Serial:    "XYZ",
	Lot:       "ABC123",
	Expiry:    gs1Date(2020, time.December, 25),
	HasExpiry: true,
}

func TestGS1ExamplesHaveValidCheckDigits(t *testing.T) {
	for _, s := range []string{
		"09506000134352", "04006381333931", "4006381333931", "106141411234567897",
		"96385074", "036000291452", "00614141123452", "10614141000019",
	} {
		require.True(t, gs1RefCheckDigitValid(s), s)
	}
	require.Len(t, gs1RefCSet82, 82)
}

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
		if gs1RefCheckDigitValid(s) {
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
				if strings.IndexByte(gs1RefCSet82, byte(c)) >= 0 {
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

func TestParseExpiry(t *testing.T) {
	ref1999 := gs1Date(1999, time.June, 1)
	ref2080 := gs1Date(2080, time.June, 1)
	valid := []struct {
		in   string
		ref  time.Time
		want time.Time
	}{
		// Century window around 2026 (two-digit year 26).
		{"201225", gs1TestRef, gs1Date(2020, time.December, 25)},
		{"491231", gs1TestRef, gs1Date(2049, time.December, 31)},
		{"760101", gs1TestRef, gs1Date(2076, time.January, 1)}, // 76-26 = 50: current century
		{"770101", gs1TestRef, gs1Date(1977, time.January, 1)}, // 77-26 = 51: previous century
		{"990101", gs1TestRef, gs1Date(1999, time.January, 1)},
		{"000101", gs1TestRef, gs1Date(2000, time.January, 1)},
		{"260315", gs1TestRef, gs1Date(2026, time.March, 15)},
		// Around 1999: 00-99 = -99 and 49-99 = -50 are in the next century.
		{"000101", ref1999, gs1Date(2000, time.January, 1)},
		{"490101", ref1999, gs1Date(2049, time.January, 1)},
		{"500101", ref1999, gs1Date(1950, time.January, 1)}, // -49: current century
		{"990101", ref1999, gs1Date(1999, time.January, 1)},
		// Around 2080.
		{"290101", ref2080, gs1Date(2129, time.January, 1)}, // -51: next century
		{"300101", ref2080, gs1Date(2130, time.January, 1)}, // -50: next century
		{"310101", ref2080, gs1Date(2031, time.January, 1)}, // -49: current century
		{"990101", ref2080, gs1Date(2099, time.January, 1)},
		// DD "00" is the last day of the month.
		{"240200", gs1TestRef, gs1Date(2024, time.February, 29)}, // leap year
		{"250200", gs1TestRef, gs1Date(2025, time.February, 28)},
		{"000200", gs1TestRef, gs1Date(2000, time.February, 29)}, // divisible by 400
		{"000200", ref2080, gs1Date(2100, time.February, 28)},    // 2100 is not a leap year
		{"251200", gs1TestRef, gs1Date(2025, time.December, 31)},
		{"250400", gs1TestRef, gs1Date(2025, time.April, 30)},
		{"240229", gs1TestRef, gs1Date(2024, time.February, 29)},
		{"250131", gs1TestRef, gs1Date(2025, time.January, 31)},
		// The reference year is taken in UTC: 2026-01-01 00:30 at UTC+1 is
		// still 2025 in UTC, so 76-25 = 51 is the previous century.
		{"760101", time.Date(2026, time.January, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), gs1Date(1976, time.January, 1)},
	}
	for _, tc := range valid {
		got, err := ParseExpiry(tc.in, tc.ref)
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
		_, err := ParseExpiry(tc.in, gs1TestRef)
		require.Error(t, err, tc.in)
		require.Contains(t, err.Error(), tc.errSub, tc.in)
	}
}

func TestExpiredAt(t *testing.T) {
	u := UnitID{GTIN: "09506000134352", Serial: "1", Expiry: gs1Date(2025, time.December, 31), HasExpiry: true}
	require.False(t, u.ExpiredAt(gs1Date(2025, time.December, 30)))
	require.False(t, u.ExpiredAt(gs1Date(2025, time.December, 31)))
	require.False(t, u.ExpiredAt(time.Date(2025, time.December, 31, 23, 59, 59, 999999999, time.UTC)))
	require.True(t, u.ExpiredAt(gs1Date(2026, time.January, 1)))
	require.True(t, u.ExpiredAt(gs1Date(2030, time.January, 1)))
	// The instant matters, not the zone it is expressed in: 00:30 on
	// 1 January at UTC+1 is still 31 December in UTC.
	cet := time.FixedZone("CET", 3600)
	require.False(t, u.ExpiredAt(time.Date(2026, time.January, 1, 0, 30, 0, 0, cet)))
	require.True(t, u.ExpiredAt(time.Date(2026, time.January, 1, 1, 0, 0, 0, cet)))

	noExpiry := UnitID{GTIN: "09506000134352", Serial: "1"}
	require.False(t, noExpiry.ExpiredAt(gs1Date(9999, time.January, 1)))

	parsed, err := ParseElementString("(01)09506000134352(17)240200(21)1", gs1TestRef)
	require.NoError(t, err)
	require.False(t, parsed.ExpiredAt(time.Date(2024, time.February, 29, 23, 0, 0, 0, time.UTC)))
	require.True(t, parsed.ExpiredAt(gs1Date(2024, time.March, 1)))
}

func TestParseElementStringValid(t *testing.T) {
	noLot := UnitID{GTIN: "09506000134352", Serial: "12345"}
	withExpiry := UnitID{GTIN: "04006381333931", Serial: "SN1", Expiry: gs1Date(2027, time.June, 30), HasExpiry: true}
	cases := []struct {
		name string
		in   string
		want UnitID
	}{
		{"GS1 example", "(01)09506000134352(17)201225(10)ABC123(21)XYZ", exampleUnit},
		{"any order", "(21)XYZ(10)ABC123(01)09506000134352(17)201225", exampleUnit},
		{"serial before lot", "(01)09506000134352(21)XYZ(17)201225(10)ABC123", exampleUnit},
		{"no lot no expiry", "(01)09506000134352(21)12345", noLot},
		{"GS characters in bracketed form", "\x1d(01)09506000134352\x1d(17)201225\x1d(10)ABC123\x1d(21)XYZ\x1d", exampleUnit},
		{"production date ignored", "(01)09506000134352(11)200101(21)12345", noLot},
		{"expiry DD 00", "(01)04006381333931(17)270600(21)SN1", withExpiry},
		{"escaped parenthesis", `(01)09506000134352(21)A\(B)`, UnitID{GTIN: "09506000134352", Serial: "A(B)"}},
		{"all set 82 punctuation", `(01)09506000134352(10)!"%&'\()*+,-./:;<=>?_(21)x`,
			UnitID{GTIN: "09506000134352", Serial: "x", Lot: `!"%&'()*+,-./:;<=>?_`}},
		{"20-character serial", "(01)09506000134352(21)" + strings.Repeat("Z", 20),
			UnitID{GTIN: "09506000134352", Serial: strings.Repeat("Z", 20)}},

		// Raw (scanned) forms.
		{"raw ]d2 lot then serial", "]d2010950600013435217201225" + "10ABC123\x1d21XYZ", exampleUnit},
		{"raw ]d2 serial then lot", "]d20109506000134352" + "21XYZ\x1d17201225" + "10ABC123", exampleUnit},
		{"raw serial last without separator", "010950600013435217201225" + "10ABC123\x1d21XYZ", exampleUnit},
		{"raw lot last without separator", "0109506000134352" + "21XYZ\x1d17201225" + "10ABC123", exampleUnit},
		{"raw ]C1", "]C10109506000134352" + "2112345", noLot},
		{"raw ]Q3", "]Q30109506000134352" + "2112345", noLot},
		{"raw without symbology identifier", "0109506000134352" + "2112345", noLot},
		{"raw leading FNC1 as GS", "\x1d0109506000134352" + "2112345", noLot},
		{"raw GS after fixed-length AIs", "]d20109506000134352\x1d17201225\x1d10ABC123\x1d21XYZ\x1d", exampleUnit},
		{"raw trailing GS", "]d2010950600013435221XYZ\x1d10ABC123\x1d17201225", exampleUnit},
		{"raw production date", "]d20109506000134352" + "11200101" + "2112345", noLot},
		{"raw parentheses are data", "]d20109506000134352" + "21A(B)", UnitID{GTIN: "09506000134352", Serial: "A(B)"}},
		{"raw serial with punctuation", "]d20109506000134352" + `21!"%&'()*+,-./:;<=>?_`,
			UnitID{GTIN: "09506000134352", Serial: `!"%&'()*+,-./:;<=>?_`}},
		{"raw 20-character serial", "]d20109506000134352" + "21" + strings.Repeat("7", 20) + "\x1d10L",
			UnitID{GTIN: "09506000134352", Serial: strings.Repeat("7", 20), Lot: "L"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseElementString(tc.in, gs1TestRef)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			gs1CheckRoundTrips(t, got, gs1TestRef)
		})
	}
}

func TestParseElementStringInvalid(t *testing.T) {
	const gtin = "(01)09506000134352"
	const rawGTIN = "0109506000134352"
	cases := []struct {
		name, in, errSub string
	}{
		{"empty", "", "empty"},
		{"only symbology identifier", "]d2", "no data"},
		{"only separators", "\x1d\x1d", "no data"},
		{"truncated symbology identifier", "]d", "truncated symbology identifier"},
		{"unsupported symbology identifier", "]d1" + rawGTIN + "21X", `unsupported symbology identifier "]d1"`},
		{"symbology identifier before bracketed", "]d2" + gtin + "(21)X", "must be followed by raw"},

		{"unknown AI bracketed", gtin + "(21)X(240)ABC", "unsupported application identifier (240)"},
		{"unknown 4-digit AI bracketed", gtin + "(8006)1(21)X", "unsupported application identifier (8006)"},
		{"unknown 2-digit AI bracketed", gtin + "(99)X(21)X", "unsupported application identifier (99)"},
		{"unknown AI raw 3 digits", rawGTIN + "21X\x1d240ABC", "unsupported application identifier (240)"},
		{"unknown AI raw 4 digits", rawGTIN + "3103000195" + "21X", "unsupported application identifier (3103)"},
		{"unknown AI raw 2 digits", rawGTIN + "21X\x1d99ABC", "unsupported application identifier (99)"},
		{"unknown AI prefix raw", rawGTIN + "21X\x1d05ABC", `unknown application identifier starting with "05"`},
		{"SSCC bracketed", "(00)106141411234567897" + gtin + "(21)X", "SSCC in a unit identifier"},
		{"SSCC raw", "]d200106141411234567897" + rawGTIN + "21X", "SSCC in a unit identifier"},

		{"duplicate GTIN", gtin + gtin + "(21)X", "duplicate AI (01)"},
		{"duplicate serial", gtin + "(21)X(21)X", "duplicate AI (21)"},
		{"duplicate lot", gtin + "(10)L(10)M(21)X", "duplicate AI (10)"},
		{"duplicate expiry", gtin + "(17)201225(17)201225(21)X", "duplicate AI (17)"},
		{"duplicate production date", gtin + "(11)201225(11)201225(21)X", "duplicate AI (11)"},
		{"duplicate serial raw", rawGTIN + "21X\x1d21Y", "duplicate AI (21)"},

		{"short GTIN", "(01)0950600013435(21)X", "wrong length"},
		{"GTIN-13 in AI 01", "(01)4006381333931(21)X", "wrong length"},
		{"long GTIN", "(01)095060001343520(21)X", "wrong length"},
		{"short expiry", gtin + "(17)20122(21)X", "wrong length"},
		{"short GTIN raw at end", "2112345\x1d01095060001343", "value too short"},
		{"GTIN cut by GS raw", "010950600013\x1d21X", "value too short"},
		{"short expiry raw", rawGTIN + "21X\x1d1720122", "value too short"},
		{"long serial", gtin + "(21)" + strings.Repeat("A", 21), "longer than 20"},
		{"long lot", gtin + "(10)" + strings.Repeat("A", 21) + "(21)X", "longer than 20"},
		{"long serial raw", rawGTIN + "21" + strings.Repeat("A", 21), "missing GS separator"},
		{"missing GS after lot raw", rawGTIN + "10LOT123456" + "21SERIAL12345", "missing GS separator"},

		{"bad GTIN check digit", "(01)09506000134353(21)X", "check digit"},
		{"bad GTIN check digit raw", "]d20109506000134353" + "21X", "check digit"},
		{"non-digit GTIN", "(01)0950600013435A(21)X", "non-digit"},

		{"space in serial", gtin + "(21)AB CD", "character set 82"},
		{"hash in serial", gtin + "(21)AB#", "character set 82"},
		{"non-ASCII lot", gtin + "(10)é(21)X", "character set 82"},
		{"backslash in raw serial", rawGTIN + `21A\(`, "character set 82"},
		{"stray backslash bracketed", gtin + `(21)A\B`, "character set 82"},
		{"invalid expiry month", gtin + "(17)201325(21)X", "invalid month"},
		{"invalid expiry day", gtin + "(17)250229(21)X", "invalid day"},
		{"non-digit expiry", gtin + "(17)2012AA(21)X", "expected 6 digits"},
		{"invalid production date", gtin + "(11)201300(21)X", "invalid month"},

		{"trailing garbage bracketed", gtin + "(21)X\x1dGARBAGE", "unexpected data"},
		{"data before first AI", "X" + gtin + "(21)X", "invalid application identifier"},
		{"garbage after fixed-length value", "(01)09506000134352ABC(21)X", "wrong length"},
		{"trailing garbage raw", rawGTIN + "17201225" + "X", "invalid application identifier"},
		{"trailing single digit raw", "]d2" + rawGTIN + "17201225" + "2", "invalid application identifier"},
		{"unescaped parenthesis in value", gtin + "(21)A(B", "invalid application identifier"},
		{"one-digit AI", gtin + "(1)X(21)X", "invalid application identifier"},
		{"five-digit AI", gtin + "(21)X(12345)X", "invalid application identifier"},
		{"letters in AI", gtin + "(2A)X", "invalid application identifier"},
		{"unclosed AI", gtin + "(21X", "invalid application identifier"},
		{"parenthesis at end", gtin + "(21)X(", "invalid application identifier"},

		{"missing GTIN", "(21)X(10)L", "no GTIN (AI 01)"},
		{"missing serial", gtin + "(10)L(17)201225", "no serial number (AI 21)"},
		{"missing serial raw", "]d2" + rawGTIN + "10L", "no serial number (AI 21)"},
		{"empty serial", gtin + "(21)", "empty value"},
		{"empty lot", gtin + "(10)(21)X", "empty value"},
		{"empty serial raw", rawGTIN + "21", "empty value"},
		{"empty serial raw before GS", rawGTIN + "21\x1d10L", "empty value"},
		{"empty GTIN", "(01)(21)X", "empty value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseElementString(tc.in, gs1TestRef)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.errSub)
			require.Equal(t, UnitID{}, got)
		})
	}
}

func TestParseSSCCElementString(t *testing.T) {
	const sscc = "106141411234567897"
	for _, in := range []string{
		"(00)" + sscc,
		"00" + sscc,
		"]C100" + sscc,
		"]d200" + sscc,
		"]Q300" + sscc,
		"\x1d(00)" + sscc + "\x1d",
		"]C100" + sscc + "\x1d",
	} {
		got, err := ParseSSCCElementString(in)
		require.NoError(t, err, "%q", in)
		require.Equal(t, sscc, got, "%q", in)
	}

	invalid := []struct{ name, in, errSub string }{
		{"empty", "", "empty"},
		{"bad check digit", "(00)106141411234567898", "check digit"},
		{"bad check digit raw", "00106141411234567898", "check digit"},
		{"short", "(00)10614141123456789", "wrong length"},
		{"short raw", "0010614141123456789", "value too short"},
		{"long", "(00)1061414112345678970", "wrong length"},
		{"trailing digit raw", "001061414112345678970", "invalid application identifier"},
		{"trailing garbage raw", "00106141411234567897X", "invalid application identifier"},
		{"trailing garbage bracketed", "(00)106141411234567897\x1dX", "unexpected data"},
		{"non-digit", "(00)10614141123456789A", "non-digit"},
		{"other AI after", "(00)106141411234567897(01)09506000134352", "unexpected AI (01)"},
		{"unit identifier", "(01)09506000134352(21)X", "unexpected AI (01)"},
		{"duplicate", "(00)106141411234567897(00)106141411234567897", "duplicate AI (00)"},
		{"unknown AI", "(00)106141411234567897(400)PO1", "unsupported application identifier (400)"},
		{"no AI", "106141411234567897", "unexpected AI (10)"},
		{"bad symbology identifier", "]E000" + sscc, "unsupported symbology identifier"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSSCCElementString(tc.in)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.errSub)
			require.Empty(t, got)
		})
	}
}

func TestParseDigitalLinkValid(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want UnitID
	}{
		{"full", "https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=201225", exampleUnit},
		{"http", "http://example.com/01/09506000134352/10/ABC123/21/XYZ?17=201225", exampleUnit},
		{"upper-case scheme", "HTTPS://example.com/01/09506000134352/10/ABC123/21/XYZ?17=201225", exampleUnit},
		{"path prefix", "https://example.com/some/prefix/01/09506000134352/10/ABC123/21/XYZ?17=201225", exampleUnit},
		{"odd path prefix", "https://example.com/p/01/09506000134352/21/1", UnitID{GTIN: "09506000134352", Serial: "1"}},
		{"host with port", "https://localhost:8443/01/09506000134352/21/1", UnitID{GTIN: "09506000134352", Serial: "1"}},
		{"no lot", "https://example.com/01/09506000134352/21/12345", UnitID{GTIN: "09506000134352", Serial: "12345"}},
		{"GTIN-13 normalized", "https://example.com/01/4006381333931/21/1", UnitID{GTIN: "04006381333931", Serial: "1"}},
		{"GTIN-8 normalized", "https://example.com/01/96385074/21/1", UnitID{GTIN: "00000096385074", Serial: "1"}},
		{"percent-encoded serial", "https://example.com/01/09506000134352/21/A%2FB%25C%3F%21%22",
			UnitID{GTIN: "09506000134352", Serial: `A/B%C?!"`}},
		{"percent-encoded lot", "https://example.com/01/09506000134352/10/L%2F1/21/S",
			UnitID{GTIN: "09506000134352", Serial: "S", Lot: "L/1"}},
		{"plus is not a space in the path", "https://example.com/01/09506000134352/21/A+B",
			UnitID{GTIN: "09506000134352", Serial: "A+B"}},
		{"serial equal to an AI", "https://example.com/01/09506000134352/21/01", UnitID{GTIN: "09506000134352", Serial: "01"}},
		{"expiry DD 00", "https://example.com/01/09506000134352/21/1?17=240200",
			UnitID{GTIN: "09506000134352", Serial: "1", Expiry: gs1Date(2024, time.February, 29), HasExpiry: true}},
		{"other query parameters", "https://example.com/01/09506000134352/10/ABC123/21/XYZ?linkType=gs1:pip&17=201225&11=200101", exampleUnit},
		{"fragment", "https://example.com/01/09506000134352/10/ABC123/21/XYZ?17=201225#section", exampleUnit},
		{"empty query", "https://example.com/01/09506000134352/21/1?", UnitID{GTIN: "09506000134352", Serial: "1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDigitalLink(tc.in, gs1TestRef)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			gs1CheckRoundTrips(t, got, gs1TestRef)
		})
	}
}

func TestParseDigitalLinkInvalid(t *testing.T) {
	const base = "https://example.com"
	const g = "/01/09506000134352"
	cases := []struct{ name, in, errSub string }{
		{"empty", "", "empty"},
		{"relative", g + "/21/1", "scheme must be http or https"},
		{"ftp", "ftp://example.com" + g + "/21/1", "scheme must be http or https"},
		{"urn", "urn:epc:id:sgtin:0614141.812345.6789", "scheme must be http or https"},
		{"no host", "https://" + g + "/21/1", "missing host"},
		{"opaque", "https:example.com" + g + "/21/1", "missing host"},
		{"no path", base, "no /01/{gtin}"},
		{"root path", base + "/", "no /01/{gtin}"},
		{"missing GTIN", base + "/21/1", "no /01/{gtin}"},
		{"missing GTIN with prefix", base + "/a/b/21/1", "no /01/{gtin}"},
		{"odd segments", base + g + "/21", "no /01/{gtin}"},
		{"missing serial", base + g, "no serial number (AI 21)"},
		{"missing serial with lot", base + g + "/10/L", "no serial number (AI 21)"},
		{"lot after serial", base + g + "/21/S/10/L", "AI (10) out of order"},
		{"duplicate serial", base + g + "/21/S/21/T", "AI (21) out of order or repeated"},
		{"duplicate lot", base + g + "/10/L/10/M/21/S", "AI (10) out of order or repeated"},
		{"consumer product variant", base + g + "/22/V/21/S", "AI (22) (consumer product variant) is not supported"},
		{"unknown path AI", base + g + "/21/S/235/X", "unsupported AI (235)"},
		{"unknown path AI between", base + g + "/8006/X/21/S", "unsupported AI (8006)"},
		{"repeated GTIN", base + g + g + "/21/S", "AI (01) appears more than once"},
		{"bad GTIN check digit", base + "/01/09506000134353/21/S", "check digit"},
		{"bad GTIN length", base + "/01/09506000134/21/S", "invalid length"},
		{"GTIN-13 with bad check digit", base + "/01/0950600013435/21/S", "check digit"},
		{"empty GTIN", base + "/01//21/S", "GTIN is empty"},
		{"empty serial", base + g + "/21/", "ends with"},
		{"trailing slash", base + g + "/21/S/", "ends with"},
		{"empty lot", base + g + "/10//21/S", "lot number is empty"},
		{"space in serial", base + g + "/21/A%20B", "character set 82"},
		{"GS in serial", base + g + "/21/A%1DB", "character set 82"},
		{"hash in serial", base + g + "/21/A%23B", "character set 82"},
		{"long serial", base + g + "/21/" + strings.Repeat("1", 21), "too long"},
		{"bad percent-encoding", base + g + "/21/A%zz", "invalid URL escape"},
		{"invalid expiry", base + g + "/21/S?17=201325", "invalid month"},
		{"short expiry", base + g + "/21/S?17=20132", "expected 6 digits"},
		{"repeated expiry", base + g + "/21/S?17=201225&17=201225", "AI (17) repeated"},
		{"invalid production date", base + g + "/21/S?11=201232", "invalid day"},
		{"serial in query", base + g + "?21=S", "no serial number"},
		{"lot in query", base + g + "/21/S?10=L", "AI (10) belongs in the path"},
		{"unknown AI in query", base + g + "/21/S?3103=000195", "unsupported AI (3103)"},
		{"semicolon in query", base + g + "/21/S?17=201225;a=b", "semicolon"},
		{"control character", base + g + "/21/S\x7f", "invalid control character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDigitalLink(tc.in, gs1TestRef)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.errSub)
			require.Equal(t, UnitID{}, got)
		})
	}
}

func TestElementStringAndDigitalLinkFormat(t *testing.T) {
	require.Equal(t, "(01)09506000134352(17)201225(10)ABC123(21)XYZ", exampleUnit.ElementString())
	require.Equal(t, "https://id.example.com/01/09506000134352/10/ABC123/21/XYZ?17=201225",
		exampleUnit.DigitalLink(gs1TestHost))

	noLot := UnitID{GTIN: "04006381333931", Serial: "S1"}
	require.Equal(t, "(01)04006381333931(21)S1", noLot.ElementString())
	require.Equal(t, "https://id.example.com/01/04006381333931/21/S1", noLot.DigitalLink(gs1TestHost))

	// DD "00" is written back as the actual last day of the month.
	u, err := ParseElementString("(01)09506000134352(17)240200(21)1", gs1TestRef)
	require.NoError(t, err)
	require.Equal(t, "(01)09506000134352(17)240229(21)1", u.ElementString())
	require.Equal(t, "https://id.example.com/01/09506000134352/21/1?17=240229", u.DigitalLink(gs1TestHost))

	// Previous-century expiry keeps its two-digit year.
	u, err = ParseElementString("(01)09506000134352(17)770101(21)1", gs1TestRef)
	require.NoError(t, err)
	require.Equal(t, 1977, u.Expiry.Year())
	require.Equal(t, "(01)09506000134352(17)770101(21)1", u.ElementString())

	// Percent-encoding in the Digital Link, "(" escaped in the element string.
	special := UnitID{GTIN: "09506000134352", Serial: `a/b%c?d(e)`, Lot: `L;1,2"`}
	require.Equal(t, `(01)09506000134352(10)L;1,2"(21)a/b%c?d\(e)`, special.ElementString())
	require.Equal(t, "https://id.example.com/01/09506000134352/10/L%3B1%2C2%22/21/a%2Fb%25c%3Fd%28e%29",
		special.DigitalLink(gs1TestHost))
	gs1CheckRoundTrips(t, special, gs1TestRef)
}

func TestRoundTrips(t *testing.T) {
	units := []UnitID{
		exampleUnit,
		{GTIN: "04006381333931", Serial: "1"},
		{GTIN: "00000096385074", Serial: strings.Repeat("z", 20), Lot: strings.Repeat("9", 20)},
		{GTIN: "10614141000019", Serial: `!"%&'()*+,-./:;<=>?_`, Lot: "((("},
		{GTIN: "09506000134352", Serial: "01", Lot: "21", Expiry: gs1Date(2076, time.December, 31), HasExpiry: true},
		{GTIN: "09506000134352", Serial: "..", Lot: ".", Expiry: gs1Date(1977, time.January, 1), HasExpiry: true},
		{GTIN: "09506000134352", Serial: "(21)X", Lot: "(10)"},
	}
	for _, u := range units {
		gs1CheckRoundTrips(t, u, gs1TestRef)
	}

	// The raw and bracketed forms of the same unit parse to the same UnitID.
	raw, err := ParseElementString("]d2010950600013435217201225"+"10ABC123\x1d21XYZ", gs1TestRef)
	require.NoError(t, err)
	bracketed, err := ParseElementString("(01)09506000134352(17)201225(10)ABC123(21)XYZ", gs1TestRef)
	require.NoError(t, err)
	dl, err := ParseDigitalLink("https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=201225", gs1TestRef)
	require.NoError(t, err)
	require.Equal(t, raw, bracketed)
	require.Equal(t, raw, dl)
}

// gs1CheckRoundTrips checks that u, a valid UnitID, is valid per the
// validators and comes back unchanged through ElementString +
// ParseElementString and through DigitalLink + ParseDigitalLink.
func gs1CheckRoundTrips(t *testing.T, u UnitID, ref time.Time) {
	t.Helper()
	require.NoError(t, ValidateGTIN14(u.GTIN))
	require.NoError(t, ValidateSerial(u.Serial))
	if u.Lot != "" {
		require.NoError(t, ValidateLot(u.Lot))
	}
	if !u.HasExpiry {
		require.True(t, u.Expiry.IsZero(), "Expiry set without HasExpiry")
	} else {
		require.Equal(t, time.UTC, u.Expiry.Location())
		require.Equal(t, u.Expiry, u.Expiry.Truncate(24*time.Hour), "Expiry not at midnight")
	}

	es := u.ElementString()
	back, err := ParseElementString(es, ref)
	require.NoError(t, err, "element string %q", es)
	require.Equal(t, u, back, "element string %q", es)

	link := u.DigitalLink(gs1TestHost)
	back, err = ParseDigitalLink(link, ref)
	require.NoError(t, err, "digital link %q", link)
	require.Equal(t, u, back, "digital link %q", link)
}

func FuzzParseElementString(f *testing.F) {
	for _, s := range []string{
		"(01)09506000134352(17)201225(10)ABC123(21)XYZ",
		"(21)XYZ(10)ABC123(01)09506000134352(17)201225",
		"]d2010950600013435217201225" + "10ABC123\x1d21XYZ",
		"]d20109506000134352" + "21XYZ\x1d17201225" + "10ABC123",
		"]C10104006381333931" + "11200101" + "21A(B)",
		"]Q30109506000134352" + `21!"%&'()*+,-./:;<=>?_`,
		`(01)09506000134352(17)240200(21)A\(B)`,
		"\x1d(01)09506000134352\x1d(21)1\x1d",
		"(00)106141411234567897(01)09506000134352(21)X",
		"(01)09506000134352(21)X(240)ABC",
		"0109506000134352" + "21X\x1d8006X",
		"(01)0950600013435(21)X",
		"(01)09506000134352(21)",
		"(",
		"]d2",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseElementString(s, gs1TestRef)
		if err != nil {
			require.Equal(t, UnitID{}, u)
			return
		}
		gs1CheckRoundTrips(t, u, gs1TestRef)
	})
}

func FuzzParseDigitalLink(f *testing.F) {
	for _, s := range []string{
		"https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=201225",
		"http://example.com/some/prefix/01/4006381333931/21/A%2FB%25C%3F",
		"https://example.com/01/96385074/21/01?17=240200&linkType=gs1:pip#x",
		"https://example.com/01/09506000134352/22/V/21/S",
		"https://example.com/01/09506000134352/21/S/10/L",
		"https://example.com/01/09506000134352/01/09506000134352/21/S",
		"https://example.com/01/09506000134352/21/S?17=201225&17=201226",
		"https://example.com/01/09506000134352/21/S?3103=000195",
		"https://example.com/01/09506000134352/21/S/",
		"https://example.com/01/09506000134352/21/%28%29%2B",
		"https:example.com/01/09506000134352/21/S",
		"urn:epc:id:sgtin:0614141.812345.6789",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseDigitalLink(s, gs1TestRef)
		if err != nil {
			require.Equal(t, UnitID{}, u)
			return
		}
		gs1CheckRoundTrips(t, u, gs1TestRef)
	})
}

func FuzzParseSSCCElementString(f *testing.F) {
	for _, s := range []string{
		"(00)106141411234567897",
		"00106141411234567897",
		"]C100106141411234567897",
		"]d200106141411234567897\x1d",
		"(00)106141411234567898",
		"(00)106141411234567897(00)106141411234567897",
		"(00)106141411234567897(01)09506000134352",
		"001061414112345678970",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sscc, err := ParseSSCCElementString(s)
		if err != nil {
			require.Empty(t, sscc)
			return
		}
		require.NoError(t, ValidateSSCC(sscc))
		require.True(t, gs1RefCheckDigitValid(sscc))
		for _, form := range []string{"(00)" + sscc, "00" + sscc, "]C100" + sscc} {
			back, err := ParseSSCCElementString(form)
			require.NoError(t, err, form)
			require.Equal(t, sscc, back, form)
		}
	})
}
