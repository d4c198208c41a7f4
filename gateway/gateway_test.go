package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/maphash"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	"cosmossdk.io/math"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/healthchain/healthd/internal/fhirr4"
	"github.com/healthchain/healthd/vault"
	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

const testChainID = "healthd-test"

// The cast of the tests.
var cast = []string{"patient", "other", "guardian", "oldguardian", "hospital", "nohospital", "revokedhospital",
	"expiredhospital", "lab", "payer", "payer2", "regulator", "stranger", "suspended", "pharmacy"}

type fixture struct {
	t     *testing.T
	w     *world
	ts    *httptest.Server
	audit string
	keys  map[string]vault.Signer
	now   time.Time
}

func (f *fixture) addr(name string) string { return f.keys[name].Address() }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	f := &fixture{t: t, now: now, keys: map[string]vault.Signer{}}
	for _, name := range cast {
		s, err := vault.PrivKeySigner(secp256k1.GenPrivKey())
		if err != nil {
			t.Fatal(err)
		}
		f.keys[name] = s
	}
	a := f.addr
	w := &world{now: now, members: map[string]consortiumtypes.Member{}, breakGlass: map[[2]string]uint64{}}
	member := func(name string, st consortiumtypes.MemberStatus, roles ...consortiumtypes.Role) {
		w.members[a(name)] = consortiumtypes.Member{Address: a(name), Name: name, Roles: roles, Status: st}
	}
	active := consortiumtypes.MemberStatus_MEMBER_STATUS_ACTIVE
	for _, h := range []string{"hospital", "nohospital", "revokedhospital", "expiredhospital"} {
		member(h, active, consortiumtypes.Role_ROLE_HOSPITAL)
	}
	member("lab", active, consortiumtypes.Role_ROLE_LABORATORY)
	member("payer", active, consortiumtypes.Role_ROLE_PAYER)
	member("payer2", active, consortiumtypes.Role_ROLE_PAYER)
	member("regulator", active, consortiumtypes.Role_ROLE_REGULATOR)
	member("pharmacy", active, consortiumtypes.Role_ROLE_PHARMACY)
	member("suspended", consortiumtypes.MemberStatus_MEMBER_STATUS_SUSPENDED, consortiumtypes.Role_ROLE_HOSPITAL, consortiumtypes.Role_ROLE_REGULATOR)

	consent := func(id uint64, grantee string, st consenttypes.ConsentStatus, end time.Time, cats ...string) consenttypes.Consent {
		return consenttypes.Consent{ID: id, Patient: a("patient"), Grantee: a(grantee), Purpose: "TREAT", Categories: cats,
			Start: now.Add(-48 * time.Hour), End: end, Status: st, GrantedBy: a("patient"), GrantedAt: now.Add(-48 * time.Hour), Version: 1}
	}
	w.consents = []consenttypes.Consent{
		consent(1, "hospital", consenttypes.ConsentStatus_CONSENT_STATUS_ACTIVE, now.Add(30*24*time.Hour), "Observation", MedicationCategory),
		consent(2, "revokedhospital", consenttypes.ConsentStatus_CONSENT_STATUS_REVOKED, now.Add(30*24*time.Hour), "Observation"),
		consent(3, "expiredhospital", consenttypes.ConsentStatus_CONSENT_STATUS_EXPIRED, now.Add(-time.Hour), "Observation"),
		{ID: 4, Patient: a("other"), Grantee: a("hospital"), Purpose: "TREAT", AllCategories: true, Start: now.Add(-time.Hour),
			End: now.Add(time.Hour), Status: consenttypes.ConsentStatus_CONSENT_STATUS_ACTIVE, GrantedBy: a("other"), GrantedAt: now.Add(-time.Hour), Version: 1},
	}
	w.consents[1].RevokedBy, w.consents[1].RevokedAt = a("patient"), ptr(now.Add(-time.Hour))
	w.guardians = []consenttypes.Guardianship{
		{Patient: a("patient"), Guardian: a("guardian"), Start: now.Add(-time.Hour), End: now.Add(time.Hour)},
		{Patient: a("patient"), Guardian: a("oldguardian"), Start: now.Add(-48 * time.Hour), End: now.Add(-24 * time.Hour)},
	}
	rec := func(id uint64, patient, author, category, kind string) recordstypes.Record {
		return recordstypes.Record{ID: id, Patient: a(patient), Author: a(author), Format: recordstypes.Format_FORMAT_FHIR_R4,
			Kind: kind, Category: category, Commitment: bytes.Repeat([]byte{byte(id)}, 32),
			CID: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", BlobSize: 1000 + id, Version: 1, RootID: id, AnchoredAt: now.Add(-time.Hour)}
	}
	w.records = []recordstypes.Record{
		rec(1, "patient", "lab", "Observation", "Observation"),
		rec(2, "patient", "lab", "ImagingStudy", "ImagingStudy"),
		rec(3, "other", "lab", "Observation", "Observation"),
	}
	w.grants = []recordstypes.AccessGrant{{ID: 1, RecordID: 1, Patient: a("patient"), Grantee: a("hospital"), Purpose: "TREAT",
		Category: "Observation", ConsentID: 1, GrantedAt: now.Add(-30 * time.Minute), ExpiresAt: now.Add(time.Hour)}}
	line := claimstypes.ClaimLine{System: claimstypes.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", Units: 1, Charge: math.NewInt(200)}
	result := claimstypes.LineResult{Approved: true, Allowed: math.NewInt(150), Deductible: math.NewInt(0), Copay: math.NewInt(20),
		Coinsurance: math.NewInt(0), PlanPays: math.NewInt(130), PatientResponsibility: math.NewInt(20), Reasons: []string{"45", "3"}}
	claim := func(id uint64, provider, payer string, st claimstypes.ClaimStatus) claimstypes.Claim {
		return claimstypes.Claim{ID: id, Provider: a(provider), Patient: a("patient"), Payer: a(payer), CoverageID: 1, PlanID: 1,
			ServiceDate: now.Add(-72 * time.Hour), Lines: []claimstypes.ClaimLine{line}, Results: []claimstypes.LineResult{result},
			Status: st, Outcome: st, Paid: math.NewInt(130), SubmittedAt: now.Add(-70 * time.Hour), UpdatedAt: now.Add(-69 * time.Hour)}
	}
	w.claims = []claimstypes.Claim{
		claim(1, "hospital", "payer", claimstypes.ClaimStatus_CLAIM_STATUS_PAID),
		claim(2, "lab", "payer2", claimstypes.ClaimStatus_CLAIM_STATUS_PENDED),
	}
	w.meds = []bridgetypes.MedicationEntry{{Patient: a("patient"), Seq: 1, PrescriptionID: 1, GTIN: "09506000134352",
		Serial: "SN1", Lot: "L1", Expiry: "2028-01-31", Pharmacy: a("pharmacy"), DispensedAt: now.Add(-time.Hour), ChannelID: "channel-0"}}
	f.w = w

	f.audit = filepath.Join(t.TempDir(), "audit.log")
	al, err := OpenAuditLog(f.audit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { al.Close() })
	srv, err := NewServer(Config{ChainID: testChainID, BaseURL: "http://gateway.test", VaultURL: "http://vault.test",
		Now: func() time.Time { return f.now }}, w.chain(), al, log.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewServer(srv)
	t.Cleanup(f.ts.Close)
	return f
}

func ptr[T any](v T) *T { return &v }

func (f *fixture) login(name string) string {
	f.t.Helper()
	s, err := Login(context.Background(), f.ts.Client(), f.ts.URL, f.keys[name])
	if err != nil {
		f.t.Fatalf("login %s: %v", name, err)
	}
	return s.Token
}

type answer struct {
	status int
	body   []byte
}

func (a answer) reason() string {
	var oo struct {
		Issue []struct {
			Details struct {
				Coding []struct{ Code string } `json:"coding"`
			} `json:"details"`
		} `json:"issue"`
		Reason string `json:"reason"`
	}
	_ = json.Unmarshal(a.body, &oo)
	if oo.Reason != "" {
		return oo.Reason
	}
	if len(oo.Issue) > 0 && len(oo.Issue[0].Details.Coding) > 0 {
		return oo.Issue[0].Details.Coding[0].Code
	}
	return ""
}

// ids returns the ids of a Bundle's entries ("Consent/1", ...).
func (a answer) ids(t *testing.T) []string {
	t.Helper()
	var b struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
				ID           string `json:"id"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(a.body, &b); err != nil || b.ResourceType != "Bundle" {
		t.Fatalf("not a Bundle: %s", a.body)
	}
	out := []string{}
	for _, e := range b.Entry {
		out = append(out, e.Resource.ResourceType+"/"+e.Resource.ID)
	}
	return out
}

func (f *fixture) get(token, path string) answer {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.ts.URL+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	bz, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: bz}
}

func auditLines(t *testing.T, path string) []AuditLine {
	t.Helper()
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []AuditLine
	for _, l := range bytes.Split(bytes.TrimSpace(bz), []byte{'\n'}) {
		if len(l) == 0 {
			continue
		}
		var e AuditLine
		if err := json.Unmarshal(l, &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// TestNoSessionNoData: every endpoint that serves patient data answers 401
// without a valid session, before it asks the chain anything or writes a
// line of audit.
func TestNoSessionNoData(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	paths := []string{"/v1/whoami", "/fhir/Consent?patient=" + p, "/fhir/Consent/1", "/fhir/DocumentReference?patient=" + p,
		"/fhir/DocumentReference/1", "/fhir/AuditEvent?patient=" + p, "/fhir/ClaimResponse?patient=" + p,
		"/fhir/ExplanationOfBenefit?patient=" + p, "/v1/medication-history?patient=" + p, "/v1/supply/unit?unit=" + knownUnit}
	good := f.login("patient")
	f.w.calls.Store(0)
	srvFor := func(secret byte) string { // a token from another gateway (another key)
		s, err := newSessions(bytes.Repeat([]byte{secret}, 32), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := s.issue(p, f.now)
		if err != nil {
			t.Fatal(err)
		}
		return sess.Token
	}
	tampered := []byte(good)
	tampered[len(tampered)-3] ^= 1
	for _, tc := range []struct {
		name, token, reason string
	}{
		{"no token", "", ReasonNoSession},
		{"garbage", "hgw1.bm90IGEgdG9rZW4", ReasonBadToken},
		{"another gateway's token", srvFor(9), ReasonBadToken},
		{"tampered token", string(tampered), ReasonBadToken},
		{"not our scheme", "eyJhbGciOiJub25lIn0.e30.", ReasonBadToken},
	} {
		for _, path := range paths {
			a := f.get(tc.token, path)
			if a.status != http.StatusUnauthorized || a.reason() != tc.reason {
				t.Errorf("%s %s: %d %s, want 401 %s", tc.name, path, a.status, a.reason(), tc.reason)
			}
		}
	}
	// An expired session.
	f.now = f.now.Add(16 * time.Minute)
	if a := f.get(good, "/fhir/Consent?patient="+p); a.status != http.StatusUnauthorized || a.reason() != ReasonExpiredSession {
		t.Errorf("expired session: %d %s", a.status, a.reason())
	}
	if n := f.w.calls.Load(); n != 0 {
		t.Errorf("unauthenticated requests made %d chain queries, want 0", n)
	}
	if lines := auditLines(t, f.audit); len(lines) != 0 {
		t.Errorf("unauthenticated requests wrote %d audit lines", len(lines))
	}
}

// TestLogin: a session needs a fresh challenge signed by the account's own
// key, for this chain, under the gateway's domain; nonces are single-use.
func TestLogin(t *testing.T) {
	f := newFixture(t)
	patient := f.keys["patient"]
	challenge := func() string {
		var ch struct{ Nonce string }
		if err := postJSON(context.Background(), f.ts.Client(), f.ts.URL+"/auth/challenge", nil, &ch); err != nil {
			t.Fatal(err)
		}
		return ch.Nonce
	}
	session := func(req SessionRequest) (int, string) {
		bz, _ := json.Marshal(req)
		resp, err := f.ts.Client().Post(f.ts.URL+"/auth/session", "application/json", bytes.NewReader(bz))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, answer{body: body}.reason()
	}
	signed := func(s vault.Signer, msg []byte, nonce string) SessionRequest {
		sig, err := s.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		return SessionRequest{Account: s.Address(), PubKey: base64.StdEncoding.EncodeToString(s.PubKey().Bytes()),
			Nonce: nonce, Signature: base64.StdEncoding.EncodeToString(sig)}
	}

	n := challenge()
	ok := signed(patient, SessionSignBytes(testChainID, patient.Address(), n), n)
	if st, r := session(ok); st != http.StatusOK {
		t.Fatalf("good login: %d %s", st, r)
	}
	if st, r := session(ok); st != http.StatusUnauthorized || r != vault.ReasonUnknownNonce {
		t.Errorf("replayed login: %d %s, want 401 UNKNOWN_NONCE", st, r)
	}

	for _, tc := range []struct {
		name   string
		req    func(nonce string) SessionRequest
		reason string
	}{
		{"other chain", func(n string) SessionRequest {
			return signed(patient, SessionSignBytes("other-chain", patient.Address(), n), n)
		}, vault.ReasonBadSignature},
		{"vault-domain signature", func(n string) SessionRequest {
			return signed(patient, vault.SignBytes(testChainID, "POST", "/auth/session", n, nil), n)
		}, vault.ReasonBadSignature},
		{"signed by another key for the patient", func(n string) SessionRequest {
			r := signed(f.keys["stranger"], SessionSignBytes(testChainID, patient.Address(), n), n)
			r.Account = patient.Address()
			return r
		}, vault.ReasonAccountMismatch},
		{"someone else's key and signature claiming the patient", func(n string) SessionRequest {
			r := signed(f.keys["stranger"], SessionSignBytes(testChainID, patient.Address(), n), n)
			r.Account, r.PubKey = patient.Address(), base64.StdEncoding.EncodeToString(patient.PubKey().Bytes())
			return r
		}, vault.ReasonBadSignature},
		{"invented nonce", func(string) SessionRequest {
			n := base64.RawURLEncoding.EncodeToString(make([]byte, 40))
			return signed(patient, SessionSignBytes(testChainID, patient.Address(), n), n)
		}, vault.ReasonUnknownNonce},
		{"bad account", func(n string) SessionRequest {
			r := signed(patient, SessionSignBytes(testChainID, patient.Address(), n), n)
			r.Account = "cosmos1qqqq"
			return r
		}, vault.ReasonBadAccount},
	} {
		if st, r := session(tc.req(challenge())); st != http.StatusUnauthorized || r != tc.reason {
			t.Errorf("%s: %d %s, want 401 %s", tc.name, st, r, tc.reason)
		}
	}
	// A nonce that outlived its TTL.
	n = challenge()
	f.now = f.now.Add(vault.NonceTTL + time.Second)
	if st, r := session(signed(patient, SessionSignBytes(testChainID, patient.Address(), n), n)); st != http.StatusUnauthorized || r != vault.ReasonExpiredNonce {
		t.Errorf("expired nonce: %d %s", st, r)
	}
	// Oversized and malformed bodies.
	resp, err := f.ts.Client().Post(f.ts.URL+"/auth/session", "application/json", bytes.NewReader(make([]byte, maxSessionBody+1)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized session body: %d", resp.StatusCode)
	}
	if st, _ := session(SessionRequest{}); st != http.StatusUnauthorized {
		t.Errorf("empty session request: %d", st)
	}
}

// TestRoleMatrix reads every kind of data as every kind of caller and checks
// what each sees or why it is refused.
func TestRoleMatrix(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	tokens := map[string]string{}
	for _, name := range cast {
		tokens[name] = f.login(name)
	}
	type want struct {
		status int
		reason string
		ids    []string // for 200 Bundles
	}
	ok := func(ids ...string) want { return want{status: 200, ids: append([]string{}, ids...)} }
	no := func(reason string) want { return want{status: 403, reason: reason} }
	consents := "/fhir/Consent?patient=" + p
	docs := "/fhir/DocumentReference?patient=" + p
	audit := "/fhir/AuditEvent?patient=" + p
	eob := "/fhir/ExplanationOfBenefit?patient=" + p
	crs := "/fhir/ClaimResponse?patient=" + p
	meds := "/v1/medication-history?patient=" + p
	supply := "/v1/supply/unit?unit=" + knownUnit
	cases := []struct {
		caller, path string
		want         want
	}{
		// The patient and a live guardian read everything of the patient's.
		{"patient", consents, ok("Consent/1", "Consent/2", "Consent/3")},
		{"guardian", consents, ok("Consent/1", "Consent/2", "Consent/3")},
		{"patient", docs, ok("DocumentReference/1", "DocumentReference/2")},
		{"guardian", docs, ok("DocumentReference/1", "DocumentReference/2")},
		{"patient", eob, ok("ExplanationOfBenefit/eob-1", "ExplanationOfBenefit/eob-2")},
		{"patient", crs, ok("ClaimResponse/claim-1", "ClaimResponse/claim-2")},
		{"patient", meds, want{status: 200}},
		{"guardian", meds, want{status: 200}},
		{"patient", "/fhir/Consent/1", want{status: 200}},
		// A guardianship that ended is nothing.
		{"oldguardian", consents, no(ReasonNotPatient)},
		{"oldguardian", docs, no(ReasonNotMember)},
		{"oldguardian", audit, no(ReasonNotPatient)},
		{"oldguardian", eob, no(ReasonNotParty)},
		// A provider with a live consent: its own consent, the records its
		// consent covers (Observation, not ImagingStudy), the claims it
		// submitted, the medication history its consent covers; never the
		// patient's audit trail.
		{"hospital", consents, ok("Consent/1")},
		{"hospital", "/fhir/Consent/1", want{status: 200}},
		{"hospital", docs, ok("DocumentReference/1")},
		{"hospital", "/fhir/DocumentReference/1", want{status: 200}},
		{"hospital", "/fhir/DocumentReference/2", no(ReasonNotCovered)},
		{"hospital", audit, no(ReasonNotPatient)},
		{"hospital", eob, ok("ExplanationOfBenefit/eob-1")},
		{"hospital", meds, want{status: 200}},
		{"hospital", docs + "&purpose=HPAYMT", no(ReasonNoConsent)},
		// Providers without a live consent, each told why.
		{"nohospital", docs, no(ReasonNoConsent)},
		{"revokedhospital", docs, no(ReasonRevoked)},
		{"expiredhospital", docs, no(ReasonExpired)},
		{"nohospital", meds, no(ReasonNoConsent)},
		{"revokedhospital", "/fhir/Consent/1", no(ReasonNotParty)},
		{"nohospital", "/fhir/DocumentReference/1", no(ReasonNoConsent)},
		{"nohospital", consents, ok()},
		{"nohospital", eob, ok()},
		// The author of a record sees its own anchors (it wrote them) but
		// nothing else of the patient's without consent.
		{"lab", "/fhir/DocumentReference/1", want{status: 200}},
		{"lab", docs, no(ReasonNoConsent)},
		{"lab", eob, ok("ExplanationOfBenefit/eob-2")},
		// Payers: their own claims only.
		{"payer", eob, ok("ExplanationOfBenefit/eob-1")},
		{"payer", crs, ok("ClaimResponse/claim-1")},
		{"payer2", crs, ok("ClaimResponse/claim-2")},
		{"payer", docs, no(ReasonNoConsent)},
		{"payer", audit, no(ReasonNotPatient)},
		// The regulator reads the supply chain, not patients.
		{"regulator", supply, want{status: 200}},
		{"pharmacy", supply, want{status: 200}},
		{"regulator", docs, no(ReasonNoConsent)},
		{"regulator", meds, no(ReasonNoConsent)},
		{"hospital", supply, no(ReasonWrongRole)},
		{"patient", supply, no(ReasonWrongRole)},
		// A stranger reads nothing, and a nonexistent id looks like any other refusal.
		{"stranger", consents, no(ReasonNotPatient)},
		{"stranger", docs, no(ReasonNotMember)},
		{"stranger", audit, no(ReasonNotPatient)},
		{"stranger", eob, no(ReasonNotParty)},
		{"stranger", meds, no(ReasonNotMember)},
		{"stranger", "/fhir/Consent/1", no(ReasonNotParty)},
		{"stranger", "/fhir/Consent/999", no(ReasonNotParty)},
		{"stranger", "/fhir/DocumentReference/1", no(ReasonNotParty)},
		{"stranger", "/fhir/DocumentReference/999", no(ReasonNotParty)},
		{"stranger", supply, no(ReasonWrongRole)},
		// A suspended member is a stranger.
		{"suspended", docs, no(ReasonNotMember)},
		{"suspended", supply, no(ReasonWrongRole)},
		// The other patient is a stranger to this one.
		{"other", docs, no(ReasonNotMember)},
		{"other", "/fhir/DocumentReference/3", want{status: 200}},
	}
	for _, tc := range cases {
		a := f.get(tokens[tc.caller], tc.path)
		if a.status != tc.want.status {
			t.Errorf("%s GET %s: %d %s, want %d %s", tc.caller, tc.path, a.status, a.reason(), tc.want.status, tc.want.reason)
			continue
		}
		if tc.want.reason != "" && a.reason() != tc.want.reason {
			t.Errorf("%s GET %s: reason %s, want %s", tc.caller, tc.path, a.reason(), tc.want.reason)
		}
		if tc.want.ids != nil {
			if got := a.ids(t); !slices.Equal(got, tc.want.ids) {
				t.Errorf("%s GET %s: %v, want %v", tc.caller, tc.path, got, tc.want.ids)
			}
		}
	}

	// Break-glass: with an open access and purpose ETREAT the hospital
	// without consent reads every record, and the basis is logged.
	f.w.breakGlass[[2]string{p, f.addr("nohospital")}] = 7
	a := f.get(tokens["nohospital"], docs+"&purpose=ETREAT")
	if a.status != 200 || !slices.Equal(a.ids(t), []string{"DocumentReference/1", "DocumentReference/2"}) {
		t.Fatalf("break-glass read: %d %s", a.status, a.body)
	}
	lines := auditLines(t, f.audit)
	last := lines[len(lines)-1]
	if !bytes.Contains(last.Event, []byte("break-glass 7")) || last.Patient != p {
		t.Errorf("break-glass read not audited with its basis: %s", last.Event)
	}
}

// TestAuditTrail: every read of patient data, allowed or refused, is in the
// log, the patient reads it back as AuditEvents (with the chain's accounting
// of disclosures), nobody else does, and the hash chain catches tampering.
func TestAuditTrail(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	hospital, nohospital, patient := f.login("hospital"), f.login("nohospital"), f.login("patient")
	if a := f.get(nohospital, "/fhir/DocumentReference?patient="+p); a.status != 403 {
		t.Fatalf("refusal expected: %d", a.status)
	}
	if a := f.get(hospital, "/fhir/DocumentReference?patient="+p); a.status != 200 {
		t.Fatalf("read expected: %d %s", a.status, a.body)
	}
	if a := f.get(hospital, "/fhir/DocumentReference?patient="+f.addr("other")); a.status != 200 {
		t.Fatalf("read of the other patient expected: %d %s", a.status, a.body)
	}
	lines := auditLines(t, f.audit)
	if len(lines) != 3 {
		t.Fatalf("%d audit lines, want 3", len(lines))
	}
	for i, l := range lines {
		if l.Seq != uint64(i) {
			t.Errorf("line %d has seq %d", i, l.Seq)
		}
	}

	// The patient's page: the chain's disclosure first, then the gateway's
	// own entries about this patient only, newest first.
	var events []json.RawMessage
	next := "/fhir/AuditEvent?patient=" + p + "&_count=1"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		a := f.get(patient, next)
		if a.status != 200 {
			t.Fatalf("patient reads audit: %d %s", a.status, a.body)
		}
		if _, err := fhirr4.Validate(a.body); err != nil {
			t.Fatalf("AuditEvent bundle invalid: %v\n%s", err, a.body)
		}
		var b struct {
			Link  []struct{ Relation, URL string } `json:"link"`
			Entry []struct {
				Resource json.RawMessage `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(a.body, &b); err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entry {
			events = append(events, e.Resource)
		}
		next = ""
		for _, l := range b.Link {
			if l.Relation == "next" {
				next = strings.TrimPrefix(l.URL, "http://gateway.test")
			}
		}
	}
	ids := []string{}
	for _, e := range events {
		var ev struct {
			ID      string `json:"id"`
			Outcome string `json:"outcome"`
		}
		_ = json.Unmarshal(e, &ev)
		ids = append(ids, ev.ID+":"+ev.Outcome)
	}
	// gateway-3 is the patient's own first audit page read, written
	// before the later pages were.
	want := []string{"disclosure-1:0", "gateway-3:0", "gateway-1:0", "gateway-0:4"}
	if !slices.Equal(ids, want) {
		t.Errorf("patient's audit trail %v, want %v", ids, want)
	}
	for _, e := range events {
		if bytes.Contains(e, []byte(f.addr("other"))) {
			t.Errorf("the patient's audit trail mentions the other patient: %s", e)
		}
	}
	if a := f.get(hospital, "/fhir/AuditEvent?patient="+p); a.status != 403 {
		t.Errorf("hospital reads the patient's audit trail: %d", a.status)
	}

	// The chain verifies, and any change to a line breaks it.
	n, _, err := VerifyAuditLog(f.audit)
	if err != nil || n != uint64(len(auditLines(t, f.audit))) {
		t.Fatalf("verify: %d %v", n, err)
	}
	orig, _ := os.ReadFile(f.audit)
	for name, mutate := range map[string]func([]byte) []byte{
		"a byte changed": func(b []byte) []byte {
			c := bytes.Clone(b)
			i := bytes.Index(c, []byte("refused"))
			c[i] = 'R'
			return c
		},
		"a line removed": func(b []byte) []byte {
			ls := bytes.SplitAfter(b, []byte{'\n'})
			return bytes.Join(append(ls[:1:1], ls[2:]...), nil)
		},
		"lines swapped": func(b []byte) []byte {
			ls := bytes.SplitAfter(b, []byte{'\n'})
			ls[0], ls[1] = ls[1], ls[0]
			return bytes.Join(ls, nil)
		},
		"truncated": func(b []byte) []byte { return b[:len(b)-5] },
	} {
		bad := filepath.Join(t.TempDir(), "audit.log")
		if err := os.WriteFile(bad, mutate(orig), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := VerifyAuditLog(bad); !errors.Is(err, ErrAuditChain) {
			t.Errorf("%s: verify says %v", name, err)
		}
		if _, err := OpenAuditLog(bad); !errors.Is(err, ErrAuditChain) {
			t.Errorf("%s: the gateway would start on it (%v)", name, err)
		}
	}
	// A log reopened keeps its chain and index.
	l, err := OpenAuditLog(f.audit)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	about := 0
	for _, line := range auditLines(t, f.audit) {
		if line.Patient == p {
			about++
		}
	}
	got, _, err := l.ByPatient(p, 0, 100)
	if err != nil || len(got) != about || about < 4 {
		t.Errorf("reopened log: %d entries about the patient, %v", len(got), err)
	}
}

// TestFHIRValid validates every FHIR answer of the gateway with
// google/fhir/go: the CapabilityStatement, each search Bundle, single
// resources and errors.
func TestFHIRValid(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	patient, stranger := f.login("patient"), f.login("stranger")
	f.w.consents[0].AllCategories, f.w.consents[0].Categories = false, []string{"Observation", "laboratory"}
	for _, tc := range []struct{ token, path, resourceType string }{
		{"", "/fhir/metadata", "CapabilityStatement"},
		{patient, "/fhir/Consent?patient=" + p, "Bundle"},
		{patient, "/fhir/Consent/1", "Consent"},
		{patient, "/fhir/Consent/2", "Consent"},
		{patient, "/fhir/DocumentReference?patient=" + p, "Bundle"},
		{patient, "/fhir/DocumentReference/1", "DocumentReference"},
		{patient, "/fhir/AuditEvent?patient=" + p, "Bundle"},
		{patient, "/fhir/AuditEvent?patient=" + p + "&_page=g0", "Bundle"},
		{patient, "/fhir/ClaimResponse?patient=" + p, "Bundle"},
		{patient, "/fhir/ExplanationOfBenefit?patient=" + p, "Bundle"},
		{stranger, "/fhir/Consent?patient=" + p, "OperationOutcome"},
		{"", "/fhir/Consent?patient=" + p, "OperationOutcome"},
		{patient, "/fhir/Patient", "OperationOutcome"},
		{patient, "/fhir/Consent?patient=nobody", "OperationOutcome"},
	} {
		a := f.get(tc.token, tc.path)
		res, err := fhirr4.Validate(a.body)
		if err != nil {
			t.Errorf("GET %s: invalid FHIR: %v\n%s", tc.path, err, a.body)
			continue
		}
		if res.ResourceType != tc.resourceType {
			t.Errorf("GET %s: %s, want %s", tc.path, res.ResourceType, tc.resourceType)
		}
	}
}

// TestPaging walks a long consent list page by page through the next links:
// every consent once, in order, and each page at most _count.
func TestPaging(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	base := f.w.consents[0]
	for i := 0; i < 45; i++ {
		c := base
		c.ID = uint64(100 + i)
		f.w.consents = append(f.w.consents, c)
	}
	tok := f.login("patient")
	var got []string
	next := "/fhir/Consent?patient=" + p + "&_count=20"
	pages := 0
	for next != "" {
		pages++
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		a := f.get(tok, next)
		if a.status != 200 {
			t.Fatalf("%s: %d %s", next, a.status, a.body)
		}
		ids := a.ids(t)
		if len(ids) > 20 {
			t.Fatalf("page of %d", len(ids))
		}
		got = append(got, ids...)
		var b struct {
			Link []struct{ Relation, URL string } `json:"link"`
		}
		_ = json.Unmarshal(a.body, &b)
		next = ""
		for _, l := range b.Link {
			if l.Relation == "next" {
				next = strings.TrimPrefix(l.URL, "http://gateway.test")
			}
		}
	}
	if pages != 3 || len(got) != 48 {
		t.Fatalf("%d pages, %d consents; want 3 and 48", pages, len(got))
	}
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("%s twice", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"_count=0", "_count=101", "_count=x", "_page=%21%21", "_page=" + strings.Repeat("A", 600)} {
		if a := f.get(tok, "/fhir/Consent?patient="+p+"&"+bad); a.status != 400 {
			t.Errorf("%s: %d, want 400", bad, a.status)
		}
	}
	if a := f.get(tok, "/fhir/AuditEvent?patient="+p+"&_page=zzz"); a.status != 400 {
		t.Errorf("bad audit cursor: %d", a.status)
	}
}

// TestVerifyIsOpen: pack verification needs no session and carries no
// patient data; it is not audited.
func TestVerifyIsOpen(t *testing.T) {
	f := newFixture(t)
	a := f.get("", "/v1/verify?unit="+strings.ReplaceAll(knownUnit, "(", "%28"))
	if a.status != 200 || !bytes.Contains(a.body, []byte(`"AUTHENTIC_SALEABLE"`)) {
		t.Fatalf("verify: %d %s", a.status, a.body)
	}
	if a := f.get("", "/v1/verify"); a.status != 400 {
		t.Errorf("verify without unit: %d", a.status)
	}
	if lines := auditLines(t, f.audit); len(lines) != 0 {
		t.Errorf("verification wrote %d audit lines", len(lines))
	}
	// Open, but bounded for the whole gateway.
	limited := 0
	for i := 0; i < VerifyBurst+5; i++ {
		if a := f.get("", "/v1/verify?unit=x"); a.status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Error("open verification is not rate limited")
	}
}

// TestAuditBeforeAnswer: when the audit log cannot be written, the read is
// refused rather than answered unaudited.
func TestAuditBeforeAnswer(t *testing.T) {
	f := newFixture(t)
	broken := filepath.Join(t.TempDir(), "ro.log")
	l, err := OpenAuditLog(broken)
	if err != nil {
		t.Fatal(err)
	}
	l.Close() // writes now fail
	srv, err := NewServer(Config{ChainID: testChainID, Now: func() time.Time { return f.now }}, f.w.chain(), l, log.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	sess, err := Login(context.Background(), ts.Client(), ts.URL, f.keys["patient"])
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/fhir/Consent?patient="+f.addr("patient"), nil)
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || bytes.Contains(body, []byte(`"Consent"`)) {
		t.Fatalf("unauditable read answered: %d %s", resp.StatusCode, body)
	}
}

// BenchmarkAuditByPatient shows a patient's page costs the page, not the log.
func BenchmarkAuditByPatient(b *testing.B) {
	for _, size := range []int{10_000, 200_000} {
		b.Run("entries="+strconv.Itoa(size), func(b *testing.B) {
			l, err := OpenAuditLog(filepath.Join(b.TempDir(), "audit.log"))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			ev := []byte(`{"resourceType":"AuditEvent"}`)
			// Bulk-load without a sync per line.
			for i := 0; i < size; i++ {
				patient := "p" + strconv.Itoa(i%100)
				e := AuditLine{Seq: l.next, Prev: l.last, Patient: patient, Event: ev}
				e.Hash = auditHash(e.Seq, e.Prev, e.Patient, e.Event)
				line, _ := json.Marshal(e)
				line = append(line, '\n')
				if _, err := l.f.WriteAt(line, l.size); err != nil {
					b.Fatal(err)
				}
				l.offsets = append(l.offsets, l.size)
				l.size += int64(len(line))
				l.byPatient[patient] = append(l.byPatient[patient], e.Seq)
				l.last, l.next = e.Hash, l.next+1
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if out, _, err := l.ByPatient("p7", 0, 20); err != nil || len(out) != 20 {
					b.Fatal(len(out), err)
				}
			}
		})
	}
}

// TestLimits: an account that floods is slowed (429 with Retry-After) while
// others are not; logins are bounded for the whole gateway; time refills both.
func TestLimits(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	flood, calm := f.login("patient"), f.login("hospital")
	srv := f.ts.Config.Handler.(*Server)
	bucket := func(a string) uint64 { return maphash.String(srv.limits.seed, a) % limiterBuckets }
	if bucket(f.addr("patient")) == bucket(f.addr("hospital")) {
		t.Skip("the two accounts share a limiter bucket (1 in 4096)")
	}
	for i := 0; i < AccountBurst; i++ {
		if a := f.get(flood, "/v1/whoami"); a.status != 200 {
			t.Fatalf("request %d: %d", i, a.status)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/fhir/Consent?patient="+p, nil)
	req.Header.Set("Authorization", "Bearer "+flood)
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("over the burst: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if a := f.get(calm, "/v1/whoami"); a.status != 200 {
		t.Errorf("another account is slowed too: %d", a.status)
	}
	f.now = f.now.Add(time.Second)
	if a := f.get(flood, "/v1/whoami"); a.status != 200 {
		t.Errorf("a second later: %d", a.status)
	}

	// Logins: the gateway's budget, then 429, then refilled.
	f.now = f.now.Add(time.Minute)
	ok, limited := 0, 0
	for i := 0; i < LoginBurst+5; i++ {
		if _, err := Login(context.Background(), f.ts.Client(), f.ts.URL, f.keys["stranger"]); err == nil {
			ok++
		} else if strings.Contains(err.Error(), ReasonTooMany) {
			limited++
		} else {
			t.Fatal(err)
		}
	}
	if ok > LoginBurst || limited == 0 {
		t.Errorf("%d logins allowed, %d limited; want at most %d allowed", ok, limited, LoginBurst)
	}
	f.now = f.now.Add(time.Second)
	if _, err := Login(context.Background(), f.ts.Client(), f.ts.URL, f.keys["stranger"]); err != nil {
		t.Errorf("a second later: %v", err)
	}
}

// TestLogout: a logged-out token is refused at once (401 LOGGED_OUT) while
// the account's other sessions go on; logged-out tokens are forgotten once
// they expire.
func TestLogout(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	one, two := f.login("patient"), f.login("patient")
	logout := func(tok string) answer {
		req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/auth/logout", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := f.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		bz, _ := io.ReadAll(resp.Body)
		return answer{status: resp.StatusCode, body: bz}
	}
	if a := logout(one); a.status != 200 {
		t.Fatalf("logout: %d %s", a.status, a.body)
	}
	if a := f.get(one, "/fhir/Consent?patient="+p); a.status != 401 || a.reason() != ReasonLoggedOut {
		t.Errorf("logged-out token: %d %s", a.status, a.reason())
	}
	if a := logout(one); a.status != 401 || a.reason() != ReasonLoggedOut {
		t.Errorf("second logout: %d %s", a.status, a.reason())
	}
	if a := logout(""); a.status != 401 || a.reason() != ReasonNoSession {
		t.Errorf("logout without a token: %d %s", a.status, a.reason())
	}
	if a := f.get(two, "/fhir/Consent?patient="+p); a.status != 200 {
		t.Errorf("the account's other session: %d", a.status)
	}
	srv := f.ts.Config.Handler.(*Server)
	if n := len(srv.sessions.revoked); n != 1 {
		t.Fatalf("%d logged-out tokens remembered, want 1", n)
	}
	// Past the first token's expiry, the next logout prunes it.
	f.now = f.now.Add(16 * time.Minute)
	three := f.login("patient")
	if a := logout(three); a.status != 200 {
		t.Fatalf("logout: %d", a.status)
	}
	if n := len(srv.sessions.revoked); n != 1 {
		t.Errorf("%d logged-out tokens remembered after the first expired, want 1", n)
	}
}

// TestAuditIDsUnderConcurrency: reads answered at the same time each get
// their own entry, and every AuditEvent's id is its entry's number.
func TestAuditIDsUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	tok := f.login("patient")
	const n = 30
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/fhir/Consent?patient="+p, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			if resp, err := f.ts.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	lines := auditLines(t, f.audit)
	if len(lines) != n {
		t.Fatalf("%d audit lines for %d reads", len(lines), n)
	}
	for _, l := range lines {
		var ev struct{ ID string }
		if err := json.Unmarshal(l.Event, &ev); err != nil || ev.ID != "gateway-"+strconv.FormatUint(l.Seq, 10) {
			t.Errorf("entry %d holds AuditEvent %q", l.Seq, ev.ID)
		}
	}
	if _, _, err := VerifyAuditLog(f.audit); err != nil {
		t.Fatal(err)
	}
}
