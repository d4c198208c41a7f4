package vault

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/healthchain/healthd/internal/unixfs"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

const testChainID = "healthd-test-1"

func sumBytes(t testing.TB, b []byte) string {
	t.Helper()
	cid, err := unixfs.Sum(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return cid
}

// --- accounts ---

type account struct {
	priv *secp256k1.PrivKey
	addr string
}

func newAccount(t testing.TB) account {
	t.Helper()
	priv := secp256k1.GenPrivKey()
	addr, err := AccountFromPubKey(priv.PubKey().(*secp256k1.PubKey))
	if err != nil {
		t.Fatal(err)
	}
	return account{priv: priv, addr: addr}
}

func (a account) pubB64() string {
	return base64.StdEncoding.EncodeToString(a.priv.PubKey().Bytes())
}

// --- clock ---

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// --- fake chain ---

type fakeRecord struct {
	cid, patient, author string
}

type fakeChain struct {
	mu      sync.Mutex
	records map[uint64]fakeRecord
	// owners maps a CID to the record that anchored it first: the chain's
	// CID index (the chain refuses a second anchor of a CID; a fake record
	// set with a CID already owned is an alias the vault must refuse).
	owners map[string]uint64
	// basis for accounts that are neither patient nor author
	bases   map[uint64]map[string]recordstypes.AccessBasis
	expires time.Time
	authors map[string]bool
	down    bool
	calls   int
	// onRequireAuthor, if set, runs at the start of RequireAuthor.
	onRequireAuthor func()
	// chainErased holds the records erased on chain (MsgEraseRecord): the
	// access check answers ERASED and names nothing of them.
	chainErased map[uint64]bool
	// guardians holds live guardianships {patient, guardian}.
	guardians map[[2]string]bool
}

// setGuardian makes guardian a live guardian of patient (or ends it).
func (f *fakeChain) setGuardian(patient, guardian string, live bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.guardians == nil {
		f.guardians = map[[2]string]bool{}
	}
	f.guardians[[2]string{patient, guardian}] = live
}

func (f *fakeChain) LiveGuardian(_ context.Context, patient, account string, _ time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return false, ErrChainUnavailable
	}
	return f.guardians[[2]string{patient, account}], nil
}

// eraseOnChain erases record id as the chain does: it forgets its CID.
func (f *fakeChain) eraseOnChain(id uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.chainErased == nil {
		f.chainErased = map[uint64]bool{}
	}
	f.chainErased[id] = true
	delete(f.owners, f.records[id].cid)
}

func newFakeChain() *fakeChain {
	return &fakeChain{
		records: map[uint64]fakeRecord{},
		owners:  map[string]uint64{},
		bases:   map[uint64]map[string]recordstypes.AccessBasis{},
		authors: map[string]bool{},
	}
}

func (f *fakeChain) setRecord(id uint64, r fakeRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records[id] = r
	if _, owned := f.owners[r.cid]; !owned {
		f.owners[r.cid] = id
	}
}

func (f *fakeChain) setBasis(id uint64, account string, b recordstypes.AccessBasis) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bases[id] == nil {
		f.bases[id] = map[string]recordstypes.AccessBasis{}
	}
	f.bases[id][account] = b
}

func (f *fakeChain) setAuthor(acct string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.authors[acct] = true
}

func (f *fakeChain) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

func (f *fakeChain) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *fakeChain) AccessCheck(_ context.Context, id uint64, acct string) (*recordstypes.QueryAccessCheckResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return nil, ErrChainUnavailable
	}
	if f.chainErased[id] {
		return &recordstypes.QueryAccessCheckResponse{Basis: recordstypes.AccessBasis_ACCESS_BASIS_ERASED}, nil
	}
	r, ok := f.records[id]
	if !ok {
		return nil, ErrUnknownRecord
	}
	res := &recordstypes.QueryAccessCheckResponse{CID: r.cid, Patient: r.patient, Author: r.author}
	switch acct {
	case r.patient:
		res.Allowed, res.Basis = true, recordstypes.AccessBasis_ACCESS_BASIS_PATIENT
	case r.author:
		res.Allowed, res.Basis = true, recordstypes.AccessBasis_ACCESS_BASIS_AUTHOR
	default:
		b, ok := f.bases[id][acct]
		if !ok {
			b = recordstypes.AccessBasis_ACCESS_BASIS_NO_GRANT
		}
		res.Basis = b
		res.Allowed = b == recordstypes.AccessBasis_ACCESS_BASIS_GRANT
		if b != recordstypes.AccessBasis_ACCESS_BASIS_NO_GRANT {
			exp := f.expires
			res.ExpiresAt = &exp
		}
	}
	return res, nil
}

func (f *fakeChain) RecordByCID(_ context.Context, cid string) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return 0, ErrChainUnavailable
	}
	id, ok := f.owners[cid]
	if !ok {
		return 0, ErrUnanchoredCID
	}
	return id, nil
}

func (f *fakeChain) RequireAuthor(_ context.Context, acct string) error {
	if f.onRequireAuthor != nil {
		f.onRequireAuthor()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return ErrChainUnavailable
	}
	if !f.authors[acct] {
		return ErrNotAuthor
	}
	return nil
}

// --- log buffer ---

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// --- environment ---

// Record ids of the standard environment.
const (
	recHeld    = 1  // blob1, uploaded
	recMissing = 2  // blob2, never uploaded
	recOther   = 3  // blob3, uploaded, another patient
	recUnknown = 99 // not on chain
)

type env struct {
	t     *testing.T
	root  string
	spool string
	store *DiskStore
	// stateDir holds the state database. It is outside root so that the
	// snapshots of root, which check that refused requests leave the blobs,
	// keys and tombstones alone, do not see the nonces they use up.
	stateDir string
	state    *State
	sweeper  *Sweeper
	sweepCfg SweepConfig
	cfg      Config
	chain    *fakeChain
	clock    *clock
	srv      *httptest.Server
	logs     *syncBuffer
	handler  http.Handler

	patient, author, reader, reader2, stranger, expired, revoked, lapsed, patient2 account

	blob1, blob2, blob3 []byte
	cid1, cid2, cid3    string
}

func newEnv(t *testing.T, mods ...func(*Config)) *env {
	t.Helper()
	e := &env{
		t:        t,
		root:     filepath.Join(t.TempDir(), "vault"),
		spool:    t.TempDir(),
		stateDir: filepath.Join(t.TempDir(), "state"),
		chain:    newFakeChain(),
		clock:    &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
		logs:     &syncBuffer{},
	}
	var err error
	e.store, err = NewDiskStore(e.root)
	if err != nil {
		t.Fatal(err)
	}
	e.state, err = OpenState(e.stateDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*account{&e.patient, &e.author, &e.reader, &e.reader2, &e.stranger, &e.expired, &e.revoked, &e.lapsed, &e.patient2} {
		*a = newAccount(t)
	}
	e.blob1 = bytes.Repeat([]byte("ciphertext-one:"), 100)
	e.blob2 = []byte("ciphertext-two, never uploaded")
	e.blob3 = []byte("ciphertext-three")
	e.cid1, e.cid2, e.cid3 = sumBytes(t, e.blob1), sumBytes(t, e.blob2), sumBytes(t, e.blob3)

	c := e.chain
	c.authors[e.author.addr] = true
	c.expires = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	c.setRecord(recHeld, fakeRecord{cid: e.cid1, patient: e.patient.addr, author: e.author.addr})
	c.setRecord(recMissing, fakeRecord{cid: e.cid2, patient: e.patient.addr, author: e.author.addr})
	c.setRecord(recOther, fakeRecord{cid: e.cid3, patient: e.patient2.addr, author: e.author.addr})
	for _, id := range []uint64{recHeld, recMissing, recOther} {
		c.setBasis(id, e.reader.addr, recordstypes.AccessBasis_ACCESS_BASIS_GRANT)
		c.setBasis(id, e.reader2.addr, recordstypes.AccessBasis_ACCESS_BASIS_GRANT)
		c.setBasis(id, e.expired.addr, recordstypes.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED)
		c.setBasis(id, e.revoked.addr, recordstypes.AccessBasis_ACCESS_BASIS_CONSENT_ENDED)
		c.setBasis(id, e.lapsed.addr, recordstypes.AccessBasis_ACCESS_BASIS_NOT_A_MEMBER)
	}
	for _, b := range [][]byte{e.blob1, e.blob3} {
		if _, _, err := e.store.PutBlob(bytes.NewReader(b), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.store.PutKey(e.cid1, e.reader.addr, []byte("wrapped-for-reader"), false); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutKey(e.cid1, e.patient.addr, []byte("wrapped-for-patient"), false); err != nil {
		t.Fatal(err)
	}

	e.cfg = Config{ChainID: testChainID, Now: e.clock.Now, TempDir: e.spool, MaxBlobSize: 64 << 10}
	for _, m := range mods {
		m(&e.cfg)
	}
	e.sweepCfg = SweepConfig{Now: e.clock.Now, Deadline: time.Hour, PerTick: 16}
	e.start()
	t.Cleanup(func() { e.stop() })
	return e
}

// start runs a server (and makes a sweeper) over e's store and state.
func (e *env) start() {
	t := e.t
	t.Helper()
	cfg := e.cfg
	if cfg.State == nil {
		cfg.State = e.state
	}
	logger := log.NewLogger(e.logs, log.OutputJSONOption(), log.ColorOption(false))
	e.handler = NewServer(cfg, e.store, e.chain, logger)
	e.sweeper = NewSweeper(e.sweepCfg, e.state, e.store, e.chain, logger)
	e.srv = httptest.NewServer(e.handler)
	if !strings.HasPrefix(e.srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on loopback: %s", e.srv.URL)
	}
}

// stop stops the server and closes the state database, as a vault process
// that exits does.
func (e *env) stop() {
	if e.srv != nil {
		e.srv.Close()
		e.srv = nil
	}
	if e.state != nil {
		if err := e.state.Close(); err != nil {
			e.t.Error(err)
		}
		e.state = nil
	}
}

// restart is a new vault process over the same data: the server stops, the
// store and state are opened again from disk, and a new server starts (at a
// new address). Nothing of the old process's memory survives.
func (e *env) restart() {
	e.t.Helper()
	e.stop()
	var err error
	if e.store, err = NewDiskStore(e.root); err != nil {
		e.t.Fatal(err)
	}
	if e.state, err = OpenState(e.stateDir); err != nil {
		e.t.Fatal(err)
	}
	e.start()
}

func (e *env) challenge() string {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + "/v1/challenge")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("challenge: %d", resp.StatusCode)
	}
	var ch challengeResponse
	if err := json.NewDecoder(resp.Body).Decode(&ch); err != nil {
		e.t.Fatal(err)
	}
	return ch.Nonce
}

// reqSpec describes one request; options tamper with it.
type reqSpec struct {
	signChainID, signMethod, signPath string
	signBody                          []byte
	nonce                             string
	signKey                           *secp256k1.PrivKey
	noAuth                            bool
	hideLength                        bool
	header                            func(http.Header)
	// declared, if set, is the body whose hash the request declares in
	// HeaderContentSHA256; otherwise the body sent.
	declared []byte
}

type reqOpt func(*reqSpec)

func withNonce(n string) reqOpt             { return func(s *reqSpec) { s.nonce = n } }
func withHeader(f func(http.Header)) reqOpt { return func(s *reqSpec) { s.header = f } }
func noAuth() reqOpt                        { return func(s *reqSpec) { s.noAuth = true } }
func hideLength() reqOpt                    { return func(s *reqSpec) { s.hideLength = true } }
func withDeclared(b []byte) reqOpt          { return func(s *reqSpec) { s.declared = b } }

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) reason() string {
	var b errorBody
	_ = json.Unmarshal(r.body, &b)
	return b.Reason
}

func (r response) errBody() errorBody {
	var b errorBody
	_ = json.Unmarshal(r.body, &b)
	return b
}

// do sends a request signed by acct.
func (e *env) do(acct account, method, path string, body []byte, opts ...reqOpt) response {
	e.t.Helper()
	s := &reqSpec{signChainID: testChainID, signMethod: method, signPath: path, signBody: body, signKey: acct.priv}
	for _, o := range opts {
		o(s)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
		if s.hideLength {
			rd = io.MultiReader(rd) // unknown length: chunked
		}
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if !s.noAuth {
		if s.nonce == "" {
			s.nonce = e.challenge()
		}
		sig, err := s.signKey.Sign(SignBytes(s.signChainID, s.signMethod, s.signPath, s.nonce, s.signBody))
		if err != nil {
			e.t.Fatal(err)
		}
		req.Header.Set(HeaderAccount, acct.addr)
		req.Header.Set(HeaderPubKey, acct.pubB64())
		req.Header.Set(HeaderNonce, s.nonce)
		req.Header.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
		declared := body
		if s.declared != nil {
			declared = s.declared
		}
		if len(declared) > 0 {
			sum := sha256.Sum256(declared)
			req.Header.Set(HeaderContentSHA256, hex.EncodeToString(sum[:]))
		}
	}
	if s.header != nil {
		s.header(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: out}
}

func expect(t *testing.T, r response, status int, reason string) {
	t.Helper()
	if r.status != status || (reason != "" && r.reason() != reason) {
		t.Fatalf("got %d %q (%s), want %d %q", r.status, r.reason(), r.body, status, reason)
	}
	if status >= 400 {
		b := r.errBody()
		if b.Error == "" || b.Reason == "" {
			t.Fatalf("refusal without error and reason: %s", r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("refusal content type %q", ct)
		}
	}
}

// snapshot records every file (with mode and content) and directory under
// root.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[rel] = "dir " + info.Mode().String()
			return nil
		}
		bz, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = info.Mode().String() + " " + string(bz)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed: %q -> %q", k, v, after[k])
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s appeared", k)
		}
	}
}

// emptyDir checks dir is (or, within a second, becomes) empty: a handler
// removes its spool file as it returns.
func emptyDir(t *testing.T, dir string) {
	t.Helper()
	var entries []os.DirEntry
	for deadline := time.Now().Add(time.Second); ; time.Sleep(5 * time.Millisecond) {
		var err error
		entries, err = os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("%s not empty: %v", dir, names)
	}
}
