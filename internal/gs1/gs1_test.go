package gs1

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testRef is the reference time used for the century window in most
// tests: any date in 2026 gives the window 1977..2076.
var testRef = time.Date(2026, time.March, 15, 12, 0, 0, 0, time.UTC)

// testHost is the host used to build Digital Link URIs in tests.
const testHost = "id.example.com"

// day returns y-m-d at 00:00 UTC.
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// refCheckDigitValid is an independent full-length GS1 mod-10 validation
// used to cross-check the examples: weights 1, 3, 1, 3, ... from the right,
// check digit included, must sum to a multiple of 10.
func refCheckDigitValid(s string) bool {
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

// refCSet82 lists every character of GS1 AI encodable character set 82,
// written out independently of the code under test.
const refCSet82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// exampleUnit is the unit of the GS1 example element string
// (01)09506000134352(17)201225(10)ABC123(21)XYZ.
var exampleUnit = UnitID{
	GTIN:      "09506000134352",
	Serial:    "XYZ",
	Lot:       "ABC123",
	Expiry:    day(2020, time.December, 25),
	HasExpiry: true,
}

func TestExpiredAt(t *testing.T) {
	u := UnitID{GTIN: "09506000134352", Serial: "1", Expiry: day(2025, time.December, 31), HasExpiry: true}
	require.False(t, u.ExpiredAt(day(2025, time.December, 30)))
	require.False(t, u.ExpiredAt(day(2025, time.December, 31)))
	require.False(t, u.ExpiredAt(time.Date(2025, time.December, 31, 23, 59, 59, 999999999, time.UTC)))
	require.True(t, u.ExpiredAt(day(2026, time.January, 1)))
	require.True(t, u.ExpiredAt(day(2030, time.January, 1)))
	// The instant matters, not the zone it is expressed in: 00:30 on
	// 1 January at UTC+1 is still 31 December in UTC.
	cet := time.FixedZone("CET", 3600)
	require.False(t, u.ExpiredAt(time.Date(2026, time.January, 1, 0, 30, 0, 0, cet)))
	require.True(t, u.ExpiredAt(time.Date(2026, time.January, 1, 1, 0, 0, 0, cet)))

	noExpiry := UnitID{GTIN: "09506000134352", Serial: "1"}
	require.False(t, noExpiry.ExpiredAt(day(9999, time.January, 1)))

	parsed, err := ParseElementString("(01)09506000134352(17)240200(21)1", testRef)
	require.NoError(t, err)
	require.False(t, parsed.ExpiredAt(time.Date(2024, time.February, 29, 23, 0, 0, 0, time.UTC)))
	require.True(t, parsed.ExpiredAt(day(2024, time.March, 1)))
}

func TestElementStringAndDigitalLinkFormat(t *testing.T) {
	require.Equal(t, "(01)09506000134352(17)201225(10)ABC123(21)XYZ", exampleUnit.ElementString())
	require.Equal(t, "https://id.example.com/01/09506000134352/10/ABC123/21/XYZ?17=201225",
		exampleUnit.DigitalLink(testHost))

	noLot := UnitID{GTIN: "04006381333931", Serial: "S1"}
	require.Equal(t, "(01)04006381333931(21)S1", noLot.ElementString())
	require.Equal(t, "https://id.example.com/01/04006381333931/21/S1", noLot.DigitalLink(testHost))

	// DD "00" is written back as the actual last day of the month.
	u, err := ParseElementString("(01)09506000134352(17)240200(21)1", testRef)
	require.NoError(t, err)
	require.Equal(t, "(01)09506000134352(17)240229(21)1", u.ElementString())
	require.Equal(t, "https://id.example.com/01/09506000134352/21/1?17=240229", u.DigitalLink(testHost))

	// Previous-century expiry keeps its two-digit year.
	u, err = ParseElementString("(01)09506000134352(17)770101(21)1", testRef)
	require.NoError(t, err)
	require.Equal(t, 1977, u.Expiry.Year())
	require.Equal(t, "(01)09506000134352(17)770101(21)1", u.ElementString())

	// Percent-encoding in the Digital Link, "(" escaped in the element string.
	special := UnitID{GTIN: "09506000134352", Serial: `a/b%c?d(e)`, Lot: `L;1,2"`}
	require.Equal(t, `(01)09506000134352(10)L;1,2"(21)a/b%c?d\(e)`, special.ElementString())
	require.Equal(t, "https://id.example.com/01/09506000134352/10/L%3B1%2C2%22/21/a%2Fb%25c%3Fd%28e%29",
		special.DigitalLink(testHost))
	checkRoundTrips(t, special, testRef)
}

func TestRoundTrips(t *testing.T) {
	units := []UnitID{
		exampleUnit,
		{GTIN: "04006381333931", Serial: "1"},
		{GTIN: "00000096385074", Serial: strings.Repeat("z", 20), Lot: strings.Repeat("9", 20)},
		{GTIN: "10614141000019", Serial: `!"%&'()*+,-./:;<=>?_`, Lot: "((("},
		{GTIN: "09506000134352", Serial: "01", Lot: "21", Expiry: day(2076, time.December, 31), HasExpiry: true},
		{GTIN: "09506000134352", Serial: "..", Lot: ".", Expiry: day(1977, time.January, 1), HasExpiry: true},
		{GTIN: "09506000134352", Serial: "(21)X", Lot: "(10)"},
	}
	for _, u := range units {
		checkRoundTrips(t, u, testRef)
	}

	// The raw and bracketed forms of the same unit parse to the same UnitID.
	raw, err := ParseElementString("]d2010950600013435217201225"+"10ABC123\x1d21XYZ", testRef)
	require.NoError(t, err)
	bracketed, err := ParseElementString("(01)09506000134352(17)201225(10)ABC123(21)XYZ", testRef)
	require.NoError(t, err)
	dl, err := ParseDigitalLink("https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=201225", testRef)
	require.NoError(t, err)
	require.Equal(t, raw, bracketed)
	require.Equal(t, raw, dl)
}

// checkRoundTrips checks that u, a valid UnitID, is valid per the
// validators and comes back unchanged through ElementString +
// ParseElementString and through DigitalLink + ParseDigitalLink.
func checkRoundTrips(t *testing.T, u UnitID, ref time.Time) {
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

	link := u.DigitalLink(testHost)
	back, err = ParseDigitalLink(link, ref)
	require.NoError(t, err, "digital link %q", link)
	require.Equal(t, u, back, "digital link %q", link)
}
