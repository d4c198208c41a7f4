package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	"cosmossdk.io/math"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	signingtypes "github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
)

// buildTx returns a TxRaw of msgs with one signer info for the named key
// (the signature is not checked by the gateway: the chain checks it).
func (f *fixture) buildTx(signer string, msgs []sdk.Msg, edit func(*txtypes.TxBody, *txtypes.AuthInfo, *txtypes.TxRaw)) []byte {
	f.t.Helper()
	body := &txtypes.TxBody{}
	for _, m := range msgs {
		a, err := codectypes.NewAnyWithValue(m)
		if err != nil {
			f.t.Fatal(err)
		}
		body.Messages = append(body.Messages, a)
	}
	pk, err := codectypes.NewAnyWithValue(f.keys[signer].PubKey())
	if err != nil {
		f.t.Fatal(err)
	}
	auth := &txtypes.AuthInfo{
		SignerInfos: []*txtypes.SignerInfo{{PublicKey: pk, ModeInfo: &txtypes.ModeInfo{Sum: &txtypes.ModeInfo_Single_{
			Single: &txtypes.ModeInfo_Single{Mode: signingtypes.SignMode_SIGN_MODE_DIRECT}}}, Sequence: 3}},
		Fee: &txtypes.Fee{GasLimit: 200_000},
	}
	raw := &txtypes.TxRaw{Signatures: [][]byte{bytes.Repeat([]byte{1}, 64)}}
	if edit != nil {
		edit(body, auth, raw)
	}
	if raw.BodyBytes, err = body.Marshal(); err != nil {
		f.t.Fatal(err)
	}
	if raw.AuthInfoBytes, err = auth.Marshal(); err != nil {
		f.t.Fatal(err)
	}
	bz, err := raw.Marshal()
	if err != nil {
		f.t.Fatal(err)
	}
	return bz
}

func (f *fixture) post(token, path string, body []byte) answer {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
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

func txBody(tx []byte) []byte {
	bz, _ := json.Marshal(txRequest{TxBytes: base64.StdEncoding.EncodeToString(tx)})
	return bz
}

// TestTxRelay: the gateway relays a transaction only when the session's
// account alone signs healthd messages; every other transaction is refused
// with a reason before the node sees it.
func TestTxRelay(t *testing.T) {
	f := newFixture(t)
	p, lab := f.addr("patient"), f.addr("lab")
	grant := func(signer, patient string) sdk.Msg {
		return &consenttypes.MsgGrantConsent{Signer: signer, Patient: patient, Grantee: lab, Purpose: "TREAT",
			Categories: []string{"Observation"}, End: f.now.Add(24 * time.Hour)}
	}
	good := f.buildTx("patient", []sdk.Msg{grant(p, p)}, nil)
	patient, labTok := f.login("patient"), f.login("lab")

	refusals := []struct {
		name   string
		token  string
		tx     []byte
		status int
		reason string
	}{
		{"no session", "", good, http.StatusUnauthorized, ReasonNoSession},
		{"another account's message", labTok, good, http.StatusForbidden, ReasonNotYourTx},
		{"a guardian's grant sent by a stranger's session", f.login("stranger"), good, http.StatusForbidden, ReasonNotYourTx},
		{"bank send", patient, f.buildTx("patient", []sdk.Msg{&banktypes.MsgSend{FromAddress: p, ToAddress: lab,
			Amount: sdk.NewCoins(sdk.NewCoin("uhealth", math.NewInt(1)))}}, nil), http.StatusForbidden, ReasonMsgNotAllowed},
		{"one of two messages not the caller's", patient, f.buildTx("patient", []sdk.Msg{grant(p, p), grant(lab, p)}, nil), http.StatusForbidden, ReasonNotYourTx},
		{"fee granter", patient, f.buildTx("patient", []sdk.Msg{grant(p, p)}, func(_ *txtypes.TxBody, a *txtypes.AuthInfo, _ *txtypes.TxRaw) {
			a.Fee.Granter = lab
		}), http.StatusForbidden, ReasonNotYourTx},
		{"fee payer", patient, f.buildTx("patient", []sdk.Msg{grant(p, p)}, func(_ *txtypes.TxBody, a *txtypes.AuthInfo, _ *txtypes.TxRaw) {
			a.Fee.Payer = lab
		}), http.StatusForbidden, ReasonNotYourTx},
		{"two signers", patient, f.buildTx("patient", []sdk.Msg{grant(p, p)}, func(_ *txtypes.TxBody, a *txtypes.AuthInfo, r *txtypes.TxRaw) {
			a.SignerInfos = append(a.SignerInfos, a.SignerInfos[0])
			r.Signatures = append(r.Signatures, r.Signatures[0])
		}), http.StatusBadRequest, ReasonBadTx},
		{"no message", patient, f.buildTx("patient", nil, nil), http.StatusBadRequest, ReasonBadTx},
		{"extension option", patient, f.buildTx("patient", []sdk.Msg{grant(p, p)}, func(b *txtypes.TxBody, _ *txtypes.AuthInfo, _ *txtypes.TxRaw) {
			b.ExtensionOptions = b.Messages
		}), http.StatusBadRequest, ReasonBadTx},
		{"long memo", patient, f.buildTx("patient", []sdk.Msg{grant(p, p)}, func(b *txtypes.TxBody, _ *txtypes.AuthInfo, _ *txtypes.TxRaw) {
			b.Memo = strings.Repeat("m", maxMemo+1)
		}), http.StatusBadRequest, ReasonBadTx},
		{"not a tx", patient, []byte("hello, world"), http.StatusBadRequest, ReasonBadTx},
		{"too large", patient, bytes.Repeat([]byte{0x0a}, MaxTxBytes+1), http.StatusBadRequest, ReasonBadTx},
	}
	for _, path := range []string{"/v1/tx", "/v1/tx/simulate"} {
		for _, tc := range refusals {
			t.Run(path+"/"+tc.name, func(t *testing.T) {
				before := len(f.w.broadcast)
				a := f.post(tc.token, path, txBody(tc.tx))
				if a.status != tc.status || a.reason() != tc.reason {
					t.Fatalf("want %d %s, got %d %s", tc.status, tc.reason, a.status, a.body)
				}
				if len(f.w.broadcast) != before {
					t.Fatal("a refused transaction reached the node")
				}
			})
		}
	}
	if a := f.post(patient, "/v1/tx", []byte(`{"tx_bytes": "not base64!"}`)); a.status != http.StatusBadRequest || a.reason() != ReasonBadTx {
		t.Fatalf("bad base64: %d %s", a.status, a.body)
	}

	// The patient's own grant is simulated and relayed, byte for byte.
	a := f.post(patient, "/v1/tx/simulate", txBody(good))
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"gas_used"`) {
		t.Fatalf("simulate: %d %s", a.status, a.body)
	}
	a = f.post(patient, "/v1/tx", txBody(good))
	if a.status != http.StatusOK {
		t.Fatalf("broadcast: %d %s", a.status, a.body)
	}
	var res struct{ TxHash string }
	if err := json.Unmarshal(a.body, &res); err != nil {
		t.Fatal(err)
	}
	if len(f.w.broadcast) != 1 || !bytes.Equal(f.w.broadcast[0], good) {
		t.Fatal("the relayed bytes differ from the signed ones")
	}

	// Status: pending until included; then included, to the signer only.
	status := func(token string) map[string]any {
		t.Helper()
		a := f.get(token, "/v1/tx/"+res.TxHash)
		if a.status != http.StatusOK {
			t.Fatalf("tx status: %d %s", a.status, a.body)
		}
		var m map[string]any
		if err := json.Unmarshal(a.body, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := status(patient); m["included"] != false {
		t.Fatalf("not yet included: %v", m)
	}
	var decoded txtypes.Tx
	var raw txtypes.TxRaw
	if err := raw.Unmarshal(good); err != nil {
		t.Fatal(err)
	}
	decoded.Body, decoded.AuthInfo = &txtypes.TxBody{}, &txtypes.AuthInfo{}
	if err := decoded.Body.Unmarshal(raw.BodyBytes); err != nil {
		t.Fatal(err)
	}
	f.w.included = map[string]*txtypes.GetTxResponse{res.TxHash: {Tx: &decoded,
		TxResponse: &sdk.TxResponse{TxHash: res.TxHash, Height: 42, Code: 7, Codespace: "consent",
			RawLog: "failed to execute message; message index: 0: consent already exists: consent 3"}}}
	m := status(patient)
	if m["included"] != true || m["height"] != "42" || m["error"] != "the chain refused it: consent already exists: consent 3" {
		t.Fatalf("included: %v", m)
	}
	if m := status(labTok); m["included"] != false {
		t.Fatalf("another account learns of the patient's transaction: %v", m)
	}
	if a := f.get(patient, "/v1/tx/zz"); a.status != http.StatusBadRequest {
		t.Fatalf("bad hash: %d", a.status)
	}
}

// TestAccount: the caller's account number and sequence, for signing.
func TestAccount(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	f.w.accounts = map[string]authtypes.BaseAccount{p: {Address: p, AccountNumber: 12, Sequence: 5}}
	a := f.get(f.login("patient"), "/v1/account")
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil || a.status != http.StatusOK {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if m["account"] != p || m["account_number"] != "12" || m["sequence"] != "5" || m["chain_id"] != testChainID {
		t.Fatalf("account: %v", m)
	}
	if a := f.get(f.login("stranger"), "/v1/account"); a.status != http.StatusNotFound || a.reason() != ReasonNoAccount {
		t.Fatalf("no account: %d %s", a.status, a.body)
	}
	if a := f.get("", "/v1/account"); a.status != http.StatusUnauthorized {
		t.Fatalf("no session: %d", a.status)
	}
}

// TestClaimsQueue: a payer sees the pended and appealed claims it is payer
// of, each patient's read is audited, and nobody else gets a queue.
func TestClaimsQueue(t *testing.T) {
	f := newFixture(t)
	appealed := f.w.claims[1]
	appealed.ID, appealed.Status = 3, claimstypes.ClaimStatus_CLAIM_STATUS_APPEALED
	paidToPayer2 := f.w.claims[0]
	paidToPayer2.ID, paidToPayer2.Payer = 4, f.addr("payer2")
	f.w.claims = append(f.w.claims, appealed, paidToPayer2)

	queue := func(name string) []uint64 {
		t.Helper()
		a := f.get(f.login(name), "/v1/claims/queue")
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", name, a.status, a.body)
		}
		var out struct {
			Claims []struct {
				ID string `json:"id"`
			} `json:"claims"`
		}
		if err := json.Unmarshal(a.body, &out); err != nil {
			t.Fatal(err)
		}
		var ids []uint64
		for _, c := range out.Claims {
			var id uint64
			_ = json.Unmarshal([]byte(c.ID), &id)
			ids = append(ids, id)
		}
		return ids
	}
	if got := queue("payer2"); len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Fatalf("payer2's queue: %v", got)
	}
	if got := queue("payer"); len(got) != 0 {
		t.Fatalf("payer has nothing waiting: %v", got)
	}
	lines := auditLines(t, f.audit)
	last := lines[len(lines)-1]
	if last.Patient != f.addr("patient") || !strings.Contains(string(last.Event), "ClaimResponse/3") {
		t.Fatalf("the queue read is not audited for the patient: %+v", last)
	}
	for _, name := range []string{"hospital", "lab", "patient", "stranger", "suspended"} {
		if a := f.get(f.login(name), "/v1/claims/queue"); a.status != http.StatusForbidden || a.reason() != ReasonWrongRole {
			t.Fatalf("%s: %d %s", name, a.status, a.body)
		}
	}
}

// TestGuardiansRead: the patient and a live guardian read the guardians;
// anyone else is refused, audited.
func TestGuardiansRead(t *testing.T) {
	f := newFixture(t)
	path := "/v1/guardians?patient=" + f.addr("patient")
	for _, name := range []string{"patient", "guardian"} {
		a := f.get(f.login(name), path)
		if a.status != http.StatusOK || !strings.Contains(string(a.body), f.addr("oldguardian")) {
			t.Fatalf("%s: %d %s", name, a.status, a.body)
		}
	}
	for _, name := range []string{"oldguardian", "hospital", "other", "stranger"} {
		if a := f.get(f.login(name), path); a.status != http.StatusForbidden || a.reason() != ReasonNotPatient {
			t.Fatalf("%s: %d %s", name, a.status, a.body)
		}
	}
}

// TestVaultProxy: the gateway forwards only the vault's three read
// endpoints, only with a session, without the gateway's token.
func TestVaultProxy(t *testing.T) {
	var seen []string
	vaultSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization")+" sig="+r.Header.Get("X-Test-Sig"))
		_, _ = w.Write([]byte("vault says hi"))
	}))
	defer vaultSrv.Close()
	f := newFixture(t)
	al, err := OpenAuditLog(f.audit + ".2")
	if err != nil {
		t.Fatal(err)
	}
	defer al.Close()
	srv, err := NewServer(Config{ChainID: testChainID, VaultURL: vaultSrv.URL, Now: func() time.Time { return f.now }}, f.w.chain(), al, log.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewServer(srv)
	defer f.ts.Close()
	tok := f.login("patient")
	do := func(method, path, token string) answer {
		req, _ := http.NewRequestWithContext(context.Background(), method, f.ts.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("X-Test-Sig", "abc")
		resp, err := f.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		bz, _ := io.ReadAll(resp.Body)
		return answer{status: resp.StatusCode, body: bz}
	}
	for _, p := range []string{"/vault/v1/challenge", "/vault/v1/records/7/key", "/vault/v1/records/7/blob"} {
		if a := do(http.MethodGet, p, tok); a.status != http.StatusOK || string(a.body) != "vault says hi" {
			t.Fatalf("%s: %d %s", p, a.status, a.body)
		}
	}
	want := []string{"GET /v1/challenge auth= sig=abc", "GET /v1/records/7/key auth= sig=abc", "GET /v1/records/7/blob auth= sig=abc"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Fatalf("the vault saw %q", seen)
	}
	seen = nil
	for _, tc := range []struct {
		method, path, token string
		status              int
	}{
		{http.MethodGet, "/vault/v1/records/7/blob", "", http.StatusUnauthorized},
		{http.MethodGet, "/vault/v1/records/x/blob", tok, http.StatusNotFound},
		{http.MethodGet, "/vault/v1/records/7/keys/health1abc", tok, http.StatusNotFound},
		{http.MethodGet, "/vault/v1/records/7/../../healthz", tok, http.StatusNotFound},
		{http.MethodDelete, "/vault/v1/records/7", tok, http.StatusNotFound},
		{http.MethodPut, "/vault/v1/blobs", tok, http.StatusNotFound},
	} {
		if a := do(tc.method, tc.path, tc.token); a.status != tc.status {
			t.Fatalf("%s %s: %d %s", tc.method, tc.path, a.status, a.body)
		}
	}
	if len(seen) != 0 {
		t.Fatalf("refused requests reached the vault: %q", seen)
	}
}

// TestPortalServed: the portal's files come from the binary with a CSP
// that allows only the gateway's own origin; / leads to it.
func TestPortalServed(t *testing.T) {
	f := newFixture(t)
	a := f.get("", "/portal/")
	if a.status != http.StatusOK || !strings.Contains(strings.ToLower(string(a.body)), "<!doctype html") {
		t.Fatalf("portal: %d %.200s", a.status, a.body)
	}
	resp, err := f.ts.Client().Get(f.ts.URL + "/portal/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Fatalf("CSP: %q", csp)
	}
	noRedirect := *f.ts.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = noRedirect.Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/portal/" {
		t.Fatalf("/: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if a := f.get("", "/nowhere"); a.status != http.StatusNotFound {
		t.Fatalf("unknown path: %d", a.status)
	}
}

// TestExplainTxError: chain failures in words.
func TestExplainTxError(t *testing.T) {
	for _, tc := range []struct {
		codespace string
		code      uint32
		log, want string
	}{
		{"sdk", 32, "account sequence mismatch, expected 4, got 3: incorrect account sequence", "another transaction from this account was included first: try again"},
		{"sdk", 5, "spendable balance 0uhealth is smaller than 1uhealth: insufficient funds", "the account does not have enough funds for this"},
		{"consent", 9, "failed to execute message; message index: 0: consent not found: consent 12", "the chain refused it: consent not found: consent 12"},
		{"records", 3, "", "the chain refused the transaction (records code 3)"},
	} {
		if got := ExplainTxError(tc.codespace, tc.code, tc.log); got != tc.want {
			t.Errorf("%s/%d: got %q, want %q", tc.codespace, tc.code, got, tc.want)
		}
	}
}

// TestEncryptionKeys: an account's registered key is public; the keys a
// break-glass justification is sealed to (the patient's and live
// guardians', no accounts) go to active members only, audited.
func TestEncryptionKeys(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	f.w.encKeys = map[string]string{p: "age1patient", f.addr("guardian"): "age1guardian", f.addr("oldguardian"): "age1old"}
	hosp := f.login("hospital")
	a := f.get(hosp, "/v1/encryption-key?account="+p)
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"recipient":"age1patient"`) {
		t.Fatalf("key: %d %s", a.status, a.body)
	}
	if a := f.get(hosp, "/v1/encryption-key?account="+f.addr("stranger")); a.status != http.StatusNotFound || a.reason() != ReasonNoEncryptionKey {
		t.Fatalf("no key: %d %s", a.status, a.body)
	}
	if a := f.get(hosp, "/v1/encryption-key?account=nobody"); a.status != http.StatusBadRequest {
		t.Fatalf("bad account: %d", a.status)
	}
	if a := f.get("", "/v1/encryption-key?account="+p); a.status != http.StatusUnauthorized {
		t.Fatalf("no session: %d", a.status)
	}

	path := "/v1/break-glass/recipients?patient=" + p
	a = f.get(hosp, path)
	var out struct{ Recipients []string }
	if err := json.Unmarshal(a.body, &out); err != nil || a.status != http.StatusOK {
		t.Fatalf("recipients: %d %s", a.status, a.body)
	}
	if strings.Join(out.Recipients, ",") != "age1patient,age1guardian" {
		t.Fatalf("want the patient's and the live guardian's keys, got %v", out.Recipients)
	}
	if strings.Contains(string(a.body), f.addr("guardian")) {
		t.Fatal("the answer names a guardian's account")
	}
	lines := auditLines(t, f.audit)
	if last := lines[len(lines)-1]; last.Patient != p || !strings.Contains(string(last.Event), "BreakGlassRecipients") {
		t.Fatalf("not audited for the patient: %+v", last)
	}
	for _, name := range []string{"stranger", "suspended", "other"} {
		if a := f.get(f.login(name), path); a.status != http.StatusForbidden || a.reason() != ReasonNotMember {
			t.Fatalf("%s: %d %s", name, a.status, a.body)
		}
	}
	// Active members of roles x/consent does not let break glass: refused,
	// and the refusal (not a read) is what the patient's log shows.
	for _, name := range []string{"payer", "lab", "pharmacy", "regulator"} {
		before := len(auditLines(t, f.audit))
		a := f.get(f.login(name), path)
		if a.status != http.StatusForbidden || a.reason() != ReasonWrongRole || strings.Contains(string(a.body), "age1") {
			t.Fatalf("%s: %d %s", name, a.status, a.body)
		}
		lines := auditLines(t, f.audit)
		if len(lines) != before+1 || lines[len(lines)-1].Patient != p || !strings.Contains(string(lines[len(lines)-1].Event), `"outcome":"4"`) {
			t.Fatalf("%s: the refusal is not audited as one: %+v", name, lines[len(lines)-1])
		}
	}
	if a := f.get("", path); a.status != http.StatusUnauthorized || a.reason() != ReasonNoSession || strings.Contains(string(a.body), "age1") {
		t.Fatalf("no session: %d %s", a.status, a.body)
	}
}

// TestMedicationRecalls: the medication history carries the recall notices
// of the lots the patient received, and only those.
func TestMedicationRecalls(t *testing.T) {
	f := newFixture(t)
	p := f.addr("patient")
	f.w.meds = append(f.w.meds, bridgetypes.MedicationEntry{Patient: p, Seq: 2, PrescriptionID: 2, GTIN: "09506000134352",
		Serial: "SN2", Lot: "L1", Expiry: "2028-01-31", Pharmacy: f.addr("pharmacy"), DispensedAt: f.now, ChannelID: "channel-0"})
	f.w.recalls = []bridgetypes.RecallNotice{
		{GTIN: "09506000134352", Lot: "L1", Reason: "contamination", RecalledAt: f.now.Add(-time.Hour), ReceivedAt: f.now},
		{GTIN: "09506000134352", Lot: "L9", Reason: "another lot", RecalledAt: f.now, ReceivedAt: f.now},
	}
	a := f.get(f.login("patient"), "/v1/medication-history?patient="+p)
	var out struct {
		Recalls []struct{ GTIN, Lot, Reason string }
	}
	if err := json.Unmarshal(a.body, &out); err != nil || a.status != http.StatusOK {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if len(out.Recalls) != 1 || out.Recalls[0].Lot != "L1" || out.Recalls[0].Reason != "contamination" {
		t.Fatalf("want the one recall of lot L1 (once, though two packs came from it), got %+v", out.Recalls)
	}
	f.w.recalls = nil
	a = f.get(f.login("patient"), "/v1/medication-history?patient="+p)
	if !strings.Contains(string(a.body), `"recalls":[]`) {
		t.Fatalf("no recall: %s", a.body)
	}
}
