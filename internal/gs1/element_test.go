package gs1

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseElementStringValid(t *testing.T) {
	noLot := UnitID{GTIN: "09506000134352", Serial: "12345"}
	withExpiry := UnitID{GTIN: "04006381333931", Serial: "SN1", Expiry: day(2027, time.June, 30), HasExpiry: true}
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
			got, err := ParseElementString(tc.in, testRef)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			checkRoundTrips(t, got, testRef)
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
			got, err := ParseElementString(tc.in, testRef)
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
		u, err := ParseElementString(s, testRef)
		if err != nil {
			require.Equal(t, UnitID{}, u)
			return
		}
		checkRoundTrips(t, u, testRef)
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
		require.True(t, refCheckDigitValid(sscc))
		for _, form := range []string{"(00)" + sscc, "00" + sscc, "]C100" + sscc} {
			back, err := ParseSSCCElementString(form)
			require.NoError(t, err, form)
			require.Equal(t, sscc, back, form)
		}
	})
}
