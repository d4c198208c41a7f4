package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"cosmossdk.io/log/v2"

	"github.com/healthchain/healthd/internal/unixfs"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// DefaultMaxBlobSize is the default bound on an uploaded blob (256 MiB).
const DefaultMaxBlobSize int64 = 256 << 20

// DefaultChainTimeout bounds each query to the chain node.
const DefaultChainTimeout = 10 * time.Second

// Refusal reasons beyond the authentication ones. A refused access check
// uses the access basis name instead: NO_GRANT, GRANT_EXPIRED,
// CONSENT_ENDED, NOT_A_MEMBER.
const (
	ReasonNotFound           = "NOT_FOUND"
	ReasonMethodNotAllowed   = "METHOD_NOT_ALLOWED"
	ReasonInvalidRecordID    = "INVALID_RECORD_ID"
	ReasonInvalidAccount     = "INVALID_ACCOUNT"
	ReasonTooLarge           = "TOO_LARGE"
	ReasonEmptyBody          = "EMPTY_BODY"
	ReasonBadBody            = "BAD_BODY"
	ReasonLengthRequired     = "LENGTH_REQUIRED"
	ReasonBadContentHash     = "BAD_CONTENT_HASH"
	ReasonBodyMismatch       = "BODY_MISMATCH"
	ReasonBodyTimeout        = "BODY_TIMEOUT"
	ReasonTooManyUploads     = "TOO_MANY_UPLOADS"
	ReasonVaultBusy          = "VAULT_BUSY"
	ReasonNotAuthor          = "NOT_AUTHOR"
	ReasonNotPatientOrAuthor = "NOT_PATIENT_OR_AUTHOR"
	ReasonNotPatient         = "NOT_PATIENT"
	ReasonAccessDenied       = "ACCESS_DENIED"
	ReasonUnknownRecord      = "UNKNOWN_RECORD"
	ReasonBlobMissing        = "BLOB_MISSING"
	ReasonNoKey              = "NO_KEY"
	ReasonErased             = "ERASED"
	ReasonChainUnavailable   = "CHAIN_UNAVAILABLE"
	ReasonChainError         = "CHAIN_ERROR"
	ReasonStoreError         = "STORE_ERROR"
	ReasonNoGrant            = "NO_GRANT"
	ReasonGrantExpired       = "GRANT_EXPIRED"
	ReasonConsentEnded       = "CONSENT_ENDED"
	ReasonNotAMember         = "NOT_A_MEMBER"
	// ReasonCIDNotOwned: the record's CID is anchored by another record (or
	// by none): the vault acts on a blob only for the record owning it.
	ReasonCIDNotOwned = "CID_NOT_OWNED"
	// ReasonKeyExists: a key is already wrapped for the account, and only
	// that account or the patient may replace it.
	ReasonKeyExists = "KEY_EXISTS"
	// ReasonNotErased: there is no tombstone to lift.
	ReasonNotErased = "NOT_ERASED"
)

// Config configures the vault HTTP server.
type Config struct {
	// ChainID is part of every signed request; required.
	ChainID string
	// MaxBlobSize bounds an uploaded blob; DefaultMaxBlobSize if <= 0.
	MaxBlobSize int64
	// Now is the clock for challenge expiry and erasure times; time.Now if nil.
	Now func() time.Time
	// TempDir receives uploads while their signature is checked; the
	// system temporary directory if empty. Put it on the store's disk.
	TempDir string
	// ChainTimeout bounds each chain query; DefaultChainTimeout if <= 0.
	ChainTimeout time.Duration
	// MaxNonces bounds the used challenge nonces remembered to refuse
	// replays; DefaultMaxNonces if <= 0. Issuing a challenge stores nothing.
	MaxNonces int
	// ChallengeSecret keys the challenge MACs (at least 32 bytes). If
	// empty: State's secret when State is set (made once, so outstanding
	// challenges survive a restart), else random at start (a restart
	// invalidates outstanding challenges).
	ChallengeSecret []byte
	// State, if set, keeps the used challenge nonces (so a restart cannot
	// replay an answered challenge) and marks every accepted upload
	// provisional until the vault sees its anchor, for the Sweeper. Without
	// it both live in memory only and nothing is swept: `vault start`
	// always opens one (<data>/state.db). The caller closes it after the
	// server has stopped.
	State *State
	// MaxUploads bounds the blob uploads in progress; DefaultMaxUploads if <= 0.
	MaxUploads int
	// MaxUploadsPerAccount bounds one account's blob uploads in progress;
	// DefaultMaxUploadsPerAccount if <= 0.
	MaxUploadsPerAccount int
	// MinUploadRate is the slowest a body may arrive, in bytes per second:
	// a body of n bytes must arrive within BodyIdleTimeout + n/MinUploadRate;
	// DefaultMinUploadRate if <= 0.
	MinUploadRate int64
	// BodyIdleTimeout bounds each wait for more of a body, and is the grace
	// added to the whole body's deadline; DefaultBodyIdleTimeout if <= 0.
	BodyIdleTimeout time.Duration
}

// Defaults of the request limits.
const (
	DefaultMaxUploads           = 16
	DefaultMaxUploadsPerAccount = 2
	DefaultMinUploadRate        = 256 << 10 // bytes per second: 256 MiB in about 17 minutes
	DefaultBodyIdleTimeout      = 30 * time.Second
)

type server struct {
	cfg        Config
	store      Store
	chain      Chain
	log        log.Logger
	challenges *challenger
	uploads    *uploadSlots
	mux        *http.ServeMux
}

// NewServer returns the vault's HTTP handler. It panics if cfg.ChainID is
// empty, store or chain is nil, or cfg.ChallengeSecret is set but short.
func NewServer(cfg Config, store Store, chain Chain, logger log.Logger) http.Handler {
	if cfg.ChainID == "" {
		panic("vault: Config.ChainID is required")
	}
	if store == nil || chain == nil {
		panic("vault: NewServer needs a store and a chain")
	}
	if cfg.MaxBlobSize <= 0 {
		cfg.MaxBlobSize = DefaultMaxBlobSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TempDir == "" {
		cfg.TempDir = os.TempDir()
	}
	if cfg.ChainTimeout <= 0 {
		cfg.ChainTimeout = DefaultChainTimeout
	}
	if cfg.MaxNonces <= 0 {
		cfg.MaxNonces = DefaultMaxNonces
	}
	if cfg.MaxUploads <= 0 {
		cfg.MaxUploads = DefaultMaxUploads
	}
	if cfg.MaxUploadsPerAccount <= 0 {
		cfg.MaxUploadsPerAccount = DefaultMaxUploadsPerAccount
	}
	if cfg.MinUploadRate <= 0 {
		cfg.MinUploadRate = DefaultMinUploadRate
	}
	if cfg.BodyIdleTimeout <= 0 {
		cfg.BodyIdleTimeout = DefaultBodyIdleTimeout
	}
	var challenges *challenger
	var err error
	if cfg.State != nil {
		challenges, err = newDurableChallenger(cfg.ChallengeSecret, NonceTTL, cfg.MaxNonces, cfg.State)
	} else {
		challenges, err = newChallenger(cfg.ChallengeSecret, NonceTTL, cfg.MaxNonces)
	}
	if err != nil {
		panic(err)
	}
	if logger == nil {
		logger = log.NewNopLogger()
	}
	s := &server{
		cfg:        cfg,
		store:      store,
		chain:      chain,
		log:        logger,
		challenges: challenges,
		uploads:    newUploadSlots(cfg.MaxUploads, cfg.MaxUploadsPerAccount),
		mux:        http.NewServeMux(),
	}
	routes := []struct {
		method, path string
		h            http.HandlerFunc
	}{
		{http.MethodGet, "/healthz", s.handleHealth},
		{http.MethodGet, "/v1/challenge", s.handleChallenge},
		{http.MethodPut, "/v1/blobs", s.handlePutBlob},
		{http.MethodPut, "/v1/records/{id}/keys/{account}", s.handlePutKey},
		{http.MethodGet, "/v1/records/{id}/blob", s.handleGetBlob},
		{http.MethodGet, "/v1/records/{id}/key", s.handleGetKey},
		{http.MethodDelete, "/v1/records/{id}", s.handleErase},
		{http.MethodDelete, "/v1/records/{id}/tombstone", s.handleLiftTombstone},
	}
	for _, rt := range routes {
		s.mux.HandleFunc(rt.method+" "+rt.path, rt.h)
		allow := rt.method
		if rt.method == http.MethodGet {
			allow = "GET, HEAD"
		}
		s.mux.HandleFunc(rt.path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, &apiError{Status: http.StatusMethodNotAllowed, Reason: ReasonMethodNotAllowed,
				Message: fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, rt.path, allow)})
		})
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{Status: http.StatusNotFound, Reason: ReasonNotFound,
			Message: fmt.Sprintf("no vault endpoint at %s", truncate(r.URL.Path))})
	})
	return s
}

// --- request bookkeeping and logging ---

type reqInfoKey struct{}

// reqInfo collects what the access log line reports about a request.
type reqInfo struct {
	account  string
	recordID string
}

func setAccount(r *http.Request, account string) {
	if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		info.account = account
	}
}

func setRecordID(r *http.Request, id uint64) {
	if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		info.recordID = strconv.FormatUint(id, 10)
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	body   *trackedBody
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		// A request refused before its body was read gets its answer at
		// once and the connection closed: otherwise net/http would wait to
		// read and discard up to 256 KiB of body first, for keep-alive.
		if w.body != nil && !w.body.done() {
			w.Header().Set("Connection", "close")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// trackedBody notes whether a request's body was read to its end.
type trackedBody struct {
	io.ReadCloser
	length int64
	n      int64
	eof    bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *trackedBody) done() bool { return b.eof || (b.length >= 0 && b.n >= b.length) }

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the underlying writer's sendfile path for blob downloads.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP routes the request and logs one line about it: method, route
// pattern, record id, authenticated account, status, duration. Bodies, keys
// and other path values are never logged.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	info := &reqInfo{}
	r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info))
	sw := &statusWriter{ResponseWriter: w}
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
		sw.body = &trackedBody{ReadCloser: r.Body, length: r.ContentLength}
		r.Body = sw.body
	}
	h := sw.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(sw, r)
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	route := r.Pattern
	if route == "" || route == "/" {
		route = "unmatched"
	}
	kv := []any{"method", r.Method, "route", route, "status", sw.status, "duration", time.Since(start).String(), "bytes", sw.bytes}
	if info.recordID != "" {
		kv = append(kv, "record", info.recordID)
	}
	if info.account != "" {
		kv = append(kv, "account", info.account)
	}
	s.log.Info("vault request", kv...)
}

// --- responses ---

// apiError is a refusal or failure, sent as JSON {"error", "reason", ...}.
type apiError struct {
	Status    int
	Reason    string
	Message   string
	ErasedAt  *time.Time
	ExpiresAt *time.Time
	// RetryAfter, in seconds, is sent as Retry-After when positive.
	RetryAfter int
}

type errorBody struct {
	Error     string `json:"error"`
	Reason    string `json:"reason"`
	ErasedAt  string `json:"erased_at,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := errorBody{Error: e.Message, Reason: e.Reason}
	if e.ErasedAt != nil {
		body.ErasedAt = e.ErasedAt.UTC().Format(time.RFC3339)
	}
	if e.ExpiresAt != nil {
		body.ExpiresAt = e.ExpiresAt.UTC().Format(time.RFC3339)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	writeJSON(w, e.Status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	bz, err := json.Marshal(v)
	if err != nil {
		status, bz = http.StatusInternalServerError, []byte(`{"error":"encoding the response failed","reason":"INTERNAL"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(bz)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(bz, '\n'))
}

func (s *server) now() time.Time { return s.cfg.Now() }

func (s *server) storeFailure(r *http.Request, op string, err error) *apiError {
	s.log.Error("vault storage failure", "route", r.Pattern, "op", op, "err", err.Error())
	return &apiError{Status: http.StatusInternalServerError, Reason: ReasonStoreError,
		Message: fmt.Sprintf("the vault could not %s: storage failure", op)}
}

func (s *server) chainFailure(err error) *apiError {
	switch {
	case errors.Is(err, ErrNotAuthor):
		msg := "only active consortium members with the hospital or laboratory role may upload blobs"
		if detail := strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrNotAuthor.Error()), ": "); detail != "" {
			msg += ": " + detail
		}
		return &apiError{Status: http.StatusForbidden, Reason: ReasonNotAuthor, Message: msg}
	case errors.Is(err, ErrUnknownRecord):
		return &apiError{Status: http.StatusNotFound, Reason: ReasonUnknownRecord,
			Message: fmt.Sprintf("no record with this id exists on chain %s", s.cfg.ChainID)}
	case errors.Is(err, ErrChainUnavailable), errors.Is(err, context.DeadlineExceeded):
		s.log.Error("vault chain unavailable", "err", err.Error())
		return &apiError{Status: http.StatusBadGateway, Reason: ReasonChainUnavailable,
			Message: "the vault cannot reach the chain node to check access; try again later"}
	default:
		s.log.Error("vault chain query failed", "err", err.Error())
		return &apiError{Status: http.StatusBadGateway, Reason: ReasonChainError,
			Message: fmt.Sprintf("the chain node failed to answer the access check: %s", truncate(err.Error()))}
	}
}

// --- body handling ---

func tooLarge(limit int64) *apiError {
	return &apiError{Status: http.StatusRequestEntityTooLarge, Reason: ReasonTooLarge,
		Message: fmt.Sprintf("the request body is larger than the %d bytes this endpoint accepts", limit)}
}

func parseRecordID(r *http.Request) (uint64, *apiError) {
	raw := r.PathValue("id")
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || strconv.FormatUint(id, 10) != raw {
		return 0, &apiError{Status: http.StatusBadRequest, Reason: ReasonInvalidRecordID,
			Message: "the record id in the path must be a decimal number without leading zeros"}
	}
	setRecordID(r, id)
	return id, nil
}

// --- handlers ---

func (s *server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

type challengeResponse struct {
	Nonce     string `json:"nonce"`
	ExpiresAt string `json:"expires_at"`
}

// handleChallenge: GET /v1/challenge. Issuing a challenge stores nothing
// (see challenger), so it is never refused for lack of room.
func (s *server) handleChallenge(w http.ResponseWriter, _ *http.Request) {
	nonce, exp, err := s.challenges.issue(s.now())
	if err != nil {
		writeError(w, &apiError{Status: http.StatusInternalServerError, Reason: "INTERNAL", Message: "could not make a challenge"})
		return
	}
	writeJSON(w, http.StatusOK, challengeResponse{Nonce: nonce, ExpiresAt: exp.UTC().Format(time.RFC3339)})
}

type putBlobResponse struct {
	CID  string `json:"cid"`
	Size int64  `json:"size"`
}

// handlePutBlob: PUT /v1/blobs. The body is the ciphertext. The request is
// authenticated from its headers (the signature covers the declared body
// hash), the author rule checked and an upload slot taken before a byte of
// the body is read; the body is then spooled to a temporary file under read
// deadlines, checked against the signed hash and length, and only then
// stored.
func (s *server) handlePutBlob(w http.ResponseWriter, r *http.Request) {
	max := s.cfg.MaxBlobSize
	a, aerr := s.authenticate(r, max)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if a.length == 0 {
		writeError(w, &apiError{Status: http.StatusBadRequest, Reason: ReasonEmptyBody, Message: "an encrypted blob is never empty"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ChainTimeout)
	err := s.chain.RequireAuthor(ctx, a.account)
	cancel()
	if err != nil {
		writeError(w, s.chainFailure(err))
		return
	}
	release, aerr := s.uploads.acquire(a.account)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	defer release()

	tmp, err := os.CreateTemp(s.cfg.TempDir, "vault-upload-*")
	if err != nil {
		writeError(w, s.storeFailure(r, "spool the upload", err))
		return
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()
	br := s.body(w, r, a)
	br.extendWrite()
	// The CID is computed while the body is spooled, so that the upload
	// can be marked provisional before the blob is stored.
	er := &errReader{r: br}
	spooledCID, err := unixfs.Sum(io.TeeReader(er, tmp))
	if err == nil {
		_, err = io.Copy(tmp, er) // unixfs.Sum stops at EOF; nothing may be left
	}
	if er.err != nil {
		writeError(w, bodyReadError(er.err))
		return
	}
	if err != nil {
		writeError(w, s.storeFailure(r, "spool the upload", err))
		return
	}
	if aerr := br.finish(a); aerr != nil {
		writeError(w, aerr)
		return
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		writeError(w, s.storeFailure(r, "spool the upload", err))
		return
	}
	if s.cfg.State != nil {
		// Marked (synced) before the blob is stored: an upload the vault
		// acknowledges is either anchored or on the sweeper's list, even
		// if the vault dies before answering.
		if err := s.cfg.State.markProvisional(spooledCID, s.now()); err != nil {
			writeError(w, s.storeFailure(r, "record the upload", err))
			return
		}
	}
	cid, size, err := s.store.PutBlob(tmp, max)
	if err == nil && cid != spooledCID {
		err = fmt.Errorf("vault: stored CID %s differs from the spooled body's %s", cid, spooledCID)
	}
	switch {
	case errors.Is(err, ErrTooLarge):
		writeError(w, tooLarge(max))
		return
	case errors.Is(err, ErrEmpty):
		writeError(w, &apiError{Status: http.StatusBadRequest, Reason: ReasonEmptyBody, Message: "an encrypted blob is never empty"})
		return
	case errors.Is(err, ErrErased):
		e := &apiError{Status: http.StatusGone, Reason: ReasonErased,
			Message: "this blob was erased at its patient's request: only the patient can lift the erasure (DELETE /v1/records/{id}/tombstone) before it is uploaded again"}
		if at, erased := s.store.Tombstone(cid); erased && !at.IsZero() {
			e.ErasedAt = &at
		}
		writeError(w, e)
		return
	case err != nil:
		writeError(w, s.storeFailure(r, "store the blob", err))
		return
	}
	writeJSON(w, http.StatusCreated, putBlobResponse{CID: cid, Size: size})
}

// errReader remembers the first read error of r, so that a body's read
// failure is told apart from a failure to write the spool.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// recordAccess authenticates a request on /v1/records/{id}..., reads its
// body (at most bodyLimit bytes, checked against the signed hash) and asks
// the chain about the caller's access to the record.
func (s *server) recordAccess(w http.ResponseWriter, r *http.Request, id uint64, bodyLimit int64) (string, []byte, *recordstypes.QueryAccessCheckResponse, *apiError) {
	a, aerr := s.authenticate(r, bodyLimit)
	if aerr != nil {
		return "", nil, nil, aerr
	}
	account := a.account
	body, aerr := s.readBody(w, r, a)
	if aerr != nil {
		return "", nil, nil, aerr
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ChainTimeout)
	defer cancel()
	res, err := s.chain.AccessCheck(ctx, id, account)
	if err != nil {
		return "", nil, nil, s.chainFailure(err)
	}
	if res != nil && res.Basis == recordstypes.AccessBasis_ACCESS_BASIS_ERASED {
		// The chain erased the record: it names no CID any more.
		return "", nil, nil, chainErased(id)
	}
	if res == nil || ValidateCID(res.CID) != nil {
		s.log.Error("vault chain returned an unusable record", "record", id)
		return "", nil, nil, &apiError{Status: http.StatusBadGateway, Reason: ReasonChainError,
			Message: fmt.Sprintf("the chain returned record %d without a valid CID", id)}
	}
	return account, body, res, nil
}

// BasisName is the access basis without its enum prefix, e.g. "NO_GRANT".
func BasisName(b recordstypes.AccessBasis) string {
	return strings.TrimPrefix(b.String(), "ACCESS_BASIS_")
}

func allowedBasis(b recordstypes.AccessBasis) bool {
	switch b {
	case recordstypes.AccessBasis_ACCESS_BASIS_PATIENT, recordstypes.AccessBasis_ACCESS_BASIS_AUTHOR, recordstypes.AccessBasis_ACCESS_BASIS_GRANT:
		return true
	}
	return false
}

// refusal explains a refused access check; the reason is the basis name.
func refusal(id uint64, account string, res *recordstypes.QueryAccessCheckResponse) *apiError {
	e := &apiError{Status: http.StatusForbidden, Reason: BasisName(res.Basis)}
	switch res.Basis {
	case recordstypes.AccessBasis_ACCESS_BASIS_NO_GRANT:
		e.Message = fmt.Sprintf("%s holds no access grant for record %d: ask the patient to grant access", account, id)
	case recordstypes.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED:
		e.Message = fmt.Sprintf("the access grant of %s for record %d has expired: ask the patient for a new one", account, id)
		if res.ExpiresAt != nil {
			e.ExpiresAt = res.ExpiresAt
			e.Message = fmt.Sprintf("the access grant of %s for record %d expired at %s: ask the patient for a new one",
				account, id, res.ExpiresAt.UTC().Format(time.RFC3339))
		}
	case recordstypes.AccessBasis_ACCESS_BASIS_CONSENT_ENDED:
		e.Message = fmt.Sprintf("the consent behind the access grant of %s for record %d was revoked or has ended", account, id)
	case recordstypes.AccessBasis_ACCESS_BASIS_NOT_A_MEMBER:
		e.Message = fmt.Sprintf("%s is no longer an active consortium member, so its grant for record %d does not apply", account, id)
	default:
		e.Reason = ReasonAccessDenied
		e.Message = fmt.Sprintf("the chain refuses %s access to record %d (basis %s)", account, id, BasisName(res.Basis))
	}
	return e
}

// chainErased is the answer for a record the chain says its patient erased:
// the chain no longer names its CID, so the vault cannot tell which blob it
// was; `healthd records erase` erases the vault's copy before the chain's.
func chainErased(id uint64) *apiError {
	return &apiError{Status: http.StatusGone, Reason: ReasonErased,
		Message: fmt.Sprintf("record %d was erased at the patient's request", id)}
}

func (s *server) erased(id uint64, cid string) *apiError {
	at, erased := s.store.Tombstone(cid)
	if !erased {
		return nil
	}
	e := &apiError{Status: http.StatusGone, Reason: ReasonErased,
		Message: fmt.Sprintf("record %d was erased at the patient's request", id)}
	if !at.IsZero() {
		e.ErasedAt = &at
		e.Message = fmt.Sprintf("record %d was erased at the patient's request at %s", id, at.UTC().Format(time.RFC3339))
	}
	return e
}

// owns refuses to act on record id's blob unless the chain says record id is
// the one record anchoring cid. The vault stores, serves, shares and erases
// by CID while it authorises by record id, so a second record naming the same
// CID (an alias, for a patient its author controls) must never reach the
// first record's blob or keys. It runs after the access check, so an account
// the chain refuses learns nothing about the alias.
func (s *server) owns(r *http.Request, id uint64, cid string) *apiError {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ChainTimeout)
	defer cancel()
	owner, err := s.chain.RecordByCID(ctx, cid)
	if err != nil && !errors.Is(err, ErrUnanchoredCID) {
		return s.chainFailure(err)
	}
	if err != nil || owner != id {
		s.log.Error("vault refused a record whose CID another record owns", "record", id, "owner", owner)
		return &apiError{Status: http.StatusConflict, Reason: ReasonCIDNotOwned,
			Message: fmt.Sprintf("record %d does not own its blob's CID on chain: the vault acts on a blob only for the record that anchored it", id)}
	}
	s.anchored(cid)
	return nil
}

// anchored clears cid's provisional mark: the chain has just shown a record
// anchoring it, so the sweeper must keep it. It runs before any key is
// stored for cid, so a sweep either sees the mark gone or has already
// removed the blob (and the key upload then finds it missing).
func (s *server) anchored(cid string) {
	if s.cfg.State == nil {
		return
	}
	if _, err := s.cfg.State.clearProvisional(cid); err != nil {
		// The sweeper will ask the chain itself and find the anchor.
		s.log.Error("vault could not clear a provisional mark", "err", err.Error())
	}
}

// readable authenticates a read of record {id}, asks the chain whether the
// caller may read it and whether the patient erased it. On refusal it writes
// the error and returns ok=false.
func (s *server) readable(w http.ResponseWriter, r *http.Request) (id uint64, account string, res *recordstypes.QueryAccessCheckResponse, ok bool) {
	id, aerr := parseRecordID(r)
	if aerr != nil {
		writeError(w, aerr)
		return 0, "", nil, false
	}
	account, _, res, aerr = s.recordAccess(w, r, id, MaxKeySize)
	if aerr != nil {
		writeError(w, aerr)
		return 0, "", nil, false
	}
	if !res.Allowed || !allowedBasis(res.Basis) {
		writeError(w, refusal(id, account, res))
		return 0, "", nil, false
	}
	if aerr := s.owns(r, id, res.CID); aerr != nil {
		writeError(w, aerr)
		return 0, "", nil, false
	}
	if e := s.erased(id, res.CID); e != nil {
		writeError(w, e)
		return 0, "", nil, false
	}
	return id, account, res, true
}

// handleGetBlob: GET /v1/records/{id}/blob.
func (s *server) handleGetBlob(w http.ResponseWriter, r *http.Request) {
	id, _, res, ok := s.readable(w, r)
	if !ok {
		return
	}
	rc, size, err := s.store.GetBlob(res.CID)
	if errors.Is(err, ErrNotFound) {
		writeError(w, &apiError{Status: http.StatusNotFound, Reason: ReasonBlobMissing,
			Message: fmt.Sprintf("the vault does not hold blob %s of record %d: its author has not uploaded it", res.CID, id)})
		return
	}
	if err != nil {
		writeError(w, s.storeFailure(r, "read the blob", err))
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set(HeaderCID, res.CID)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, rc); err != nil {
		s.log.Error("vault blob stream interrupted", "record", id, "err", err.Error())
	}
}

// handleGetKey: GET /v1/records/{id}/key.
func (s *server) handleGetKey(w http.ResponseWriter, r *http.Request) {
	_, account, res, ok := s.readable(w, r)
	if !ok {
		return
	}
	key, err := s.store.GetKey(res.CID, account)
	if errors.Is(err, ErrNotFound) {
		writeError(w, &apiError{Status: http.StatusNotFound, Reason: ReasonNoKey,
			Message: "no record key is wrapped for this account: ask the patient to share it"})
		return
	}
	if err != nil {
		writeError(w, s.storeFailure(r, "read the wrapped key", err))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(key)))
	w.Header().Set(HeaderCID, res.CID)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(key)
	}
}

// handlePutKey: PUT /v1/records/{id}/keys/{account}.
func (s *server) handlePutKey(w http.ResponseWriter, r *http.Request) {
	id, aerr := parseRecordID(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	target := r.PathValue("account")
	if err := ValidateAccount(target); err != nil {
		writeError(w, &apiError{Status: http.StatusBadRequest, Reason: ReasonInvalidAccount,
			Message: fmt.Sprintf("the account in the path is not a valid %s1... address: %s", AccountPrefix, truncate(err.Error()))})
		return
	}
	account, body, res, aerr := s.recordAccess(w, r, id, MaxKeySize)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	switch {
	case res.Allowed && (res.Basis == recordstypes.AccessBasis_ACCESS_BASIS_PATIENT || res.Basis == recordstypes.AccessBasis_ACCESS_BASIS_AUTHOR):
	case res.Allowed && res.Basis == recordstypes.AccessBasis_ACCESS_BASIS_GRANT:
		writeError(w, &apiError{Status: http.StatusForbidden, Reason: ReasonNotPatientOrAuthor,
			Message: fmt.Sprintf("only the patient or the author of record %d may share its key; %s reads it under a grant", id, account)})
		return
	default:
		writeError(w, refusal(id, account, res))
		return
	}
	if aerr := s.owns(r, id, res.CID); aerr != nil {
		writeError(w, aerr)
		return
	}
	if len(body) == 0 {
		writeError(w, &apiError{Status: http.StatusBadRequest, Reason: ReasonEmptyBody, Message: "the wrapped key is empty"})
		return
	}
	if e := s.erased(id, res.CID); e != nil {
		writeError(w, e)
		return
	}
	blobMissing := &apiError{Status: http.StatusConflict, Reason: ReasonBlobMissing,
		Message: fmt.Sprintf("the vault does not hold blob %s of record %d: upload the blob before sharing its key", res.CID, id)}
	held, err := s.store.HasBlob(res.CID)
	if err != nil {
		writeError(w, s.storeFailure(r, "check the blob", err))
		return
	}
	if !held {
		writeError(w, blobMissing)
		return
	}
	// The author may add keys, but only the account a key is wrapped for,
	// or the patient, may replace it: an author must not be able to swap the
	// patient's or a grantee's key for one they cannot open.
	replace := target == account || res.Basis == recordstypes.AccessBasis_ACCESS_BASIS_PATIENT
	err = s.store.PutKey(res.CID, target, body, replace)
	switch {
	case errors.Is(err, ErrKeyExists):
		writeError(w, &apiError{Status: http.StatusConflict, Reason: ReasonKeyExists,
			Message: fmt.Sprintf("a key of record %d is already wrapped for that account: only that account or the patient may replace it", id)})
		return
	case errors.Is(err, ErrErased):
		e := s.erased(id, res.CID)
		if e == nil {
			e = &apiError{Status: http.StatusGone, Reason: ReasonErased, Message: fmt.Sprintf("record %d was erased at the patient's request", id)}
		}
		writeError(w, e)
		return
	case errors.Is(err, ErrBlobMissing):
		writeError(w, blobMissing)
		return
	case errors.Is(err, ErrTooLarge):
		writeError(w, tooLarge(MaxKeySize))
		return
	case err != nil:
		writeError(w, s.storeFailure(r, "store the wrapped key", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type eraseResponse struct {
	Erased   bool   `json:"erased"`
	CID      string `json:"cid"`
	ErasedAt string `json:"erased_at"`
}

// handleErase: DELETE /v1/records/{id}. Idempotent: erasing again answers
// 200 with the first erasure's time.
func (s *server) handleErase(w http.ResponseWriter, r *http.Request) {
	_, cid, aerr := s.patientsRecord(w, r, "erase it")
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	at, err := s.store.Erase(cid, s.now())
	if err != nil {
		writeError(w, s.storeFailure(r, "erase the record", err))
		return
	}
	writeJSON(w, http.StatusOK, eraseResponse{Erased: true, CID: cid, ErasedAt: at.UTC().Format(time.RFC3339)})
}

// patientsRecord authenticates the caller of a patient-only operation on the
// record in the path (what: "erase it"), and returns the record's id and CID once
// the caller is shown to be its patient and the chain says the record owns the CID.
func (s *server) patientsRecord(w http.ResponseWriter, r *http.Request, what string) (uint64, string, *apiError) {
	id, aerr := parseRecordID(r)
	if aerr != nil {
		return 0, "", aerr
	}
	account, _, res, aerr := s.recordAccess(w, r, id, MaxKeySize)
	if aerr != nil {
		return 0, "", aerr
	}
	if !res.Allowed || res.Basis != recordstypes.AccessBasis_ACCESS_BASIS_PATIENT {
		// A live guardian acts for the patient, as on chain.
		guardian := false
		if res.Patient != "" && res.Patient != account {
			ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ChainTimeout)
			var err error
			guardian, err = s.chain.LiveGuardian(ctx, res.Patient, account, s.now())
			cancel()
			if err != nil {
				return 0, "", s.chainFailure(err)
			}
		}
		if !guardian {
			return 0, "", &apiError{Status: http.StatusForbidden, Reason: ReasonNotPatient,
				Message: fmt.Sprintf("only the patient of record %d, or a live guardian, may %s; %s's access basis is %s", id, what, account, BasisName(res.Basis))}
		}
	}
	if aerr := s.owns(r, id, res.CID); aerr != nil {
		return 0, "", aerr
	}
	return id, res.CID, nil
}

type liftResponse struct {
	Lifted bool   `json:"lifted"`
	CID    string `json:"cid"`
}

// handleLiftTombstone: DELETE /v1/records/{id}/tombstone. Only the patient may
// lift an erasure's tombstone; until then no one can upload the erased blob
// again. The keys stay gone: the patient shares the record anew.
func (s *server) handleLiftTombstone(w http.ResponseWriter, r *http.Request) {
	id, cid, aerr := s.patientsRecord(w, r, "lift its erasure")
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	err := s.store.LiftTombstone(cid)
	if errors.Is(err, ErrNotErased) {
		writeError(w, &apiError{Status: http.StatusConflict, Reason: ReasonNotErased,
			Message: fmt.Sprintf("record %d is not erased: there is no tombstone to lift", id)})
		return
	}
	if err != nil {
		writeError(w, s.storeFailure(r, "lift the tombstone", err))
		return
	}
	writeJSON(w, http.StatusOK, liftResponse{Lifted: true, CID: cid})
}
