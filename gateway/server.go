// Package gateway is healthd's authenticated HTTP API: the one endpoint a
// hospital exposes to patients, clinicians, payers and apps. Callers prove
// their account with its key (challenge-response) and get a short-lived
// session; every read of patient data passes the row-level rules in
// rules.go and is written to a hash-chained audit log (audit.go) before it is
// answered. Resources are FHIR R4 where FHIR has one.
package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cosmossdk.io/log/v2"
	"github.com/cosmos/cosmos-sdk/types/query"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/healthchain/healthd/vault"
	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// Paging.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
	maxCursor       = 512
	maxQuery        = 2048
	chainTimeout    = 10 * time.Second
)

// Chain is the node's query services the gateway reads.
type Chain struct {
	Consent    consenttypes.QueryClient
	Records    recordstypes.QueryClient
	Claims     claimstypes.QueryClient
	Bridge     bridgetypes.QueryClient
	Consortium consortiumtypes.QueryClient
	Drugtrace  drugtracetypes.QueryClient
	// Auth and Tx serve the portal's transactions: account numbers and
	// sequences, simulation, broadcast and inclusion.
	Auth authtypes.QueryClient
	Tx   txtypes.ServiceClient
}

// NewGRPCChain returns the Chain over a node connection (see vault.DialChain).
func NewGRPCChain(conn grpc.ClientConnInterface) Chain {
	return Chain{
		Consent:    consenttypes.NewQueryClient(conn),
		Records:    recordstypes.NewQueryClient(conn),
		Claims:     claimstypes.NewQueryClient(conn),
		Bridge:     bridgetypes.NewQueryClient(conn),
		Consortium: consortiumtypes.NewQueryClient(conn),
		Drugtrace:  drugtracetypes.NewQueryClient(conn),
		Auth:       authtypes.NewQueryClient(conn),
		Tx:         txtypes.NewServiceClient(conn),
	}
}

// Config configures a gateway.
type Config struct {
	ChainID string
	// BaseURL is the gateway's public URL, used in FHIR links.
	BaseURL string
	// VaultURL, when set, is where DocumentReference content points.
	VaultURL   string
	SessionTTL time.Duration
	// Secret keys challenges and sessions; empty means random at start
	// (a restart ends every session).
	Secret []byte
	// State, when set, keeps the used login challenges on disk, so that a
	// gateway restarted with the same Secret does not accept a challenge
	// answered before the restart. Without it they are kept in memory,
	// which is enough when Secret is random at each start.
	State *vault.State
	// WalletRPC and WalletREST are the node's public CometBFT RPC and REST
	// URLs, given to a browser wallet (Keplr) that does not know the chain
	// yet (GET /v1/chain-info); empty when the operator publishes neither.
	WalletRPC  string
	WalletREST string
	// FeeDenom is the denomination fees are paid in, for wallets.
	FeeDenom string
	Now      func() time.Time
}

// Server is the gateway's HTTP handler.
type Server struct {
	cfg        Config
	chain      Chain
	rules      *rules
	audit      *AuditLog
	challenges *vault.Challenger
	sessions   *sessions
	limits     *limits
	txs        *txCodec
	logger     log.Logger
	mux        *http.ServeMux
}

// NewServer returns a gateway over chain, writing its audit log to audit.
func NewServer(cfg Config, chain Chain, audit *AuditLog, logger log.Logger) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 15 * time.Minute
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cfg.VaultURL = strings.TrimRight(cfg.VaultURL, "/")
	var (
		ch  *vault.Challenger
		err error
	)
	if cfg.State != nil {
		ch, err = vault.NewDurableChallenger(cfg.Secret, vault.NonceTTL, vault.DefaultMaxNonces, cfg.State)
	} else {
		ch, err = vault.NewChallenger(cfg.Secret, vault.NonceTTL, vault.DefaultMaxNonces)
	}
	if err != nil {
		return nil, err
	}
	ss, err := newSessions(cfg.Secret, cfg.SessionTTL)
	if err != nil {
		return nil, err
	}
	txs, err := newTxCodec()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, chain: chain, audit: audit, challenges: ch, sessions: ss, limits: newLimits(cfg.Now), txs: txs, logger: logger,
		rules: &rules{chain: chain, now: cfg.Now}, mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

func (s *Server) now() time.Time { return s.cfg.Now() }

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "chain_id": s.cfg.ChainID, "audit_entries": s.audit.Len()})
	})
	m.HandleFunc("POST /auth/challenge", s.handleChallenge)
	m.HandleFunc("POST /auth/session", s.handleSession)
	m.HandleFunc("POST /auth/logout", s.handleLogout)
	m.HandleFunc("GET /v1/whoami", s.authed(s.handleWhoami))
	m.HandleFunc("GET /v1/verify", s.handleVerify)
	m.HandleFunc("GET /v1/chain-info", s.handleChainInfo)
	m.HandleFunc("GET /v1/medication-history", s.authed(s.handleMedications))
	m.HandleFunc("GET /v1/supply/unit", s.authed(s.handleSupplyUnit))
	m.HandleFunc("GET /fhir/metadata", s.handleMetadata)
	m.HandleFunc("GET /fhir/Consent", s.authed(s.handleConsentSearch))
	m.HandleFunc("GET /fhir/Consent/{id}", s.authed(s.handleConsentRead))
	m.HandleFunc("GET /fhir/DocumentReference", s.authed(s.handleDocumentSearch))
	m.HandleFunc("GET /fhir/DocumentReference/{id}", s.authed(s.handleDocumentRead))
	m.HandleFunc("GET /fhir/AuditEvent", s.authed(s.handleAuditSearch))
	m.HandleFunc("GET /fhir/ClaimResponse", s.authed(s.claimSearch("ClaimResponse")))
	m.HandleFunc("GET /fhir/ExplanationOfBenefit", s.authed(s.claimSearch("ExplanationOfBenefit")))
	m.HandleFunc("GET /v1/account", s.authed(s.handleAccount))
	m.HandleFunc("POST /v1/tx/simulate", s.authed(s.handleSimulate))
	m.HandleFunc("POST /v1/tx", s.authed(s.handleBroadcast))
	m.HandleFunc("GET /v1/tx/{hash}", s.authed(s.handleTxStatus))
	m.HandleFunc("GET /v1/claims/queue", s.authed(s.handleClaimsQueue))
	m.HandleFunc("GET /v1/guardians", s.authed(s.handleGuardians))
	m.HandleFunc("GET /v1/encryption-key", s.authed(s.handleEncryptionKey))
	m.HandleFunc("GET /v1/break-glass/recipients", s.authed(s.handleBreakGlassRecipients))
	m.HandleFunc("GET /vault/", s.vaultProxy())
	m.Handle("GET /portal/", s.portalFiles())
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/portal/", http.StatusFound)
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &apiError{Status: http.StatusNotFound, Reason: "NOT_FOUND",
			Message: "no such endpoint; GET /fhir/metadata lists the FHIR API"})
	})
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if len(r.URL.RawQuery) > maxQuery {
		s.fail(w, r, &apiError{Status: http.StatusRequestURITooLong, Reason: ReasonBadRequest, Message: "the query string is too long"})
		return
	}
	s.mux.ServeHTTP(w, r)
}

// --- errors and answers ---

type apiError struct {
	Status  int
	Reason  string
	Message string
	// RetryAfter, in seconds, is sent as Retry-After when positive.
	RetryAfter int
}

func internalError(err error) *apiError {
	return &apiError{Status: http.StatusInternalServerError, Reason: "INTERNAL", Message: "internal error: " + err.Error()}
}

// chainFailure explains a failed chain query without passing the node's
// internals on.
func chainFailure(err error) *apiError {
	switch status.Code(err) {
	case codes.InvalidArgument:
		return &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: status.Convert(err).Message()}
	case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled:
		return &apiError{Status: http.StatusServiceUnavailable, Reason: "CHAIN_UNAVAILABLE", Message: "the chain node is unavailable; retry shortly"}
	}
	return &apiError{Status: http.StatusBadGateway, Reason: "CHAIN_ERROR", Message: "the chain node failed to answer"}
}

func isNotFound(err error) bool { return status.Code(err) == codes.NotFound }

func (s *Server) fail(w http.ResponseWriter, r *http.Request, e *apiError) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	if e.Status >= 500 {
		s.logger.Error("gateway request failed", "status", e.Status, "reason", e.Reason, "err", e.Message)
	}
	if r != nil && strings.HasPrefix(r.URL.Path, "/fhir/") {
		bz := operationOutcome(e.Status, e.Reason, e.Message)
		w.Header().Set("Content-Type", fhirJSON)
		w.Header().Set("Content-Length", strconv.Itoa(len(bz)))
		w.WriteHeader(e.Status)
		_, _ = w.Write(bz)
		return
	}
	writeJSON(w, e.Status, map[string]string{"error": e.Message, "reason": e.Reason})
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

func writeFHIR(w http.ResponseWriter, bz []byte) {
	w.Header().Set("Content-Type", fhirJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(bz)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(bz)
}

// --- authentication and request context ---

type request struct {
	r      *http.Request
	ctx    context.Context
	caller Caller
}

// authed wraps a handler that needs a session: 401 before anything else,
// and the caller's membership looked up once.
func (s *Server) authed(h func(http.ResponseWriter, *request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		account, aerr := s.authenticate(r)
		if aerr != nil {
			s.fail(w, r, aerr)
			return
		}
		if !s.limits.account(account) {
			s.fail(w, r, tooMany("requests from this account"))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), chainTimeout)
		defer cancel()
		c, err := s.rules.caller(ctx, account)
		if err != nil {
			s.fail(w, r, chainFailure(err))
			return
		}
		h(w, &request{r: r, ctx: ctx, caller: c})
	}
}

// page reads _count and _page.
func page(q url.Values) (int, string, *apiError) {
	n := DefaultPageSize
	if v := q.Get("_count"); v != "" {
		c, err := strconv.Atoi(v)
		if err != nil || c < 1 || c > MaxPageSize {
			return 0, "", &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest,
				Message: fmt.Sprintf("_count must be a number from 1 to %d", MaxPageSize)}
		}
		n = c
	}
	cur := q.Get("_page")
	if len(cur) > maxCursor {
		return 0, "", &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "_page is not a cursor this gateway gave"}
	}
	return n, cur, nil
}

// chainPage turns a cursor into a chain PageRequest.
func chainPage(cur string, n int) (*query.PageRequest, *apiError) {
	p := &query.PageRequest{Limit: uint64(n)}
	if cur != "" {
		key, err := base64.RawURLEncoding.DecodeString(cur)
		if err != nil || len(key) == 0 {
			return nil, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "_page is not a cursor this gateway gave"}
		}
		p.Key = key
	}
	return p, nil
}

func nextCursor(p *query.PageResponse) string {
	if p == nil || len(p.NextKey) == 0 {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(p.NextKey)
}

// patientParam reads and checks the patient search parameter.
func patientParam(q url.Values) (string, *apiError) {
	p := q.Get("patient")
	p = strings.TrimPrefix(p, "Patient/")
	if p == "" {
		return "", &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "the patient search parameter is required (a health1... account)"}
	}
	if err := vault.ValidateAccount(p); err != nil {
		return "", &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "patient is not a valid health1... account"}
	}
	return p, nil
}

func purposeParam(q url.Values) (string, *apiError) {
	p := q.Get("purpose")
	if p == "" {
		return DefaultPurpose, nil
	}
	if err := consenttypes.ValidatePurpose(p); err != nil {
		return "", &apiError{Status: http.StatusBadRequest, Reason: ReasonUnknownPurpose, Message: err.Error()}
	}
	return p, nil
}

// search is a search request's parameters: the patient, the purpose (for
// reads under consent), the page size and cursor, and the chain page the
// cursor names (nil for the audit trail, whose cursor is its own).
type search struct {
	patient, purpose, cursor string
	n                        int
	page                     *query.PageRequest
}

// parseSearch reads patient, purpose (default TREAT), _count and _page.
func parseSearch(q url.Values, chainCursor bool) (search, *apiError) {
	var sr search
	var aerr *apiError
	if sr.patient, aerr = patientParam(q); aerr != nil {
		return sr, aerr
	}
	if sr.purpose, aerr = purposeParam(q); aerr != nil {
		return sr, aerr
	}
	if sr.n, sr.cursor, aerr = page(q); aerr != nil {
		return sr, aerr
	}
	if chainCursor {
		sr.page, aerr = chainPage(sr.cursor, sr.n)
	}
	return sr, aerr
}

// record writes one read to the audit log. A read is answered only once
// its entry is on disk; if the log cannot be written the read is refused.
func (s *Server) record(rq *request, patient, resource string, returned []string, d Decision, refusal *apiError) *apiError {
	a := auditRecord{Time: s.now(), Agent: rq.caller.Account, Patient: patient, Resource: resource,
		Query: rq.r.URL.Path + "?" + rq.r.URL.RawQuery, Returned: returned, Allowed: refusal == nil, Decision: d}
	if refusal != nil {
		a.Reason = refusal.Reason
	}
	if _, err := s.audit.AppendWith(patient, func(seq uint64) ([]byte, error) {
		return auditEvent("gateway-"+strconv.FormatUint(seq, 10), a)
	}); err != nil {
		return &apiError{Status: http.StatusServiceUnavailable, Reason: "AUDIT_UNAVAILABLE",
			Message: "the read could not be written to the audit log, so it is refused"}
	}
	return nil
}

// refuse audits a refusal and answers it.
func (s *Server) refuse(w http.ResponseWriter, rq *request, patient, resource string, refusal *apiError) {
	if aerr := s.record(rq, patient, resource, nil, Decision{}, refusal); aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	s.fail(w, rq.r, refusal)
}

// answer audits an allowed read and sends the Bundle.
func (s *Server) answer(w http.ResponseWriter, rq *request, patient, resource string, d Decision, entries []bundleEntry, next string) {
	refs := make([]string, 0, len(entries))
	for _, e := range entries {
		refs = append(refs, e.fullURL)
	}
	if aerr := s.record(rq, patient, resource, refs, d, nil); aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	q := rq.r.URL.Query()
	nextLink := ""
	if next != "" {
		nextLink = pageLink(rq.r.URL.Path, q, next)
	}
	bz, err := searchBundle(s.cfg.BaseURL, pageLink(rq.r.URL.Path, q, q.Get("_page")), nextLink, entries, s.now())
	if err != nil {
		s.fail(w, rq.r, internalError(err))
		return
	}
	writeFHIR(w, bz)
}

// --- handlers ---

func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	bz, err := capabilityStatement(s.cfg.BaseURL, s.now())
	if err != nil {
		s.fail(w, r, internalError(err))
		return
	}
	writeFHIR(w, bz)
}

func (s *Server) handleWhoami(w http.ResponseWriter, rq *request) {
	out := map[string]any{"account": rq.caller.Account, "member": false}
	if m := rq.caller.Member; m != nil {
		roles := make([]string, 0, len(m.Roles))
		for _, r := range m.Roles {
			roles = append(roles, strings.TrimPrefix(r.String(), "ROLE_"))
		}
		out["member"], out["name"], out["roles"] = true, m.Name, roles
	}
	writeJSON(w, http.StatusOK, out)
}

// handleVerify is pack verification, open to anyone: it carries no
// patient data. It asks the chain one bounded question.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	unit := r.URL.Query().Get("unit")
	if unit == "" || len(unit) > 512 {
		s.fail(w, r, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest,
			Message: "unit is required: a GS1 element string or Digital Link of the pack, at most 512 characters"})
		return
	}
	if !s.limits.verifyAllowed() {
		s.fail(w, r, tooMany("verifications at this gateway"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), chainTimeout)
	defer cancel()
	res, err := s.chain.Drugtrace.Verify(ctx, &drugtracetypes.QueryVerifyRequest{Unit: unit})
	if err != nil {
		s.fail(w, r, chainFailure(err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"verdict": strings.TrimPrefix(res.Verdict.String(), "VERDICT_"),
		"saleable": res.Saleable, "custodian": res.Custodian})
}

func (s *Server) handleConsentSearch(w http.ResponseWriter, rq *request) {
	sr, aerr := parseSearch(rq.r.URL.Query(), true)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	patient := sr.patient
	scope, refusal, err := s.rules.ReadConsents(rq.ctx, rq.caller, patient)
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if refusal != nil {
		s.refuse(w, rq, patient, "Consent", refusal)
		return
	}
	res, err := s.chain.Consent.ConsentsByPatient(rq.ctx, &consenttypes.QueryConsentsByPatientRequest{Patient: patient, Pagination: sr.page})
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	var entries []bundleEntry
	for _, c := range res.Consents {
		if scope.GranteeOnly && c.Grantee != rq.caller.Account {
			continue
		}
		bz, err := c.FHIR(s.now())
		if err != nil {
			s.fail(w, rq.r, internalError(err))
			return
		}
		entries = append(entries, bundleEntry{fullURL: "/fhir/Consent/" + strconv.FormatUint(c.ID, 10), resource: bz})
	}
	s.answer(w, rq, patient, "Consent", scope.Decision, entries, nextCursor(res.Pagination))
}

func parseID(r *http.Request) (uint64, *apiError) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 {
		return 0, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "the id must be a positive decimal number"}
	}
	return id, nil
}

func (s *Server) handleConsentRead(w http.ResponseWriter, rq *request) {
	id, aerr := parseID(rq.r)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	var con *consenttypes.Consent
	res, err := s.chain.Consent.Consent(rq.ctx, &consenttypes.QueryConsentRequest{Id: id})
	switch {
	case isNotFound(err):
	case err != nil:
		s.fail(w, rq.r, chainFailure(err))
		return
	default:
		con = &res.Consent
	}
	d, refusal, err := s.rules.ReadConsent(rq.ctx, rq.caller, con)
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if refusal != nil {
		// A refused read of an id that does not exist concerns no patient:
		// it is answered the same way and logged without one.
		patient := ""
		if con != nil {
			patient = con.Patient
		}
		s.refuse(w, rq, patient, "Consent", refusal)
		return
	}
	bz, err := con.FHIR(s.now())
	if err != nil {
		s.fail(w, rq.r, internalError(err))
		return
	}
	if aerr := s.record(rq, con.Patient, "Consent", []string{"/fhir/Consent/" + strconv.FormatUint(id, 10)}, d, nil); aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	writeFHIR(w, bz)
}

func (s *Server) handleDocumentSearch(w http.ResponseWriter, rq *request) {
	sr, aerr := parseSearch(rq.r.URL.Query(), true)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	patient, purpose, pg := sr.patient, sr.purpose, sr.page
	filter, refusal, err := s.rules.ReadRecords(rq.ctx, rq.caller, patient, purpose)
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if refusal != nil {
		s.refuse(w, rq, patient, "DocumentReference", refusal)
		return
	}
	res, err := s.chain.Records.RecordsByPatient(rq.ctx, &recordstypes.QueryRecordsByPatientRequest{Patient: patient, Pagination: pg})
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	var entries []bundleEntry
	d := filter.Decision
	for _, rec := range res.Records {
		rd, ok, err := filter.Allow(rq.ctx, rec)
		if err != nil {
			s.fail(w, rq.r, chainFailure(err))
			return
		}
		if !ok {
			continue
		}
		if rd.ConsentID != 0 {
			d.ConsentID = rd.ConsentID
		}
		bz, err := documentReference(rec, s.cfg.VaultURL)
		if err != nil {
			s.fail(w, rq.r, internalError(err))
			return
		}
		entries = append(entries, bundleEntry{fullURL: "/fhir/DocumentReference/" + strconv.FormatUint(rec.ID, 10), resource: bz})
	}
	s.answer(w, rq, patient, "DocumentReference", d, entries, nextCursor(res.Pagination))
}

func (s *Server) handleDocumentRead(w http.ResponseWriter, rq *request) {
	id, aerr := parseID(rq.r)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	purpose, aerr := purposeParam(rq.r.URL.Query())
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	res, err := s.chain.Records.Record(rq.ctx, &recordstypes.QueryRecordRequest{Id: id})
	if isNotFound(err) {
		s.refuse(w, rq, "", "DocumentReference", recordNotYours(id))
		return
	}
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	rec := res.Record
	d, refusal, err := s.rules.ReadRecord(rq.ctx, rq.caller, rec, purpose)
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if refusal != nil {
		s.refuse(w, rq, rec.Patient, "DocumentReference", refusal)
		return
	}
	bz, err := documentReference(rec, s.cfg.VaultURL)
	if err != nil {
		s.fail(w, rq.r, internalError(err))
		return
	}
	if aerr := s.record(rq, rec.Patient, "DocumentReference", []string{"/fhir/DocumentReference/" + strconv.FormatUint(id, 10)}, d, nil); aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	writeFHIR(w, bz)
}

// handleAuditSearch lists who read a patient's data: first the chain's
// accounting of disclosures, then the gateway's own log, newest first. The
// cursor says which part a page is in ("c" + chain key, "g" + entry).
func (s *Server) handleAuditSearch(w http.ResponseWriter, rq *request) {
	sr, aerr := parseSearch(rq.r.URL.Query(), false)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	patient, n, cur := sr.patient, sr.n, sr.cursor
	badCursor := &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "_page is not a cursor this gateway gave"}
	d, refusal, err := s.rules.ReadDisclosures(rq.ctx, rq.caller, patient)
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if refusal != nil {
		s.refuse(w, rq, patient, "AuditEvent", refusal)
		return
	}
	var entries []bundleEntry
	next := ""
	if cur == "" || cur[0] == 'c' {
		chainCur := ""
		if cur != "" {
			chainCur = cur[1:]
		}
		pg, aerr := chainPage(chainCur, n)
		if aerr != nil {
			s.fail(w, rq.r, badCursor)
			return
		}
		res, err := s.chain.Records.Disclosures(rq.ctx, &recordstypes.QueryDisclosuresRequest{Patient: patient, Pagination: pg})
		if err != nil {
			s.fail(w, rq.r, chainFailure(err))
			return
		}
		for _, g := range res.Disclosures {
			bz, err := disclosureEvent(g)
			if err != nil {
				s.fail(w, rq.r, internalError(err))
				return
			}
			entries = append(entries, bundleEntry{fullURL: "/fhir/AuditEvent/disclosure-" + strconv.FormatUint(g.ID, 10), resource: bz})
		}
		if nc := nextCursor(res.Pagination); nc != "" {
			next = "c" + nc
		} else {
			next = "g0"
		}
	} else if cur[0] == 'g' {
		before, err := strconv.ParseUint(cur[1:], 10, 64)
		if err != nil {
			s.fail(w, rq.r, badCursor)
			return
		}
		lines, nx, err := s.audit.ByPatient(patient, before, n)
		if err != nil {
			s.fail(w, rq.r, internalError(err))
			return
		}
		for _, l := range lines {
			entries = append(entries, bundleEntry{fullURL: "/fhir/AuditEvent/gateway-" + strconv.FormatUint(l.Seq, 10), resource: l.Event})
		}
		if nx != 0 {
			next = "g" + strconv.FormatUint(nx, 10)
		}
	} else {
		s.fail(w, rq.r, badCursor)
		return
	}
	s.answer(w, rq, patient, "AuditEvent", d, entries, next)
}

// claimSearch lists ClaimResponse or ExplanationOfBenefit resources for a
// patient's claims the caller may see.
func (s *Server) claimSearch(resource string) func(http.ResponseWriter, *request) {
	return func(w http.ResponseWriter, rq *request) {
		sr, aerr := parseSearch(rq.r.URL.Query(), true)
		if aerr != nil {
			s.fail(w, rq.r, aerr)
			return
		}
		patient, pg := sr.patient, sr.page
		filter, refusal, err := s.rules.ReadClaims(rq.ctx, rq.caller, patient)
		if err != nil {
			s.fail(w, rq.r, chainFailure(err))
			return
		}
		if refusal != nil {
			s.refuse(w, rq, patient, resource, refusal)
			return
		}
		res, err := s.chain.Claims.ClaimsByPatient(rq.ctx, &claimstypes.QueryClaimsByPartyRequest{Address: patient, Pagination: pg})
		if err != nil {
			s.fail(w, rq.r, chainFailure(err))
			return
		}
		var entries []bundleEntry
		d := filter.Decision
		for _, cl := range res.Claims {
			cd, ok := filter.Allow(cl)
			if !ok {
				continue
			}
			d = cd
			var bz []byte
			if resource == "ClaimResponse" {
				bz, err = claimstypes.ClaimResponseFHIR(cl)
			} else {
				bz, err = json.Marshal(claimstypes.ExplanationOfBenefitFHIR(cl, nil))
			}
			if err != nil {
				s.fail(w, rq.r, internalError(err))
				return
			}
			prefix := "eob-"
			if resource == "ClaimResponse" {
				prefix = "claim-"
			}
			entries = append(entries, bundleEntry{fullURL: "/fhir/" + resource + "/" + prefix + strconv.FormatUint(cl.ID, 10), resource: bz})
		}
		s.answer(w, rq, patient, resource, d, entries, nextCursor(res.Pagination))
	}
}

func (s *Server) handleMedications(w http.ResponseWriter, rq *request) {
	q := rq.r.URL.Query()
	sr, aerr := parseSearch(q, true)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	patient, purpose, pg := sr.patient, sr.purpose, sr.page
	d, refusal, err := s.rules.ReadMedications(rq.ctx, rq.caller, patient, purpose)
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if refusal != nil {
		s.refuse(w, rq, patient, "MedicationHistory", refusal)
		return
	}
	res, err := s.chain.Bridge.MedicationHistory(rq.ctx, &bridgetypes.QueryMedicationHistoryRequest{Patient: patient, Pagination: pg})
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	// Recall notices that concern the patient: one per lot of this page
	// that the pharma chain recalled (a page holds at most MaxPageSize
	// entries, so at most that many lookups).
	recalls := []map[string]any{}
	seen := map[[2]string]bool{}
	for _, e := range res.Entries {
		k := [2]string{e.GTIN, e.Lot}
		if seen[k] {
			continue
		}
		seen[k] = true
		n, err := s.chain.Bridge.RecallNotice(rq.ctx, &bridgetypes.QueryRecallNoticeRequest{Gtin: e.GTIN, Lot: e.Lot, Pagination: &query.PageRequest{Limit: 1}})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			s.fail(w, rq.r, chainFailure(err))
			return
		}
		recalls = append(recalls, map[string]any{"gtin": n.Notice.GTIN, "lot": n.Notice.Lot, "reason": n.Notice.Reason,
			"recalled_at": n.Notice.RecalledAt.UTC(), "received_at": n.Notice.ReceivedAt.UTC()})
	}
	if aerr := s.record(rq, patient, "MedicationHistory", []string{fmt.Sprintf("%d medication entries", len(res.Entries))}, d, nil); aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	out := map[string]any{"patient": patient, "entries": res.Entries, "recalls": recalls}
	if nc := nextCursor(res.Pagination); nc != "" {
		out["next"] = pageLink(rq.r.URL.Path, q, nc)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleSupplyUnit(w http.ResponseWriter, rq *request) {
	q := rq.r.URL.Query()
	unit := q.Get("unit")
	if unit == "" || len(unit) > 512 {
		s.fail(w, rq.r, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "unit is required: a GS1 element string or Digital Link, at most 512 characters"})
		return
	}
	if _, refusal := s.rules.ReadSupplyChain(rq.caller); refusal != nil {
		s.fail(w, rq.r, refusal)
		return
	}
	n, cur, aerr := page(q)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	pg, aerr := chainPage(cur, n)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	u, err := s.chain.Drugtrace.Unit(rq.ctx, &drugtracetypes.QueryUnitRequest{Unit: unit})
	if isNotFound(err) {
		s.fail(w, rq.r, &apiError{Status: http.StatusNotFound, Reason: "UNKNOWN_UNIT", Message: "no unit with that GTIN and serial was commissioned"})
		return
	}
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	h, err := s.chain.Drugtrace.History(rq.ctx, &drugtracetypes.QueryHistoryRequest{Unit: unit, Pagination: pg})
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	out := map[string]any{"unit": u.Unit, "recalled": u.Recalled, "history": h.Events}
	if nc := nextCursor(h.Pagination); nc != "" {
		out["next"] = pageLink(rq.r.URL.Path, q, nc)
	}
	writeJSON(w, http.StatusOK, out)
}
