package gateway

import (
	"container/heap"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/vault"
)

// SignDomain is the first line of the bytes a caller signs to open a session.
const SignDomain = "healthd-gateway/v1"

// Session token layout: "hgw1." + base64url(expiry 8 | account 20 | id 16 | mac 32).
const (
	tokenPrefix     = "hgw1."
	tokenExpBytes   = 8
	tokenAcctBytes  = 20
	tokenIDBytes    = 16
	tokenMACBytes   = 32
	tokenBytes      = tokenExpBytes + tokenAcctBytes + tokenIDBytes + tokenMACBytes
	maxTokenHeader  = 160
	maxSessionBody  = 4 << 10
	sessionKeyBytes = 32
)

// Authentication refusal reasons (HTTP 401), besides the vault's nonce
// reasons (UNKNOWN_NONCE, EXPIRED_NONCE), which the gateway shares.
const (
	ReasonNoSession      = "NO_SESSION"
	ReasonBadToken       = "BAD_TOKEN"
	ReasonExpiredSession = "EXPIRED_SESSION"
	ReasonLoggedOut      = "LOGGED_OUT"
	ReasonBadRequest     = "BAD_REQUEST"
)

// SessionSignBytes returns the bytes a caller signs with its account key to
// turn a challenge nonce into a session:
//
//	"healthd-gateway/v1\nsession\n" + chainID + "\n" + account + "\n" + nonce
//
// The domain line keeps a gateway signature from being usable at the vault
// (whose first line is healthd-vault/v1) and the other way round.
func SessionSignBytes(chainID, account, nonce string) []byte {
	return []byte(SignDomain + "\nsession\n" + chainID + "\n" + account + "\n" + nonce)
}

// SessionRequest is the body of POST /auth/session.
type SessionRequest struct {
	Account string `json:"account"`
	// PubKey is the account's compressed secp256k1 public key, standard base64.
	PubKey string `json:"pubkey"`
	Nonce  string `json:"nonce"`
	// Signature is the 64-byte r||s secp256k1 signature (SHA-256 hashed, as
	// Cosmos keys sign), standard base64, of SessionSignBytes, or with
	// SignMode "adr036" of ADR036SignBytes(account, SessionSignBytes).
	Signature string `json:"signature"`
	// SignMode is "direct" (or empty) or "adr036" (a browser wallet).
	SignMode string `json:"sign_mode,omitempty"`
}

// Session is the answer to POST /auth/session.
type Session struct {
	Token     string    `json:"token"`
	Account   string    `json:"account"`
	ExpiresAt time.Time `json:"expires_at"`
}

// sessions issues and checks session tokens. A token is stateless: its
// expiry and account under an HMAC with a key made at start (or given), so
// checking one reads no shared state and a restart ends every session.
type sessions struct {
	key [sessionKeyBytes]byte
	ttl time.Duration

	// Logged-out tokens, by id, until they expire. The set is bounded: it
	// holds at most what LoginRate logins can create in one TTL, and a
	// logout that would overflow it is refused (the token then simply
	// expires).
	mu      sync.Mutex
	revoked map[[tokenIDBytes]byte]int64
	q       revokedHeap
}

type revokedToken struct {
	exp int64
	id  [tokenIDBytes]byte
}

// revokedHeap is a min-heap of logged-out tokens by expiry.
type revokedHeap []revokedToken

func (h revokedHeap) Len() int           { return len(h) }
func (h revokedHeap) Less(i, j int) bool { return h[i].exp < h[j].exp }
func (h revokedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *revokedHeap) Push(x any)        { *h = append(*h, x.(revokedToken)) }
func (h *revokedHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// maxRevoked bounds the logged-out tokens remembered.
const maxRevoked = 1 << 17

func newSessions(secret []byte, ttl time.Duration) (*sessions, error) {
	s := &sessions{ttl: ttl, revoked: make(map[[tokenIDBytes]byte]int64)}
	switch {
	case len(secret) == 0:
		if _, err := rand.Read(s.key[:]); err != nil {
			return nil, fmt.Errorf("gateway: random session key: %w", err)
		}
	case len(secret) < sessionKeyBytes:
		return nil, fmt.Errorf("gateway: the session secret must be at least %d bytes", sessionKeyBytes)
	default:
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("healthd-gateway/session-key"))
		copy(s.key[:], m.Sum(nil))
	}
	return s, nil
}

func (s *sessions) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.key[:])
	m.Write([]byte("healthd-gateway/session\n"))
	m.Write(b)
	return m.Sum(nil)
}

// issue returns a token for account, valid until now+ttl.
func (s *sessions) issue(account string, now time.Time) (Session, error) {
	_, acct, err := bech32.DecodeAndConvert(account)
	if err != nil || len(acct) != tokenAcctBytes {
		return Session{}, errors.New("gateway: not a 20-byte account address")
	}
	exp := now.Add(s.ttl).UTC().Truncate(time.Second)
	var raw [tokenBytes]byte
	binary.BigEndian.PutUint64(raw[:tokenExpBytes], uint64(exp.Unix()))
	copy(raw[tokenExpBytes:], acct)
	if _, err := rand.Read(raw[tokenExpBytes+tokenAcctBytes : tokenBytes-tokenMACBytes]); err != nil {
		return Session{}, fmt.Errorf("gateway: random token id: %w", err)
	}
	copy(raw[tokenBytes-tokenMACBytes:], s.mac(raw[:tokenBytes-tokenMACBytes]))
	return Session{Token: tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:]), Account: account, ExpiresAt: exp}, nil
}

// check returns the account a token was issued to, or a refusal reason.
func (s *sessions) check(token string, now time.Time) (string, string) {
	account, _, _, reason := s.parse(token, now)
	if reason != "" {
		return "", reason
	}
	return account, ""
}

// parse checks a token's MAC and expiry and that it was not logged out; it
// returns its account, id and expiry.
func (s *sessions) parse(token string, now time.Time) (string, [tokenIDBytes]byte, int64, string) {
	var id [tokenIDBytes]byte
	if len(token) > maxTokenHeader || !strings.HasPrefix(token, tokenPrefix) {
		return "", id, 0, ReasonBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(token[len(tokenPrefix):])
	if err != nil || len(raw) != tokenBytes {
		return "", id, 0, ReasonBadToken
	}
	if !hmac.Equal(raw[tokenBytes-tokenMACBytes:], s.mac(raw[:tokenBytes-tokenMACBytes])) {
		return "", id, 0, ReasonBadToken
	}
	exp := binary.BigEndian.Uint64(raw[:tokenExpBytes])
	if exp > math.MaxInt64 || now.Unix() >= int64(exp) {
		return "", id, 0, ReasonExpiredSession
	}
	copy(id[:], raw[tokenExpBytes+tokenAcctBytes:tokenBytes-tokenMACBytes])
	s.mu.Lock()
	_, out := s.revoked[id]
	s.mu.Unlock()
	if out {
		return "", id, 0, ReasonLoggedOut
	}
	account, err := bech32.ConvertAndEncode(vault.AccountPrefix, raw[tokenExpBytes:tokenExpBytes+tokenAcctBytes])
	if err != nil {
		return "", id, 0, ReasonBadToken
	}
	return account, id, int64(exp), ""
}

// revoke logs a valid token out until it expires. It returns false when
// the set of logged-out tokens is full.
func (s *sessions) revoke(id [tokenIDBytes]byte, exp int64, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.q) > 0 && s.q[0].exp <= now.Unix() {
		old := heap.Pop(&s.q).(revokedToken)
		delete(s.revoked, old.id)
	}
	if _, ok := s.revoked[id]; ok {
		return true
	}
	if len(s.revoked) >= maxRevoked {
		return false
	}
	s.revoked[id] = exp
	heap.Push(&s.q, revokedToken{exp: exp, id: id})
	return true
}

// bearer returns the token of an Authorization: Bearer header, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	const p = "Bearer "
	if len(h) <= len(p) || !strings.EqualFold(h[:len(p)], p) {
		return ""
	}
	return strings.TrimSpace(h[len(p):])
}

// --- handlers ---

func (s *Server) handleChallenge(w http.ResponseWriter, _ *http.Request) {
	nonce, exp, err := s.challenges.Issue(s.now())
	if err != nil {
		s.fail(w, nil, internalError(err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"nonce": nonce, "expires_at": exp.UTC(), "chain_id": s.cfg.ChainID})
}

// handleSession opens a session for a caller that signed a challenge with
// its account key. It asks the chain nothing and stores nothing.
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	if !s.limits.loginAllowed() {
		s.fail(w, nil, tooMany("logins at this gateway"))
		return
	}
	if r.ContentLength > maxSessionBody {
		s.fail(w, nil, &apiError{Status: http.StatusRequestEntityTooLarge, Reason: ReasonBadRequest,
			Message: fmt.Sprintf("the session request is at most %d bytes", maxSessionBody)})
		return
	}
	bz, err := io.ReadAll(io.LimitReader(r.Body, maxSessionBody+1))
	if err != nil || len(bz) > maxSessionBody {
		s.fail(w, nil, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "the session request could not be read or is too large"})
		return
	}
	var req SessionRequest
	if err := json.Unmarshal(bz, &req); err != nil {
		s.fail(w, nil, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest,
			Message: `the session request must be JSON {"account","pubkey","nonce","signature"}`})
		return
	}
	unauthorized := func(reason, format string, args ...any) {
		s.fail(w, nil, &apiError{Status: http.StatusUnauthorized, Reason: reason, Message: fmt.Sprintf(format, args...)})
	}
	if err := vault.ValidateAccount(req.Account); err != nil {
		unauthorized(vault.ReasonBadAccount, "account is not a valid %s1... address", vault.AccountPrefix)
		return
	}
	pubBz, err := base64.StdEncoding.DecodeString(req.PubKey)
	if err != nil || len(pubBz) != secp256k1.PubKeySize || (pubBz[0] != 0x02 && pubBz[0] != 0x03) {
		unauthorized(vault.ReasonBadPubKey, "pubkey must be a %d-byte compressed secp256k1 public key in standard base64", secp256k1.PubKeySize)
		return
	}
	pub := &secp256k1.PubKey{Key: pubBz}
	if derived, err := vault.AccountFromPubKey(pub); err != nil || derived != req.Account {
		unauthorized(vault.ReasonAccountMismatch, "the public key does not belong to %s", req.Account)
		return
	}
	mode := req.SignMode
	if mode == "" {
		mode = SignModeDirect
	}
	if mode != SignModeDirect && mode != SignModeADR036 {
		unauthorized(ReasonBadRequest, "sign_mode must be %q (the default) or %q", SignModeDirect, SignModeADR036)
		return
	}
	sig, err := base64.StdEncoding.DecodeString(req.Signature)
	if err != nil || len(sig) != 64 {
		unauthorized(vault.ReasonBadSignature, "signature must be a 64-byte secp256k1 signature (r || s) in standard base64")
		return
	}
	if len(req.Nonce) > 128 {
		unauthorized(vault.ReasonUnknownNonce, "the nonce is unknown")
		return
	}
	now := s.now()
	reason := s.challenges.Redeem(req.Nonce, now, func() bool {
		msg := SessionSignBytes(s.cfg.ChainID, req.Account, req.Nonce)
		if mode == SignModeADR036 {
			msg = ADR036SignBytes(req.Account, msg)
		}
		return pub.VerifySignature(msg, sig)
	})
	switch reason {
	case "":
	case vault.ReasonBadSignature:
		unauthorized(reason, "the signature does not verify: sign %q, chain id %q, the account and the nonce, one per line (with sign_mode %q: their ADR-036 document, chain id \"\", signed by the account)", SignDomain+"\nsession", s.cfg.ChainID, SignModeADR036)
		return
	case vault.ReasonExpiredNonce:
		unauthorized(reason, "the challenge expired: get a new one from POST /auth/challenge and use it at once")
		return
	default:
		unauthorized(reason, "the challenge is unknown: it was never issued by this gateway, was already used, or the gateway restarted; get a new one from POST /auth/challenge")
		return
	}
	sess, err := s.sessions.issue(req.Account, now)
	if err != nil {
		s.fail(w, nil, internalError(err))
		return
	}
	s.logger.Info("session opened", "account", req.Account, "sign_mode", mode, "expires_at", sess.ExpiresAt)
	writeJSON(w, http.StatusOK, sess)
}

// handleLogout ends the session of the request's token before it expires.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if _, aerr := s.authenticate(r); aerr != nil {
		s.fail(w, r, aerr)
		return
	}
	account, id, exp, _ := s.sessions.parse(bearer(r), s.now())
	if !s.sessions.revoke(id, exp, s.now()) {
		s.fail(w, r, &apiError{Status: http.StatusServiceUnavailable, Reason: "LOGOUT_UNAVAILABLE", RetryAfter: 60,
			Message: "the gateway cannot remember more logouts now; the session ends when it expires"})
		return
	}
	s.logger.Info("session closed", "account", account)
	writeJSON(w, http.StatusOK, map[string]any{"logged_out": true, "account": account})
}

// authenticate returns the caller of a request with a valid session token.
func (s *Server) authenticate(r *http.Request) (string, *apiError) {
	tok := bearer(r)
	if tok == "" {
		return "", &apiError{Status: http.StatusUnauthorized, Reason: ReasonNoSession,
			Message: "this needs a session: POST /auth/challenge, sign it with your account key, POST /auth/session, then send Authorization: Bearer <token> (healthd gateway login does all three)"}
	}
	account, reason := s.sessions.check(tok, s.now())
	switch reason {
	case "":
		return account, nil
	case ReasonExpiredSession:
		return "", &apiError{Status: http.StatusUnauthorized, Reason: reason, Message: "the session expired: log in again"}
	case ReasonLoggedOut:
		return "", &apiError{Status: http.StatusUnauthorized, Reason: reason, Message: "this session was logged out: log in again"}
	default:
		return "", &apiError{Status: http.StatusUnauthorized, Reason: reason, Message: "the session token is not one this gateway issued (or it restarted): log in again"}
	}
}
