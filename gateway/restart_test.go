package gateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"cosmossdk.io/log/v2"

	"github.com/healthchain/healthd/vault"
)

// TestLoginReplayAfterRestart: with a secret that outlives the process
// (--secret-file), an answered login challenge is refused by the restarted
// gateway, because the used challenges are on disk (vault.State); an
// unanswered one still works once.
func TestLoginReplayAfterRestart(t *testing.T) {
	f := newFixture(t)
	secret := bytes.Repeat([]byte{7}, 32)
	dir := filepath.Join(t.TempDir(), "state")
	start := func() (*httptest.Server, *vault.State) {
		st, err := vault.OpenState(dir)
		if err != nil {
			t.Fatal(err)
		}
		al, err := OpenAuditLog(filepath.Join(filepath.Dir(dir), "audit.log"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { al.Close() })
		srv, err := NewServer(Config{ChainID: testChainID, Secret: secret, State: st, Now: func() time.Time { return f.now }}, f.w.chain(), al, log.NewNopLogger())
		if err != nil {
			t.Fatal(err)
		}
		return httptest.NewServer(srv), st
	}
	signed := func(ts *httptest.Server) []byte {
		var ch struct{ Nonce string }
		resp, err := ts.Client().Post(ts.URL+"/auth/challenge", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = json.NewDecoder(resp.Body).Decode(&ch)
		resp.Body.Close()
		k := f.keys["patient"]
		sig, err := k.Sign(SessionSignBytes(testChainID, k.Address(), ch.Nonce))
		if err != nil {
			t.Fatal(err)
		}
		bz, _ := json.Marshal(SessionRequest{Account: k.Address(), PubKey: base64.StdEncoding.EncodeToString(k.PubKey().Bytes()),
			Nonce: ch.Nonce, Signature: base64.StdEncoding.EncodeToString(sig)})
		return bz
	}
	session := func(ts *httptest.Server, body []byte) int {
		resp, err := ts.Client().Post(ts.URL+"/auth/session", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ts, st := start()
	used, unused := signed(ts), signed(ts)
	if got := session(ts, used); got != http.StatusOK {
		t.Fatalf("first login: %d", got)
	}
	ts.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	ts, st = start()
	defer func() { ts.Close(); st.Close() }()
	if got := session(ts, used); got != http.StatusUnauthorized {
		t.Fatalf("a login answered before the restart was accepted again: %d", got)
	}
	if got := session(ts, unused); got != http.StatusOK {
		t.Fatalf("a challenge issued before the restart and never answered: %d", got)
	}
	if got := session(ts, unused); got != http.StatusUnauthorized {
		t.Fatalf("replayed after use: %d", got)
	}
}
