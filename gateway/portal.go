package gateway

// What the web portal needs besides the FHIR reads: the payer's queue, a
// patient's guardians, the vault's read endpoints on the same origin, and
// the portal's own files.

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/portal"
	"github.com/healthchain/healthd/vault"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// portalCSP lets the portal's page load only its own files: no inline
// script or style, no other origin, no framing. Camera frames are blob: and
// scanned images data:.
const portalCSP = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// queueScanPages bounds the chain pages one queue request reads to fill a
// page of waiting claims (the payer's decided claims are skipped).
const queueScanPages = 5

// waiting says whether a claim waits for its payer's review.
func waiting(cl claimstypes.Claim) bool {
	return cl.Status == claimstypes.ClaimStatus_CLAIM_STATUS_PENDED || cl.Status == claimstypes.ClaimStatus_CLAIM_STATUS_APPEALED
}

// handleClaimsQueue lists the pended and appealed claims of which the
// caller is payer, oldest first, with their adjudication detail. Each
// patient whose claim is shown gets an audit entry.
func (s *Server) handleClaimsQueue(w http.ResponseWriter, rq *request) {
	d, refusal := s.rules.ReadPayerQueue(rq.caller)
	if refusal != nil {
		// No patient is involved: the refusal is not a read of anyone's data.
		s.fail(w, rq.r, refusal)
		return
	}
	n, cur, aerr := page(rq.r.URL.Query())
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	pg, aerr := chainPage(cur, MaxPageSize)
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	var (
		claims []json.RawMessage
		ids    = map[string][]string{} // patient -> claim refs
		order  []string
		next   string
	)
	for range queueScanPages {
		res, err := s.chain.Claims.ClaimsByPayer(rq.ctx, &claimstypes.QueryClaimsByPartyRequest{Address: rq.caller.Account, Pagination: pg})
		if err != nil {
			s.fail(w, rq.r, chainFailure(err))
			return
		}
		for _, cl := range res.Claims {
			if cl.Payer != rq.caller.Account || !waiting(cl) || len(claims) >= n {
				continue
			}
			bz, err := s.txs.cdc.MarshalJSON(&cl)
			if err != nil {
				s.fail(w, rq.r, internalError(err))
				return
			}
			claims = append(claims, bz)
			if _, seen := ids[cl.Patient]; !seen {
				order = append(order, cl.Patient)
			}
			ids[cl.Patient] = append(ids[cl.Patient], "ClaimResponse/"+strconv.FormatUint(cl.ID, 10))
		}
		next = nextCursor(res.Pagination)
		if next == "" || len(claims) >= n {
			break
		}
		pg = &query.PageRequest{Key: res.Pagination.NextKey, Limit: MaxPageSize}
	}
	for _, p := range order {
		if aerr := s.record(rq, p, "ClaimResponse", ids[p], d, nil); aerr != nil {
			s.fail(w, rq.r, aerr)
			return
		}
	}
	if claims == nil {
		claims = []json.RawMessage{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"claims": claims, "next": next})
}

// handleGuardians lists a patient's guardianships (current, future and
// ended) to the patient's side.
func (s *Server) handleGuardians(w http.ResponseWriter, rq *request) {
	patient, aerr := patientParam(rq.r.URL.Query())
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	d, refusal, err := s.rules.ReadGuardians(rq.ctx, rq.caller, patient)
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if refusal != nil {
		s.refuse(w, rq, patient, "Guardians", refusal)
		return
	}
	res, err := s.chain.Consent.Guardians(rq.ctx, &consenttypes.QueryGuardiansRequest{Patient: patient})
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	if aerr := s.record(rq, patient, "Guardians", nil, d, nil); aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	out := make([]map[string]any, 0, len(res.Guardians))
	now := s.now()
	for _, g := range res.Guardians {
		out = append(out, map[string]any{"guardian": g.Guardian, "start": g.Start.UTC(), "end": g.End.UTC(),
			"live": !now.Before(g.Start) && now.Before(g.End)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"patient": patient, "guardians": out})
}

// handleEncryptionKey answers an account's registered record-encryption
// key (an age recipient): public on chain, and what a browser needs to
// encrypt to someone.
func (s *Server) handleEncryptionKey(w http.ResponseWriter, rq *request) {
	account := rq.r.URL.Query().Get("account")
	if err := vault.ValidateAccount(account); err != nil {
		s.fail(w, rq.r, &apiError{Status: http.StatusBadRequest, Reason: ReasonBadRequest, Message: "account must be a health1... account"})
		return
	}
	res, err := s.chain.Records.EncryptionKey(rq.ctx, &recordstypes.QueryEncryptionKeyRequest{Owner: account})
	if isNotFound(err) {
		s.fail(w, rq.r, &apiError{Status: http.StatusNotFound, Reason: ReasonNoEncryptionKey,
			Message: "this account has not registered an encryption key (healthd records keys register)"})
		return
	}
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"account": account, "recipient": res.Key.Recipient})
}

// handleBreakGlassRecipients answers, to an active member of a role that may
// break glass (rules.ReadBreakGlassRecipients) about to open break-glass access, the keys its sealed justification must be readable
// by: the patient's and the live guardians' registered keys, without the
// guardians' accounts. The read is audited for the patient.
func (s *Server) handleBreakGlassRecipients(w http.ResponseWriter, rq *request) {
	patient, aerr := patientParam(rq.r.URL.Query())
	if aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	d, refusal := s.rules.ReadBreakGlassRecipients(rq.caller)
	if refusal != nil {
		s.refuse(w, rq, patient, "BreakGlassRecipients", refusal)
		return
	}
	readers := []string{patient}
	res, err := s.chain.Consent.Guardians(rq.ctx, &consenttypes.QueryGuardiansRequest{Patient: patient})
	if err != nil {
		s.fail(w, rq.r, chainFailure(err))
		return
	}
	now := s.now()
	for _, g := range res.Guardians {
		if !now.Before(g.Start) && now.Before(g.End) {
			readers = append(readers, g.Guardian)
		}
	}
	recipients := []string{}
	for _, a := range readers {
		k, err := s.chain.Records.EncryptionKey(rq.ctx, &recordstypes.QueryEncryptionKeyRequest{Owner: a})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			s.fail(w, rq.r, chainFailure(err))
			return
		}
		recipients = append(recipients, k.Key.Recipient)
	}
	if aerr := s.record(rq, patient, "BreakGlassRecipients", nil, d, nil); aerr != nil {
		s.fail(w, rq.r, aerr)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"patient": patient, "recipients": recipients})
}

// vaultReadPaths are the vault endpoints the portal reads through the
// gateway (same origin, so the page's CSP stays 'self'): a challenge, a
// record's wrapped key and its encrypted blob. The vault checks its own
// signed headers; the gateway adds nothing and needs a session first.
func vaultReadPath(p string) bool {
	if p == "/v1/challenge" {
		return true
	}
	rest, ok := strings.CutPrefix(p, "/v1/records/")
	if !ok {
		return false
	}
	id, what, ok := strings.Cut(rest, "/")
	if !ok || id == "" || len(id) > 20 || strings.Trim(id, "0123456789") != "" {
		return false
	}
	return what == "key" || what == "blob"
}

// vaultProxy forwards the portal's vault reads to the configured vault.
func (s *Server) vaultProxy() http.HandlerFunc {
	target, err := url.Parse(s.cfg.VaultURL)
	if s.cfg.VaultURL == "" || err != nil {
		return func(w http.ResponseWriter, r *http.Request) {
			s.fail(w, r, &apiError{Status: http.StatusNotFound, Reason: "NO_VAULT", Message: "this gateway has no vault configured (--vault-url)"})
		}
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.URL.Path = strings.TrimSuffix(target.Path, "/") + strings.TrimPrefix(pr.In.URL.Path, "/vault")
			pr.Out.URL.RawPath = ""
			pr.Out.Header.Del("Authorization")
			pr.Out.Header.Del("Cookie")
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, _ error) {
			s.fail(w, r, &apiError{Status: http.StatusBadGateway, Reason: "VAULT_UNAVAILABLE", Message: "the vault did not answer; retry shortly"})
		},
	}
	return func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/vault")
		if !vaultReadPath(p) {
			s.fail(w, r, &apiError{Status: http.StatusNotFound, Reason: "NOT_FOUND",
				Message: "the gateway forwards only GET /vault/v1/challenge, /vault/v1/records/{id}/key and /vault/v1/records/{id}/blob"})
			return
		}
		account, aerr := s.authenticate(r)
		if aerr != nil {
			s.fail(w, r, aerr)
			return
		}
		if !s.limits.account(account) {
			s.fail(w, r, tooMany("requests from this account"))
			return
		}
		rp.ServeHTTP(w, r)
	}
}

// portalFiles serves the embedded portal under /portal/.
func (s *Server) portalFiles() http.Handler {
	sub, err := fs.Sub(portal.Dist, "dist")
	if err != nil {
		panic(err) // the embed pattern guarantees dist exists
	}
	fsrv := http.StripPrefix("/portal/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", portalCSP)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
		fsrv.ServeHTTP(w, r)
	})
}
