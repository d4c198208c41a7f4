// Package fhirr4 validates FHIR R4 resources in JSON form before they are
// accepted on chain.
//
// Validation is layered:
//
//  1. Strict JSON (package internal/jcs): UTF-8 only, no duplicate member
//     names, no byte order mark, no trailing data, nesting and size capped.
//     FHIR parsers disagree on which of two duplicate members wins, so a
//     document with duplicates is refused rather than interpreted.
//  2. The FHIR R4 JSON parser and validator of github.com/google/fhir/go
//     (jsonformat.NewUnmarshaller for fhirversion.R4), which refuses unknown
//     resource types and unknown elements, values of the wrong JSON type or
//     out of their primitive's lexical space (decimal, date, dateTime,
//     instant, id, code, uri, base64Binary, integer ranges, control
//     characters in strings), codes outside a required value set for
//     elements bound to an enumeration (e.g. Observation.status), two values
//     for one choice element (value[x]), references to a resource type the
//     element does not allow (e.g. Observation.subject to a Medication), and
//     missing elements whose minimum cardinality is 1 (e.g. Observation.status
//     and .code, Bundle.type, Immunization.occurrence[x]). Bundle entries and
//     other nested resources are validated the same way.
//  3. Checks this package adds where the library is lenient: resources in
//     "contained" are also checked for required elements (the library parses
//     them but does not validate them); property names must start with a
//     lower-case letter (the library folds the first letter's case, so it
//     would take "Status" for "status"); per the FHIR JSON rules and
//     invariant ele-1, empty objects, empty arrays, empty strings and null
//     values (outside arrays) are refused; and invariant dom-2 (a contained
//     resource has no contained resources of its own) is enforced.
//
// Other FHIRPath invariants (dom-3, obs-*, bdl-*, ...), profiles,
// terminology bindings other than required enumerations, and reference
// resolution are not checked. A known false refusal of the library: a
// resource inside Parameters.parameter.resource is reported as an unknown
// field.
//
// Errors wrap ErrInvalid and name JSON paths (or byte offsets for malformed
// JSON), never values, so they can be logged without leaking patient data.
// Two kinds say more, still without quoting a value: an unknown field is
// named, when its name has the shape of a FHIR element name (letters and
// digits, at most 64), e.g. `Observation: unknown field "valueQuantty"
// (Observation.valueQuantty)`; a code outside a required value set lists the
// codes it allows, e.g. `Observation.status: code is not one of registered,
// preliminary, final, amended, corrected, cancelled, entered-in-error,
// unknown`.
package fhirr4

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/fhir/go/fhirversion"
	"github.com/google/fhir/go/jsonformat"
	"github.com/google/fhir/go/jsonformat/errorreporter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	apb "github.com/google/fhir/go/proto/google/fhir/proto/annotations_go_proto"
	rpb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/resources/bundle_and_contained_resource_go_proto"

	"github.com/healthchain/healthd/internal/jcs"
)

// ErrInvalid is wrapped by every error Validate returns for a resource it
// refuses.
var ErrInvalid = errors.New("fhirr4: invalid FHIR R4 resource")

// Resource summarises a valid resource.
type Resource struct {
	ResourceType string // e.g. "Observation"
	ID           string // the resource's id, "" when absent
	Entries      int    // number of entries when ResourceType is "Bundle", else 0
}

// Issue is one reason a resource was refused.
type Issue struct {
	// Path locates the problem, e.g. "Observation.valueQuantity.value" or
	// "Bundle.entry[2].resource.observation.code". For malformed JSON it is
	// empty and Message gives a byte offset instead. For an unknown field it
	// is the object holding the field, and Message names the field.
	Path string
	// Message says what is wrong without quoting the value.
	Message string

	// unknownField is the name of an unknown field, for invalid to write
	// Message once Path is final (contained resources are rebased).
	unknownField string
}

func (i Issue) String() string {
	if i.Path == "" {
		return i.Message
	}
	return i.Path + ": " + i.Message
}

// ValidationError lists every issue found. It wraps ErrInvalid.
type ValidationError struct {
	Issues []Issue // sorted by path, then message
}

// maxIssuesInMessage bounds the length of Error().
const maxIssuesInMessage = 8

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalid.Error())
	for i, is := range e.Issues {
		if i == maxIssuesInMessage {
			fmt.Fprintf(&b, "; and %d more", len(e.Issues)-i)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(is.String())
	}
	return b.String()
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(issues ...Issue) *ValidationError {
	for i, is := range issues {
		if is.unknownField != "" {
			issues[i].Message = fmt.Sprintf("unknown field %q (%s)", is.unknownField, joinPath(is.Path, is.unknownField))
			issues[i].unknownField = ""
		}
	}
	slices.SortFunc(issues, func(a, b Issue) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	issues = slices.Compact(issues)
	return &ValidationError{Issues: issues}
}

var (
	initOnce      sync.Once
	unmarshaller  *jsonformat.Unmarshaller
	initErr       error
	resourceTypes map[string]bool
	// lowerResourceTypes holds the resource type names in lower case.
	lowerResourceTypes map[string]bool
)

func setup() {
	initOnce.Do(func() {
		unmarshaller, initErr = jsonformat.NewUnmarshaller("UTC", fhirversion.R4)
		resourceTypes = map[string]bool{}
		lowerResourceTypes = map[string]bool{}
		oneof := (&rpb.ContainedResource{}).ProtoReflect().Descriptor().Oneofs().ByName("oneof_resource")
		for i := 0; i < oneof.Fields().Len(); i++ {
			if m := oneof.Fields().Get(i).Message(); m != nil {
				resourceTypes[string(m.Name())] = true
				lowerResourceTypes[strings.ToLower(string(m.Name()))] = true
			}
		}
	})
}

// unmarshal is the library call; a variable so that tests can make it panic.
var unmarshal = func(b []byte, er errorreporter.ErrorReporter) (proto.Message, error) {
	return unmarshaller.UnmarshalWithErrorReporter(b, er)
}

// Validate checks that b is a valid FHIR R4 resource in JSON form (see the
// package documentation for what is checked) and summarises it. Refusals are
// *ValidationError values wrapping ErrInvalid.
func Validate(b []byte) (*Resource, error) {
	setup()
	if initErr != nil {
		return nil, fmt.Errorf("fhirr4: creating FHIR R4 unmarshaller: %w", initErr)
	}

	if _, err := jcs.Canonicalize(b); err != nil {
		var se *jcs.SyntaxError
		if errors.As(err, &se) {
			return nil, invalid(Issue{Message: fmt.Sprintf("invalid JSON: %s at offset %d", se.Reason, se.Offset)})
		}
		return nil, invalid(Issue{Message: "invalid JSON"})
	}
	doc, err := decode(b)
	if err != nil {
		return nil, invalid(Issue{Message: "invalid JSON"})
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, invalid(Issue{Message: "top-level JSON value is not an object"})
	}
	switch rt, present := root["resourceType"]; {
	case !present:
		return nil, invalid(Issue{Path: "resourceType", Message: "missing"})
	case !isString(rt):
		return nil, invalid(Issue{Path: "resourceType", Message: "not a string"})
	case !resourceTypes[rt.(string)]:
		return nil, invalid(Issue{Path: "resourceType", Message: "unknown FHIR R4 resource type"})
	}

	msg, issues := libraryValidate(b, "")
	if len(issues) > 0 {
		return nil, invalid(issues...)
	}
	w := walker{}
	w.walk(root, root["resourceType"].(string), false)
	if len(w.issues) > 0 {
		return nil, invalid(w.issues...)
	}
	return summarise(msg)
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// libraryValidate runs google/fhir/go on b. prefix replaces the resource
// type at the start of the library's paths (for contained resources).
func libraryValidate(b []byte, prefix string) (msg proto.Message, issues []Issue) {
	rep := &reporter{}
	defer func() {
		if r := recover(); r != nil {
			msg = nil
			issues = []Issue{{Path: prefix, Message: "FHIR library failed on this input"}}
		}
	}()
	msg, err := unmarshal(b, rep)
	if err != nil {
		issues = append(issues, libraryIssues(err)...)
	}
	issues = append(issues, rep.issues...)
	if len(issues) == 0 && msg == nil {
		issues = append(issues, Issue{Message: "FHIR library returned no resource"})
	}
	if prefix != "" {
		for i := range issues {
			issues[i].Path = rebase(issues[i].Path, prefix)
		}
	}
	return msg, issues
}

// rebase swaps the first segment of path (the resource type) for prefix.
func rebase(path, prefix string) string {
	if path == "" {
		return prefix
	}
	if i := strings.IndexByte(path, '.'); i >= 0 {
		return prefix + path[i:]
	}
	return prefix
}

// reporter collects the library's validation errors (required elements,
// reference types, primitive formats).
type reporter struct{ issues []Issue }

func (r *reporter) ReportValidationError(path string, err error) error {
	is := libraryIssues(err)
	for i := range is {
		if is[i].Path == "" {
			is[i].Path = normalisePath(sanitisePath(path))
		}
	}
	r.issues = append(r.issues, is...)
	return nil
}

func (r *reporter) ReportValidationWarning(string, error) error { return nil }

const jsonpbhelperPkg = "github.com/google/fhir/go/jsonformat/internal/jsonpbhelper"

// libraryIssues converts a google/fhir/go error into issues. The library's
// UnmarshalError keeps values out of Path and Details (they go to
// Diagnostics, which is dropped here); any other error text may contain
// input, so it is replaced by a generic message. The type lives in an
// internal package, hence reflection.
func libraryIssues(err error) []Issue {
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Pointer &&
		v.Type().PkgPath() == jsonpbhelperPkg {
		var out []Issue
		for i := 0; i < v.Len(); i++ {
			out = append(out, unmarshalErrorIssue(v.Index(i)))
		}
		if len(out) > 0 {
			return out
		}
	}
	if v.Kind() == reflect.Pointer {
		return []Issue{unmarshalErrorIssue(v)}
	}
	return []Issue{{Message: "FHIR library error"}}
}

func unmarshalErrorIssue(v reflect.Value) Issue {
	generic := Issue{Message: "FHIR library error"}
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return generic
	}
	s := v.Elem()
	if s.Kind() != reflect.Struct || s.Type().PkgPath() != jsonpbhelperPkg || s.Type().Name() != "UnmarshalError" {
		return generic
	}
	p, d := s.FieldByName("Path"), s.FieldByName("Details")
	if p.Kind() != reflect.String || d.Kind() != reflect.String {
		return generic
	}
	// Diagnostics may hold input: it is only parsed, for the name of an
	// unknown field and the type of a code, each checked before use.
	var diagnostics string
	if g := s.FieldByName("Diagnostics"); g.Kind() == reflect.String {
		diagnostics = g.String()
	}
	path, details := normalisePath(sanitisePath(p.String())), d.String()
	switch {
	case details == "unknown field":
		if name, ok := elementName(diagnostics); ok {
			return Issue{Path: path, Message: details, unknownField: name}
		}
		details = "unknown field (its name is not shown: not a FHIR element name)"
	case details == "code type mismatch":
		if codes := allowedCodes(diagnostics); codes != "" {
			details = "code is not one of " + codes
		}
	case details == "unknown resource type":
		// The library appends the unknown type name to the path: drop it.
		if i := strings.LastIndexByte(path, '.'); i >= 0 {
			path = path[:i] + ".resourceType"
		} else {
			path = "resourceType"
		}
	case details == "invalid JSON" && path != "":
		// The library could not decode the value at path into a message.
		details = "expected a JSON object"
	case details == "invalid JSON":
		// The document is strict JSON (checked first), yet the library's
		// JSON decoder refused it, e.g. for a number out of float64 range.
		details = "not accepted by the FHIR JSON parser"
	case strings.HasPrefix(details, `missing required field "`) && strings.HasSuffix(details, `"`):
		field := strings.TrimSuffix(strings.TrimPrefix(details, `missing required field "`), `"`)
		path, details = joinPath(path, sanitisePath(field)), "missing required element"
	}
	return Issue{Path: path, Message: details}
}

// maxElementName bounds the length of an unknown field's name in a message.
const maxElementName = 64

// elementName returns the unknown field's name from the library's
// diagnostics (the member name, Go-quoted) when it has the shape of a FHIR
// element name: an optional '_', an ASCII letter, then ASCII letters and
// digits. Any other name (with spaces, punctuation, non-ASCII, too long) may
// be data put in the wrong place, and is not shown.
func elementName(diagnostics string) (string, bool) {
	name, err := strconv.Unquote(diagnostics)
	if err != nil || len(name) > maxElementName || !identifier(strings.TrimPrefix(name, "_")) {
		return "", false
	}
	return name, true
}

// identifier reports whether s is an ASCII letter followed by ASCII letters
// and digits.
func identifier(s string) bool {
	letter := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	if s == "" || !letter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !letter(c) && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// maxCodesInMessage bounds how many allowed codes a message lists (a few
// value sets, such as resource types, hold hundreds).
const maxCodesInMessage = 40

// allowedCodes lists the codes of the value set named in the library's
// diagnostics for a code outside it, `"<value>" is not a <CodeType>`, in the
// value set's order, as they are written in JSON; "" when the type is not a
// FHIR R4 code type. Only the type name, after the last " is not a ", is
// used: the quoted value before it is input and is dropped.
func allowedCodes(diagnostics string) string {
	const sep = " is not a "
	i := strings.LastIndex(diagnostics, sep)
	if i < 0 {
		return ""
	}
	typeName := diagnostics[i+len(sep):]
	if len(typeName) > maxElementName || !identifier(typeName) {
		return ""
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(r4CorePackage + "." + typeName + ".Value"))
	if err != nil {
		return ""
	}
	enum, ok := d.(protoreflect.EnumDescriptor)
	if !ok {
		return ""
	}
	var codes []string
	values := enum.Values()
	for j := 0; j < values.Len(); j++ {
		if v := values.Get(j); v.Number() != 0 {
			codes = append(codes, codeString(v))
		}
	}
	if len(codes) == 0 {
		return ""
	}
	if len(codes) > maxCodesInMessage {
		return fmt.Sprintf("%s, ... (%d more)", strings.Join(codes[:maxCodesInMessage], ", "), len(codes)-maxCodesInMessage)
	}
	return strings.Join(codes, ", ")
}

// r4CorePackage is the proto package of google/fhir/go's R4 code types.
const r4CorePackage = "google.fhir.r4.core"

// codeString is how a code is written in FHIR JSON, as the library writes it:
// its original code when the enum value carries one, else its name in lower
// case with '-' for '_'.
func codeString(v protoreflect.EnumValueDescriptor) string {
	if orig, _ := proto.GetExtension(v.Options(), apb.E_FhirOriginalCode).(string); orig != "" {
		return orig
	}
	return strings.ReplaceAll(strings.ToLower(string(v.Name())), "_", "-")
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// normalisePath turns the library's paths into JSON paths. Where an element
// holds a resource (Bundle.entry.resource, Bundle.entry.response.outcome,
// Parameters.parameter.resource, contained), the library inserts a segment
// naming the resource type ("Bundle.entry[0].resource.Observation.status" when
// parsing, "...resource.observation.status" when validating); that segment
// is not in the JSON and is dropped. The first segment, the type of the
// top-level resource, is kept, as in FHIR's own element paths.
func normalisePath(p string) string {
	segs := strings.Split(p, ".")
	out := segs[:1]
	for i := 1; i < len(segs); i++ {
		parent := segs[i-1]
		holdsResource := parent == "resource" || parent == "outcome" || strings.HasPrefix(parent, "contained[")
		if holdsResource && lowerResourceTypes[strings.ToLower(segs[i])] {
			continue
		}
		out = append(out, segs[i])
	}
	return strings.Join(out, ".")
}

// sanitisePath keeps only characters that occur in element paths, as a
// second line of defence against input reaching an error message.
func sanitisePath(p string) string {
	const maxLen = 300
	if len(p) > maxLen {
		p = p[:maxLen] + "..."
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '.', r == '[', r == ']', r == '_':
			return r
		}
		return '?'
	}, p)
}

// walker applies this package's own checks to the decoded document. It runs
// only after the library accepted the document, so every member name in it
// is a FHIR element name and may appear in a path.
type walker struct {
	issues []Issue
}

func (w *walker) add(path, msg string) { w.issues = append(w.issues, Issue{Path: path, Message: msg}) }

func (w *walker) walk(v any, path string, inArray bool) {
	switch x := v.(type) {
	case nil:
		if !inArray {
			w.add(path, "null is not allowed")
		}
	case string:
		if x == "" {
			w.add(path, "empty string is not allowed")
		}
	case []any:
		if len(x) == 0 {
			w.add(path, "empty array is not allowed")
		}
		for i, e := range x {
			w.walk(e, fmt.Sprintf("%s[%d]", path, i), true)
		}
	case map[string]any:
		if len(x) == 0 {
			w.add(path, "empty object is not allowed (ele-1)")
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !lowerFirst(k) {
				w.add(path, "property name must start with a lower-case letter")
				continue
			}
			child := path + "." + k
			w.walk(x[k], child, false)
			if k == "contained" {
				w.contained(x[k], child)
			}
		}
	}
}

// lowerFirst reports whether a member name starts (after an optional '_')
// with a lower-case ASCII letter, as every FHIR element name does.
func lowerFirst(k string) bool {
	k = strings.TrimPrefix(k, "_")
	return k != "" && k[0] >= 'a' && k[0] <= 'z'
}

// contained validates each contained resource on its own, since the library
// does not check required elements inside "contained".
func (w *walker) contained(v any, path string) {
	list, ok := v.([]any)
	if !ok {
		return
	}
	for i, r := range list {
		if m, ok := r.(map[string]any); ok {
			if _, nested := m["contained"]; nested {
				w.add(fmt.Sprintf("%s[%d].contained", path, i), "a contained resource must not contain resources (dom-2)")
			}
		}
		b, err := json.Marshal(r)
		if err != nil {
			w.add(fmt.Sprintf("%s[%d]", path, i), "cannot re-encode contained resource")
			continue
		}
		_, issues := libraryValidate(b, fmt.Sprintf("%s[%d]", path, i))
		w.issues = append(w.issues, issues...)
	}
}

// summarise extracts the resource type, id and entry count.
func summarise(msg proto.Message) (*Resource, error) {
	cr, ok := msg.(*rpb.ContainedResource)
	if !ok || cr == nil {
		return nil, invalid(Issue{Message: "FHIR library returned an unexpected type"})
	}
	m := cr.ProtoReflect()
	fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("oneof_resource"))
	if fd == nil {
		return nil, invalid(Issue{Message: "FHIR library returned no resource"})
	}
	res := m.Get(fd).Message()
	out := &Resource{ResourceType: string(res.Descriptor().Name())}
	if idFd := res.Descriptor().Fields().ByName("id"); idFd != nil && res.Has(idFd) {
		id := res.Get(idFd).Message()
		if vf := id.Descriptor().Fields().ByName("value"); vf != nil {
			out.ID = id.Get(vf).String()
		}
	}
	if b := cr.GetBundle(); b != nil {
		out.Entries = len(b.GetEntry())
	}
	return out, nil
}
