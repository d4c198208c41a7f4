package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"sync/atomic"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	bridgetypes "github.com/healthchain/healthd/x/bridge/types"
	claimstypes "github.com/healthchain/healthd/x/claims/types"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	drugtracetypes "github.com/healthchain/healthd/x/drugtrace/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// world is an in-memory chain for the gateway's tests: the query services
// the gateway uses, answering from plain slices with the chain's paging
// (NextKey) and its consent-check rules (a live consent for the purpose
// covering the category, or an open break-glass access for ETREAT).
type world struct {
	now        time.Time
	members    map[string]consortiumtypes.Member
	consents   []consenttypes.Consent
	guardians  []consenttypes.Guardianship
	breakGlass map[[2]string]uint64 // {patient, member} -> id, open
	records    []recordstypes.Record
	grants     []recordstypes.AccessGrant
	claims     []claimstypes.Claim
	meds       []bridgetypes.MedicationEntry
	recalls    []bridgetypes.RecallNotice
	// encKeys are registered record-encryption keys (account -> recipient).
	encKeys map[string]string
	// accounts are the chain's accounts: number and sequence.
	accounts map[string]authtypes.BaseAccount
	// broadcast are the transactions relayed; included those in a block.
	broadcast [][]byte
	included  map[string]*txtypes.GetTxResponse
	calls     atomic.Int64
}

func (w *world) chain() Chain {
	return Chain{
		Consent:    fakeConsent{w: w},
		Records:    fakeRecords{w: w},
		Claims:     fakeClaims{w: w},
		Bridge:     fakeBridge{w: w},
		Consortium: fakeConsortium{w: w},
		Drugtrace:  fakeDrugtrace{w: w},
		Auth:       fakeAuth{w: w},
		Tx:         fakeTx{w: w},
	}
}

// pageOf returns the page, selected by p, of the items keep keeps.
func pageOf[T any](items []T, keep func(T) bool, p *query.PageRequest) ([]T, *query.PageResponse) {
	var sel []T
	for _, it := range items {
		if keep(it) {
			sel = append(sel, it)
		}
	}
	return paged(sel, p)
}

// paged returns the page of items selected by p, and the next key.
func paged[T any](items []T, p *query.PageRequest) ([]T, *query.PageResponse) {
	start := 0
	if p != nil && len(p.Key) == 8 {
		start = int(binary.BigEndian.Uint64(p.Key))
	}
	limit := 100
	if p != nil && p.Limit > 0 {
		limit = int(p.Limit)
	}
	if start > len(items) {
		start = len(items)
	}
	end := min(start+limit, len(items))
	res := &query.PageResponse{}
	if end < len(items) {
		res.NextKey = binary.BigEndian.AppendUint64(nil, uint64(end))
	}
	return items[start:end], res
}

type fakeConsortium struct {
	consortiumtypes.QueryClient
	w *world
}

func (f fakeConsortium) Member(_ context.Context, r *consortiumtypes.QueryMemberRequest, _ ...grpc.CallOption) (*consortiumtypes.QueryMemberResponse, error) {
	f.w.calls.Add(1)
	m, ok := f.w.members[r.Address]
	if !ok {
		return nil, status.Error(codes.NotFound, "not a member")
	}
	return &consortiumtypes.QueryMemberResponse{Member: m}, nil
}

type fakeConsent struct {
	consenttypes.QueryClient
	w *world
}

func (f fakeConsent) Guardians(_ context.Context, r *consenttypes.QueryGuardiansRequest, _ ...grpc.CallOption) (*consenttypes.QueryGuardiansResponse, error) {
	f.w.calls.Add(1)
	var out []consenttypes.Guardianship
	for _, g := range f.w.guardians {
		if g.Patient == r.Patient {
			out = append(out, g)
		}
	}
	return &consenttypes.QueryGuardiansResponse{Guardians: out}, nil
}

func (f fakeConsent) Consent(_ context.Context, r *consenttypes.QueryConsentRequest, _ ...grpc.CallOption) (*consenttypes.QueryConsentResponse, error) {
	f.w.calls.Add(1)
	for _, c := range f.w.consents {
		if c.ID == r.Id {
			return &consenttypes.QueryConsentResponse{Consent: c}, nil
		}
	}
	return nil, status.Error(codes.NotFound, "consent not found")
}

func (f fakeConsent) ConsentsByPatient(_ context.Context, r *consenttypes.QueryConsentsByPatientRequest, _ ...grpc.CallOption) (*consenttypes.QueryConsentsResponse, error) {
	f.w.calls.Add(1)
	page, res := pageOf(f.w.consents, func(c consenttypes.Consent) bool {
		return c.Patient == r.Patient && (r.Status == 0 || r.Status == c.Status)
	}, r.Pagination)
	return &consenttypes.QueryConsentsResponse{Consents: page, Pagination: res}, nil
}

func (f fakeConsent) Check(_ context.Context, r *consenttypes.QueryCheckRequest, _ ...grpc.CallOption) (*consenttypes.QueryCheckResponse, error) {
	f.w.calls.Add(1)
	reason := consenttypes.CheckReason_CHECK_REASON_NO_CONSENT
	for _, c := range f.w.consents {
		if c.Patient != r.Patient || c.Grantee != r.Grantee {
			continue
		}
		if c.Purpose != r.Purpose {
			if reason == consenttypes.CheckReason_CHECK_REASON_NO_CONSENT {
				reason = consenttypes.CheckReason_CHECK_REASON_PURPOSE_NOT_COVERED
			}
			continue
		}
		covers := c.AllCategories
		for _, cat := range c.Categories {
			covers = covers || cat == r.Category
		}
		switch {
		case !covers:
			reason = consenttypes.CheckReason_CHECK_REASON_CATEGORY_NOT_COVERED
		case c.Status == consenttypes.ConsentStatus_CONSENT_STATUS_REVOKED:
			reason = consenttypes.CheckReason_CHECK_REASON_REVOKED
		case !f.w.now.Before(c.End) || c.Status == consenttypes.ConsentStatus_CONSENT_STATUS_EXPIRED:
			reason = consenttypes.CheckReason_CHECK_REASON_EXPIRED
		default:
			return &consenttypes.QueryCheckResponse{Allowed: true, ConsentID: c.ID, Reason: consenttypes.CheckReason_CHECK_REASON_ALLOWED}, nil
		}
	}
	if r.Purpose == consenttypes.PurposeEmergency {
		if id, ok := f.w.breakGlass[[2]string{r.Patient, r.Grantee}]; ok {
			return &consenttypes.QueryCheckResponse{Allowed: true, BreakGlassID: id, Reason: consenttypes.CheckReason_CHECK_REASON_ALLOWED}, nil
		}
	}
	return &consenttypes.QueryCheckResponse{Reason: reason}, nil
}

type fakeRecords struct {
	recordstypes.QueryClient
	w *world
}

func (f fakeRecords) Record(_ context.Context, r *recordstypes.QueryRecordRequest, _ ...grpc.CallOption) (*recordstypes.QueryRecordResponse, error) {
	f.w.calls.Add(1)
	for _, rec := range f.w.records {
		if rec.ID == r.Id {
			return &recordstypes.QueryRecordResponse{Record: rec}, nil
		}
	}
	return nil, status.Error(codes.NotFound, "record not found")
}

func (f fakeRecords) RecordsByPatient(_ context.Context, r *recordstypes.QueryRecordsByPatientRequest, _ ...grpc.CallOption) (*recordstypes.QueryRecordsResponse, error) {
	f.w.calls.Add(1)
	page, res := pageOf(f.w.records, func(rec recordstypes.Record) bool { return rec.Patient == r.Patient }, r.Pagination)
	return &recordstypes.QueryRecordsResponse{Records: page, Pagination: res}, nil
}

func (f fakeRecords) Disclosures(_ context.Context, r *recordstypes.QueryDisclosuresRequest, _ ...grpc.CallOption) (*recordstypes.QueryDisclosuresResponse, error) {
	f.w.calls.Add(1)
	page, res := pageOf(f.w.grants, func(g recordstypes.AccessGrant) bool { return g.Patient == r.Patient }, r.Pagination)
	return &recordstypes.QueryDisclosuresResponse{Disclosures: page, Pagination: res}, nil
}

func (f fakeRecords) EncryptionKey(_ context.Context, r *recordstypes.QueryEncryptionKeyRequest, _ ...grpc.CallOption) (*recordstypes.QueryEncryptionKeyResponse, error) {
	f.w.calls.Add(1)
	k, ok := f.w.encKeys[r.Owner]
	if !ok {
		return nil, status.Error(codes.NotFound, "no encryption key")
	}
	return &recordstypes.QueryEncryptionKeyResponse{Key: recordstypes.EncryptionKey{Owner: r.Owner, Recipient: k}}, nil
}

type fakeClaims struct {
	claimstypes.QueryClient
	w *world
}

func (f fakeClaims) ClaimsByPatient(_ context.Context, r *claimstypes.QueryClaimsByPartyRequest, _ ...grpc.CallOption) (*claimstypes.QueryClaimsResponse, error) {
	f.w.calls.Add(1)
	page, res := pageOf(f.w.claims, func(c claimstypes.Claim) bool { return c.Patient == r.Address }, r.Pagination)
	return &claimstypes.QueryClaimsResponse{Claims: page, Pagination: res}, nil
}

func (f fakeClaims) ClaimsByPayer(_ context.Context, r *claimstypes.QueryClaimsByPartyRequest, _ ...grpc.CallOption) (*claimstypes.QueryClaimsResponse, error) {
	f.w.calls.Add(1)
	page, res := pageOf(f.w.claims, func(c claimstypes.Claim) bool { return c.Payer == r.Address }, r.Pagination)
	return &claimstypes.QueryClaimsResponse{Claims: page, Pagination: res}, nil
}

type fakeAuth struct {
	authtypes.QueryClient
	w *world
}

func (f fakeAuth) AccountInfo(_ context.Context, r *authtypes.QueryAccountInfoRequest, _ ...grpc.CallOption) (*authtypes.QueryAccountInfoResponse, error) {
	f.w.calls.Add(1)
	acc, ok := f.w.accounts[r.Address]
	if !ok {
		return nil, status.Error(codes.NotFound, "account not found")
	}
	return &authtypes.QueryAccountInfoResponse{Info: &acc}, nil
}

// fakeTx accepts every transaction in CheckTx (the gateway's own checks
// come first) and reports as included those the test puts in included.
type fakeTx struct {
	txtypes.ServiceClient
	w *world
}

func (f fakeTx) BroadcastTx(_ context.Context, r *txtypes.BroadcastTxRequest, _ ...grpc.CallOption) (*txtypes.BroadcastTxResponse, error) {
	f.w.calls.Add(1)
	f.w.broadcast = append(f.w.broadcast, r.TxBytes)
	sum := sha256.Sum256(r.TxBytes)
	return &txtypes.BroadcastTxResponse{TxResponse: &sdk.TxResponse{TxHash: strings.ToUpper(hex.EncodeToString(sum[:]))}}, nil
}

func (f fakeTx) Simulate(_ context.Context, r *txtypes.SimulateRequest, _ ...grpc.CallOption) (*txtypes.SimulateResponse, error) {
	f.w.calls.Add(1)
	return &txtypes.SimulateResponse{GasInfo: &sdk.GasInfo{GasUsed: uint64(50_000 + len(r.TxBytes))}}, nil
}

func (f fakeTx) GetTx(_ context.Context, r *txtypes.GetTxRequest, _ ...grpc.CallOption) (*txtypes.GetTxResponse, error) {
	f.w.calls.Add(1)
	if res, ok := f.w.included[r.Hash]; ok {
		return res, nil
	}
	return nil, status.Error(codes.NotFound, "tx not found")
}

type fakeBridge struct {
	bridgetypes.QueryClient
	w *world
}

func (f fakeBridge) MedicationHistory(_ context.Context, r *bridgetypes.QueryMedicationHistoryRequest, _ ...grpc.CallOption) (*bridgetypes.QueryMedicationHistoryResponse, error) {
	f.w.calls.Add(1)
	page, res := pageOf(f.w.meds, func(m bridgetypes.MedicationEntry) bool { return m.Patient == r.Patient }, r.Pagination)
	return &bridgetypes.QueryMedicationHistoryResponse{Entries: page, Pagination: res}, nil
}

func (f fakeBridge) RecallNotice(_ context.Context, r *bridgetypes.QueryRecallNoticeRequest, _ ...grpc.CallOption) (*bridgetypes.QueryRecallNoticeResponse, error) {
	f.w.calls.Add(1)
	for _, n := range f.w.recalls {
		if n.GTIN == r.Gtin && n.Lot == r.Lot {
			return &bridgetypes.QueryRecallNoticeResponse{Notice: n}, nil
		}
	}
	return nil, status.Error(codes.NotFound, "no recall")
}

type fakeDrugtrace struct {
	drugtracetypes.QueryClient
	w *world
}

const knownUnit = "(01)09506000134352(21)SN1"

func (f fakeDrugtrace) Verify(_ context.Context, r *drugtracetypes.QueryVerifyRequest, _ ...grpc.CallOption) (*drugtracetypes.QueryVerifyResponse, error) {
	f.w.calls.Add(1)
	if r.Unit != knownUnit {
		return &drugtracetypes.QueryVerifyResponse{Verdict: drugtracetypes.Verdict_VERDICT_NEVER_COMMISSIONED}, nil
	}
	return &drugtracetypes.QueryVerifyResponse{Verdict: drugtracetypes.Verdict_VERDICT_AUTHENTIC_SALEABLE, Saleable: true}, nil
}

func (f fakeDrugtrace) Unit(_ context.Context, r *drugtracetypes.QueryUnitRequest, _ ...grpc.CallOption) (*drugtracetypes.QueryUnitResponse, error) {
	f.w.calls.Add(1)
	if r.Unit != knownUnit {
		return nil, status.Error(codes.NotFound, "unit not found")
	}
	return &drugtracetypes.QueryUnitResponse{Unit: drugtracetypes.Unit{GTIN: "09506000134352", Serial: "SN1"}}, nil
}

func (f fakeDrugtrace) History(_ context.Context, _ *drugtracetypes.QueryHistoryRequest, _ ...grpc.CallOption) (*drugtracetypes.QueryHistoryResponse, error) {
	f.w.calls.Add(1)
	return &drugtracetypes.QueryHistoryResponse{Pagination: &query.PageResponse{}}, nil
}
