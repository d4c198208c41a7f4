package vault

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// --- raw connections: to send headers without (all of) a body ---

// rawConn is a client connection to the test server on which a request's
// headers and part of its body can be sent, and its answer awaited.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
}

func (e *env) dial() *rawConn {
	e.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.Close() })
	return &rawConn{t: e.t, conn: conn, br: bufio.NewReader(conn)}
}

// signedHeaders returns the authentication headers of a request by acct
// over body, with a fresh nonce.
func (e *env) signedHeaders(acct account, method, path string, body []byte) http.Header {
	e.t.Helper()
	nonce := e.challenge()
	sig, err := acct.priv.Sign(SignBytes(testChainID, method, path, nonce, body))
	if err != nil {
		e.t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	h := http.Header{}
	h.Set(HeaderAccount, acct.addr)
	h.Set(HeaderPubKey, acct.pubB64())
	h.Set(HeaderNonce, nonce)
	h.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	h.Set(HeaderContentSHA256, hex.EncodeToString(sum[:]))
	return h
}

// send writes a request line, headers with the given Content-Length, and
// the first bytes of the body.
func (c *rawConn) send(method, path string, h http.Header, contentLength int, part []byte) {
	c.t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: vault\r\nContent-Length: %d\r\n", method, path, contentLength)
	if err := h.Write(&b); err != nil {
		c.t.Fatal(err)
	}
	b.WriteString("\r\n")
	b.Write(part)
	if _, err := c.conn.Write(b.Bytes()); err != nil {
		c.t.Fatal(err)
	}
}

// answer waits (at most 10 s) for the response.
func (c *rawConn) answer() response {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// --- item: authentication before the body ---

// TestForgedUploadIsRefusedBeforeItsBody: an upload in a hospital's name
// (its public key is public) with a forged signature is refused from its
// headers alone: the vault answers 401 without reading the body, spools
// nothing and does not ask the chain.
func TestForgedUploadIsRefusedBeforeItsBody(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBlobSize = 64 << 20 })
	h := e.signedHeaders(e.author, http.MethodPut, "/v1/blobs", bytes.Repeat([]byte{1}, 32<<20))
	forged := make([]byte, 64)
	_, _ = rand.Read(forged)
	h.Set(HeaderSignature, base64.StdEncoding.EncodeToString(forged))
	calls := e.chain.callCount()
	before := snapshot(t, e.root)

	c := e.dial()
	c.send(http.MethodPut, "/v1/blobs", h, 32<<20, []byte("only the first bytes"))
	expect(t, c.answer(), http.StatusUnauthorized, ReasonBadSignature)
	if e.chain.callCount() != calls {
		t.Fatal("the chain was asked about a forged upload")
	}
	emptyDir(t, e.spool)
	sameSnapshot(t, before, snapshot(t, e.root))
	if n := e.handler.(*server).uploads.inUse(); n != 0 {
		t.Fatalf("%d upload slots taken by a forgery", n)
	}
}

// TestUploadFramingRefusedBeforeTheBody: a declared length over the limit,
// or no length at all, is refused before anything is read.
func TestUploadFramingRefusedBeforeTheBody(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBlobSize = 1024 })
	c := e.dial()
	c.send(http.MethodPut, "/v1/blobs", e.signedHeaders(e.author, http.MethodPut, "/v1/blobs", make([]byte, 4096)), 4096, nil)
	expect(t, c.answer(), http.StatusRequestEntityTooLarge, ReasonTooLarge)

	r := e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2, hideLength())
	expect(t, r, http.StatusLengthRequired, ReasonLengthRequired)
	r = e.do(e.patient, http.MethodPut, "/v1/records/1/keys/"+e.reader2.addr, []byte("k"), hideLength())
	expect(t, r, http.StatusLengthRequired, ReasonLengthRequired)
	emptyDir(t, e.spool)
}

// TestBodyMustMatchTheSignedHash: the signature covers the declared hash;
// a body that does not match it is refused and nothing is stored.
func TestBodyMustMatchTheSignedHash(t *testing.T) {
	e := newEnv(t)
	before := snapshot(t, e.root)
	other := bytes.Repeat([]byte("x"), len(e.blob2))
	// Signed over blob2 and declaring it, but sending other bytes.
	r := e.do(e.author, http.MethodPut, "/v1/blobs", other, withDeclared(e.blob2), func(s *reqSpec) { s.signBody = e.blob2 })
	expect(t, r, http.StatusBadRequest, ReasonBodyMismatch)
	r = e.do(e.patient, http.MethodPut, "/v1/records/1/keys/"+e.reader2.addr, []byte("other"),
		withDeclared([]byte("key")), func(s *reqSpec) { s.signBody = []byte("key") })
	expect(t, r, http.StatusBadRequest, ReasonBodyMismatch)
	// A body with no declared hash.
	r = e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2, withHeader(func(h http.Header) { h.Del(HeaderContentSHA256) }))
	expect(t, r, http.StatusUnauthorized, ReasonMissingAuth)
	r = e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2, withHeader(func(h http.Header) { h.Set(HeaderContentSHA256, "not hex") }))
	expect(t, r, http.StatusBadRequest, ReasonBadContentHash)
	sameSnapshot(t, before, snapshot(t, e.root))
	emptyDir(t, e.spool)
	// A read declaring a body it does not send.
	r = e.do(e.reader, http.MethodGet, "/v1/records/1/blob", nil, withDeclared([]byte("x")), func(s *reqSpec) { s.signBody = []byte("x") })
	expect(t, r, http.StatusBadRequest, ReasonBodyMismatch)
}

// --- item: upload slots and slow bodies ---

// stall starts an upload by acct that sends its headers and a few bytes,
// then nothing.
func (e *env) stall(acct account, size int) *rawConn {
	e.t.Helper()
	body := bytes.Repeat([]byte{3}, size)
	c := e.dial()
	c.send(http.MethodPut, "/v1/blobs", e.signedHeaders(acct, http.MethodPut, "/v1/blobs", body), size, body[:10])
	return c
}

// TestUploadSlots: one account may hold MaxUploadsPerAccount uploads in
// progress (then 429), all accounts MaxUploads (then 503), both with
// Retry-After; a slot is free again when its upload ends.
func TestUploadSlots(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxUploads = 3; c.MaxUploadsPerAccount = 2 })
	author2, author3 := newAccount(t), newAccount(t)
	e.chain.setAuthor(author2.addr)
	e.chain.setAuthor(author3.addr)
	slots := e.handler.(*server).uploads

	s1, s2 := e.stall(e.author, 1000), e.stall(e.author, 1000)
	waitFor(t, "two uploads in progress", func() bool { return slots.inUse() == 2 })
	r := e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2)
	expect(t, r, http.StatusTooManyRequests, ReasonTooManyUploads)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// Another author is not locked out by the first one's uploads.
	s3 := e.stall(author2, 1000)
	waitFor(t, "three uploads in progress", func() bool { return slots.inUse() == 3 })
	r = e.do(author3, http.MethodPut, "/v1/blobs", e.blob2)
	expect(t, r, http.StatusServiceUnavailable, ReasonVaultBusy)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	// A refusal for a full vault comes after authentication: a stranger
	// still learns only that it is not an author.
	expect(t, e.do(e.stranger, http.MethodPut, "/v1/blobs", e.blob2), http.StatusForbidden, ReasonNotAuthor)

	for _, c := range []*rawConn{s1, s2, s3} {
		c.conn.Close()
	}
	waitFor(t, "slots released", func() bool { return slots.inUse() == 0 })
	expect(t, e.do(e.author, http.MethodPut, "/v1/blobs", e.blob2), http.StatusCreated, "")
	emptyDir(t, e.spool)
}

// TestSlowBodies: a body that stops arriving, or arrives below the minimum
// rate, is cut off with 408 and its slot and spool file released.
func TestSlowBodies(t *testing.T) {
	t.Run("stalled", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.BodyIdleTimeout = 200 * time.Millisecond })
		c := e.stall(e.author, 1000)
		expect(t, c.answer(), http.StatusRequestTimeout, ReasonBodyTimeout)
		waitFor(t, "slot released", func() bool { return e.handler.(*server).uploads.inUse() == 0 })
		emptyDir(t, e.spool)
	})
	t.Run("below the minimum rate", func(t *testing.T) {
		// 2000 bytes at >= 1000 B/s: due within 0.3 s + 2 s. Trickling 10
		// bytes every 50 ms (200 B/s) never goes idle but is too slow.
		e := newEnv(t, func(c *Config) { c.BodyIdleTimeout = 300 * time.Millisecond; c.MinUploadRate = 1000 })
		body := bytes.Repeat([]byte{5}, 2000)
		c := e.dial()
		c.send(http.MethodPut, "/v1/blobs", e.signedHeaders(e.author, http.MethodPut, "/v1/blobs", body), len(body), body[:10])
		done := make(chan struct{})
		go func() {
			defer close(done)
			for off := 10; off < len(body); off += 10 {
				time.Sleep(50 * time.Millisecond)
				if _, err := c.conn.Write(body[off : off+10]); err != nil {
					return
				}
			}
		}()
		expect(t, c.answer(), http.StatusRequestTimeout, ReasonBodyTimeout)
		c.conn.Close()
		<-done
		emptyDir(t, e.spool)
	})
	t.Run("in time", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.BodyIdleTimeout = 2 * time.Second; c.MinUploadRate = 1000 })
		body := bytes.Repeat([]byte{6}, 200)
		c := e.dial()
		c.send(http.MethodPut, "/v1/blobs", e.signedHeaders(e.author, http.MethodPut, "/v1/blobs", body), len(body), body[:100])
		time.Sleep(100 * time.Millisecond)
		if _, err := c.conn.Write(body[100:]); err != nil {
			t.Fatal(err)
		}
		expect(t, c.answer(), http.StatusCreated, "")
	})
}

func TestUploadTime(t *testing.T) {
	grace := 30 * time.Second
	if got := uploadTime(256<<20, 256<<10, grace); got != grace+1024*time.Second {
		t.Fatalf("256 MiB at 256 KiB/s: %s", got)
	}
	if got := uploadTime(1<<62, 1, grace); got != 24*time.Hour {
		t.Fatalf("huge: %s", got)
	}
	if got := uploadTime(0, 1000, grace); got != grace {
		t.Fatalf("empty: %s", got)
	}
}

// --- item: challenges ---

// TestChallengeFloodDoesNotLockOutOthers: one caller asking for many times
// more challenges than the vault remembers nonces does not stop another
// caller from getting one and using it, and the flood stores nothing.
func TestChallengeFloodDoesNotLockOutOthers(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxNonces = 50 })
	flooder := &http.Client{Transport: &http.Transport{}}
	defer flooder.CloseIdleConnections()
	for i := 0; i < 1000; i++ {
		resp, err := flooder.Get(e.srv.URL + "/v1/challenge")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("challenge %d: %d", i, resp.StatusCode)
		}
	}
	if n := e.handler.(*server).challenges.usedLen(); n != 0 {
		t.Fatalf("issuing challenges stored %d nonces", n)
	}
	expect(t, e.do(e.reader, http.MethodGet, "/v1/records/1/blob", nil), http.StatusOK, "")
}

// TestUsedNoncesBounded: authenticated requests beyond MaxNonces keep the
// used set at MaxNonces, every used nonce stays refused, fresh nonces keep
// working, and expired entries are pruned.
func TestUsedNoncesBounded(t *testing.T) {
	const max = 4
	e := newEnv(t, func(c *Config) { c.MaxNonces = max })
	path := "/v1/records/1/key"
	var used []string
	for i := 0; i < 3*max; i++ {
		n := e.challenge()
		expect(t, e.do(e.reader, http.MethodGet, path, nil, withNonce(n)), http.StatusOK, "")
		used = append(used, n)
		e.clock.Advance(time.Second) // later nonces expire later
	}
	ch := e.handler.(*server).challenges
	if n := ch.usedLen(); n != max {
		t.Fatalf("%d used nonces remembered, want %d", n, max)
	}
	for i, n := range used {
		r := e.do(e.reader, http.MethodGet, path, nil, withNonce(n))
		if r.status != http.StatusUnauthorized || (r.reason() != ReasonUnknownNonce && r.reason() != ReasonExpiredNonce) {
			t.Fatalf("replay of nonce %d: %d %s", i, r.status, r.body)
		}
	}
	expect(t, e.do(e.reader, http.MethodGet, path, nil), http.StatusOK, "")
	e.clock.Advance(NonceTTL)
	expect(t, e.do(e.reader, http.MethodGet, path, nil), http.StatusOK, "")
	if n := ch.usedLen(); n != 1 {
		t.Fatalf("%d used nonces after expiry, want 1", n)
	}
}

func TestChallenger(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, err := newChallenger(nil, NonceTTL, 2)
	if err != nil {
		t.Fatal(err)
	}
	n, exp, err := c.issue(now)
	if err != nil || !exp.Equal(now.Add(NonceTTL)) {
		t.Fatal(err)
	}
	p, reason := c.check(n, now)
	if reason != "" {
		t.Fatal(reason)
	}
	if reason := c.claim(p, now); reason != "" {
		t.Fatal(reason)
	}
	if reason := c.claim(p, now); reason != ReasonUnknownNonce {
		t.Fatalf("claimed twice: %q", reason)
	}
	if _, reason := c.check(n, exp); reason != ReasonExpiredNonce {
		t.Fatalf("at expiry: %q", reason)
	}

	raw, _ := base64.RawURLEncoding.DecodeString(n)
	for i, pos := range []int{0, nonceExpBytes, nonceBytes - 1} { // expiry, id, MAC
		bad := bytes.Clone(raw)
		bad[pos] ^= 1
		if _, reason := c.check(base64.RawURLEncoding.EncodeToString(bad), now); reason != ReasonUnknownNonce {
			t.Fatalf("tampered byte %d: %q", i, reason)
		}
	}
	other, err := newChallenger(bytes.Repeat([]byte{7}, 32), NonceTTL, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, reason := other.check(n, now); reason != ReasonUnknownNonce {
		t.Fatalf("another vault's nonce: %q", reason)
	}
	for _, bad := range []string{"", "!!", strings.Repeat("A", 54), strings.Repeat("A", 300)} {
		if _, reason := c.check(bad, now); reason != ReasonUnknownNonce {
			t.Fatalf("%q: %q", bad, reason)
		}
	}
	if _, err := newChallenger([]byte("short"), NonceTTL, 2); err == nil {
		t.Fatal("short secret accepted")
	}

	// Full: the oldest is dropped and the floor rises past it.
	c, _ = newChallenger(nil, NonceTTL, 2)
	var ps []parsedNonce
	for i := 0; i < 3; i++ {
		n, _, _ := c.issue(now.Add(time.Duration(i) * time.Second))
		p, _ := c.check(n, now)
		ps = append(ps, p)
	}
	if c.claim(ps[1], now) != "" || c.claim(ps[2], now) != "" {
		t.Fatal("claims refused")
	}
	if reason := c.claim(ps[0], now); reason != ReasonExpiredNonce {
		t.Fatalf("older than the whole full set: %q", reason)
	}
	n4, _, _ := c.issue(now.Add(5 * time.Second))
	p4, _ := c.check(n4, now)
	if reason := c.claim(p4, now); reason != "" {
		t.Fatal(reason)
	}
	if c.usedLen() != 2 {
		t.Fatalf("used %d", c.usedLen())
	}
	if reason := c.claim(ps[1], now); reason != ReasonExpiredNonce && reason != ReasonUnknownNonce {
		t.Fatalf("dropped nonce replayed: %q", reason)
	}
}

// --- echoing input ---

func TestErrorsDoNotEchoLargeInput(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("A", 5000)
	for _, r := range []response{
		e.do(account{}, http.MethodGet, "/v1/"+long, nil, noAuth()),
		e.do(e.patient, http.MethodPut, "/v1/records/1/keys/"+long, []byte("k")),
		e.do(e.patient, http.MethodPut, "/v1/records/1/keys/"+"x1"+strings.Repeat("q", 100), []byte("k")),
		e.do(e.reader, http.MethodGet, "/v1/records/1/blob", nil, withHeader(func(h http.Header) { h.Set(HeaderAccount, long) })),
		e.do(e.reader, http.MethodGet, "/v1/records/1/blob", nil, withNonce(long)),
	} {
		if r.status < 400 {
			t.Fatalf("accepted: %d", r.status)
		}
		if msg := r.errBody().Error; len(msg) > 400 || strings.Contains(msg, strings.Repeat("A", maxEcho+1)) || strings.Contains(msg, strings.Repeat("q", maxEcho+1)) {
			t.Fatalf("message echoes the input (%d bytes): %.200s", len(msg), msg)
		}
	}
	if got := truncate(strings.Repeat("é", 40)); !strings.HasPrefix(got, strings.Repeat("é", maxEcho/2)+"…") || len(got) > maxEcho+40 {
		t.Fatalf("truncate: %q", got)
	}
	if got := truncate("short"); got != "short" {
		t.Fatalf("truncate: %q", got)
	}
}

// --- benchmarks ---

func benchChallenger(b *testing.B, used int) (*challenger, time.Time) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, err := newChallenger(nil, NonceTTL, used+b.N+1)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < used; i++ {
		n, _, _ := c.issue(now)
		p, _ := c.check(n, now)
		if c.claim(p, now) != "" {
			b.Fatal("fill")
		}
	}
	return c, now
}

func BenchmarkChallengeIssue(b *testing.B) {
	for _, used := range []int{0, 100000} {
		b.Run(fmt.Sprintf("used=%d", used), func(b *testing.B) {
			c, now := benchChallenger(b, used)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := c.issue(now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkChallengeVerify checks and claims a fresh nonce with the used
// set already holding used entries.
func BenchmarkChallengeVerify(b *testing.B) {
	for _, used := range []int{0, 1000, 100000} {
		b.Run(fmt.Sprintf("used=%d", used), func(b *testing.B) {
			c, now := benchChallenger(b, used)
			nonces := make([]string, b.N)
			for i := range nonces {
				nonces[i], _, _ = c.issue(now)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p, reason := c.check(nonces[i], now)
				if reason != "" || c.claim(p, now) != "" {
					b.Fatal(reason)
				}
			}
		})
	}
}

// BenchmarkChallengeVerifyFull claims nonces into a full used set, each
// dropping the oldest entry.
func BenchmarkChallengeVerifyFull(b *testing.B) {
	for _, used := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("used=%d", used), func(b *testing.B) {
			c, now := benchChallenger(b, used)
			c.used.(*memNonces).max = used
			nonces := make([]string, b.N)
			for i := range nonces {
				nonces[i], _, _ = c.issue(now.Add(time.Nanosecond * time.Duration(i+1)))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p, reason := c.check(nonces[i], now)
				if reason != "" || c.claim(p, now) != "" {
					b.Fatal(reason)
				}
			}
		})
	}
}

// TestSlowDownloadNotCutByBodyDeadlines: the body deadlines of a request
// without a body do not shorten the time its (large) response may take.
func TestSlowDownloadNotCutByBodyDeadlines(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BodyIdleTimeout = 100 * time.Millisecond })
	big := bytes.Repeat([]byte("large ciphertext"), 1<<19) // 8 MiB: more than the socket buffers hold
	cid, _, err := e.store.PutBlob(bytes.NewReader(big), 0)
	if err != nil {
		t.Fatal(err)
	}
	e.chain.setRecord(4, fakeRecord{cid: cid, patient: e.patient.addr, author: e.author.addr})
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/v1/records/4/blob", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = e.signedHeaders(e.patient, http.MethodGet, "/v1/records/4/blob", nil)
	req.Header.Del(HeaderContentSHA256)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	head := make([]byte, 64<<10)
	if _, err := io.ReadFull(resp.Body, head); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // well past the body deadlines
	rest, err := io.ReadAll(resp.Body)
	if err != nil || len(head)+len(rest) != len(big) {
		t.Fatalf("download cut off after %d of %d bytes: %v", len(head)+len(rest), len(big), err)
	}
}

func TestStartRefusesBadLimits(t *testing.T) {
	data := t.TempDir()
	for _, flag := range []string{FlagMaxUploads, FlagMaxUploadsPer, FlagMinUploadRate} {
		err := runCmd(t, context.Background(), io.Discard, "--chain-id", "c", "--data", data, "--"+flag, "0")
		if err == nil || !strings.Contains(err.Error(), flag) {
			t.Fatalf("--%s 0: %v", flag, err)
		}
	}
}
