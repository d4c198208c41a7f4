package fhirr4

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/fhir/go/jsonformat/errorreporter"
	"google.golang.org/protobuf/proto"
)

// secret is planted in invalid inputs; it must never reach an error message.
const secret = "SYNTHETIC-SECRET"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestValidFixtures(t *testing.T) {
	cases := []struct {
		file string
		want Resource
	}{
		{"observation_lab.json", Resource{ResourceType: "Observation", ID: "glucose-2024-03-14-0001"}},
		{"bundle_collection.json", Resource{ResourceType: "Bundle", ID: "synthetic-collection-0001", Entries: 4}},
	}
	for _, c := range cases {
		got, err := Validate(readFixture(t, c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if *got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.file, *got, c.want)
		}
	}
}

func TestValidMinimal(t *testing.T) {
	cases := map[string]Resource{
		`{"resourceType":"Patient"}`:                                       {ResourceType: "Patient"},
		`{"resourceType":"Patient","id":"p1","gender":"unknown"}`:          {ResourceType: "Patient", ID: "p1"},
		`{"resourceType":"Bundle","type":"collection"}`:                    {ResourceType: "Bundle"},
		`{"resourceType":"Condition","subject":{"reference":"Patient/1"}}`: {ResourceType: "Condition"},
		`{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"},"medicationCodeableConcept":{"text":"aspirin"}}`: {ResourceType: "MedicationRequest"},
		`{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"flu"},"patient":{"reference":"Patient/1"},"occurrenceDateTime":"2024-01-02"}`:    {ResourceType: "Immunization"},
		`{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50}}`:                                                         {ResourceType: "Observation"},
		`{"resourceType":"Patient","contained":[{"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"}}]}`:                                      {ResourceType: "Patient"},
	}
	for in, want := range cases {
		got, err := Validate([]byte(in))
		if err != nil {
			t.Errorf("Validate(%s): %v", in, err)
			continue
		}
		if *got != want {
			t.Errorf("Validate(%s) = %+v, want %+v", in, *got, want)
		}
	}
}

// wantInvalid checks that err is a *ValidationError wrapping ErrInvalid that
// has an issue at wantPath (exactly) and does not quote secret.
func wantInvalid(t *testing.T, name string, err error, wantPath string) {
	t.Helper()
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Issues) == 0 {
		t.Errorf("%s: err = %#v, want *ValidationError with issues", name, err)
		return
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "seven") {
		t.Errorf("%s: error quotes input: %v", name, err)
	}
	for _, is := range ve.Issues {
		if is.Path == wantPath {
			return
		}
	}
	t.Errorf("%s: no issue at path %q in %v", name, wantPath, err)
}

func TestInvalidFixtures(t *testing.T) {
	cases := map[string]string{
		"invalid_observation_missing_status.json":         "Observation.status",
		"invalid_observation_value_not_decimal.json":      "Observation.valueQuantity.value",
		"invalid_observation_subject_reference_type.json": "Observation.subject",
		"invalid_bundle_missing_type.json":                "Bundle.type",
		"invalid_bundle_entry_missing_code.json":          "Bundle.entry[3].resource.code",
		"invalid_patient_unknown_field.json":              "Bundle.entry[0].resource",
		"invalid_unknown_resource_type.json":              "resourceType",
		"invalid_observation_duplicate_status.json":       "",
	}
	for file, path := range cases {
		_, err := Validate(readFixture(t, file))
		wantInvalid(t, file, err, path)
		t.Logf("%s: %v", file, err)
	}
}

func TestInvalid(t *testing.T) {
	obs := func(extra string) string {
		return `{"resourceType":"Observation","status":"final","code":{"text":"x"}` + extra + `}`
	}
	cases := []struct{ name, in, path string }{
		{"not JSON", `{"resourceType":`, ""},
		{"not an object", `["Observation"]`, ""},
		{"JSON string", `"` + secret + `"`, ""},
		{"invalid UTF-8", "{\"resourceType\":\"Patient\",\"id\":\"\xff\"}", ""},
		{"BOM", "\xef\xbb\xbf{\"resourceType\":\"Patient\"}", ""},
		{"trailing data", `{"resourceType":"Patient"} {}`, ""},
		{"no resourceType", `{"id":"x","status":"final"}`, "resourceType"},
		{"resourceType number", `{"resourceType":7}`, "resourceType"},
		{"unknown resourceType", `{"resourceType":"` + secret + `"}`, "resourceType"},
		{"abstract resourceType", `{"resourceType":"DomainResource"}`, "resourceType"},
		{"wrong case resourceType", `{"resourceType":"observation","status":"final","code":{"text":"x"}}`, "resourceType"},
		{"value not decimal", obs(`,"valueQuantity":{"value":"seven"}`), "Observation.valueQuantity.value"},
		{"value not decimal 2", obs(`,"valueQuantity":{"value":true}`), "Observation.valueQuantity.value"},
		{"status not a code", `{"resourceType":"Observation","status":"` + secret + `","code":{"text":"x"}}`, "Observation.status"},
		{"status number", `{"resourceType":"Observation","status":1,"code":{"text":"x"}}`, "Observation.status"},
		{"code is array", `{"resourceType":"Observation","status":"final","code":[{"text":"x"}]}`, "Observation.code"},
		{"category not array", obs(`,"category":{"text":"x"}`), "Observation.category"},
		{"bad dateTime", obs(`,"effectiveDateTime":"` + secret + `"`), "Observation.effectiveDateTime"},
		{"bad date", `{"resourceType":"Patient","birthDate":"1980-02-30"}`, "Patient.birthDate"},
		{"bad id", `{"resourceType":"Patient","id":"` + secret + ` with spaces"}`, "Patient.id"},
		{"bad gender", `{"resourceType":"Patient","gender":"` + secret + `"}`, "Patient.gender"},
		{"control char", `{"resourceType":"Patient","name":[{"family":"` + secret + `\u0001"}]}`, "Patient.name[0].family"},
		{"two values", obs(`,"valueString":"a","valueBoolean":true`), "Observation"},
		{"unknown choice", obs(`,"valueSecret":"a"`), "Observation"},
		{"unknown field", obs(`,"` + secret + `":"a"`), "Observation"},
		{"unknown nested field", obs(`,"valueQuantity":{"value":1,"` + secret + `":2}`), "Observation.valueQuantity"},
		{"bad reference type", obs(`,"subject":{"reference":"Medication/m1"}`), "Observation.subject"},
		{"upper-case property", `{"resourceType":"Observation","Status":"final","code":{"text":"x"}}`, "Observation"},
		{"null value", obs(`,"issued":null`), "Observation.issued"},
		{"null object", obs(`,"subject":null`), "Observation.subject"},
		{"empty object", `{"resourceType":"Observation","status":"final","code":{}}`, "Observation.code"},
		{"empty array", obs(`,"category":[]`), "Observation.category"},
		{"empty string", obs(`,"valueString":""`), "Observation.valueString"},
		{"duplicate key", `{"resourceType":"Observation","status":"final","status":"final","code":{"text":"x"}}`, ""},

		// Required elements (minimum cardinality 1).
		{"Observation status", `{"resourceType":"Observation","code":{"text":"x"}}`, "Observation.status"},
		{"Observation code", `{"resourceType":"Observation","status":"final"}`, "Observation.code"},
		{"Bundle type", `{"resourceType":"Bundle","id":"b"}`, "Bundle.type"},
		{"DiagnosticReport status", `{"resourceType":"DiagnosticReport","code":{"text":"x"}}`, "DiagnosticReport.status"},
		{"DiagnosticReport code", `{"resourceType":"DiagnosticReport","status":"final"}`, "DiagnosticReport.code"},
		{"Condition subject", `{"resourceType":"Condition","code":{"text":"x"}}`, "Condition.subject"},
		{"MedicationRequest status", `{"resourceType":"MedicationRequest","intent":"order","subject":{"reference":"Patient/1"},"medicationCodeableConcept":{"text":"x"}}`, "MedicationRequest.status"},
		{"MedicationRequest intent", `{"resourceType":"MedicationRequest","status":"active","subject":{"reference":"Patient/1"},"medicationCodeableConcept":{"text":"x"}}`, "MedicationRequest.intent"},
		{"MedicationRequest subject", `{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationCodeableConcept":{"text":"x"}}`, "MedicationRequest.subject"},
		{"MedicationRequest medication[x]", `{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"}}`, "MedicationRequest.medication"},
		{"Encounter status", `{"resourceType":"Encounter","class":{"code":"AMB"}}`, "Encounter.status"},
		{"Encounter class", `{"resourceType":"Encounter","status":"finished"}`, "Encounter.class"},
		{"Procedure status", `{"resourceType":"Procedure","subject":{"reference":"Patient/1"}}`, "Procedure.status"},
		{"Procedure subject", `{"resourceType":"Procedure","status":"completed"}`, "Procedure.subject"},
		{"AllergyIntolerance patient", `{"resourceType":"AllergyIntolerance","code":{"text":"x"}}`, "AllergyIntolerance.patient"},
		{"Immunization status", `{"resourceType":"Immunization","vaccineCode":{"text":"x"},"patient":{"reference":"Patient/1"},"occurrenceDateTime":"2024"}`, "Immunization.status"},
		{"Immunization vaccineCode", `{"resourceType":"Immunization","status":"completed","patient":{"reference":"Patient/1"},"occurrenceDateTime":"2024"}`, "Immunization.vaccineCode"},
		{"Immunization patient", `{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"x"},"occurrenceDateTime":"2024"}`, "Immunization.patient"},
		{"Immunization occurrence[x]", `{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"x"},"patient":{"reference":"Patient/1"}}`, "Immunization.occurrence"},

		// Inside Bundle entries and contained resources.
		{"entry missing status", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient"}},{"resource":{"resourceType":"Observation","code":{"text":"x"}}}]}`, "Bundle.entry[1].resource.status"},
		{"entry unknown type", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"` + secret + `"}}]}`, "Bundle.entry[0].resource.resourceType"},
		{"entry bad value", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"seven"}}}]}`, "Bundle.entry[0].resource.valueQuantity.value"},
		{"entry empty string", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","name":[{"family":""}]}}]}`, "Bundle.entry[0].resource.name[0].family"},
		{"contained missing status", `{"resourceType":"Patient","contained":[{"resourceType":"Observation","id":"o","code":{"text":"x"}}]}`, "Patient.contained[0].status"},
		{"contained bad value", `{"resourceType":"Patient","contained":[{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"seven"}}]}`, "Patient.contained[0].valueQuantity.value"},
		// Library limitation: Parameters.parameter.resource is a protobuf Any
		// that google/fhir/go only fills for "contained", so it is refused.
		{"parameters resource", `{"resourceType":"Parameters","parameter":[{"name":"p","resource":{"resourceType":"Patient"}}]}`, "Parameters.parameter[0].resource"},
		{"entry response outcome", `{"resourceType":"Bundle","type":"batch-response","entry":[{"response":{"status":"400","outcome":{"resourceType":"OperationOutcome"}}}]}`, "Bundle.entry[0].response.outcome.issue"},
		{"AllergyIntolerance patient kept", `{"resourceType":"AllergyIntolerance","patient":{"reference":"Medication/1"}}`, "AllergyIntolerance.patient"},
		{"nested contained", `{"resourceType":"Patient","contained":[{"resourceType":"Patient","contained":[{"resourceType":"Patient"}]}]}`, "Patient.contained[0].contained"},
		{"contained not object", `{"resourceType":"Patient","contained":[1]}`, "Patient.contained[0]"},
		{"entry resource null", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":null}]}`, "Bundle.entry[0].resource"},
		{"number out of range", obs(`,"valueQuantity":{"value":1e99999}`), ""},
		{"contained unknown type", `{"resourceType":"Patient","contained":[{"resourceType":"` + secret + `"}]}`, "Patient.contained[0].resourceType"},
	}
	for _, c := range cases {
		_, err := Validate([]byte(c.in))
		wantInvalid(t, c.name, err, c.path)
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Validate([]byte(`{"resourceType":"Observation","valueQuantity":{"value":"seven"}}`))
	const want = `fhirr4: invalid FHIR R4 resource: Observation.valueQuantity.value: expected decimal`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	_, err = Validate([]byte(`{"resourceType":"Observation"}`))
	const want2 = `fhirr4: invalid FHIR R4 resource: Observation.code: missing required element; Observation.status: missing required element`
	if err == nil || err.Error() != want2 {
		t.Fatalf("err = %v, want %s", err, want2)
	}
	_, err = Validate([]byte(`{"resourceType":"Patient","a":1,"a":2}`))
	const want3 = `fhirr4: invalid FHIR R4 resource: invalid JSON: duplicate member name at offset 32`
	if err == nil || err.Error() != want3 {
		t.Fatalf("err = %v, want %s", err, want3)
	}
}

// An unknown field is named, with the JSON path it has, when its name has the
// shape of an element name; any other name is not shown.
func TestErrorNamesUnknownField(t *testing.T) {
	const prefix = "fhirr4: invalid FHIR R4 resource: "
	obs := func(extra string) string {
		return `{"resourceType":"Observation","status":"final","code":{"text":"x"}` + extra + `}`
	}
	cases := []struct{ name, in, path, want string }{
		{"top level", obs(`,"valueQuantty":{"value":1}`), "Observation",
			`Observation: unknown field "valueQuantty" (Observation.valueQuantty)`},
		{"nested", obs(`,"valueQuantity":{"value":1,"unitt":"mg"}`), "Observation.valueQuantity",
			`Observation.valueQuantity: unknown field "unitt" (Observation.valueQuantity.unitt)`},
		{"in an array", `{"resourceType":"Patient","name":[{"family":"a"},{"family":"b","famly":"c"}]}`, "Patient.name[1]",
			`Patient.name[1]: unknown field "famly" (Patient.name[1].famly)`},
		{"primitive extension", obs(`,"_status":{"idd":"x"}`), "Observation._status",
			`Observation._status: unknown field "idd" (Observation._status.idd)`},
		{"underscore name", obs(`,"_stat":{"id":"x"}`), "Observation",
			`Observation: unknown field "_stat" (Observation._stat)`},
		{"bundle entry", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","birthdate":"1980-01-01"}}]}`,
			"Bundle.entry[0].resource", `Bundle.entry[0].resource: unknown field "birthdate" (Bundle.entry[0].resource.birthdate)`},
		{"contained", `{"resourceType":"Patient","contained":[{"resourceType":"Patient","gendr":"male"}]}`, "Patient.contained[0]",
			`Patient.contained[0]: unknown field "gendr" (Patient.contained[0].gendr)`},
	}
	for _, c := range cases {
		_, err := Validate([]byte(c.in))
		wantInvalid(t, c.name, err, c.path)
		if err == nil || err.Error() != prefix+c.want {
			t.Errorf("%s: err = %v, want %s", c.name, err, prefix+c.want)
		}
	}

	// Names that are not element-shaped may be data put in the wrong place.
	hidden := prefix + "Observation: unknown field (its name is not shown: not a FHIR element name)"
	for _, name := range []string{
		secret, "John Smith", "dob:1980-01-01", "naïve", "1abc", "_", "a.b", `a\"b`,
		"a" + strings.Repeat("b", maxElementName), // 65 characters
	} {
		_, err := Validate([]byte(obs(`,"` + name + `":"x"`)))
		wantInvalid(t, name, err, "Observation")
		if err == nil || err.Error() != hidden {
			t.Errorf("%q: err = %v, want %s", name, err, hidden)
		}
	}
}

// A code outside the required value set of its element lists the codes the
// element allows, in the value set's order, without quoting the code given.
func TestErrorListsAllowedCodes(t *testing.T) {
	const prefix = "fhirr4: invalid FHIR R4 resource: "
	obsStatus := "code is not one of registered, preliminary, final, amended, corrected, cancelled, entered-in-error, unknown"
	cases := []struct{ name, in, path, want string }{
		{"Observation.status", `{"resourceType":"Observation","status":"finalx","code":{"text":"x"}}`, "Observation.status",
			"Observation.status: " + obsStatus},
		{"Patient.gender", `{"resourceType":"Patient","gender":"` + secret + `"}`, "Patient.gender",
			"Patient.gender: code is not one of male, female, other, unknown"},
		{"nested, with original codes", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1,"comparator":"=="}}`,
			"Observation.valueQuantity.comparator", "Observation.valueQuantity.comparator: code is not one of <, <=, >=, >"},
		{"in an array", `{"resourceType":"Patient","name":[{"use":"nick"}]}`, "Patient.name[0].use",
			"Patient.name[0].use: code is not one of usual, official, temp, nickname, anonymous, old, maiden"},
		{"bundle entry", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Observation","status":"done","code":{"text":"x"}}}]}`,
			"Bundle.entry[0].resource.status", "Bundle.entry[0].resource.status: " + obsStatus},
		{"contained", `{"resourceType":"Patient","contained":[{"resourceType":"Observation","status":"done","code":{"text":"x"}}]}`,
			"Patient.contained[0].status", "Patient.contained[0].status: " + obsStatus},
		// The library's diagnostics end with the code type; a value that
		// imitates them changes nothing.
		{"value imitating the diagnostics", `{"resourceType":"Observation","status":"` + secret + ` is not a AdministrativeGenderCode","code":{"text":"x"}}`,
			"Observation.status", "Observation.status: " + obsStatus},
		{"Bundle.type", `{"resourceType":"Bundle","type":"collections"}`, "Bundle.type",
			"Bundle.type: code is not one of document, message, transaction, transaction-response, batch, batch-response, history, searchset, collection"},
	}
	for _, c := range cases {
		_, err := Validate([]byte(c.in))
		wantInvalid(t, c.name, err, c.path)
		if err == nil || err.Error() != prefix+c.want {
			t.Errorf("%s: err = %v, want %s", c.name, err, prefix+c.want)
		}
	}

	// A large value set (resource types) is cut after maxCodesInMessage codes.
	_, err := Validate([]byte(`{"resourceType":"SearchParameter","url":"http://x","name":"n","status":"draft","description":"d",` +
		`"code":"c","base":["Patientt"],"type":"token"}`))
	wantInvalid(t, "resource type", err, "SearchParameter.base[0]")
	if err == nil || !strings.Contains(err.Error(), "SearchParameter.base[0]: code is not one of Account, ActivityDefinition, ") ||
		!strings.HasSuffix(err.Error(), ", ... (108 more)") || strings.Contains(err.Error(), "Patientt") {
		t.Errorf("err = %v", err)
	}
}

// If the library panics, Validate recovers and refuses the input.
func TestLibraryPanicRecovered(t *testing.T) {
	orig := unmarshal
	defer func() { unmarshal = orig }()
	unmarshal = func([]byte, errorreporter.ErrorReporter) (proto.Message, error) {
		panic("boom " + secret)
	}
	_, err := Validate(readFixture(t, "observation_lab.json"))
	wantInvalid(t, "panic", err, "")
	if !strings.Contains(err.Error(), "FHIR library failed") {
		t.Errorf("err = %v", err)
	}

	// Non-UnmarshalError errors from the library are not quoted.
	unmarshal = func([]byte, errorreporter.ErrorReporter) (proto.Message, error) {
		return nil, errors.New("nil message for json input: " + secret)
	}
	_, err = Validate(readFixture(t, "observation_lab.json"))
	wantInvalid(t, "opaque error", err, "")
}

func FuzzValidate(f *testing.F) {
	for _, name := range []string{
		"observation_lab.json", "bundle_collection.json", "invalid_observation_value_not_decimal.json",
		"invalid_bundle_entry_missing_code.json", "invalid_unknown_resource_type.json",
	} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"resourceType":"Patient"}`, `{"resourceType":"Patient","contained":[{"resourceType":"Patient"}]}`,
		`{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1e400}}`,
		`{"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://x","valueString":"y"}]}}`,
		`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Parameters","parameter":[{"name":"a","resource":{"resourceType":"Patient"}}]}}]}`,
		`{"resourceType":"Patient","birthDate":"2024-02-29","deceasedDateTime":"2024-02-29T24:00:00Z"}`,
		`{"resourceType":"Observation","status":"finalx","code":{"text":"x"},"valueQuantty":{"value":1}}`,
		`{"resourceType":"Patient","contained":[{"resourceType":"Patient","gendr":"x","gender":"y"}]}`,
		`[]`, `null`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Validate(b)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		if r == nil || r.ResourceType == "" {
			t.Fatalf("accepted without a resource type: %+v", r)
		}
	})
}
