package vault

import (
	"bytes"
	"container/heap"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/internal/querylimit"
)

// Authentication headers.
const (
	HeaderAccount   = "Healthd-Account"
	HeaderPubKey    = "Healthd-Pubkey"
	HeaderNonce     = "Healthd-Nonce"
	HeaderSignature = "Healthd-Signature"
	// HeaderContentSHA256 is the lower-case hex SHA-256 of the request body,
	// the hash the signature covers. It is required with a body, so that
	// the vault can check the signature before it reads a byte of the body;
	// the body is then checked against it as it streams in.
	HeaderContentSHA256 = "Healthd-Content-SHA256"
	// HeaderCID carries the CID of a served blob or key.
	HeaderCID = "Healthd-CID"
)

// SignDomain is the first line of every signed request.
const SignDomain = "healthd-vault/v1"

// Challenge parameters.
const (
	// NonceTTL is how long a challenge nonce may be used.
	NonceTTL = 2 * time.Minute
	// DefaultMaxNonces bounds the used nonces the vault remembers to refuse
	// replays. When the set is full the oldest are dropped and every nonce
	// expiring no later than them is refused as expired, so the memory stays
	// bounded without refusing fresh challenges.
	DefaultMaxNonces = 1 << 18
	nonceExpBytes    = 8
	nonceIDBytes     = 16
	nonceMACBytes    = 16
	nonceBytes       = nonceExpBytes + nonceIDBytes + nonceMACBytes
	// maxNonceHeader bounds the nonce header looked at: a real one is 54
	// base64url characters.
	maxNonceHeader = 128
	// challengeSecretBytes is the size of the challenge MAC key.
	challengeSecretBytes = 32
)

// Authentication refusal reasons (HTTP 401).
const (
	ReasonMissingAuth     = "MISSING_AUTH"
	ReasonBadAccount      = "BAD_ACCOUNT"
	ReasonBadPubKey       = "BAD_PUBKEY"
	ReasonAccountMismatch = "ACCOUNT_MISMATCH"
	ReasonBadSignature    = "BAD_SIGNATURE"
	ReasonUnknownNonce    = "UNKNOWN_NONCE"
	ReasonExpiredNonce    = "EXPIRED_NONCE"
)

// emptySHA256 is the SHA-256 of the empty string: the body hash of a request
// without a body.
var emptySHA256 = sha256.Sum256(nil)

// SignBytes returns the bytes a client signs for one request:
//
//	"healthd-vault/v1\n" + chainID + "\n" + METHOD + "\n" + path + "\n" + nonce + "\n" + hex(sha256(body))
//
// path is the request's URL path (no query) and METHOD is upper case.
func SignBytes(chainID, method, path, nonce string, body []byte) []byte {
	sum := sha256.Sum256(body)
	return signBytesForHash(chainID, method, path, nonce, sum[:])
}

func signBytesForHash(chainID, method, path, nonce string, bodyHash []byte) []byte {
	var b strings.Builder
	b.WriteString(SignDomain)
	b.WriteByte('\n')
	b.WriteString(chainID)
	b.WriteByte('\n')
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(nonce)
	b.WriteByte('\n')
	b.WriteString(hex.EncodeToString(bodyHash))
	return []byte(b.String())
}

// AccountFromPubKey returns the health1... address of a secp256k1 key.
func AccountFromPubKey(pub *secp256k1.PubKey) (string, error) {
	if pub == nil || len(pub.Key) != secp256k1.PubKeySize {
		return "", errors.New("vault: not a 33-byte compressed secp256k1 public key")
	}
	return bech32.ConvertAndEncode(AccountPrefix, pub.Address())
}

// --- challenges ---

// challenger issues stateless challenges: a nonce is its expiry, 16 random
// bytes and an HMAC over both under a secret, so issuing one stores nothing
// and takes no lock, and a flood of challenge requests cannot crowd anyone
// out. Replay is refused by remembering the nonces used by authenticated
// requests until they expire, at most max of them, in a nonceSet: in memory
// (memNonces), or in the vault's State so that a restart forgets none
// (durableNonces).
type challenger struct {
	secret [challengeSecretBytes]byte
	ttl    time.Duration
	used   nonceSet
}

// nonceSet remembers used nonces until they expire.
type nonceSet interface {
	// claim marks p used at now (unix nanoseconds). It refuses a nonce
	// already used (ReasonUnknownNonce) or one at or below the set's floor
	// (ReasonExpiredNonce); an error means the set could not be read or
	// written, and the nonce is then not accepted.
	claim(p parsedNonce, now int64) (string, error)
	// size is the number of used nonces remembered.
	size() int
}

// memNonces is the in-memory used-nonce set: a map and a min-heap by expiry,
// so pruning pops expired entries, O(expired).
type memNonces struct {
	mu   sync.Mutex
	max  int
	used map[[nonceIDBytes]byte]struct{}
	q    expiryHeap
	// floor: a nonce expiring at or before floor (unix nanoseconds) is
	// refused as expired. It rises when the used set is full and its
	// oldest entries are dropped, so that they cannot be replayed.
	floor int64
}

type usedNonce struct {
	exp int64
	id  [nonceIDBytes]byte
}

// expiryHeap is a min-heap of used nonces by expiry.
type expiryHeap []usedNonce

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].exp < h[j].exp }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(usedNonce)) }
func (h *expiryHeap) Pop() any {
	old := *h
	n := len(old)
	x := old[n-1]
	*h = old[:n-1]
	return x
}

// newChallenger returns a challenger keyed by secret, or by fresh random
// bytes if secret is empty, remembering used nonces in memory.
func newChallenger(secret []byte, ttl time.Duration, max int) (*challenger, error) {
	c := &challenger{ttl: ttl, used: &memNonces{max: max, used: make(map[[nonceIDBytes]byte]struct{})}}
	switch {
	case len(secret) == 0:
		if _, err := rand.Read(c.secret[:]); err != nil {
			return nil, fmt.Errorf("vault: random challenge secret: %w", err)
		}
	case len(secret) < challengeSecretBytes:
		return nil, fmt.Errorf("vault: the challenge secret must be at least %d bytes", challengeSecretBytes)
	default:
		k := sha256.Sum256(secret)
		c.secret = k
	}
	return c, nil
}

func (c *challenger) mac(expID []byte) []byte {
	m := hmac.New(sha256.New, c.secret[:])
	m.Write([]byte("healthd-vault/challenge\n"))
	m.Write(expID)
	return m.Sum(nil)[:nonceMACBytes]
}

// issue returns a fresh nonce and its expiry. It stores nothing.
func (c *challenger) issue(now time.Time) (string, time.Time, error) {
	exp := now.Add(c.ttl)
	var raw [nonceBytes]byte
	binary.BigEndian.PutUint64(raw[:nonceExpBytes], uint64(exp.UnixNano()))
	if _, err := rand.Read(raw[nonceExpBytes : nonceExpBytes+nonceIDBytes]); err != nil {
		return "", time.Time{}, fmt.Errorf("vault: random nonce: %w", err)
	}
	copy(raw[nonceExpBytes+nonceIDBytes:], c.mac(raw[:nonceExpBytes+nonceIDBytes]))
	return base64.RawURLEncoding.EncodeToString(raw[:]), exp, nil
}

// parsedNonce is a nonce whose MAC verified.
type parsedNonce struct {
	exp int64
	id  [nonceIDBytes]byte
}

// check verifies that nonce was issued by this vault and has not expired.
// It reads no shared state.
func (c *challenger) check(nonce string, now time.Time) (parsedNonce, string) {
	var p parsedNonce
	if len(nonce) > maxNonceHeader {
		return p, ReasonUnknownNonce
	}
	raw, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(raw) != nonceBytes {
		return p, ReasonUnknownNonce
	}
	if !hmac.Equal(raw[nonceExpBytes+nonceIDBytes:], c.mac(raw[:nonceExpBytes+nonceIDBytes])) {
		return p, ReasonUnknownNonce
	}
	exp := binary.BigEndian.Uint64(raw[:nonceExpBytes])
	if exp > math.MaxInt64 {
		return p, ReasonUnknownNonce
	}
	p.exp = int64(exp)
	copy(p.id[:], raw[nonceExpBytes:nonceExpBytes+nonceIDBytes])
	if now.UnixNano() >= p.exp {
		return p, ReasonExpiredNonce
	}
	return p, ""
}

// claim marks a checked nonce used, for a request whose signature verified.
// It refuses a nonce already used (UNKNOWN_NONCE) or one at or below the
// floor (EXPIRED_NONCE). An error (a durable set that cannot be written)
// refuses the nonce too.
func (c *challenger) claimErr(p parsedNonce, now time.Time) (string, error) {
	return c.used.claim(p, now.UnixNano())
}

// claim is claimErr with a failure reported as ReasonStoreError.
func (c *challenger) claim(p parsedNonce, now time.Time) string {
	reason, err := c.claimErr(p, now)
	if err != nil {
		return ReasonStoreError
	}
	return reason
}

// usedLen is the number of used nonces remembered.
func (c *challenger) usedLen() int { return c.used.size() }

func (m *memNonces) claim(p parsedNonce, now int64) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pruneLocked(now)
	if p.exp <= m.floor {
		return ReasonExpiredNonce, nil
	}
	if _, ok := m.used[p.id]; ok {
		return ReasonUnknownNonce, nil
	}
	// Full: drop the oldest of the set and the new nonce, and raise the
	// floor to it, so that nothing dropped can be used again.
	for len(m.used) >= m.max && len(m.q) > 0 {
		if p.exp <= m.q[0].exp {
			m.floor = max(m.floor, p.exp)
			return ReasonExpiredNonce, nil
		}
		old := heap.Pop(&m.q).(usedNonce)
		delete(m.used, old.id)
		m.floor = max(m.floor, old.exp)
	}
	m.used[p.id] = struct{}{}
	heap.Push(&m.q, usedNonce{exp: p.exp, id: p.id})
	return "", nil
}

// pruneLocked drops the used nonces that have expired: they would be refused
// as expired anyway.
func (m *memNonces) pruneLocked(now int64) {
	for len(m.q) > 0 && m.q[0].exp <= now {
		old := heap.Pop(&m.q).(usedNonce)
		delete(m.used, old.id)
	}
}

func (m *memNonces) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.used)
}

// Challenger is the vault's challenge scheme for another server of the
// project (the gateway): stateless nonces under a secret, replay refused
// until they expire, memory bounded by max used nonces.
type Challenger struct{ c *challenger }

// NewChallenger returns a Challenger keyed by secret (at least 32 bytes), or
// by fresh random bytes if secret is empty. It remembers used nonces in
// memory: with a secret that outlives the process, a nonce answered before
// a restart can be answered again until it expires (see
// NewDurableChallenger).
func NewChallenger(secret []byte, ttl time.Duration, max int) (*Challenger, error) {
	c, err := newChallenger(secret, ttl, max)
	if err != nil {
		return nil, err
	}
	return &Challenger{c: c}, nil
}

// NewDurableChallenger is NewChallenger with the used nonces kept in st,
// written (fsynced) before Redeem accepts one, so a restart over the same
// State refuses every nonce answered before it. An empty secret means st's
// own secret (made once and kept in st), so outstanding challenges survive
// a restart too. Redeem answers ReasonStoreError when st cannot be written.
// Several challengers must not share one State: they would share its
// used-nonce set and its bound.
func NewDurableChallenger(secret []byte, ttl time.Duration, max int, st *State) (*Challenger, error) {
	c, err := newDurableChallenger(secret, ttl, max, st)
	if err != nil {
		return nil, err
	}
	return &Challenger{c: c}, nil
}

func newDurableChallenger(secret []byte, ttl time.Duration, max int, st *State) (*challenger, error) {
	if st == nil {
		return nil, errors.New("vault: a durable challenger needs a State")
	}
	if len(secret) == 0 {
		secret = st.secret[:]
	}
	c, err := newChallenger(secret, ttl, max)
	if err != nil {
		return nil, err
	}
	c.used = &durableNonces{st: st, max: max}
	return c, nil
}

// Issue returns a fresh nonce and its expiry. It stores nothing.
func (c *Challenger) Issue(now time.Time) (string, time.Time, error) { return c.c.issue(now) }

// Redeem uses nonce up for a request whose signature verify checks: it
// refuses a nonce this challenger never issued, an expired one and a replay
// (ReasonUnknownNonce, ReasonExpiredNonce), then a signature that does not
// verify (ReasonBadSignature), and only then marks the nonce used. It
// returns "" on success, and ReasonStoreError if a durable challenger could
// not record the nonce (which is then not accepted).
func (c *Challenger) Redeem(nonce string, now time.Time, verify func() bool) string {
	p, reason := c.c.check(nonce, now)
	if reason != "" {
		return reason
	}
	if !verify() {
		return ReasonBadSignature
	}
	return c.c.claim(p, now)
}

// --- request authentication ---

// authenticated is a request whose signature verified over its headers; the
// body, if any, has not been read and must still match sum and length.
type authenticated struct {
	account string
	length  int64
	sum     [sha256.Size]byte
}

func authError(reason, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// authenticate checks a request before any of its body is read: the body is
// framed by a Content-Length within limit; the headers are present and
// well-formed; the public key is the account's; the nonce was issued by this
// vault and is live; the signature verifies over the declared body hash;
// and, last, the nonce is used up. Nothing an unauthenticated caller sends
// makes the vault read a body, store anything or ask the chain.
func (s *server) authenticate(r *http.Request, limit int64) (*authenticated, *apiError) {
	if r.ContentLength < 0 {
		return nil, &apiError{Status: http.StatusLengthRequired, Reason: ReasonLengthRequired,
			Message: "the request body must have a Content-Length (chunked uploads are not accepted)"}
	}
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	var missing []string
	get := func(h string, required bool) string {
		v := strings.TrimSpace(r.Header.Get(h))
		if v == "" && required {
			missing = append(missing, h)
		}
		return v
	}
	account, pubB64 := get(HeaderAccount, true), get(HeaderPubKey, true)
	nonce, sigB64 := get(HeaderNonce, true), get(HeaderSignature, true)
	sumHex := get(HeaderContentSHA256, r.ContentLength > 0)
	if len(missing) > 0 {
		return nil, authError(ReasonMissingAuth,
			"missing authentication header(s) %s: get a nonce from GET /v1/challenge and sign the request with the account key",
			strings.Join(missing, ", "))
	}
	if err := ValidateAccount(account); err != nil {
		return nil, authError(ReasonBadAccount, "%s is not a valid %s1... account: %s", HeaderAccount, AccountPrefix, truncate(err.Error()))
	}
	pubBz, err := base64.StdEncoding.DecodeString(pubB64)
	if err != nil {
		return nil, authError(ReasonBadPubKey, "%s is not standard base64: %v", HeaderPubKey, err)
	}
	if len(pubBz) != secp256k1.PubKeySize || (pubBz[0] != 0x02 && pubBz[0] != 0x03) {
		return nil, authError(ReasonBadPubKey, "%s must be a %d-byte compressed secp256k1 public key, got %d bytes",
			HeaderPubKey, secp256k1.PubKeySize, len(pubBz))
	}
	pub := &secp256k1.PubKey{Key: pubBz}
	derived, err := AccountFromPubKey(pub)
	if err != nil {
		return nil, authError(ReasonBadPubKey, "%s: %v", HeaderPubKey, err)
	}
	if derived != account {
		return nil, authError(ReasonAccountMismatch, "the public key in %s belongs to %s, not to %s", HeaderPubKey, derived, account)
	}
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return nil, authError(ReasonBadSignature, "%s is not standard base64: %v", HeaderSignature, err)
	}
	if len(sig) != 64 {
		return nil, authError(ReasonBadSignature, "%s must be a 64-byte secp256k1 signature (r || s), got %d bytes", HeaderSignature, len(sig))
	}
	a := &authenticated{account: account, length: r.ContentLength, sum: emptySHA256}
	if sumHex != "" {
		bz, err := hex.DecodeString(sumHex)
		if err != nil || len(bz) != sha256.Size || sumHex != strings.ToLower(sumHex) {
			return nil, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadContentHash,
				Message: fmt.Sprintf("%s must be the SHA-256 of the body in 64 lower-case hex digits", HeaderContentSHA256)}
		}
		copy(a.sum[:], bz)
	}
	now := s.now()
	pn, reason := s.challenges.check(nonce, now)
	if reason != "" {
		return nil, nonceError(reason)
	}
	msg := signBytesForHash(s.cfg.ChainID, r.Method, r.URL.Path, nonce, a.sum[:])
	if !pub.VerifySignature(msg, sig) {
		return nil, authError(ReasonBadSignature,
			"the signature does not verify for %s: it must cover the chain id %q, the method, the path %s, the nonce and the SHA-256 of the body",
			account, s.cfg.ChainID, truncate(r.URL.Path))
	}
	reason, err = s.challenges.claimErr(pn, now)
	if err != nil {
		return nil, s.storeFailure(r, "record the used challenge", err)
	}
	if reason != "" {
		return nil, nonceError(reason)
	}
	setAccount(r, account)
	return a, nil
}

func nonceError(reason string) *apiError {
	if reason == ReasonExpiredNonce {
		return authError(reason, "the challenge nonce expired (nonces live %s, less when the vault is busy): get a new one from GET /v1/challenge and use it at once", NonceTTL)
	}
	return authError(reason, "the challenge nonce is unknown: it was never issued by this vault, was already used, or the vault restarted; get a new one from GET /v1/challenge")
}

// --- bodies ---

// bodyReader reads an authenticated request's body under read deadlines:
// each read must make progress within idle, and the whole body must arrive
// by final, a time proportional to its declared length. It hashes what it
// reads.
type bodyReader struct {
	rc     *http.ResponseController
	r      io.Reader
	idle   time.Duration
	final  time.Time
	h      hash.Hash
	n      int64
	length int64
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.n >= b.length {
		return 0, io.EOF // nothing more to wait for: leave the deadlines alone
	}
	d := time.Now().Add(b.idle)
	if d.After(b.final) {
		d = b.final
	}
	_ = b.rc.SetReadDeadline(d) // unsupported only off a real connection
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	b.n += int64(n)
	return n, err
}

// uploadTime is how long a body of size bytes may take to arrive: the grace
// period plus size at the minimum rate, capped at a day.
func uploadTime(size, minRate int64, grace time.Duration) time.Duration {
	const ceiling = 24 * time.Hour
	if minRate <= 0 {
		return ceiling
	}
	secs := float64(size) / float64(minRate)
	if secs >= ceiling.Seconds() {
		return ceiling
	}
	return grace + time.Duration(secs*float64(time.Second))
}

// body returns a reader of the request's body, at most a.length bytes, under
// the vault's read deadlines. It leaves the write deadline alone, so that a
// large download is not cut short; see extendWrite for long uploads.
func (s *server) body(w http.ResponseWriter, r *http.Request, a *authenticated) *bodyReader {
	final := time.Now().Add(uploadTime(a.length, s.cfg.MinUploadRate, s.cfg.BodyIdleTimeout))
	return &bodyReader{rc: http.NewResponseController(w), r: io.LimitReader(r.Body, a.length), idle: s.cfg.BodyIdleTimeout,
		final: final, h: sha256.New(), length: a.length}
}

// extendWrite moves the write deadline past the body's read deadline, so the
// answer to a long upload can still be sent after the server's WriteTimeout.
func (b *bodyReader) extendWrite() {
	_ = b.rc.SetWriteDeadline(b.final.Add(b.idle))
}

// finish checks what was read against the declared length and hash, and
// lifts the body's read deadline: the rest of the request is bounded by the
// write deadline.
func (b *bodyReader) finish(a *authenticated) *apiError {
	if b.length > 0 {
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	if b.n != a.length || !bytes.Equal(b.h.Sum(nil), a.sum[:]) {
		return &apiError{Status: http.StatusBadRequest, Reason: ReasonBodyMismatch,
			Message: fmt.Sprintf("the body does not match the %s and Content-Length the request was signed with", HeaderContentSHA256)}
	}
	return nil
}

// bodyReadError explains a failed body read.
func bodyReadError(err error) *apiError {
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &apiError{Status: http.StatusRequestTimeout, Reason: ReasonBodyTimeout,
			Message: "the request body arrived too slowly"}
	}
	return &apiError{Status: http.StatusBadRequest, Reason: ReasonBadBody, Message: "reading the request body: " + truncate(err.Error())}
}

// readBody reads an authenticated request's whole (small) body and checks it
// against the declared hash.
func (s *server) readBody(w http.ResponseWriter, r *http.Request, a *authenticated) ([]byte, *apiError) {
	br := s.body(w, r, a)
	bz, err := io.ReadAll(br)
	if err != nil {
		return nil, bodyReadError(err)
	}
	if aerr := br.finish(a); aerr != nil {
		return nil, aerr
	}
	return bz, nil
}

// --- upload slots ---

// uploadSlots bounds the uploads in progress, per account and in all.
type uploadSlots struct {
	mu         sync.Mutex
	total      int
	maxTotal   int
	maxAccount int
	perAccount map[string]int
}

func newUploadSlots(maxTotal, maxAccount int) *uploadSlots {
	return &uploadSlots{maxTotal: maxTotal, maxAccount: maxAccount, perAccount: make(map[string]int)}
}

// acquire takes a slot for account; the caller calls release when the
// upload is over. It refuses with 429 when the account has its share in
// progress and 503 when the vault has.
func (u *uploadSlots) acquire(account string) (func(), *apiError) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.perAccount[account] >= u.maxAccount {
		return nil, &apiError{Status: http.StatusTooManyRequests, Reason: ReasonTooManyUploads, RetryAfter: uploadRetryAfter,
			Message: fmt.Sprintf("%s already has %d uploads in progress, the most one account may have; retry when one has finished", account, u.maxAccount)}
	}
	if u.total >= u.maxTotal {
		return nil, &apiError{Status: http.StatusServiceUnavailable, Reason: ReasonVaultBusy, RetryAfter: uploadRetryAfter,
			Message: fmt.Sprintf("the vault has %d uploads in progress, the most it takes at once; retry shortly", u.maxTotal)}
	}
	u.total++
	u.perAccount[account]++
	var once sync.Once
	return func() {
		once.Do(func() {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.total--
			if u.perAccount[account]--; u.perAccount[account] <= 0 {
				delete(u.perAccount, account)
			}
		})
	}, nil
}

func (u *uploadSlots) inUse() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.total
}

// uploadRetryAfter is the Retry-After, in seconds, of a refused upload.
const uploadRetryAfter = 5

// --- echoing input ---

// maxEcho bounds the bytes of caller input quoted back in an error message.
const maxEcho = 64

// truncate shortens s to at most maxEcho bytes (on a rune boundary) followed
// by "…", so that an error message never echoes large input back.
func truncate(s string) string { return querylimit.Truncate(s, maxEcho) }
