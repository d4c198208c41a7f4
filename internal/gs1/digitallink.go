package gs1

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// digitalLinkHTTPS is the scheme used by UnitID.DigitalLink.
const digitalLinkHTTPS = "https"

// DigitalLink returns the GS1 Digital Link URI of u on host:
// "https://{host}/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD", where the lot
// segment is present only if u has a lot and the query only if u has an
// expiry date. Lot and serial are percent-encoded with url.PathEscape.
func (u UnitID) DigitalLink(host string) string {
	var b strings.Builder
	b.WriteString(digitalLinkHTTPS + "://")
	b.WriteString(host)
	b.WriteString("/" + aiGTIN + "/")
	b.WriteString(u.GTIN)
	if u.Lot != "" {
		b.WriteString("/" + aiLot + "/")
		b.WriteString(url.PathEscape(u.Lot))
	}
	b.WriteString("/" + aiSerial + "/")
	b.WriteString(url.PathEscape(u.Serial))
	if u.HasExpiry {
		b.WriteString("?" + aiExpiry + "=")
		b.WriteString(formatDate(u.Expiry))
	}
	return b.String()
}

// ParseDigitalLink parses a GS1 Digital Link URI identifying a serialized unit
// and returns its UnitID; ref anchors the century of the expiry date (see
// ParseDate).
//
// The URI must be absolute with scheme http or https and any host. Its path
// ends with the primary key and key qualifiers "/01/{gtin}[/10/{lot}]/21/{serial}"
// in that order, optionally preceded by any prefix path (e.g.
// "https://example.com/some/prefix/01/..."); the path is read from its end,
// as the Digital Link standard prescribes. The GTIN may be a GTIN-8, -12, -13
// or -14 and is normalized to 14 digits; lot and serial are percent-decoded
// and validated. The expiry date, if any, is the query parameter "17=YYMMDD";
// the production date "11=YYMMDD" is validated and ignored, other numeric
// (AI) query parameters are refused and non-numeric ones (such as linkType)
// are ignored, as is the fragment. A missing GTIN or serial, qualifiers out
// of order or repeated, AI 22 (consumer product variant) and other path AIs
// are refused.
//
// Errors start with "GS1 Digital Link: ", said once here.
func ParseDigitalLink(uri string, ref time.Time) (UnitID, error) {
	u, err := parseDigitalLink(uri, ref)
	if err != nil {
		return UnitID{}, fmt.Errorf("GS1 Digital Link: %w", err)
	}
	return u, nil
}

// parseDigitalLink is ParseDigitalLink without the "GS1 Digital Link"
// context on its errors, which its helpers do not add either.
func parseDigitalLink(uri string, ref time.Time) (UnitID, error) {
	if uri == "" {
		return UnitID{}, fmt.Errorf("URI is empty")
	}
	parsed, err := url.Parse(uri)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return UnitID{}, fmt.Errorf("URI %s: %v", quote(uri), err)
	}
	if parsed.Scheme != "http" && parsed.Scheme != "https" {
		return UnitID{}, fmt.Errorf("URI %s: scheme must be http or https", quote(uri))
	}
	if parsed.Host == "" || parsed.Opaque != "" {
		return UnitID{}, fmt.Errorf("URI %s: missing host", quote(uri))
	}

	segs, err := digitalLinkPathSegments(uri, parsed.Scheme)
	if err != nil {
		return UnitID{}, err
	}
	pairs, err := digitalLinkKeyPairs(segs)
	if err != nil {
		return UnitID{}, err
	}

	var u UnitID
	gtin, err := NormalizeGTIN(pairs[0].value)
	if err != nil {
		return UnitID{}, fmt.Errorf("AI (%s): %w", aiGTIN, err)
	}
	u.GTIN = gtin
	i := 1
	if i < len(pairs) && pairs[i].ai == aiLot {
		if err := ValidateLot(pairs[i].value); err != nil {
			return UnitID{}, fmt.Errorf("AI (%s): %w", aiLot, err)
		}
		u.Lot = pairs[i].value
		i++
	}
	if i < len(pairs) && pairs[i].ai == aiSerial {
		if err := ValidateSerial(pairs[i].value); err != nil {
			return UnitID{}, fmt.Errorf("AI (%s): %w", aiSerial, err)
		}
		u.Serial = pairs[i].value
		i++
	}
	if i < len(pairs) {
		if pairs[i].ai == aiCPV {
			return UnitID{}, fmt.Errorf("AI (%s) (consumer product variant) is not supported", aiCPV)
		}
		return UnitID{}, fmt.Errorf("path: AI (%s) out of order or repeated: expected /01/{gtin}[/10/{lot}]/21/{serial}",
			pairs[i].ai)
	}
	if u.Serial == "" {
		return UnitID{}, fmt.Errorf("path has no serial number (AI 21): not a serialized unit")
	}

	if err := digitalLinkQuery(&u, parsed.RawQuery, ref); err != nil {
		return UnitID{}, err
	}
	return u, nil
}

// dlPair is one "/{ai}/{value}" pair of a Digital Link path, value
// percent-decoded.
type dlPair struct {
	ai    string
	value string
}

// digitalLinkPathSegments returns the still percent-encoded segments of the
// path of uri, which url.Parse has accepted with the given scheme and a
// non-empty host. The path is cut out of uri itself rather than taken from
// url.URL so that an encoded "/" (%2F, a valid character of set 82) inside a
// value never splits it.
func digitalLinkPathSegments(uri, scheme string) ([]string, error) {
	rest := uri
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	// url.Parse found the scheme before the first ':' and an authority
	// introduced by "//", so rest starts with scheme + "://".
	prefix := len(scheme) + len("://")
	if len(rest) < prefix {
		return nil, fmt.Errorf("URI %s: missing host", quote(uri))
	}
	rest = rest[prefix:]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return nil, fmt.Errorf("URI %s: path has no /01/{gtin}", quote(uri))
	}
	return strings.Split(rest[slash+1:], "/"), nil
}

// digitalLinkKeyPairs reads the "/{ai}/{value}" pairs at the end of a
// Digital Link path, from the right, down to the primary key AI 01, and
// returns them in path order (so the first pair is AI 01) with their values
// percent-decoded. Segments before AI 01 are a free prefix.
func digitalLinkKeyPairs(segs []string) ([]dlPair, error) {
	if len(segs) > 0 && segs[len(segs)-1] == "" && len(segs) > 1 {
		return nil, fmt.Errorf("path ends with \"/\"")
	}
	var rev []dlPair
	i := len(segs)
	for {
		if i < 2 {
			return nil, fmt.Errorf("path has no /01/{gtin} primary key")
		}
		key, raw := segs[i-2], segs[i-1]
		i -= 2
		switch key {
		case aiGTIN, aiLot, aiSerial, aiCPV:
		default:
			if key != "" && len(key) <= 4 && allDigits(key) {
				return nil, fmt.Errorf("path: unsupported AI (%s)", key)
			}
			return nil, fmt.Errorf("path has no /01/{gtin} primary key before segment %s",
				quote(key))
		}
		value, err := url.PathUnescape(raw)
		if err != nil {
			return nil, fmt.Errorf("AI (%s) value %s: invalid percent-encoding",
				key, quote(raw))
		}
		rev = append(rev, dlPair{ai: key, value: value})
		if key == aiGTIN {
			break
		}
	}
	for _, seg := range segs[:i] {
		if seg == aiGTIN {
			return nil, fmt.Errorf("path is ambiguous: AI (%s) appears more than once", aiGTIN)
		}
	}
	pairs := make([]dlPair, len(rev))
	for j, p := range rev {
		pairs[len(rev)-1-j] = p
	}
	return pairs, nil
}

// digitalLinkQuery applies the query parameters of a Digital Link URI to u:
// "17" sets the expiry date, "11" is validated and ignored, other numeric
// keys (AIs) are refused and non-numeric keys are ignored.
func digitalLinkQuery(u *UnitID, rawQuery string, ref time.Time) error {
	if rawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return fmt.Errorf("query %s: %v", quote(rawQuery), err)
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vals := q[k]
		switch {
		case k == aiExpiry || k == aiProductionDate:
			if len(vals) != 1 {
				return fmt.Errorf("query: AI (%s) repeated", k)
			}
			t, err := ParseDate(vals[0], ref)
			if err != nil {
				return fmt.Errorf("query AI (%s): %w", k, err)
			}
			if k == aiExpiry {
				u.Expiry, u.HasExpiry = t, true
			}
		case k == aiGTIN || k == aiLot || k == aiSerial || k == aiCPV:
			return fmt.Errorf("query: AI (%s) belongs in the path", k)
		case k != "" && allDigits(k):
			return fmt.Errorf("query: unsupported AI (%s)", truncate(k))
		}
	}
	return nil
}
