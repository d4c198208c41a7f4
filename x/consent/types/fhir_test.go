package types_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/fhir/go/fhirversion"
	"github.com/google/fhir/go/jsonformat"
	cpb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/codes_go_proto"
	dpb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/datatypes_go_proto"
	conpb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/resources/consent_go_proto"

	"github.com/healthchain/healthd/x/consent/types"
)

const (
	fhirPatient   = "health1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"
	fhirGrantee   = "health1yg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3z3v8p6e"
	fhirGuardian  = "health1xyerxdp4xcmnswfsxyerxdp4xcmnswfsf0qx2k"
	fhirRevokedBy = "health1revokerrevokerrevokerrevokerrevokerq9"
)

var fhirT0 = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)

// fhirConsent is an active consent from t0 for 30 days over one resource type
// and one observation category.
func fhirConsent() types.Consent {
	return types.Consent{
		ID:         42,
		Patient:    fhirPatient,
		Grantee:    fhirGrantee,
		Purpose:    "TREAT",
		Categories: []string{"Condition", "laboratory"},
		Start:      fhirT0,
		End:        fhirT0.Add(30 * 24 * time.Hour),
		Status:     types.ConsentStatus_CONSENT_STATUS_ACTIVE,
		GrantedBy:  fhirGuardian,
		GrantedAt:  fhirT0.Add(-time.Hour),
		Version:    2,
	}
}

func fhirUnmarshaller(t *testing.T) *jsonformat.Unmarshaller {
	t.Helper()
	// NewUnmarshaller validates: primitives (regexes, code values), required
	// fields (cardinality min 1) and reference target types.
	u, err := jsonformat.NewUnmarshaller("UTC", fhirversion.R4)
	if err != nil {
		t.Fatalf("NewUnmarshaller: %v", err)
	}
	return u
}

// parseFHIRConsent validates raw against FHIR R4 and returns the Consent.
func parseFHIRConsent(t *testing.T, u *jsonformat.Unmarshaller, raw []byte) *conpb.Consent {
	t.Helper()
	res, err := u.UnmarshalR4(raw)
	if err != nil {
		t.Fatalf("FHIR R4 validation failed: %v\n%s", err, raw)
	}
	c := res.GetConsent()
	if c == nil {
		t.Fatalf("parsed resource is not a Consent: %v", res)
	}
	return c
}

func fhirUs(tm time.Time) int64 { return tm.UnixMicro() } // FHIR keeps microseconds

func codingOf(cs []*dpb.Coding) [][3]string {
	out := make([][3]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, [3]string{c.GetSystem().GetValue(), c.GetCode().GetValue(), c.GetDisplay().GetValue()})
	}
	return out
}

func TestFHIRValidR4(t *testing.T) {
	u := fhirUnmarshaller(t)
	now := fhirT0.Add(24 * time.Hour)

	all := fhirConsent()
	all.ID, all.Purpose, all.Categories, all.AllCategories = 7, "HRESCH", nil, true

	revoked := fhirConsent()
	revokedAt := now.Add(-time.Minute)
	revoked.Status = types.ConsentStatus_CONSENT_STATUS_REVOKED
	revoked.RevokedBy, revoked.RevokedAt = fhirRevokedBy, &revokedAt
	revoked.RevocationReason = types.RevocationReason_REVOCATION_REASON_PATIENT_REQUEST

	expiredByStatus := fhirConsent()
	expiredByStatus.Status = types.ConsentStatus_CONSENT_STATUS_EXPIRED

	future := fhirConsent()
	future.Start, future.End = now.Add(time.Hour), now.Add(48*time.Hour)

	subSecond := fhirConsent()
	subSecond.Start = fhirT0.Add(123456789 * time.Nanosecond)
	subSecond.End = subSecond.End.Add(999 * time.Millisecond)
	subSecond.GrantedAt = subSecond.GrantedAt.Add(time.Nanosecond)

	tests := []struct {
		name    string
		consent types.Consent
		now     time.Time
		status  cpb.ConsentStateCode_Value
	}{
		{"active two categories", fhirConsent(), now, cpb.ConsentStateCode_ACTIVE},
		{"all categories", all, now, cpb.ConsentStateCode_ACTIVE},
		{"revoked", revoked, now, cpb.ConsentStateCode_INACTIVE},
		{"expired: now after end", fhirConsent(), fhirT0.Add(31 * 24 * time.Hour), cpb.ConsentStateCode_INACTIVE},
		{"expired: now at end", fhirConsent(), fhirT0.Add(30 * 24 * time.Hour), cpb.ConsentStateCode_INACTIVE},
		{"expired status", expiredByStatus, now, cpb.ConsentStateCode_INACTIVE},
		{"active, starts later", future, now, cpb.ConsentStateCode_ACTIVE},
		{"sub-second times", subSecond, now, cpb.ConsentStateCode_ACTIVE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.consent
			raw, err := in.FHIR(tc.now)
			if err != nil {
				t.Fatalf("FHIR: %v", err)
			}
			c := parseFHIRConsent(t, u, raw)
			if bytes.Contains(raw, []byte(`""`)) {
				t.Errorf("empty string value (FHIR forbids it): %s", raw)
			}

			if got := c.GetStatus().GetValue(); got != tc.status {
				t.Errorf("status %v, want %v", got, tc.status)
			}
			if got, want := c.GetId().GetValue(), strconv.FormatUint(in.ID, 10); got != want {
				t.Errorf("id %q, want %q", got, want)
			}
			if got, want := c.GetMeta().GetVersionId().GetValue(), strconv.FormatUint(uint64(in.Version), 10); got != want {
				t.Errorf("meta.versionId %q, want %q", got, want)
			}
			// Invariants ppc-1 (policy or policyRule) and ppc-2 (privacy scope
			// needs a patient) are FHIRPath rules the Go validator does not run.
			if len(c.GetPolicyRule().GetCoding()) == 0 && len(c.GetPolicy()) == 0 {
				t.Error("ppc-1: neither policy nor policyRule")
			}
			if got := codingOf(c.GetScope().GetCoding()); !slices.Equal(got, [][3]string{{"http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy Consent"}}) {
				t.Errorf("scope %v", got)
			}
			if len(c.GetCategory()) != 1 || !slices.Equal(codingOf(c.GetCategory()[0].GetCoding()), [][3]string{{"http://loinc.org", "59284-0", "Patient Consent"}}) {
				t.Errorf("category %v", c.GetCategory())
			}

			pid := c.GetPatient().GetIdentifier()
			if pid.GetSystem().GetValue() != types.FHIRAccountSystem || pid.GetValue().GetValue() != in.Patient {
				t.Errorf("patient identifier %v, want %s|%s", pid, types.FHIRAccountSystem, in.Patient)
			}
			if len(c.GetPerformer()) != 1 || c.GetPerformer()[0].GetIdentifier().GetValue().GetValue() != in.GrantedBy {
				t.Errorf("performer %v, want %s", c.GetPerformer(), in.GrantedBy)
			}
			if got, want := c.GetDateTime().GetValueUs(), fhirUs(in.GrantedAt); got != want {
				t.Errorf("dateTime %d, want %d", got, want)
			}

			p := c.GetProvision()
			if p.GetType().GetValue() != cpb.ConsentProvisionTypeCode_PERMIT {
				t.Errorf("provision.type %v, want permit", p.GetType().GetValue())
			}
			if got, want := p.GetPeriod().GetStart().GetValueUs(), fhirUs(in.Start); got != want {
				t.Errorf("period.start %d, want %d", got, want)
			}
			if got, want := p.GetPeriod().GetEnd().GetValueUs(), fhirUs(in.End); got != want {
				t.Errorf("period.end %d, want %d", got, want)
			}
			if got := codingOf(p.GetPurpose()); !slices.Equal(got, [][3]string{{types.PurposeSystem, in.Purpose, types.Purposes[in.Purpose]}}) {
				t.Errorf("purpose %v, want %s", got, in.Purpose)
			}
			if len(p.GetActor()) != 1 {
				t.Fatalf("%d actors, want 1", len(p.GetActor()))
			}
			a := p.GetActor()[0]
			if got := codingOf(a.GetRole().GetCoding()); !slices.Equal(got, [][3]string{{"http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"}}) {
				t.Errorf("actor.role %v", got)
			}
			if aid := a.GetReference().GetIdentifier(); aid.GetSystem().GetValue() != types.FHIRAccountSystem || aid.GetValue().GetValue() != in.Grantee {
				t.Errorf("actor identifier %v, want %s", aid, in.Grantee)
			}

			var wantClass [][3]string
			for _, cat := range in.Categories {
				wantClass = append(wantClass, [3]string{types.CategorySystem(cat), cat, ""})
			}
			if got := codingOf(p.GetClassValue()); !slices.Equal(got, wantClass) {
				t.Errorf("class %v, want %v", got, wantClass)
			}
			if in.AllCategories && bytes.Contains(raw, []byte(`"class"`)) {
				t.Errorf("all-categories consent has a class restriction: %s", raw)
			}
		})
	}
}

// TestFHIRGolden pins the exact rendering of one consent.
func TestFHIRGolden(t *testing.T) {
	raw, err := fhirConsent().FHIR(fhirT0)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"resourceType":"Consent","id":"42","meta":{"versionId":"2"},"status":"active",` +
		`"scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy","display":"Privacy Consent"}]},` +
		`"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0","display":"Patient Consent"}]}],` +
		`"patient":{"identifier":{"system":"urn:healthd:account","value":"` + fhirPatient + `"}},` +
		`"dateTime":"2025-03-01T08:30:00Z",` +
		`"performer":[{"identifier":{"system":"urn:healthd:account","value":"` + fhirGuardian + `"}}],` +
		`"policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN","display":"opt-in"}]},` +
		`"provision":{"type":"permit","period":{"start":"2025-03-01T09:30:00Z","end":"2025-03-31T09:30:00Z"},` +
		`"actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP","display":"information recipient"}]},` +
		`"reference":{"identifier":{"system":"urn:healthd:account","value":"` + fhirGrantee + `"}}}],` +
		`"purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT","display":"treatment"}],` +
		`"class":[{"system":"http://hl7.org/fhir/resource-types","code":"Condition"},` +
		`{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}}`
	if string(raw) != want {
		t.Errorf("got\n%s\nwant\n%s", raw, want)
	}
}

// TestFHIRValidatorRejects shows the validator really checks: valid output,
// edited to break one FHIR R4 rule, is rejected.
func TestFHIRValidatorRejects(t *testing.T) {
	u := fhirUnmarshaller(t)
	raw, err := fhirConsent().FHIR(fhirT0)
	if err != nil {
		t.Fatal(err)
	}
	parseFHIRConsent(t, u, raw) // the unedited resource passes

	provision := func(m map[string]any) map[string]any { return m["provision"].(map[string]any) }
	actor := func(m map[string]any) map[string]any { return provision(m)["actor"].([]any)[0].(map[string]any) }
	edits := []struct {
		name string
		edit func(m map[string]any)
	}{
		{"status missing (1..1)", func(m map[string]any) { delete(m, "status") }},
		{"status not a consent-state-code", func(m map[string]any) { m["status"] = "bogus" }},
		{"scope missing (1..1)", func(m map[string]any) { delete(m, "scope") }},
		{"category missing (1..*)", func(m map[string]any) { delete(m, "category") }},
		{"provision.type not permit|deny", func(m map[string]any) { provision(m)["type"] = "allow" }},
		{"actor.role missing (1..1)", func(m map[string]any) { delete(actor(m), "role") }},
		{"actor.reference missing (1..1)", func(m map[string]any) { delete(actor(m), "reference") }},
		{"period.end not a dateTime", func(m map[string]any) {
			provision(m)["period"].(map[string]any)["end"] = "2025-13-01T00:00:00Z"
		}},
		{"dateTime without time zone", func(m map[string]any) { m["dateTime"] = "2025-03-01T08:30:00" }},
		{"id not an id", func(m map[string]any) { m["id"] = "forty two" }},
		{"unknown element", func(m map[string]any) { m["patientName"] = "Jane Doe" }},
		// Not checked by this validator, though FHIR forbids it: an empty
		// string value. FHIR guards against it itself (TestFHIRErrors, and
		// TestFHIRValidR4 asserts no empty string is rendered).
	}
	for _, tc := range edits {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			tc.edit(m)
			bad, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := u.UnmarshalR4(bad); err == nil {
				t.Fatalf("validator accepted invalid resource:\n%s", bad)
			} else {
				t.Logf("rejected: %v", err)
			}
		})
	}
}

func TestFHIRDeterministic(t *testing.T) {
	c := fhirConsent()
	first, err := c.FHIR(fhirT0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		again, err := fhirConsent().FHIR(fhirT0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatalf("run %d differs:\n%s\n%s", i, first, again)
		}
	}
	// The same instant in another zone renders the same bytes.
	loc := time.FixedZone("UTC+5", 5*3600)
	c.Start, c.End, c.GrantedAt = c.Start.In(loc), c.End.In(loc), c.GrantedAt.In(loc)
	zoned, err := c.FHIR(fhirT0.In(loc))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, zoned) {
		t.Fatalf("zone changes output:\n%s\n%s", first, zoned)
	}
}

// TestFHIRNoPHI checks the resource holds only the listed elements: no
// narrative, no names, no revocation details, only pseudonymous accounts.
func TestFHIRNoPHI(t *testing.T) {
	c := fhirConsent()
	revokedAt := fhirT0.Add(time.Hour)
	c.Status, c.RevokedBy, c.RevokedAt = types.ConsentStatus_CONSENT_STATUS_REVOKED, fhirRevokedBy, &revokedAt
	c.RevocationReason = types.RevocationReason_REVOCATION_REASON_CARE_ENDED

	for _, tc := range []struct {
		name          string
		consent       types.Consent
		provisionKeys []string
	}{
		{"categories", c, []string{"actor", "class", "period", "purpose", "type"}},
		{"all categories", func() types.Consent {
			a := c
			a.Categories, a.AllCategories = nil, true
			return a
		}(), []string{"actor", "period", "purpose", "type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := tc.consent.FHIR(fhirT0)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			want := []string{"category", "dateTime", "id", "meta", "patient", "performer", "policyRule", "provision", "resourceType", "scope", "status"}
			if got := sortedKeys(m); !slices.Equal(got, want) {
				t.Errorf("top-level keys %v, want %v", got, want)
			}
			var p map[string]json.RawMessage
			if err := json.Unmarshal(m["provision"], &p); err != nil {
				t.Fatal(err)
			}
			if got := sortedKeys(p); !slices.Equal(got, tc.provisionKeys) {
				t.Errorf("provision keys %v, want %v", got, tc.provisionKeys)
			}
			for _, leak := range []string{fhirRevokedBy, "CARE_ENDED", "\"text\"", "\"name\""} {
				if bytes.Contains(raw, []byte(leak)) {
					t.Errorf("output contains %q: %s", leak, raw)
				}
			}
		})
	}
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestFHIRErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *types.Consent)
	}{
		{"unknown purpose", func(c *types.Consent) { c.Purpose = "treat" }},
		{"unknown category", func(c *types.Consent) { c.Categories = []string{"Condition", "Genome"} }},
		{"no category and not all", func(c *types.Consent) { c.Categories = nil }},
		{"unspecified status", func(c *types.Consent) { c.Status = types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED }},
		{"no patient", func(c *types.Consent) { c.Patient = "" }},
		{"no grantee", func(c *types.Consent) { c.Grantee = "" }},
		{"no granter", func(c *types.Consent) { c.GrantedBy = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fhirConsent()
			tc.edit(&c)
			if out, err := c.FHIR(fhirT0); err == nil {
				t.Fatalf("no error; output %s", out)
			}
		})
	}
}
