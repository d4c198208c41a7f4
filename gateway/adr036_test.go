package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/healthchain/healthd/vault"
)

// adr036Doc writes an ADR-036 sign document by hand, key by key in sorted
// order, with the fields a test may get wrong: it is the independent
// construction ADR036SignBytes is checked against.
func adr036Doc(chainID, signer string, data []byte) []byte {
	return fmt.Appendf(nil, `{"account_number":"0","chain_id":%q,"fee":{"amount":[],"gas":"0"},"memo":"",`+
		`"msgs":[{"type":"sign/MsgSignData","value":{"data":%q,"signer":%q}}],"sequence":"0"}`,
		chainID, base64.StdEncoding.EncodeToString(data), signer)
}

func TestADR036SignBytes(t *testing.T) {
	// A fixed vector: what Keplr's signArbitrary signs for signer
	// health1qyqszqgpqyqszqgpqyqszqgpqyqszqgp3t9gsm and the bytes "hi <&>".
	const signer = "health1qyqszqgpqyqszqgpqyqszqgpqyqszqgp3t9gsm"
	want := `{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",` +
		`"msgs":[{"type":"sign/MsgSignData","value":{"data":"aGkgPCY+","signer":"` + signer + `"}}],"sequence":"0"}`
	if got := string(ADR036SignBytes(signer, []byte("hi <&>"))); got != want {
		t.Fatalf("sign bytes\ngot  %s\nwant %s", got, want)
	}
	for _, data := range [][]byte{nil, []byte("x"), SessionSignBytes(testChainID, signer, "nonce")} {
		if got, want := ADR036SignBytes(signer, data), adr036Doc("", signer, data); !bytes.Equal(got, want) {
			t.Errorf("data %q:\ngot  %s\nwant %s", data, got, want)
		}
	}
}

// TestLoginADR036: a browser wallet's signArbitrary signature of the
// session line opens a session; every other document, signer, challenge or
// key is refused, and a challenge serves once.
func TestLoginADR036(t *testing.T) {
	f := newFixture(t)
	patient := f.keys["patient"]
	challenge := func() string {
		var ch struct{ Nonce string }
		if err := postJSON(context.Background(), f.ts.Client(), f.ts.URL+"/auth/challenge", nil, &ch); err != nil {
			t.Fatal(err)
		}
		return ch.Nonce
	}
	session := func(req SessionRequest) (int, string, Session) {
		bz, _ := json.Marshal(req)
		resp, err := f.ts.Client().Post(f.ts.URL+"/auth/session", "application/json", bytes.NewReader(bz))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var s Session
		_ = json.Unmarshal(body, &s)
		return resp.StatusCode, answer{body: body}.reason(), s
	}
	// wallet signs doc as a wallet does (SHA-256, secp256k1) and sends it
	// in adr036 mode.
	wallet := func(s vault.Signer, doc []byte, nonce string) SessionRequest {
		sig, err := s.Sign(doc)
		if err != nil {
			t.Fatal(err)
		}
		return SessionRequest{Account: s.Address(), PubKey: base64.StdEncoding.EncodeToString(s.PubKey().Bytes()),
			Nonce: nonce, Signature: base64.StdEncoding.EncodeToString(sig), SignMode: SignModeADR036}
	}
	line := func(account, nonce string) []byte { return SessionSignBytes(testChainID, account, nonce) }

	n := challenge()
	good := wallet(patient, adr036Doc("", patient.Address(), line(patient.Address(), n)), n)
	st, r, s := session(good)
	if st != http.StatusOK || s.Account != patient.Address() || s.Token == "" {
		t.Fatalf("good ADR-036 login: %d %s %+v", st, r, s)
	}
	if a := f.get(s.Token, "/v1/whoami"); a.status != http.StatusOK {
		t.Fatalf("the ADR-036 session does not work: %d %s", a.status, a.body)
	}
	if st, r, _ := session(good); st != http.StatusUnauthorized || r != vault.ReasonUnknownNonce {
		t.Errorf("replayed ADR-036 login: %d %s, want 401 UNKNOWN_NONCE", st, r)
	}

	stranger := f.keys["stranger"]
	for _, tc := range []struct {
		name   string
		req    func(nonce string) SessionRequest
		reason string
	}{
		{"document names another signer", func(n string) SessionRequest {
			return wallet(patient, adr036Doc("", stranger.Address(), line(patient.Address(), n)), n)
		}, vault.ReasonBadSignature},
		{"document with a chain id", func(n string) SessionRequest {
			return wallet(patient, adr036Doc(testChainID, patient.Address(), line(patient.Address(), n)), n)
		}, vault.ReasonBadSignature},
		{"session line of another chain", func(n string) SessionRequest {
			return wallet(patient, adr036Doc("", patient.Address(), SessionSignBytes("other-chain", patient.Address(), n)), n)
		}, vault.ReasonBadSignature},
		{"another challenge signed", func(n string) SessionRequest {
			other := challenge()
			return wallet(patient, adr036Doc("", patient.Address(), line(patient.Address(), other)), n)
		}, vault.ReasonBadSignature},
		{"the bare challenge signed, not the session line", func(n string) SessionRequest {
			return wallet(patient, adr036Doc("", patient.Address(), []byte(n)), n)
		}, vault.ReasonBadSignature},
		{"direct signature sent as adr036", func(n string) SessionRequest {
			r := wallet(patient, line(patient.Address(), n), n)
			return r
		}, vault.ReasonBadSignature},
		{"adr036 signature sent as direct", func(n string) SessionRequest {
			r := wallet(patient, adr036Doc("", patient.Address(), line(patient.Address(), n)), n)
			r.SignMode = SignModeDirect
			return r
		}, vault.ReasonBadSignature},
		{"pubkey of another account", func(n string) SessionRequest {
			r := wallet(stranger, adr036Doc("", patient.Address(), line(patient.Address(), n)), n)
			r.Account = patient.Address()
			return r
		}, vault.ReasonAccountMismatch},
		{"another key's signature under the patient's pubkey", func(n string) SessionRequest {
			r := wallet(stranger, adr036Doc("", patient.Address(), line(patient.Address(), n)), n)
			r.Account, r.PubKey = patient.Address(), base64.StdEncoding.EncodeToString(patient.PubKey().Bytes())
			return r
		}, vault.ReasonBadSignature},
		{"unknown sign mode", func(n string) SessionRequest {
			r := wallet(patient, adr036Doc("", patient.Address(), line(patient.Address(), n)), n)
			r.SignMode = "amino"
			return r
		}, ReasonBadRequest},
	} {
		st, r, s := session(tc.req(challenge()))
		if st != http.StatusUnauthorized || r != tc.reason || s.Token != "" {
			t.Errorf("%s: %d %s, want 401 %s", tc.name, st, r, tc.reason)
		}
	}

	// A refused signature does not spend the challenge for its owner, and
	// the owner's good signature then serves once.
	n = challenge()
	if st, r, _ := session(wallet(stranger, adr036Doc("", patient.Address(), line(patient.Address(), n)), n)); st != http.StatusUnauthorized {
		t.Fatalf("stranger: %d %s", st, r)
	}
	owner := wallet(patient, adr036Doc("", patient.Address(), line(patient.Address(), n)), n)
	if st, r, _ := session(owner); st != http.StatusOK {
		t.Fatalf("the owner after a refused signature: %d %s", st, r)
	}
	if st, r, _ := session(owner); st != http.StatusUnauthorized || r != vault.ReasonUnknownNonce {
		t.Errorf("replayed after use: %d %s, want 401 UNKNOWN_NONCE", st, r)
	}
	// An expired challenge.
	n = challenge()
	f.now = f.now.Add(vault.NonceTTL + time.Second)
	if st, r, _ := session(wallet(patient, adr036Doc("", patient.Address(), line(patient.Address(), n)), n)); st != http.StatusUnauthorized || r != vault.ReasonExpiredNonce {
		t.Errorf("expired challenge: %d %s, want 401 EXPIRED_NONCE", st, r)
	}
}

func TestChainInfo(t *testing.T) {
	f := newFixture(t)
	a := f.get("", "/v1/chain-info")
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil || a.status != http.StatusOK {
		t.Fatalf("chain info: %d %s", a.status, a.body)
	}
	if m["chain_id"] != testChainID || m["bech32_prefix"] != vault.AccountPrefix || m["coin_type"] != float64(118) {
		t.Fatalf("chain info: %s", a.body)
	}
}
