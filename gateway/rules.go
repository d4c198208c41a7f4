package gateway

// The gateway's row-level rules, all in this file: who may read which
// patient's data, of which kind, and on what basis. The handlers call these
// and nothing else to decide; every decision names its basis, which goes
// into the audit log.
//
//	data                          patient / live guardian   member                                   other accounts
//	Consent                       all of the patient's      those it is the grantee of               refused
//	DocumentReference (records)   all                       author of; or a live consent (or open    refused
//	                                                        break-glass for ETREAT) for the purpose
//	                                                        that covers the record's category
//	AuditEvent (disclosures and   all                       refused                                  refused
//	the gateway's own log)
//	ClaimResponse, EOB            all                       payer or provider of the claim           refused
//	medication history            all                       a live consent for the purpose covering  refused
//	                                                        MedicationDispense
//	supply chain (unit history)   refused                   regulator, manufacturer, distributor,    refused
//	                                                        pharmacy
//	guardians                     all                       refused                                  refused
//	payer's claims queue          refused                   a payer: the claims it is payer of       refused
//	pack verification             open to anyone, no session: it carries no patient data
//
// A suspended member is not a member here. A refusal is 403 with a reason
// (NO_CONSENT, CONSENT_EXPIRED, CONSENT_REVOKED, ...) and is audited too.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"

	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// Bases of an allowed read, as the audit log records them.
const (
	BasisSelf       = "self"
	BasisGuardian   = "guardian"
	BasisGrantee    = "grantee"
	BasisConsent    = "consent"
	BasisBreakGlass = "break-glass"
	BasisAuthor     = "author"
	BasisPayer      = "payer"
	BasisProvider   = "provider"
	BasisRegulator  = "supply-chain-role"
)

// Refusal reasons (HTTP 403).
const (
	ReasonNoConsent      = "NO_CONSENT"
	ReasonExpired        = "CONSENT_EXPIRED"
	ReasonRevoked        = "CONSENT_REVOKED"
	ReasonNotYetValid    = "CONSENT_NOT_YET_VALID"
	ReasonNotCovered     = "CATEGORY_NOT_COVERED"
	ReasonNotPatient     = "NOT_THE_PATIENT"
	ReasonNotMember      = "NOT_A_MEMBER"
	ReasonNotParty       = "NOT_A_PARTY"
	ReasonWrongRole      = "ROLE_NOT_ALLOWED"
	ReasonUnknownPurpose = "UNKNOWN_PURPOSE"
)

// DefaultPurpose is the purpose of use a member reads under unless it names
// another (the `purpose` search parameter).
const DefaultPurpose = "TREAT"

// MedicationCategory is the consent category that covers medication history.
const MedicationCategory = "MedicationDispense"

// consentScanLimit bounds the consents of one patient the rules look
// through to explain a refusal (the allowing path never scans).
const consentScanLimit = 200

// Caller is an authenticated account and what the chain says it is.
type Caller struct {
	Account string
	// Member is the caller's consortium membership if it is active.
	Member *consortiumtypes.Member
}

func (c Caller) hasRole(roles ...consortiumtypes.Role) bool {
	if c.Member == nil {
		return false
	}
	for _, r := range roles {
		if slices.Contains(c.Member.Roles, r) {
			return true
		}
	}
	return false
}

// Decision is an allowed read and its basis.
type Decision struct {
	Basis     string
	Purpose   string
	ConsentID uint64
	// BreakGlassID is set when an open break-glass access allowed the read.
	BreakGlassID uint64
}

func forbidden(reason, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusForbidden, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// rules answers the questions above from the chain.
type rules struct {
	chain Chain
	now   func() time.Time
}

// caller looks the account up in x/consortium.
func (r *rules) caller(ctx context.Context, account string) (Caller, error) {
	c := Caller{Account: account}
	res, err := r.chain.Consortium.Member(ctx, &consortiumtypes.QueryMemberRequest{Address: account})
	if isNotFound(err) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	if res.Member.Status == consortiumtypes.MemberStatus_MEMBER_STATUS_ACTIVE {
		m := res.Member
		c.Member = &m
	}
	return c, nil
}

// patientSide says whether the caller is the patient or a live guardian.
func (r *rules) patientSide(ctx context.Context, c Caller, patient string) (string, bool, error) {
	if c.Account == patient {
		return BasisSelf, true, nil
	}
	res, err := r.chain.Consent.Guardians(ctx, &consenttypes.QueryGuardiansRequest{Patient: patient})
	if err != nil {
		return "", false, err
	}
	now := r.now()
	for _, g := range res.Guardians {
		if g.Guardian == c.Account && !now.Before(g.Start) && now.Before(g.End) {
			return BasisGuardian, true, nil
		}
	}
	return "", false, nil
}

// ConsentScope is what a caller may see of a patient's consents.
type ConsentScope struct {
	Decision
	// GranteeOnly limits the consents to those granted to the caller.
	GranteeOnly bool
}

// ReadConsents decides a search of a patient's consents.
func (r *rules) ReadConsents(ctx context.Context, c Caller, patient string) (ConsentScope, *apiError, error) {
	basis, ok, err := r.patientSide(ctx, c, patient)
	if err != nil || ok {
		return ConsentScope{Decision: Decision{Basis: basis}}, nil, err
	}
	if c.Member != nil {
		return ConsentScope{Decision: Decision{Basis: BasisGrantee}, GranteeOnly: true}, nil, nil
	}
	return ConsentScope{}, forbidden(ReasonNotPatient, "only the patient, a live guardian or a member the patient granted a consent to may read the patient's consents"), nil
}

// ReadConsent decides a read of one consent: its patient, a live guardian
// or its grantee. A consent that does not exist gets the same refusal, so
// that a stranger learns nothing from the id.
func (r *rules) ReadConsent(ctx context.Context, c Caller, con *consenttypes.Consent) (Decision, *apiError, error) {
	refusal := forbidden(ReasonNotParty, "a consent is readable only by its patient, the patient's live guardians and its grantee")
	if con == nil {
		return Decision{}, refusal, nil
	}
	basis, ok, err := r.patientSide(ctx, c, con.Patient)
	if err != nil || ok {
		return Decision{Basis: basis}, nil, err
	}
	if con.Grantee == c.Account {
		return Decision{Basis: BasisGrantee}, nil, nil
	}
	return Decision{}, refusal, nil
}

// RecordFilter decides, record by record, what a caller may see of a
// patient's record anchors.
type RecordFilter struct {
	Decision
	patientSide bool
	caller      Caller
	r           *rules
}

// ReadRecords decides a search of a patient's record anchors under purpose.
// A member needs a live consent from the patient for the purpose (or, for
// ETREAT, an open break-glass access) before anything is listed; each record
// is then filtered by Allow.
func (r *rules) ReadRecords(ctx context.Context, c Caller, patient, purpose string) (*RecordFilter, *apiError, error) {
	basis, ok, err := r.patientSide(ctx, c, patient)
	if err != nil {
		return nil, nil, err
	}
	if ok {
		return &RecordFilter{Decision: Decision{Basis: basis}, patientSide: true, caller: c, r: r}, nil, nil
	}
	if c.Member == nil {
		return nil, forbidden(ReasonNotMember, "only the patient, a live guardian or a consortium member with the patient's consent may read the patient's records"), nil
	}
	d, refusal, err := r.liveConsent(ctx, patient, c.Account, purpose, recordstypes.ModuleName)
	if err != nil || refusal != nil {
		return nil, refusal, err
	}
	return &RecordFilter{Decision: d, caller: c, r: r}, nil, nil
}

// Allow says whether the caller may see one record anchor, and on what basis.
func (f *RecordFilter) Allow(ctx context.Context, rec recordstypes.Record) (Decision, bool, error) {
	if f.patientSide {
		return f.Decision, true, nil
	}
	if rec.Author == f.caller.Account {
		return Decision{Basis: BasisAuthor}, true, nil
	}
	res, err := f.r.chain.Consent.Check(ctx, &consenttypes.QueryCheckRequest{
		Patient: rec.Patient, Grantee: f.caller.Account, Purpose: f.Purpose, Category: rec.Category})
	if err != nil {
		return Decision{}, false, err
	}
	if !res.Allowed {
		return Decision{}, false, nil
	}
	d := Decision{Basis: BasisConsent, Purpose: f.Purpose, ConsentID: res.ConsentID, BreakGlassID: res.BreakGlassID}
	if res.BreakGlassID != 0 {
		d.Basis = BasisBreakGlass
	}
	return d, true, nil
}

// ReadRecord decides a read of one record anchor by id: the patient's side
// and its author read it; a member under a live consent for the purpose
// covering its category reads it. A stranger, or an id that does not exist,
// gets the same refusal, so that the id tells a stranger nothing.
func (r *rules) ReadRecord(ctx context.Context, c Caller, rec recordstypes.Record, purpose string) (Decision, *apiError, error) {
	if rec.Author == c.Account {
		return Decision{Basis: BasisAuthor}, nil, nil
	}
	f, refusal, err := r.ReadRecords(ctx, c, rec.Patient, purpose)
	if err != nil {
		return Decision{}, nil, err
	}
	if refusal != nil {
		if refusal.Reason == ReasonNotMember {
			refusal = recordNotYours(rec.ID)
		}
		return Decision{}, refusal, nil
	}
	d, ok, err := f.Allow(ctx, rec)
	if err != nil || ok {
		return d, nil, err
	}
	return Decision{}, forbidden(ReasonNotCovered, "your consent for purpose %s does not cover record %d's category", purpose, rec.ID), nil
}

func recordNotYours(id uint64) *apiError {
	return forbidden(ReasonNotParty, "record %d is not one you may read (the patient's side, its author, or a member under a live consent covering it)", id)
}

// ReadDisclosures decides a read of a patient's accounting of disclosures
// and the gateway's audit log about the patient: the patient's own.
func (r *rules) ReadDisclosures(ctx context.Context, c Caller, patient string) (Decision, *apiError, error) {
	basis, ok, err := r.patientSide(ctx, c, patient)
	if err != nil || ok {
		return Decision{Basis: basis}, nil, err
	}
	return Decision{}, forbidden(ReasonNotPatient, "who read a patient's data is for the patient and the patient's live guardians to see"), nil
}

// ClaimFilter decides, claim by claim, what a caller may see.
type ClaimFilter struct {
	Decision
	caller Caller
}

// ReadClaims decides a search of a patient's claims: the patient's side
// sees all, a payer or provider member only the claims it is party to.
func (r *rules) ReadClaims(ctx context.Context, c Caller, patient string) (*ClaimFilter, *apiError, error) {
	basis, ok, err := r.patientSide(ctx, c, patient)
	if err != nil {
		return nil, nil, err
	}
	if ok {
		return &ClaimFilter{Decision: Decision{Basis: basis}}, nil, nil
	}
	if c.Member == nil {
		return nil, forbidden(ReasonNotParty, "a claim is readable only by its patient, the patient's live guardians, its payer and its provider"), nil
	}
	return &ClaimFilter{caller: c}, nil, nil
}

// Allow says whether the caller may see one claim.
func (f *ClaimFilter) Allow(cl claimstypes.Claim) (Decision, bool) {
	switch {
	case f.Basis != "":
		return f.Decision, true
	case cl.Payer == f.caller.Account:
		return Decision{Basis: BasisPayer}, true
	case cl.Provider == f.caller.Account:
		return Decision{Basis: BasisProvider}, true
	}
	return Decision{}, false
}

// ReadPayerQueue decides a payer's read of the claims waiting for it:
// an active member with the payer role, and only claims it is payer of
// (the handler asks the chain for the caller's claims and nothing else).
func (r *rules) ReadPayerQueue(c Caller) (Decision, *apiError) {
	if !c.hasRole(consortiumtypes.Role_ROLE_PAYER) {
		return Decision{}, forbidden(ReasonWrongRole, "the claims queue is for payer members")
	}
	return Decision{Basis: BasisPayer}, nil
}

// ReadBreakGlassRecipients decides who may learn the keys a break-glass
// justification is sealed to: an active member of a role that x/consent lets
// open break-glass access (consenttypes.BreakGlassRoles, the rule
// MsgBreakGlass applies), so that nobody else can probe which patients have
// guardians or registered keys.
func (r *rules) ReadBreakGlassRecipients(c Caller) (Decision, *apiError) {
	if c.Member == nil {
		return Decision{}, forbidden(ReasonNotMember, "only an active member opens break-glass access")
	}
	if !c.hasRole(consenttypes.BreakGlassRoles()...) {
		return Decision{}, forbidden(ReasonWrongRole, "break-glass access is opened only by members of the roles x/consent allows to break glass")
	}
	return Decision{Basis: BasisBreakGlass}, nil
}

// ReadGuardians decides a read of a patient's guardians: the patient's
// side only.
func (r *rules) ReadGuardians(ctx context.Context, c Caller, patient string) (Decision, *apiError, error) {
	basis, ok, err := r.patientSide(ctx, c, patient)
	if err != nil {
		return Decision{}, nil, err
	}
	if !ok {
		return Decision{}, forbidden(ReasonNotPatient, "a patient's guardians are readable by the patient and the patient's live guardians"), nil
	}
	return Decision{Basis: basis}, nil, nil
}

// ReadMedications decides a read of a patient's medication history.
func (r *rules) ReadMedications(ctx context.Context, c Caller, patient, purpose string) (Decision, *apiError, error) {
	basis, ok, err := r.patientSide(ctx, c, patient)
	if err != nil || ok {
		return Decision{Basis: basis}, nil, err
	}
	if c.Member == nil {
		return Decision{}, forbidden(ReasonNotMember, "only the patient, a live guardian or a member with the patient's consent may read the patient's medication history"), nil
	}
	res, err := r.chain.Consent.Check(ctx, &consenttypes.QueryCheckRequest{
		Patient: patient, Grantee: c.Account, Purpose: purpose, Category: MedicationCategory})
	if err != nil {
		return Decision{}, nil, err
	}
	if res.Allowed {
		d := Decision{Basis: BasisConsent, Purpose: purpose, ConsentID: res.ConsentID, BreakGlassID: res.BreakGlassID}
		if res.BreakGlassID != 0 {
			d.Basis = BasisBreakGlass
		}
		return d, nil, nil
	}
	return Decision{}, checkRefusal(res.Reason, purpose, MedicationCategory), nil
}

// ReadSupplyChain decides a read of unit histories and shipments.
func (r *rules) ReadSupplyChain(c Caller) (Decision, *apiError) {
	if c.hasRole(consortiumtypes.Role_ROLE_REGULATOR, consortiumtypes.Role_ROLE_MANUFACTURER,
		consortiumtypes.Role_ROLE_DISTRIBUTOR, consortiumtypes.Role_ROLE_PHARMACY) {
		return Decision{Basis: BasisRegulator}, nil
	}
	return Decision{}, forbidden(ReasonWrongRole, "supply-chain histories are for the regulator and supply-chain members (manufacturer, distributor, pharmacy)")
}

// liveConsent finds a live consent from patient to grantee for purpose, or
// an open break-glass access for ETREAT, and otherwise says why not. what
// names the data for the message.
func (r *rules) liveConsent(ctx context.Context, patient, grantee, purpose, what string) (Decision, *apiError, error) {
	if purpose == consenttypes.PurposeEmergency {
		// Break-glass covers every category: ask for one.
		res, err := r.chain.Consent.Check(ctx, &consenttypes.QueryCheckRequest{
			Patient: patient, Grantee: grantee, Purpose: purpose, Category: "DocumentReference"})
		if err != nil {
			return Decision{}, nil, err
		}
		if res.Allowed && res.BreakGlassID != 0 {
			return Decision{Basis: BasisBreakGlass, Purpose: purpose, BreakGlassID: res.BreakGlassID}, nil, nil
		}
	}
	var latest *consenttypes.Consent
	now := r.now()
	for _, st := range []consenttypes.ConsentStatus{consenttypes.ConsentStatus_CONSENT_STATUS_ACTIVE, consenttypes.ConsentStatus_CONSENT_STATUS_UNSPECIFIED} {
		res, err := r.chain.Consent.ConsentsByPatient(ctx, &consenttypes.QueryConsentsByPatientRequest{
			Patient: patient, Status: st, Pagination: &query.PageRequest{Limit: consentScanLimit, Reverse: true}})
		if err != nil {
			return Decision{}, nil, err
		}
		for i := range res.Consents {
			con := &res.Consents[i]
			if con.Grantee != grantee || con.Purpose != purpose {
				continue
			}
			if st == consenttypes.ConsentStatus_CONSENT_STATUS_ACTIVE && !now.Before(con.Start) && now.Before(con.End) {
				return Decision{Basis: BasisConsent, Purpose: purpose, ConsentID: con.ID}, nil, nil
			}
			if latest == nil || con.ID > latest.ID {
				latest = con
			}
		}
	}
	switch {
	case latest == nil:
		return Decision{}, forbidden(ReasonNoConsent, "the patient has not granted you a consent for purpose %s, which reading the patient's %s needs", purpose, what), nil
	case latest.Status == consenttypes.ConsentStatus_CONSENT_STATUS_REVOKED:
		return Decision{}, forbidden(ReasonRevoked, "the patient revoked consent %d (purpose %s)", latest.ID, purpose), nil
	case now.Before(latest.Start):
		return Decision{}, forbidden(ReasonNotYetValid, "consent %d (purpose %s) starts at %s", latest.ID, purpose, latest.Start.UTC().Format(time.RFC3339)), nil
	default:
		return Decision{}, forbidden(ReasonExpired, "consent %d (purpose %s) ended at %s", latest.ID, purpose, latest.End.UTC().Format(time.RFC3339)), nil
	}
}

// checkRefusal turns a consent check's reason into a 403.
func checkRefusal(reason consenttypes.CheckReason, purpose, category string) *apiError {
	switch reason {
	case consenttypes.CheckReason_CHECK_REASON_EXPIRED:
		return forbidden(ReasonExpired, "your consent for purpose %s covering %s has expired", purpose, category)
	case consenttypes.CheckReason_CHECK_REASON_REVOKED:
		return forbidden(ReasonRevoked, "the patient revoked your consent for purpose %s covering %s", purpose, category)
	case consenttypes.CheckReason_CHECK_REASON_NOT_YET_VALID:
		return forbidden(ReasonNotYetValid, "your consent for purpose %s covering %s has not started", purpose, category)
	case consenttypes.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED, consenttypes.CheckReason_CHECK_REASON_PURPOSE_NOT_COVERED:
		return forbidden(ReasonNotCovered, "your consent does not cover %s for purpose %s", category, purpose)
	default:
		return forbidden(ReasonNoConsent, "the patient has not granted you a consent for purpose %s covering %s", purpose, category)
	}
}
