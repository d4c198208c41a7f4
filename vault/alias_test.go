package vault

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// recAlias is a record that names the CID of recHeld (blob1) for a patient
// account the attacker controls: what the chain anchored before it refused a
// CID anchored twice.
const recAlias = 7

// TestCIDAliasAttack reproduces the vault half of the CID aliasing attack:
// an attacking member anchors an alias record carrying the victim's CID, with
// itself as author and a puppet as patient, then reads the victim's
// ciphertext, overwrites the victim patient's wrapped key (as author) and
// erases blob and keys (as the puppet patient). The vault acts on a CID only
// for the record the chain says owns it, so every step is refused, nothing
// changes, and the victim's patient, author and grantee keep their access.
func TestCIDAliasAttack(t *testing.T) {
	e := newEnv(t)
	attacker, puppet := newAccount(t), newAccount(t)
	e.chain.setRecord(recAlias, fakeRecord{cid: e.cid1, patient: puppet.addr, author: attacker.addr})
	before := snapshot(t, e.root)

	alias := fmt.Sprintf("/v1/records/%d", recAlias)
	for _, step := range []struct {
		name   string
		as     account
		method string
		path   string
		body   []byte
	}{
		{"read the victim's ciphertext as alias author", attacker, http.MethodGet, alias + "/blob", nil},
		{"read the victim's ciphertext as alias patient", puppet, http.MethodGet, alias + "/blob", nil},
		{"read a key as alias author", attacker, http.MethodGet, alias + "/key", nil},
		{"overwrite the victim patient's key as alias author", attacker, http.MethodPut, alias + "/keys/" + e.patient.addr, []byte("garbage")},
		{"overwrite the victim patient's key as alias patient", puppet, http.MethodPut, alias + "/keys/" + e.patient.addr, []byte("garbage")},
		{"plant a key for itself", attacker, http.MethodPut, alias + "/keys/" + attacker.addr, []byte("k")},
		{"erase as the puppet patient", puppet, http.MethodDelete, alias, nil},
		{"lift a tombstone as the puppet patient", puppet, http.MethodDelete, alias + "/tombstone", nil},
	} {
		t.Run(step.name, func(t *testing.T) {
			r := e.do(step.as, step.method, step.path, step.body)
			expect(t, r, http.StatusConflict, ReasonCIDNotOwned)
			sameSnapshot(t, before, snapshot(t, e.root))
		})
	}

	// The victim's patient, author and grantee are unharmed.
	for _, a := range []account{e.patient, e.author, e.reader} {
		r := e.do(a, http.MethodGet, "/v1/records/1/blob", nil)
		expect(t, r, http.StatusOK, "")
		if !bytes.Equal(r.body, e.blob1) {
			t.Fatal("the victim's blob changed")
		}
	}
	r := e.do(e.patient, http.MethodGet, "/v1/records/1/key", nil)
	expect(t, r, http.StatusOK, "")
	if string(r.body) != "wrapped-for-patient" {
		t.Fatalf("the victim patient's key is now %q", r.body)
	}

	// The refusal comes after the access check: an account the chain
	// refuses for the alias learns nothing more.
	expect(t, e.do(e.stranger, http.MethodGet, alias+"/blob", nil), http.StatusForbidden, ReasonNoGrant)
	// A record whose CID no record owns (an inconsistent chain) is refused
	// too, and so is a chain that cannot answer.
	e.chain.mu.Lock()
	delete(e.chain.owners, e.cid3)
	e.chain.mu.Unlock()
	expect(t, e.do(e.patient2, http.MethodGet, "/v1/records/3/blob", nil), http.StatusConflict, ReasonCIDNotOwned)
	e.chain.setDown(true)
	expect(t, e.do(e.patient, http.MethodGet, "/v1/records/1/blob", nil), http.StatusBadGateway, ReasonChainUnavailable)
}

// TestWrappedKeyReplacement: a key wrapped for an account is replaced only by
// that account or the record's patient; the author may add keys but not
// replace the patient's or a grantee's.
func TestWrappedKeyReplacement(t *testing.T) {
	cases := []struct {
		name   string
		as     func(e *env) account
		target func(e *env) string
		status int
		reason string
	}{
		{"author replaces the patient's key", func(e *env) account { return e.author }, func(e *env) string { return e.patient.addr }, http.StatusConflict, ReasonKeyExists},
		{"author replaces a grantee's key", func(e *env) account { return e.author }, func(e *env) string { return e.reader.addr }, http.StatusConflict, ReasonKeyExists},
		{"author adds a key for a grantee", func(e *env) account { return e.author }, func(e *env) string { return e.reader2.addr }, http.StatusNoContent, ""},
		{"author adds then replaces its own key", func(e *env) account { return e.author }, func(e *env) string { return e.author.addr }, http.StatusNoContent, ""},
		{"patient replaces a grantee's key", func(e *env) account { return e.patient }, func(e *env) string { return e.reader.addr }, http.StatusNoContent, ""},
		{"patient replaces its own key", func(e *env) account { return e.patient }, func(e *env) string { return e.patient.addr }, http.StatusNoContent, ""},
		{"grantee replaces its own key", func(e *env) account { return e.reader }, func(e *env) string { return e.reader.addr }, http.StatusForbidden, ReasonNotPatientOrAuthor},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			target := tc.target(e)
			path := "/v1/records/1/keys/" + target
			if tc.as(e).addr == e.author.addr && target == e.author.addr {
				expect(t, e.do(e.author, http.MethodPut, path, []byte("first")), http.StatusNoContent, "")
			}
			before := snapshot(t, e.root)
			r := e.do(tc.as(e), http.MethodPut, path, []byte("new key"))
			expect(t, r, tc.status, tc.reason)
			if tc.status != http.StatusNoContent {
				sameSnapshot(t, before, snapshot(t, e.root))
				return
			}
			if got, err := e.store.GetKey(e.cid1, target); err != nil || string(got) != "new key" {
				t.Fatalf("stored key %q, %v", got, err)
			}
		})
	}
}

// TestLiftTombstone: an erased CID cannot be uploaded again until the
// record's patient lifts the tombstone; no one else may lift it.
func TestLiftTombstone(t *testing.T) {
	e := newEnv(t)
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/1/tombstone", nil), http.StatusConflict, ReasonNotErased)
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/1", nil), http.StatusOK, "")

	// The author (or anyone holding the bytes) cannot bring it back.
	before := snapshot(t, e.root)
	r := e.do(e.author, http.MethodPut, "/v1/blobs", e.blob1)
	expect(t, r, http.StatusGone, ReasonErased)
	if r.errBody().ErasedAt != "2026-03-01T12:00:00Z" {
		t.Fatalf("refused upload: %s", r.body)
	}
	sameSnapshot(t, before, snapshot(t, e.root))
	emptyDir(t, e.spool)

	// Only the patient lifts the tombstone.
	e.chain.setBasis(recHeld, e.reader.addr, recordstypes.AccessBasis_ACCESS_BASIS_GRANT)
	for _, a := range []account{e.author, e.reader, e.stranger, e.patient2, e.revoked, e.expired, e.lapsed} {
		expect(t, e.do(a, http.MethodDelete, "/v1/records/1/tombstone", nil), http.StatusForbidden, ReasonNotPatient)
	}
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/99/tombstone", nil), http.StatusNotFound, ReasonUnknownRecord)
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/x/tombstone", nil), http.StatusBadRequest, ReasonInvalidRecordID)
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/1/tombstone", nil, noAuth()), http.StatusUnauthorized, "")
	sameSnapshot(t, before, snapshot(t, e.root))

	r = e.do(e.patient, http.MethodDelete, "/v1/records/1/tombstone", nil)
	expect(t, r, http.StatusOK, "")
	if want := fmt.Sprintf(`{"lifted":true,"cid":%q}`, e.cid1); string(bytes.TrimSpace(r.body)) != want {
		t.Fatalf("lift response %s", r.body)
	}
	// Still nothing to read until the blob is uploaded again; the keys are
	// gone for good.
	expect(t, e.do(e.reader, http.MethodGet, "/v1/records/1/blob", nil), http.StatusNotFound, ReasonBlobMissing)
	expect(t, e.do(e.author, http.MethodPut, "/v1/blobs", e.blob1), http.StatusCreated, "")
	expect(t, e.do(e.reader, http.MethodGet, "/v1/records/1/blob", nil), http.StatusOK, "")
	expect(t, e.do(e.reader, http.MethodGet, "/v1/records/1/key", nil), http.StatusNotFound, ReasonNoKey)
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/1/tombstone", nil), http.StatusConflict, ReasonNotErased)
}
