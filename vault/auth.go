package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/types/bech32"
)

// Authentication headers.
const (
	HeaderAccount   = "Healthd-Account"
	HeaderPubKey    = "Healthd-Pubkey"
	HeaderNonce     = "Healthd-Nonce"
	HeaderSignature = "Healthd-Signature"
	// HeaderCID carries the CID of a served blob or key.
	HeaderCID = "Healthd-CID"
)

// SignDomain is the first line of every signed request.
const SignDomain = "healthd-vault/v1"

// Challenge parameters.
const (
	// NonceTTL is how long a challenge nonce may be used.
	NonceTTL = 2 * time.Minute
	// DefaultMaxNonces bounds the outstanding challenges held in memory.
	DefaultMaxNonces = 100000
	nonceBytes       = 32
	prunePeriod      = 10 * time.Second
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

var errTooManyNonces = errors.New("vault: too many outstanding challenges")

// nonceStore holds the outstanding challenge nonces in memory.
type nonceStore struct {
	mu        sync.Mutex
	ttl       time.Duration
	max       int
	expiry    map[string]time.Time
	lastPrune time.Time
}

func newNonceStore(ttl time.Duration, max int) *nonceStore {
	return &nonceStore{ttl: ttl, max: max, expiry: make(map[string]time.Time)}
}

// pruneLocked drops expired nonces.
func (s *nonceStore) pruneLocked(now time.Time) {
	for n, exp := range s.expiry {
		if !now.Before(exp) {
			delete(s.expiry, n)
		}
	}
	s.lastPrune = now
}

// issue returns a fresh nonce and its expiry.
func (s *nonceStore) issue(now time.Time) (string, time.Time, error) {
	var raw [nonceBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("vault: random nonce: %w", err)
	}
	nonce := base64.RawURLEncoding.EncodeToString(raw[:])
	exp := now.Add(s.ttl)

	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.expiry) >= s.max || now.Sub(s.lastPrune) >= prunePeriod || now.Before(s.lastPrune) {
		s.pruneLocked(now)
	}
	if len(s.expiry) >= s.max {
		return "", time.Time{}, errTooManyNonces
	}
	s.expiry[nonce] = exp
	return nonce, exp, nil
}

// claim takes nonce out of the outstanding set, so that no other request
// can use it, and returns its expiry; or it returns a refusal reason. A
// nonce must be live when a request's headers arrive; a long upload may
// finish after the nonce would have expired.
func (s *nonceStore) claim(nonce string, now time.Time) (time.Time, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.expiry[nonce]
	if !ok {
		return time.Time{}, ReasonUnknownNonce
	}
	delete(s.expiry, nonce)
	if !now.Before(exp) {
		return time.Time{}, ReasonExpiredNonce
	}
	return exp, ""
}

// restore returns a claimed nonce to the outstanding set when its request
// was not authenticated (say, a forged signature), so that a forgery cannot
// burn someone else's challenge. An expired nonce is not restored.
func (s *nonceStore) restore(nonce string, exp, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Before(exp) {
		s.expiry[nonce] = exp
	}
}

func (s *nonceStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.expiry)
}

// --- request authentication ---

// credentials are the parsed authentication headers of one request, with the
// account bound to the public key but the signature not yet checked.
type credentials struct {
	account  string
	pub      *secp256k1.PubKey
	nonce    string
	nonceExp time.Time
	sig      []byte
	verified bool
}

func authError(reason, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// parseCredentials checks everything that does not need the body: headers
// present and well-formed, public key bound to the account, nonce live. It
// claims the nonce: the caller must call s.release(c) when done, which gives
// the nonce back unless the signature was verified.
func (s *server) parseCredentials(r *http.Request) (*credentials, *apiError) {
	var missing []string
	get := func(h string) string {
		v := strings.TrimSpace(r.Header.Get(h))
		if v == "" {
			missing = append(missing, h)
		}
		return v
	}
	account, pubB64, nonce, sigB64 := get(HeaderAccount), get(HeaderPubKey), get(HeaderNonce), get(HeaderSignature)
	if len(missing) > 0 {
		return nil, authError(ReasonMissingAuth,
			"missing authentication header(s) %s: get a nonce from GET /v1/challenge and sign the request with the account key",
			strings.Join(missing, ", "))
	}
	if err := ValidateAccount(account); err != nil {
		return nil, authError(ReasonBadAccount, "%s is not a valid %s1... account: %v", HeaderAccount, AccountPrefix, err)
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
	if len(nonce) > 128 {
		return nil, authError(ReasonUnknownNonce, "%s was not issued by this vault: get one from GET /v1/challenge", HeaderNonce)
	}
	exp, reason := s.nonces.claim(nonce, s.now())
	if reason != "" {
		return nil, nonceError(reason)
	}
	return &credentials{account: account, pub: pub, nonce: nonce, nonceExp: exp, sig: sig}, nil
}

// release ends the use of claimed credentials: a nonce whose request was
// authenticated is used up, any other goes back to the outstanding set.
func (s *server) release(c *credentials) {
	if c != nil && !c.verified {
		s.nonces.restore(c.nonce, c.nonceExp, s.now())
	}
}

func nonceError(reason string) *apiError {
	if reason == ReasonExpiredNonce {
		return authError(reason, "the challenge nonce expired (nonces live %s): get a new one from GET /v1/challenge", NonceTTL)
	}
	return authError(reason, "the challenge nonce is unknown: it was never issued by this vault, was already used (or is in use by another request), or expired; get a new one from GET /v1/challenge")
}

// verify checks the signature over the request. Once it verifies, the
// claimed nonce is used up.
func (s *server) verify(c *credentials, r *http.Request, bodyHash []byte) *apiError {
	msg := signBytesForHash(s.cfg.ChainID, r.Method, r.URL.Path, c.nonce, bodyHash)
	if !c.pub.VerifySignature(msg, c.sig) {
		return authError(ReasonBadSignature,
			"the signature does not verify for %s: it must cover the chain id %q, the method, the path %s, the nonce and the SHA-256 of the body",
			c.account, s.cfg.ChainID, r.URL.Path)
	}
	c.verified = true
	setAccount(r, c.account)
	return nil
}

// authenticate reads a small body (at most limit bytes) and authenticates
// the request. It returns the verified account and the body.
func (s *server) authenticate(w http.ResponseWriter, r *http.Request, limit int64) (string, []byte, *apiError) {
	c, aerr := s.parseCredentials(r)
	if aerr != nil {
		return "", nil, aerr
	}
	defer s.release(c)
	body, aerr := readSmallBody(w, r, limit)
	if aerr != nil {
		return "", nil, aerr
	}
	sum := sha256.Sum256(body)
	if aerr := s.verify(c, r, sum[:]); aerr != nil {
		return "", nil, aerr
	}
	return c.account, body, nil
}
