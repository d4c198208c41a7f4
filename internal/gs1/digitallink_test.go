package gs1

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

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
			UnitID{GTIN: "09506000134352", Serial: "1", Expiry: day(2024, time.February, 29), HasExpiry: true}},
		{"other query parameters", "https://example.com/01/09506000134352/10/ABC123/21/XYZ?linkType=gs1:pip&17=201225&11=200101", exampleUnit},
		{"fragment", "https://example.com/01/09506000134352/10/ABC123/21/XYZ?17=201225#section", exampleUnit},
		{"empty query", "https://example.com/01/09506000134352/21/1?", UnitID{GTIN: "09506000134352", Serial: "1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDigitalLink(tc.in, testRef)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			checkRoundTrips(t, got, testRef)
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
			got, err := ParseDigitalLink(tc.in, testRef)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.errSub)
			require.Equal(t, UnitID{}, got)
		})
	}
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
		u, err := ParseDigitalLink(s, testRef)
		if err != nil {
			require.Equal(t, UnitID{}, u)
			return
		}
		checkRoundTrips(t, u, testRef)
	})
}
