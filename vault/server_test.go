package vault

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	recordstypes "github.com/healthchain/healthd/x/records/types"
)

func TestSignBytes(t *testing.T) {
	got := string(SignBytes("healthd-1", "PUT", "/v1/blobs", "abc", []byte("abc")))
	want := "healthd-vault/v1\nhealthd-1\nPUT\n/v1/blobs\nabc\n" +
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	empty := string(SignBytes("c", "GET", "/v1/records/1/blob", "n", nil))
	if !strings.HasSuffix(empty, "\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") {
		t.Fatalf("empty body hash: %q", empty)
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	r := e.do(account{}, http.MethodGet, "/healthz", nil, noAuth())
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}
}

func TestChallenge(t *testing.T) {
	e := newEnv(t)
	r := e.do(account{}, http.MethodGet, "/v1/challenge", nil, noAuth())
	if r.status != http.StatusOK {
		t.Fatalf("challenge: %d %s", r.status, r.body)
	}
	var ch map[string]string
	if err := json.Unmarshal(r.body, &ch); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(ch["nonce"])
	if err != nil || len(raw) != nonceBytes {
		t.Fatalf("nonce %q: %v, %d bytes", ch["nonce"], err, len(raw))
	}
	exp, err := time.Parse(time.RFC3339, ch["expires_at"])
	if err != nil || !exp.Equal(e.clock.Now().Add(NonceTTL)) {
		t.Fatalf("expires_at %q: %v", ch["expires_at"], err)
	}
	if e.challenge() == ch["nonce"] {
		t.Fatal("nonces repeat")
	}
}

func TestAuthRefusals(t *testing.T) {
	e := newEnv(t)
	path := fmt.Sprintf("/v1/records/%d/blob", recHeld)
	cosmosAddr, err := bech32.ConvertAndEncode("cosmos", e.reader.priv.PubKey().Address())
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 32)
	_, _ = rand.Read(random)
	set := func(k, v string) reqOpt { return withHeader(func(h http.Header) { h.Set(k, v) }) }
	del := func(k string) reqOpt { return withHeader(func(h http.Header) { h.Del(k) }) }

	cases := []struct {
		name   string
		opts   []reqOpt
		reason string
	}{
		{"no headers", []reqOpt{noAuth()}, ReasonMissingAuth},
		{"no account", []reqOpt{del(HeaderAccount)}, ReasonMissingAuth},
		{"no pubkey", []reqOpt{del(HeaderPubKey)}, ReasonMissingAuth},
		{"no nonce", []reqOpt{del(HeaderNonce)}, ReasonMissingAuth},
		{"no signature", []reqOpt{del(HeaderSignature)}, ReasonMissingAuth},
		{"account not bech32", []reqOpt{set(HeaderAccount, "not-an-account")}, ReasonBadAccount},
		{"account with another prefix", []reqOpt{set(HeaderAccount, cosmosAddr)}, ReasonBadAccount},
		{"account in upper case", []reqOpt{set(HeaderAccount, strings.ToUpper(e.reader.addr))}, ReasonBadAccount},
		{"pubkey not base64", []reqOpt{set(HeaderPubKey, "%%%not base64")}, ReasonBadPubKey},
		{"pubkey of 32 bytes", []reqOpt{set(HeaderPubKey, base64.StdEncoding.EncodeToString(random))}, ReasonBadPubKey},
		{"pubkey of another account", []reqOpt{set(HeaderPubKey, e.stranger.pubB64())}, ReasonAccountMismatch},
		{"signature not base64", []reqOpt{set(HeaderSignature, "!!!")}, ReasonBadSignature},
		{"signature of 32 bytes", []reqOpt{set(HeaderSignature, base64.StdEncoding.EncodeToString(random))}, ReasonBadSignature},
		{"signed by another key", []reqOpt{func(s *reqSpec) { s.signKey = e.stranger.priv }}, ReasonBadSignature},
		{"signed over another path", []reqOpt{func(s *reqSpec) { s.signPath = "/v1/records/3/blob" }}, ReasonBadSignature},
		{"signed over another method", []reqOpt{func(s *reqSpec) { s.signMethod = http.MethodDelete }}, ReasonBadSignature},
		{"signed for another chain", []reqOpt{func(s *reqSpec) { s.signChainID = "other-chain-1" }}, ReasonBadSignature},
		{"signed over another body", []reqOpt{func(s *reqSpec) { s.signBody = []byte("x") }}, ReasonBadSignature},
		{"nonce never issued", []reqOpt{withNonce(base64.RawURLEncoding.EncodeToString(random))}, ReasonUnknownNonce},
		{"nonce absurdly long", []reqOpt{withNonce(strings.Repeat("A", 300))}, ReasonUnknownNonce},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls := e.chain.callCount()
			r := e.do(e.reader, http.MethodGet, path, nil, tc.opts...)
			expect(t, r, http.StatusUnauthorized, tc.reason)
			if e.chain.callCount() != calls {
				t.Fatal("the chain was asked about an unauthenticated request")
			}
		})
	}
	// The same request, untampered, works.
	expect(t, e.do(e.reader, http.MethodGet, path, nil), http.StatusOK, "")
}

func TestNonces(t *testing.T) {
	path := fmt.Sprintf("/v1/records/%d/key", recHeld)
	t.Run("single use", func(t *testing.T) {
		e := newEnv(t)
		n := e.challenge()
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusOK, "")
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusUnauthorized, ReasonUnknownNonce)
	})
	t.Run("refused by the chain still uses the nonce", func(t *testing.T) {
		e := newEnv(t)
		n := e.challenge()
		expect(t, e.do(e.stranger, http.MethodGet, path, nil, withNonce(n)), http.StatusForbidden, ReasonNoGrant)
		expect(t, e.do(e.stranger, http.MethodGet, path, nil, withNonce(n)), http.StatusUnauthorized, ReasonUnknownNonce)
	})
	t.Run("a forged request does not burn the nonce", func(t *testing.T) {
		e := newEnv(t)
		n := e.challenge()
		forged := e.do(e.reader, http.MethodGet, path, nil, withNonce(n), func(s *reqSpec) { s.signKey = e.stranger.priv })
		expect(t, forged, http.StatusUnauthorized, ReasonBadSignature)
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusOK, "")
	})
	t.Run("live until just before expiry", func(t *testing.T) {
		e := newEnv(t)
		n := e.challenge()
		e.clock.Advance(NonceTTL - time.Second)
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusOK, "")
	})
	t.Run("expired", func(t *testing.T) {
		e := newEnv(t)
		n := e.challenge()
		e.clock.Advance(NonceTTL)
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusUnauthorized, ReasonExpiredNonce)
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusUnauthorized, ReasonExpiredNonce)
	})
	t.Run("an upload refused by the chain still uses the nonce", func(t *testing.T) {
		e := newEnv(t)
		n := e.challenge()
		expect(t, e.do(e.reader, http.MethodPut, "/v1/blobs", e.blob2, withNonce(n)), http.StatusForbidden, ReasonNotAuthor)
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusUnauthorized, ReasonUnknownNonce)
	})
	t.Run("a forged upload does not burn the nonce", func(t *testing.T) {
		e := newEnv(t)
		n := e.challenge()
		forged := e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2, withNonce(n), func(s *reqSpec) { s.signKey = e.stranger.priv })
		expect(t, forged, http.StatusUnauthorized, ReasonBadSignature)
		expect(t, e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2, withNonce(n)), http.StatusCreated, "")
	})
	t.Run("an upload outlasting its nonce", func(t *testing.T) {
		e := newEnv(t)
		// The clock moves past the nonce's expiry after the headers were
		// checked, while the body streams in.
		e.chain.onRequireAuthor = func() { e.clock.Advance(5 * time.Minute) }
		expect(t, e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2), http.StatusCreated, "")
	})
	t.Run("expired upload", func(t *testing.T) {
		e := newEnv(t)
		n := e.challenge()
		e.clock.Advance(3 * time.Minute)
		expect(t, e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2, withNonce(n)), http.StatusUnauthorized, ReasonExpiredNonce)
	})
}

func TestPutBlob(t *testing.T) {
	const max = 4096
	big := bytes.Repeat([]byte{7}, max+1)
	exact := bytes.Repeat([]byte{9}, max)
	cases := []struct {
		name   string
		as     func(e *env) account
		body   func(e *env) []byte
		opts   []reqOpt
		down   bool
		status int
		reason string
	}{
		{"author uploads", func(e *env) account { return e.author }, func(e *env) []byte { return e.blob2 }, nil, false, http.StatusCreated, ""},
		{"author re-uploads the same bytes", func(e *env) account { return e.author }, func(e *env) []byte { return e.blob1 }, nil, false, http.StatusCreated, ""},
		{"exactly the size limit", func(e *env) account { return e.author }, func(*env) []byte { return exact }, nil, false, http.StatusCreated, ""},
		{"exactly the size limit, chunked", func(e *env) account { return e.author }, func(*env) []byte { return exact }, []reqOpt{hideLength()}, false, http.StatusLengthRequired, ReasonLengthRequired},
		{"reader is not an author", func(e *env) account { return e.reader }, func(e *env) []byte { return e.blob2 }, nil, false, http.StatusForbidden, ReasonNotAuthor},
		{"patient is not an author", func(e *env) account { return e.patient }, func(e *env) []byte { return e.blob2 }, nil, false, http.StatusForbidden, ReasonNotAuthor},
		{"over the size limit", func(e *env) account { return e.author }, func(*env) []byte { return big }, nil, false, http.StatusRequestEntityTooLarge, ReasonTooLarge},
		{"over the size limit, chunked", func(e *env) account { return e.author }, func(*env) []byte { return big }, []reqOpt{hideLength()}, false, http.StatusLengthRequired, ReasonLengthRequired},
		{"empty", func(e *env) account { return e.author }, func(*env) []byte { return []byte{} }, nil, false, http.StatusBadRequest, ReasonEmptyBody},
		{"signature over another body", func(e *env) account { return e.author }, func(e *env) []byte { return e.blob2 },
			[]reqOpt{func(s *reqSpec) { s.signBody = []byte("something else") }}, false, http.StatusUnauthorized, ReasonBadSignature},
		{"signature over another path", func(e *env) account { return e.author }, func(e *env) []byte { return e.blob2 },
			[]reqOpt{func(s *reqSpec) { s.signPath = "/v1/blobs/" }}, false, http.StatusUnauthorized, ReasonBadSignature},
		{"chain unreachable", func(e *env) account { return e.author }, func(e *env) []byte { return e.blob2 }, nil, true, http.StatusBadGateway, ReasonChainUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.MaxBlobSize = max })
			e.chain.setDown(tc.down)
			body := tc.body(e)
			before := snapshot(t, e.root)
			r := e.do(tc.as(e), http.MethodPut, "/v1/blobs", body, tc.opts...)
			expect(t, r, tc.status, tc.reason)
			emptyDir(t, e.spool)
			if tc.status != http.StatusCreated {
				sameSnapshot(t, before, snapshot(t, e.root))
				return
			}
			var out map[string]any
			if err := json.Unmarshal(r.body, &out); err != nil {
				t.Fatal(err)
			}
			cid := sumBytes(t, body)
			if out["cid"] != cid || out["size"] != float64(len(body)) {
				t.Fatalf("response %s, want cid %s size %d", r.body, cid, len(body))
			}
			got, err := os.ReadFile(filepath.Join(e.root, "blobs", cid))
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("stored blob: %v", err)
			}
		})
	}
}

func TestGetBlob(t *testing.T) {
	cases := []struct {
		name   string
		as     func(e *env) account
		path   string
		down   bool
		status int
		reason string
	}{
		{"reader with a grant", func(e *env) account { return e.reader }, "/v1/records/1/blob", false, http.StatusOK, ""},
		{"patient", func(e *env) account { return e.patient }, "/v1/records/1/blob", false, http.StatusOK, ""},
		{"author", func(e *env) account { return e.author }, "/v1/records/1/blob", false, http.StatusOK, ""},
		{"no grant", func(e *env) account { return e.stranger }, "/v1/records/1/blob", false, http.StatusForbidden, ReasonNoGrant},
		{"grant expired", func(e *env) account { return e.expired }, "/v1/records/1/blob", false, http.StatusForbidden, ReasonGrantExpired},
		{"consent ended", func(e *env) account { return e.revoked }, "/v1/records/1/blob", false, http.StatusForbidden, ReasonConsentEnded},
		{"not a member", func(e *env) account { return e.lapsed }, "/v1/records/1/blob", false, http.StatusForbidden, ReasonNotAMember},
		{"patient of another record", func(e *env) account { return e.patient2 }, "/v1/records/1/blob", false, http.StatusForbidden, ReasonNoGrant},
		{"unknown record", func(e *env) account { return e.reader }, "/v1/records/99/blob", false, http.StatusNotFound, ReasonUnknownRecord},
		{"blob never uploaded", func(e *env) account { return e.reader }, "/v1/records/2/blob", false, http.StatusNotFound, ReasonBlobMissing},
		{"record id not a number", func(e *env) account { return e.reader }, "/v1/records/abc/blob", false, http.StatusBadRequest, ReasonInvalidRecordID},
		{"record id with a leading zero", func(e *env) account { return e.reader }, "/v1/records/01/blob", false, http.StatusBadRequest, ReasonInvalidRecordID},
		{"record id negative", func(e *env) account { return e.reader }, "/v1/records/-1/blob", false, http.StatusBadRequest, ReasonInvalidRecordID},
		{"record id overflows", func(e *env) account { return e.reader }, "/v1/records/18446744073709551616/blob", false, http.StatusBadRequest, ReasonInvalidRecordID},
		{"chain unreachable", func(e *env) account { return e.reader }, "/v1/records/1/blob", true, http.StatusBadGateway, ReasonChainUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.chain.setDown(tc.down)
			r := e.do(tc.as(e), http.MethodGet, tc.path, nil)
			expect(t, r, tc.status, tc.reason)
			switch {
			case tc.status == http.StatusOK:
				if !bytes.Equal(r.body, e.blob1) {
					t.Fatal("wrong blob")
				}
				if r.header.Get(HeaderCID) != e.cid1 || r.header.Get("Content-Type") != "application/octet-stream" {
					t.Fatalf("headers %v", r.header)
				}
			case tc.reason == ReasonGrantExpired:
				if r.errBody().ExpiresAt != "2026-02-01T00:00:00Z" || !strings.Contains(r.errBody().Error, "expired") {
					t.Fatalf("expiry not explained: %s", r.body)
				}
			}
		})
	}
}

func TestGetKey(t *testing.T) {
	cases := []struct {
		name   string
		as     func(e *env) account
		path   string
		status int
		reason string
		want   string
	}{
		{"reader gets its key", func(e *env) account { return e.reader }, "/v1/records/1/key", http.StatusOK, "", "wrapped-for-reader"},
		{"patient gets its key", func(e *env) account { return e.patient }, "/v1/records/1/key", http.StatusOK, "", "wrapped-for-patient"},
		{"another reader's key is not served", func(e *env) account { return e.reader2 }, "/v1/records/1/key", http.StatusNotFound, ReasonNoKey, ""},
		{"author without a key", func(e *env) account { return e.author }, "/v1/records/1/key", http.StatusNotFound, ReasonNoKey, ""},
		{"no grant", func(e *env) account { return e.stranger }, "/v1/records/1/key", http.StatusForbidden, ReasonNoGrant, ""},
		{"grant expired", func(e *env) account { return e.expired }, "/v1/records/1/key", http.StatusForbidden, ReasonGrantExpired, ""},
		{"consent ended", func(e *env) account { return e.revoked }, "/v1/records/1/key", http.StatusForbidden, ReasonConsentEnded, ""},
		{"not a member", func(e *env) account { return e.lapsed }, "/v1/records/1/key", http.StatusForbidden, ReasonNotAMember, ""},
		{"unknown record", func(e *env) account { return e.reader }, "/v1/records/99/key", http.StatusNotFound, ReasonUnknownRecord, ""},
		{"bad record id", func(e *env) account { return e.reader }, "/v1/records/1x/key", http.StatusBadRequest, ReasonInvalidRecordID, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.do(tc.as(e), http.MethodGet, tc.path, nil)
			expect(t, r, tc.status, tc.reason)
			if tc.status == http.StatusOK && (string(r.body) != tc.want || r.header.Get(HeaderCID) != e.cid1) {
				t.Fatalf("got key %q cid %q", r.body, r.header.Get(HeaderCID))
			}
			if tc.reason == ReasonNoKey && r.errBody().Error != "no record key is wrapped for this account: ask the patient to share it" {
				t.Fatalf("message %q", r.errBody().Error)
			}
		})
	}
}

func TestPutKey(t *testing.T) {
	cases := []struct {
		name   string
		as     func(e *env) account
		id     uint64
		target func(e *env) string
		body   []byte
		down   bool
		status int
		reason string
	}{
		{"patient shares with a reader", func(e *env) account { return e.patient }, recHeld, func(e *env) string { return e.reader2.addr }, []byte("age-for-reader2"), false, http.StatusNoContent, ""},
		{"author shares with a reader", func(e *env) account { return e.author }, recHeld, func(e *env) string { return e.reader2.addr }, []byte("age-for-reader2"), false, http.StatusNoContent, ""},
		{"patient replaces its own key", func(e *env) account { return e.patient }, recHeld, func(e *env) string { return e.patient.addr }, []byte("rewrapped"), false, http.StatusNoContent, ""},
		{"largest key", func(e *env) account { return e.patient }, recHeld, func(e *env) string { return e.reader2.addr }, bytes.Repeat([]byte{1}, MaxKeySize), false, http.StatusNoContent, ""},
		{"reader under a grant", func(e *env) account { return e.reader }, recHeld, func(e *env) string { return e.reader2.addr }, []byte("k"), false, http.StatusForbidden, ReasonNotPatientOrAuthor},
		{"no grant", func(e *env) account { return e.stranger }, recHeld, func(e *env) string { return e.stranger.addr }, []byte("k"), false, http.StatusForbidden, ReasonNoGrant},
		{"consent ended", func(e *env) account { return e.revoked }, recHeld, func(e *env) string { return e.revoked.addr }, []byte("k"), false, http.StatusForbidden, ReasonConsentEnded},
		{"patient of another record", func(e *env) account { return e.patient2 }, recHeld, func(e *env) string { return e.reader2.addr }, []byte("k"), false, http.StatusForbidden, ReasonNoGrant},
		{"unknown record", func(e *env) account { return e.patient }, recUnknown, func(e *env) string { return e.reader2.addr }, []byte("k"), false, http.StatusNotFound, ReasonUnknownRecord},
		{"blob not uploaded", func(e *env) account { return e.patient }, recMissing, func(e *env) string { return e.reader2.addr }, []byte("k"), false, http.StatusConflict, ReasonBlobMissing},
		{"invalid account in path", func(e *env) account { return e.patient }, recHeld, func(*env) string { return "not-an-account" }, []byte("k"), false, http.StatusBadRequest, ReasonInvalidAccount},
		{"traversal in path", func(e *env) account { return e.patient }, recHeld, func(*env) string { return "..%2F..%2Fblobs%2Fx" }, []byte("k"), false, http.StatusBadRequest, ReasonInvalidAccount},
		{"account with another prefix", func(e *env) account { return e.patient }, recHeld, func(e *env) string {
			a, _ := bech32.ConvertAndEncode("cosmos", e.reader2.priv.PubKey().Address())
			return a
		}, []byte("k"), false, http.StatusBadRequest, ReasonInvalidAccount},
		{"key too large", func(e *env) account { return e.patient }, recHeld, func(e *env) string { return e.reader2.addr }, bytes.Repeat([]byte{1}, MaxKeySize+1), false, http.StatusRequestEntityTooLarge, ReasonTooLarge},
		{"empty key", func(e *env) account { return e.patient }, recHeld, func(e *env) string { return e.reader2.addr }, []byte{}, false, http.StatusBadRequest, ReasonEmptyBody},
		{"chain unreachable", func(e *env) account { return e.patient }, recHeld, func(e *env) string { return e.reader2.addr }, []byte("k"), true, http.StatusBadGateway, ReasonChainUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.chain.setDown(tc.down)
			target := tc.target(e)
			before := snapshot(t, e.root)
			r := e.do(tc.as(e), http.MethodPut, fmt.Sprintf("/v1/records/%d/keys/%s", tc.id, target), tc.body)
			expect(t, r, tc.status, tc.reason)
			if tc.status != http.StatusNoContent {
				sameSnapshot(t, before, snapshot(t, e.root))
				return
			}
			got, err := os.ReadFile(filepath.Join(e.root, "keys", e.cid1, target))
			if err != nil || !bytes.Equal(got, tc.body) {
				t.Fatalf("stored key: %v", err)
			}
			// The target account can now fetch it (if it may read the record).
			if target == e.reader2.addr {
				r := e.do(e.reader2, http.MethodGet, "/v1/records/1/key", nil)
				expect(t, r, http.StatusOK, "")
				if !bytes.Equal(r.body, tc.body) {
					t.Fatal("reader2 got another key")
				}
			}
		})
	}
}

func TestErase(t *testing.T) {
	e := newEnv(t)
	for _, a := range []account{e.author, e.reader, e.stranger, e.patient2, e.revoked} {
		expect(t, e.do(a, http.MethodDelete, "/v1/records/1", nil), http.StatusForbidden, ReasonNotPatient)
	}
	if ok, _ := e.store.HasBlob(e.cid1); !ok {
		t.Fatal("refused erasure removed the blob")
	}

	r := e.do(e.patient, http.MethodDelete, "/v1/records/1", nil)
	expect(t, r, http.StatusOK, "")
	var out struct {
		Erased   bool   `json:"erased"`
		CID      string `json:"cid"`
		ErasedAt string `json:"erased_at"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || !out.Erased || out.CID != e.cid1 || out.ErasedAt != "2026-03-01T12:00:00Z" {
		t.Fatalf("erase response %s (%v)", r.body, err)
	}

	// Only the tombstone is left of cid1, and it holds only the time.
	snap := snapshot(t, e.root)
	for p := range snap {
		if strings.Contains(p, e.cid1) && p != filepath.Join("erased", e.cid1) {
			t.Errorf("%s survived the erasure", p)
		}
	}
	tomb, err := os.ReadFile(filepath.Join(e.root, "erased", e.cid1))
	if err != nil {
		t.Fatal(err)
	}
	if at, err := time.Parse(time.RFC3339Nano, string(tomb)); err != nil || !at.Equal(e.clock.Now()) {
		t.Fatalf("tombstone %q", tomb)
	}
	if _, err := os.Stat(filepath.Join(e.root, "blobs", e.cid3)); err != nil {
		t.Fatal("another record's blob went too")
	}

	// Idempotent: a second erasure answers 200 with the first time.
	e.clock.Advance(time.Hour)
	r = e.do(e.patient, http.MethodDelete, "/v1/records/1", nil)
	expect(t, r, http.StatusOK, "")
	if !strings.Contains(string(r.body), `"erased_at":"2026-03-01T12:00:00Z"`) {
		t.Fatalf("second erasure %s", r.body)
	}

	// Everything about the record now answers 410, with the time...
	for _, tc := range []struct {
		as     account
		method string
		path   string
		body   []byte
	}{
		{e.reader, http.MethodGet, "/v1/records/1/blob", nil},
		{e.patient, http.MethodGet, "/v1/records/1/blob", nil},
		{e.reader, http.MethodGet, "/v1/records/1/key", nil},
		{e.patient, http.MethodPut, "/v1/records/1/keys/" + e.reader.addr, []byte("k")},
	} {
		r := e.do(tc.as, tc.method, tc.path, tc.body)
		expect(t, r, http.StatusGone, ReasonErased)
		if r.errBody().ErasedAt != "2026-03-01T12:00:00Z" {
			t.Fatalf("%s %s: %s", tc.method, tc.path, r.body)
		}
	}
	// ...except to those the chain refuses anyway.
	expect(t, e.do(e.stranger, http.MethodGet, "/v1/records/1/blob", nil), http.StatusForbidden, ReasonNoGrant)

	// A record whose blob was never uploaded can be erased too.
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/2", nil), http.StatusOK, "")
	expect(t, e.do(e.reader, http.MethodGet, "/v1/records/2/blob", nil), http.StatusGone, ReasonErased)
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/99", nil), http.StatusNotFound, ReasonUnknownRecord)

	// A new upload of the same bytes is refused until the patient lifts the
	// tombstone (TestLiftTombstone); the keys are gone for good.
	expect(t, e.do(e.author, http.MethodPut, "/v1/blobs", e.blob1), http.StatusGone, ReasonErased)
	if _, erased := e.store.Tombstone(e.cid1); !erased {
		t.Fatal("an upload lifted the tombstone")
	}
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/1/tombstone", nil), http.StatusOK, "")
	expect(t, e.do(e.author, http.MethodPut, "/v1/blobs", e.blob1), http.StatusCreated, "")
	expect(t, e.do(e.reader, http.MethodGet, "/v1/records/1/blob", nil), http.StatusOK, "")
	expect(t, e.do(e.reader, http.MethodGet, "/v1/records/1/key", nil), http.StatusNotFound, ReasonNoKey)
}

// TestRefusedRequestsChangeNothing replays refusals of every endpoint that
// writes and checks the store is byte-for-byte unchanged.
func TestRefusedRequestsChangeNothing(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBlobSize = 1024 })
	before := snapshot(t, e.root)
	stale := e.challenge()
	e.clock.Advance(NonceTTL)
	used := e.challenge()
	expect(t, e.do(e.patient, http.MethodGet, "/v1/records/1/key", nil, withNonce(used)), http.StatusOK, "")
	otherBody := func(s *reqSpec) { s.signBody = []byte("other") }
	otherPath := func(s *reqSpec) { s.signPath = "/v1/records/3" }
	putKey := "/v1/records/1/keys/" + e.reader2.addr

	refusals := []struct {
		as     account
		method string
		path   string
		body   []byte
		opts   []reqOpt
	}{
		{e.reader, http.MethodPut, "/v1/blobs", e.blob2, nil},
		{e.author, http.MethodPut, "/v1/blobs", e.blob2, []reqOpt{otherBody}},
		{e.author, http.MethodPut, "/v1/blobs", e.blob2, []reqOpt{withNonce(stale)}},
		{e.author, http.MethodPut, "/v1/blobs", bytes.Repeat([]byte{1}, 2048), nil},
		{e.author, http.MethodPut, "/v1/blobs", bytes.Repeat([]byte{1}, 2048), []reqOpt{hideLength()}},
		{e.author, http.MethodPut, "/v1/blobs", []byte{}, nil},
		{e.reader, http.MethodPut, putKey, []byte("k"), nil},
		{e.stranger, http.MethodPut, putKey, []byte("k"), nil},
		{e.patient, http.MethodPut, putKey, []byte("k"), []reqOpt{otherBody}},
		{e.patient, http.MethodPut, putKey, []byte("k"), []reqOpt{withNonce(used)}},
		{e.patient, http.MethodPut, "/v1/records/2/keys/" + e.reader2.addr, []byte("k"), nil},
		{e.patient, http.MethodPut, "/v1/records/1/keys/..", []byte("k"), nil},
		{e.patient, http.MethodPut, putKey, bytes.Repeat([]byte{1}, MaxKeySize+1), nil},
		{e.author, http.MethodDelete, "/v1/records/1", nil, nil},
		{e.reader, http.MethodDelete, "/v1/records/1", nil, nil},
		{e.patient, http.MethodDelete, "/v1/records/1", nil, []reqOpt{otherPath}},
		{e.patient, http.MethodDelete, "/v1/records/1", nil, []reqOpt{otherBody}},
		{e.patient, http.MethodDelete, "/v1/records/1", nil, []reqOpt{withNonce(used)}},
		{e.patient, http.MethodDelete, "/v1/records/1", nil, []reqOpt{noAuth()}},
	}
	for i, rf := range refusals {
		r := e.do(rf.as, rf.method, rf.path, rf.body, rf.opts...)
		if r.status < 400 {
			t.Fatalf("refusal %d (%s %s) answered %d", i, rf.method, rf.path, r.status)
		}
	}
	e.chain.setDown(true)
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/1", nil), http.StatusBadGateway, ReasonChainUnavailable)
	expect(t, e.do(e.patient, http.MethodPut, putKey, []byte("k")), http.StatusBadGateway, ReasonChainUnavailable)
	expect(t, e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2), http.StatusBadGateway, ReasonChainUnavailable)

	sameSnapshot(t, before, snapshot(t, e.root))
	emptyDir(t, e.spool)
}

func TestConcurrentUploads(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxUploadsPerAccount = 8 })
	signer, err := PrivKeySigner(e.author.priv)
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{BaseURL: e.srv.URL, ChainID: testChainID, Signer: signer}
	data := bytes.Repeat([]byte("same ciphertext "), 1000)
	var wg sync.WaitGroup
	cids := make([]string, 8)
	errs := make([]error, 8)
	for i := range cids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cids[i], errs[i] = c.PutBlob(context.Background(), data)
		}()
	}
	wg.Wait()
	want := sumBytes(t, data)
	for i := range cids {
		if errs[i] != nil || cids[i] != want {
			t.Fatalf("upload %d: %s, %v", i, cids[i], errs[i])
		}
	}
	entries, _ := os.ReadDir(filepath.Join(e.root, "blobs"))
	if len(entries) != 3 { // blob1, blob3 and this one; no temporary files
		t.Fatalf("%d entries in blobs/", len(entries))
	}
	emptyDir(t, e.spool)
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		method, path string
		status       int
		reason       string
		allow        string
	}{
		{http.MethodGet, "/nope", http.StatusNotFound, ReasonNotFound, ""},
		{http.MethodGet, "/v1/blobs/x", http.StatusNotFound, ReasonNotFound, ""},
		{http.MethodPost, "/v1/blobs", http.StatusMethodNotAllowed, ReasonMethodNotAllowed, "PUT"},
		{http.MethodGet, "/v1/blobs", http.StatusMethodNotAllowed, ReasonMethodNotAllowed, "PUT"},
		{http.MethodDelete, "/v1/challenge", http.StatusMethodNotAllowed, ReasonMethodNotAllowed, "GET, HEAD"},
		{http.MethodPost, "/v1/records/1/blob", http.StatusMethodNotAllowed, ReasonMethodNotAllowed, "GET, HEAD"},
		{http.MethodGet, "/v1/records/1", http.StatusMethodNotAllowed, ReasonMethodNotAllowed, "DELETE"},
	}
	for _, tc := range cases {
		r := e.do(account{}, tc.method, tc.path, nil, noAuth())
		expect(t, r, tc.status, tc.reason)
		if r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: Allow %q", tc.method, tc.path, r.header.Get("Allow"))
		}
	}
}

func TestRequestLog(t *testing.T) {
	e := newEnv(t)
	secret := "SECRET-WRAPPED-KEY-0123456789"
	n := e.challenge()
	expect(t, e.do(e.patient, http.MethodPut, "/v1/records/1/keys/"+e.reader2.addr, []byte(secret), withNonce(n)), http.StatusNoContent, "")
	expect(t, e.do(e.stranger, http.MethodGet, "/v1/records/1/blob", nil), http.StatusForbidden, ReasonNoGrant)
	expect(t, e.do(e.reader, http.MethodGet, "/v1/records/1/blob", nil), http.StatusOK, "")

	// The log line is written after the response; wait for the last one.
	var logs string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if logs = e.logs.String(); strings.Count(logs, "\n") >= 6 {
			break
		}
	}
	for _, leak := range []string{secret, e.reader2.addr, n, string(e.blob1[:20]), "wrapped-for-reader"} {
		if strings.Contains(logs, leak) {
			t.Errorf("log contains %q", leak)
		}
	}
	type line struct {
		Message  string `json:"message"`
		Method   string `json:"method"`
		Route    string `json:"route"`
		Status   int    `json:"status"`
		Record   string `json:"record"`
		Account  string `json:"account"`
		Duration string `json:"duration"`
	}
	var lines []line
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var ln line
		if err := json.Unmarshal([]byte(l), &ln); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, ln)
	}
	// 3 challenges and 3 requests.
	if len(lines) != 6 {
		t.Fatalf("%d log lines:\n%s", len(lines), logs)
	}
	want := []line{
		{Method: "GET", Route: "GET /v1/challenge", Status: 200},
		{Method: "PUT", Route: "PUT /v1/records/{id}/keys/{account}", Status: 204, Record: "1", Account: e.patient.addr},
		{Method: "GET", Route: "GET /v1/challenge", Status: 200},
		{Method: "GET", Route: "GET /v1/records/{id}/blob", Status: 403, Record: "1", Account: e.stranger.addr},
		{Method: "GET", Route: "GET /v1/challenge", Status: 200},
		{Method: "GET", Route: "GET /v1/records/{id}/blob", Status: 200, Record: "1", Account: e.reader.addr},
	}
	for i, w := range want {
		got := lines[i]
		if got.Message != "vault request" || got.Duration == "" {
			t.Errorf("line %d: %+v", i, got)
		}
		got.Message, got.Duration = "", ""
		if got != w {
			t.Errorf("line %d: got %+v, want %+v", i, got, w)
		}
	}
}

func TestRefusalMessages(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		basis recordstypes.AccessBasis
		want  string
	}{
		{recordstypes.AccessBasis_ACCESS_BASIS_NO_GRANT, "no access grant"},
		{recordstypes.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED, "expired at 2026-02-01T00:00:00Z"},
		{recordstypes.AccessBasis_ACCESS_BASIS_CONSENT_ENDED, "revoked or has ended"},
		{recordstypes.AccessBasis_ACCESS_BASIS_NOT_A_MEMBER, "no longer an active consortium member"},
		{recordstypes.AccessBasis_ACCESS_BASIS_UNSPECIFIED, "refuses"},
	} {
		e.chain.setBasis(recHeld, e.stranger.addr, tc.basis)
		r := e.do(e.stranger, http.MethodGet, "/v1/records/1/blob", nil)
		if r.status != http.StatusForbidden || !strings.Contains(r.errBody().Error, tc.want) {
			t.Errorf("%s: %d %s", tc.basis, r.status, r.body)
		}
	}
	if got := BasisName(recordstypes.AccessBasis_ACCESS_BASIS_CONSENT_ENDED); got != "CONSENT_ENDED" {
		t.Fatal(got)
	}
}

// TestEraseAfterChainErasure: once the chain has erased a record (the patient
// sent MsgEraseRecord), its access check names no CID and answers ERASED:
// the vault answers 410 ERASED to everyone, the patient's erasure included,
// and acts on no blob. `healthd records erase` erases the vault's copy first
// (TestEraseOrder in x/records/client/recordsclient).
func TestEraseAfterChainErasure(t *testing.T) {
	e := newEnv(t)
	expect(t, e.do(e.patient, http.MethodDelete, "/v1/records/1", nil), http.StatusOK, "")
	e.chain.eraseOnChain(1)
	for _, tc := range []struct {
		as     account
		method string
		path   string
	}{
		{e.patient, http.MethodDelete, "/v1/records/1"},
		{e.patient, http.MethodDelete, "/v1/records/1/tombstone"},
		{e.patient, http.MethodGet, "/v1/records/1/blob"},
		{e.reader, http.MethodGet, "/v1/records/1/blob"},
		{e.author, http.MethodGet, "/v1/records/1/key"},
		{e.stranger, http.MethodGet, "/v1/records/1/blob"},
	} {
		expect(t, e.do(tc.as, tc.method, tc.path, nil), http.StatusGone, ReasonErased)
	}
	if ok, _ := e.store.HasBlob(e.cid3); !ok {
		t.Fatal("another record's blob went")
	}
}
