package gateway

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// FHIR R4 shapes the gateway writes. Resources the chain already renders
// (Consent, ClaimResponse, ExplanationOfBenefit) come from the modules'
// own renderers; the rest are built here. Every shape is validated with
// google/fhir/go in the tests.

const (
	fhirVersion = "4.0.1"
	// AccountSystem identifies a healthd account in FHIR identifiers.
	AccountSystem = "urn:healthd:account"
	// CIDSystem identifies a record blob's CID.
	CIDSystem = "urn:healthd:cid"
	// RecordFormatSystem codes a record's format (FHIR_R4, HL7_V2, DICOM).
	RecordFormatSystem = "urn:healthd:record-format"
	fhirJSON           = "application/fhir+json"
)

func accountRef(addr string) map[string]any {
	return map[string]any{"identifier": map[string]any{"system": AccountSystem, "value": addr}}
}

func coding(system, code string) map[string]any {
	return map[string]any{"system": system, "code": code}
}

func fhirInstant(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// bundleEntry is one entry of a search Bundle.
type bundleEntry struct {
	fullURL  string
	resource json.RawMessage
}

// searchBundle returns a searchset Bundle with self and next links.
func searchBundle(base, self, next string, entries []bundleEntry, now time.Time) ([]byte, error) {
	links := []map[string]any{{"relation": "self", "url": base + self}}
	if next != "" {
		links = append(links, map[string]any{"relation": "next", "url": base + next})
	}
	es := make([]map[string]any, 0, len(entries))
	for _, e := range entries {
		es = append(es, map[string]any{"fullUrl": base + e.fullURL, "resource": e.resource, "search": map[string]any{"mode": "match"}})
	}
	b := map[string]any{"resourceType": "Bundle", "type": "searchset", "timestamp": fhirInstant(now), "link": links}
	if len(es) > 0 {
		b["entry"] = es
	}
	return json.Marshal(b)
}

// operationOutcome is the FHIR body of an error.
func operationOutcome(status int, reason, message string) []byte {
	code := "processing"
	switch status {
	case 401:
		code = "login"
	case 403:
		code = "forbidden"
	case 404:
		code = "not-found"
	case 400, 413:
		code = "invalid"
	case 429, 503:
		code = "throttled"
	case 500, 502:
		code = "exception"
	}
	bz, _ := json.Marshal(map[string]any{
		"resourceType": "OperationOutcome",
		"issue": []map[string]any{{
			"severity": "error", "code": code,
			"details":     map[string]any{"coding": []map[string]any{coding("urn:healthd:gateway-reason", reason)}},
			"diagnostics": message,
		}},
	})
	return bz
}

// documentReference renders a record anchor. Its content points at the
// vault (when the gateway knows its URL) and names the blob's CID; the blob
// is the encrypted envelope, opened client-side.
func documentReference(rec recordstypes.Record, vaultURL string) ([]byte, error) {
	status := "current"
	if rec.SupersededBy != 0 {
		status = "superseded"
	}
	attachment := map[string]any{"contentType": "application/octet-stream", "size": rec.BlobSize,
		"title": "encrypted record envelope (age); open it with healthd records get or the portal"}
	if vaultURL != "" {
		attachment["url"] = vaultURL + "/v1/records/" + strconv.FormatUint(rec.ID, 10) + "/blob"
	}
	doc := map[string]any{
		"resourceType":     "DocumentReference",
		"id":               strconv.FormatUint(rec.ID, 10),
		"masterIdentifier": map[string]any{"system": CIDSystem, "value": rec.CID},
		"identifier": []map[string]any{{"system": "urn:healthd:record-commitment",
			"value": base64.StdEncoding.EncodeToString(rec.Commitment)}},
		"status":  status,
		"type":    map[string]any{"text": rec.Kind},
		"subject": accountRef(rec.Patient),
		"date":    fhirInstant(rec.AnchoredAt),
		"author":  []map[string]any{accountRef(rec.Author)},
		"content": []map[string]any{{
			"attachment": attachment,
			"format":     coding(RecordFormatSystem, recordFormat(rec.Format)),
		}},
	}
	if sys := consenttypes.CategorySystem(rec.Category); sys != "" {
		doc["category"] = []map[string]any{{"coding": []map[string]any{coding(sys, rec.Category)}}}
	}
	if rec.Supersedes != 0 {
		doc["relatesTo"] = []map[string]any{{"code": "replaces",
			"target": map[string]any{"reference": "DocumentReference/" + strconv.FormatUint(rec.Supersedes, 10)}}}
	}
	return json.Marshal(doc)
}

func recordFormat(f recordstypes.Format) string {
	switch f {
	case recordstypes.Format_FORMAT_FHIR_R4:
		return "FHIR_R4"
	case recordstypes.Format_FORMAT_HL7_V2:
		return "HL7_V2"
	case recordstypes.Format_FORMAT_DICOM:
		return "DICOM"
	}
	return "UNSPECIFIED"
}

// auditRecord is what the gateway writes about one read.
type auditRecord struct {
	Time     time.Time
	Agent    string
	Patient  string
	Resource string // FHIR resource type (or "MedicationHistory")
	Query    string // the request path and query, without credentials
	Returned []string
	Allowed  bool
	Reason   string // the refusal reason when not allowed
	Decision Decision
}

const (
	dcmSystem        = "http://dicom.nema.org/resources/ontology/DCM"
	restfulSystem    = "http://hl7.org/fhir/restful-interaction"
	actReasonSystem  = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	objectRoleSystem = "http://terminology.hl7.org/CodeSystem/object-role"
	sourceTypeSystem = "http://terminology.hl7.org/CodeSystem/security-source-type"
)

// auditEvent renders a gateway log entry as a FHIR AuditEvent.
func auditEvent(id string, a auditRecord) ([]byte, error) {
	outcome, desc := "0", "allowed: "+a.Decision.Basis
	if !a.Allowed {
		outcome, desc = "4", "refused: "+a.Reason
	}
	if a.Decision.ConsentID != 0 {
		desc += " (consent " + strconv.FormatUint(a.Decision.ConsentID, 10) + ")"
	}
	if a.Decision.BreakGlassID != 0 {
		desc += " (break-glass " + strconv.FormatUint(a.Decision.BreakGlassID, 10) + ")"
	}
	entities := []map[string]any{{
		"what": accountRef(a.Patient), "role": map[string]any{"system": objectRoleSystem, "code": "1", "display": "Patient"},
	}}
	entities[0]["description"] = a.Resource
	entities = append(entities, map[string]any{
		"what":  map[string]any{"display": a.Resource},
		"query": base64.StdEncoding.EncodeToString([]byte(a.Query)),
		"role":  map[string]any{"system": objectRoleSystem, "code": "24", "display": "Query"},
	})
	for _, ref := range a.Returned {
		entities = append(entities, map[string]any{"what": map[string]any{"reference": ref},
			"role": map[string]any{"system": objectRoleSystem, "code": "4", "display": "Domain Resource"}})
	}
	if a.Decision.ConsentID != 0 {
		entities = append(entities, map[string]any{"what": map[string]any{"reference": "Consent/" + strconv.FormatUint(a.Decision.ConsentID, 10)},
			"description": "the consent the read was made under"})
	}
	ev := map[string]any{
		"resourceType": "AuditEvent",
		"id":           id,
		"type":         map[string]any{"system": dcmSystem, "code": "110110", "display": "Patient Record"},
		"subtype":      []map[string]any{{"system": restfulSystem, "code": "search-type"}},
		"action":       "R",
		"recorded":     fhirInstant(a.Time),
		"outcome":      outcome,
		"outcomeDesc":  desc,
		"agent": []map[string]any{{
			"who":       accountRef(a.Agent),
			"requestor": true,
		}},
		"source": map[string]any{
			"observer": map[string]any{"display": "healthd gateway"},
			"type":     []map[string]any{{"system": sourceTypeSystem, "code": "4", "display": "Application Server"}},
		},
		"entity": entities,
	}
	if a.Decision.Purpose != "" {
		ev["purposeOfEvent"] = []map[string]any{{"coding": []map[string]any{coding(actReasonSystem, a.Decision.Purpose)}}}
	}
	return json.Marshal(ev)
}

// disclosureEvent renders an on-chain access grant (the accounting of
// disclosures) as a FHIR AuditEvent.
func disclosureEvent(g recordstypes.AccessGrant) ([]byte, error) {
	desc := "record access granted"
	if g.ConsentID != 0 {
		desc += " under consent " + strconv.FormatUint(g.ConsentID, 10)
	}
	if g.BreakGlassID != 0 {
		desc += " under break-glass " + strconv.FormatUint(g.BreakGlassID, 10)
	}
	desc += ", until " + fhirInstant(g.ExpiresAt)
	ev := map[string]any{
		"resourceType":   "AuditEvent",
		"id":             "disclosure-" + strconv.FormatUint(g.ID, 10),
		"type":           map[string]any{"system": dcmSystem, "code": "110106", "display": "Export"},
		"action":         "R",
		"recorded":       fhirInstant(g.GrantedAt),
		"outcome":        "0",
		"outcomeDesc":    desc,
		"purposeOfEvent": []map[string]any{{"coding": []map[string]any{coding(actReasonSystem, g.Purpose)}}},
		"agent":          []map[string]any{{"who": accountRef(g.Grantee), "requestor": true}},
		"source": map[string]any{
			"observer": map[string]any{"display": "healthd chain (x/records accounting of disclosures)"},
			"type":     []map[string]any{{"system": sourceTypeSystem, "code": "4", "display": "Application Server"}},
		},
		"entity": []map[string]any{
			{"what": accountRef(g.Patient), "role": map[string]any{"system": objectRoleSystem, "code": "1", "display": "Patient"}},
			{"what": map[string]any{"reference": "DocumentReference/" + strconv.FormatUint(g.RecordID, 10)},
				"role": map[string]any{"system": objectRoleSystem, "code": "4", "display": "Domain Resource"}},
		},
	}
	return json.Marshal(ev)
}

// capabilityStatement describes the gateway's FHIR API.
func capabilityStatement(base string, now time.Time) ([]byte, error) {
	patientParam := []map[string]any{{"name": "patient", "type": "token",
		"documentation": "the patient's healthd account (health1...)"},
		{"name": "_count", "type": "number", "documentation": "page size, 1 to 100 (default 20)"}}
	search := func(t, doc string, read bool, extra ...map[string]any) map[string]any {
		inter := []map[string]any{{"code": "search-type"}}
		if read {
			inter = append(inter, map[string]any{"code": "read"})
		}
		return map[string]any{"type": t, "documentation": doc, "interaction": inter,
			"searchParam": append(append([]map[string]any{}, patientParam...), extra...)}
	}
	purpose := map[string]any{"name": "purpose", "type": "token",
		"documentation": "the HL7 v3 purpose of use a member reads under (default TREAT; ETREAT for an open break-glass access)"}
	cs := map[string]any{
		"resourceType": "CapabilityStatement",
		"status":       "active",
		"date":         fhirInstant(now),
		"publisher":    "healthd",
		"kind":         "instance",
		"software":     map[string]any{"name": "healthd gateway"},
		"implementation": map[string]any{"description": "healthd gateway: authenticated, row-level read access to a healthd chain",
			"url": base},
		"fhirVersion": fhirVersion,
		"format":      []string{"json"},
		"rest": []map[string]any{{
			"mode": "server",
			"documentation": "Authenticate with POST /auth/challenge and POST /auth/session (a signature with the account key), " +
				"then send Authorization: Bearer <token>. Every read of patient data is written to the gateway's hash-chained audit log.",
			"security": map[string]any{"description": "challenge-response with the account's secp256k1 key; short-lived bearer session tokens"},
			"resource": []map[string]any{
				search("Consent", "a patient's consents: the patient, a live guardian, or the grantee", true),
				search("DocumentReference", "a patient's record anchors: the patient, a live guardian, the author, or a member under a live consent covering the record's category", true, purpose),
				search("AuditEvent", "who read the patient's data: the chain's accounting of disclosures and the gateway's audit log", false),
				search("ClaimResponse", "adjudication results: the patient, a live guardian, the claim's payer or provider", false),
				search("ExplanationOfBenefit", "explanations of benefit: the patient, a live guardian, the claim's payer or provider", false),
			},
		}},
	}
	return json.Marshal(cs)
}

// pageLink returns path?query with _page set to cursor (and _count kept).
func pageLink(path string, q url.Values, cursor string) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "_page" {
			v[k] = vs
		}
	}
	if cursor != "" {
		v.Set("_page", cursor)
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
