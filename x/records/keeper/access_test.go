package keeper_test

import (
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/records/types"
)

const month = 30 * 24 * time.Hour

func (s *KeeperTestSuite) latestGrant(id uint64, grantee sdk.AccAddress) (uint64, bool) {
	s.T().Helper()
	gid, err := s.k.LatestGrant.Get(s.ctx, collections.Join(id, grantee))
	if err != nil {
		s.Require().ErrorIs(err, collections.ErrNotFound)
		return 0, false
	}
	return gid, true
}

func (s *KeeperTestSuite) TestRequestAccessUnderConsent() {
	rec := s.anchor(s.patient, "lab")
	cid := s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month), "laboratory")
	s.advance(time.Minute)
	s.freshEvents()

	res, err := s.requestAccess(s.clinic, rec, "TREAT")
	s.Require().NoError(err)
	now := s.now()
	// access_ttl (24h) ends before the consent (30 days)
	s.Require().Equal(&types.MsgRequestAccessResponse{GrantID: 1, ExpiresAt: now.Add(24 * time.Hour)}, res)

	want := types.AccessGrant{
		ID: 1, RecordID: rec, Patient: s.addr(s.patient), Grantee: s.addr(s.clinic), Purpose: "TREAT", Category: "laboratory",
		ConsentID: cid, GrantedAt: now, ExpiresAt: now.Add(24 * time.Hour),
	}
	s.Require().Equal(want, s.grant(1))
	has, err := indexHas(s.ctx, s.k.Grants.Indexes.Record, rec, 1)
	s.Require().NoError(err)
	s.Require().True(has)
	has, err = indexHas(s.ctx, s.k.Grants.Indexes.Patient, s.patient, 1)
	s.Require().NoError(err)
	s.Require().True(has)
	gid, ok := s.latestGrant(rec, s.clinic)
	s.Require().True(ok)
	s.Require().Equal(uint64(1), gid)
	next, err := s.k.GrantSeq.Peek(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(uint64(2), next)

	ev, attrs := event[*types.EventAccessGranted](s)
	s.Require().Equal(&types.EventAccessGranted{
		GrantID: 1, RecordID: rec, Patient: want.Patient, Grantee: want.Grantee, Purpose: "TREAT", ConsentID: cid, ExpiresAt: want.ExpiresAt,
	}, ev)
	s.requireAttrs(attrs, "grant_id", "record_id", "patient", "grantee", "purpose", "consent_id", "break_glass_id", "expires_at")
	s.requireNoContent(attrs, s.record(rec))
	s.Require().Equal([]string{evGranted}, s.recordsEvents())

	// the store keeps the grant without its category (queries fill it in)
	stored := s.storedGrant(1)
	want.Category = ""
	s.Require().Equal(want, stored)
	want.Category = "laboratory"

	// a second request while the first grant is live is refused, whatever
	// the purpose: one live grant per grantee and record version
	s.advance(time.Hour)
	s.freshEvents()
	s.refuse(types.ErrGrantLive, testkit.Call(s.ms.RequestAccess, s.requestMsg(s.clinic, rec, "TREAT")))
	s.consentTo(s.patient, s.clinic, "HPAYMT", blockTime.Add(month), "laboratory")
	s.freshEvents()
	s.refuse(types.ErrGrantLive, testkit.Call(s.ms.RequestAccess, s.requestMsg(s.clinic, rec, "HPAYMT")))
	// once it expired, a new request makes a new grant, which becomes the latest
	s.ctx = s.ctx.WithBlockTime(want.ExpiresAt)
	res2 := s.mustRequest(s.clinic, rec, "TREAT")
	s.Require().Equal(uint64(2), res2.GrantID)
	gid, _ = s.latestGrant(rec, s.clinic)
	s.Require().Equal(uint64(2), gid)
	s.Require().Equal(s.now().Add(24*time.Hour), s.grant(2).ExpiresAt)
	// the first grant stays, as a disclosure
	s.Require().Equal(want, s.grant(1))
}

func (s *KeeperTestSuite) TestGrantNeverOutlivesConsent() {
	rec := s.anchor(s.patient, "lab")
	end := blockTime.Add(2 * time.Hour)
	cid := s.consentTo(s.patient, s.clinic, "TREAT", end) // all categories
	res := s.mustRequest(s.clinic, rec, "TREAT")
	s.Require().Equal(end, res.ExpiresAt, "grant must end with its consent")
	g := s.grant(res.GrantID)
	s.Require().Equal(end, g.ExpiresAt)
	s.Require().Equal(cid, g.ConsentID)

	// nearer its end, a grant (on another record: the first is live) still
	// ends with the consent
	s.advance(90 * time.Minute)
	res = s.mustRequest(s.clinic, s.anchor(s.patient, "lab 2"), "TREAT")
	s.Require().Equal(end, res.ExpiresAt)

	// and with a short access_ttl, the ttl wins
	s.setParams(func(p *types.Params) { p.AccessTtl = 10 * time.Minute })
	res = s.mustRequest(s.clinic, s.anchor(s.patient, "lab 3"), "TREAT")
	s.Require().Equal(s.now().Add(10*time.Minute), res.ExpiresAt)
}

func (s *KeeperTestSuite) TestRequestAccessBreakGlass() {
	rec := s.anchor(s.patient, "lab")
	bg := s.breakGlass(s.er, s.patient)
	s.Require().Equal(blockTime.Add(4*time.Hour), bg.ExpiresAt)
	s.advance(time.Minute)
	s.freshEvents()

	res := s.mustRequest(s.er, rec, "ETREAT")
	s.Require().Equal(bg.ExpiresAt, res.ExpiresAt, "a break-glass grant ends with the break-glass access")
	g := s.grant(res.GrantID)
	s.Require().Equal(types.AccessGrant{
		ID: res.GrantID, RecordID: rec, Patient: s.addr(s.patient), Grantee: s.addr(s.er), Purpose: "ETREAT",
		Category: "laboratory", BreakGlassID: bg.ID, GrantedAt: s.now(), ExpiresAt: bg.ExpiresAt,
	}, g)
	ev, attrs := event[*types.EventAccessGranted](s)
	s.Require().Equal(&types.EventAccessGranted{
		GrantID: res.GrantID, RecordID: rec, Patient: g.Patient, Grantee: g.Grantee, Purpose: "ETREAT", BreakGlassID: bg.ID, ExpiresAt: bg.ExpiresAt,
	}, ev)
	s.requireNoContent(attrs, s.record(rec))

	// with a shorter ttl a grant (on another record: the first is live)
	// ends earlier, never later
	s.setParams(func(p *types.Params) { p.AccessTtl = time.Hour })
	res = s.mustRequest(s.er, s.anchor(s.patient, "lab 2"), "ETREAT")
	s.Require().Equal(s.now().Add(time.Hour), res.ExpiresAt)
	s.Require().False(res.ExpiresAt.After(bg.ExpiresAt))

	// break glass covers ETREAT only
	s.freshEvents()
	s.refuse(consenttypes.ErrNotAuthorized, testkit.Call(s.ms.RequestAccess, s.requestMsg(s.er, rec, "TREAT")))

	// and ends: no new grant after its expiry
	s.ctx = s.ctx.WithBlockTime(bg.ExpiresAt)
	s.refuse(consenttypes.ErrNotAuthorized, testkit.Call(s.ms.RequestAccess, s.requestMsg(s.er, rec, "ETREAT")))
}

func (s *KeeperTestSuite) TestRequestAccessRefusals() {
	end := blockTime.Add(month)
	cases := []struct {
		name string
		// setup prepares the state and returns the message
		setup func(rec uint64) *types.MsgRequestAccess
		want  error
	}{
		{"empty grantee", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: "", RecordID: rec, Purpose: "TREAT"}
		}, types.ErrInvalidAddress},
		{"grantee with another prefix", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: testkit.OtherPrefix(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, types.ErrInvalidAddress},
		{"grantee not an address", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: "clinic", RecordID: rec, Purpose: "TREAT"}
		}, types.ErrInvalidAddress},
		{"bad purpose", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "treat"}
		}, consenttypes.ErrUnknownPurpose},
		{"empty purpose", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: ""}
		}, consenttypes.ErrUnknownPurpose},
		{"unknown record", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec + 1, Purpose: "TREAT"}
		}, types.ErrRecordNotFound},
		{"record zero", func(uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: 0, Purpose: "TREAT"}
		}, types.ErrRecordNotFound},
		{"the patient", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: s.addr(s.patient), RecordID: rec, Purpose: "PATRQT"}
		}, types.ErrNoGrantNeeded},
		{"the author", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: s.addr(s.hospital), RecordID: rec, Purpose: "TREAT"}
		}, types.ErrNoGrantNeeded},
		{"a non-member holding a consent", func(rec uint64) *types.MsgRequestAccess {
			s.consentTo(s.patient, s.stranger, "TREAT", end)
			return &types.MsgRequestAccess{Grantee: s.addr(s.stranger), RecordID: rec, Purpose: "TREAT"}
		}, consortiumtypes.ErrNotMember},
		{"a suspended member holding a consent", func(rec uint64) *types.MsgRequestAccess {
			s.consentTo(s.patient, s.suspended, "TREAT", end)
			return &types.MsgRequestAccess{Grantee: s.addr(s.suspended), RecordID: rec, Purpose: "TREAT"}
		}, consortiumtypes.ErrNotMember},
		{"no consent", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"purpose not covered", func(rec uint64) *types.MsgRequestAccess {
			s.consentTo(s.patient, s.clinic, "TREAT", end)
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "HPAYMT"}
		}, consenttypes.ErrNotAuthorized},
		{"category not covered", func(rec uint64) *types.MsgRequestAccess {
			s.consentTo(s.patient, s.clinic, "TREAT", end, "Condition", "imaging")
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"consent of another patient", func(rec uint64) *types.MsgRequestAccess {
			s.consentTo(s.patient2, s.clinic, "TREAT", end)
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"consent to another member", func(rec uint64) *types.MsgRequestAccess {
			s.consentTo(s.patient, s.er, "TREAT", end)
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"after revocation", func(rec uint64) *types.MsgRequestAccess {
			id := s.consentTo(s.patient, s.clinic, "TREAT", end)
			s.mustRequest(s.clinic, rec, "TREAT")
			s.revoke(s.patient, id)
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"after expiry", func(rec uint64) *types.MsgRequestAccess {
			s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(time.Hour))
			s.mustRequest(s.clinic, rec, "TREAT")
			s.advance(time.Hour)
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"after expiry swept by the end-blocker", func(rec uint64) *types.MsgRequestAccess {
			s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(time.Hour))
			s.advance(2 * time.Hour)
			s.Require().NoError(s.consent.EndBlocker(s.ctx))
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"consent not yet started", func(rec uint64) *types.MsgRequestAccess {
			start := blockTime.Add(time.Hour)
			_, err := s.consentMS.GrantConsent(s.ctx, &consenttypes.MsgGrantConsent{
				Signer: s.addr(s.patient), Patient: s.addr(s.patient), Grantee: s.addr(s.clinic),
				Purpose: "TREAT", AllCategories: true, Start: &start, End: end,
			})
			s.Require().NoError(err)
			return &types.MsgRequestAccess{Grantee: s.addr(s.clinic), RecordID: rec, Purpose: "TREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"ETREAT without break glass", func(rec uint64) *types.MsgRequestAccess {
			return &types.MsgRequestAccess{Grantee: s.addr(s.er), RecordID: rec, Purpose: "ETREAT"}
		}, consenttypes.ErrNotAuthorized},
		{"break glass on another patient", func(rec uint64) *types.MsgRequestAccess {
			s.breakGlass(s.er, s.patient2)
			return &types.MsgRequestAccess{Grantee: s.addr(s.er), RecordID: rec, Purpose: "ETREAT"}
		}, consenttypes.ErrNotAuthorized},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			s.SetupTest()
			rec := s.anchor(s.patient, "lab")
			msg := c.setup(rec)
			s.freshEvents()
			s.refuse(c.want, testkit.Call(s.ms.RequestAccess, msg))
		})
	}
}

// TestRevocationEndsAccessAtOnce: a grant outlives neither the revocation nor
// the suspension of its grantee, even before it expires.
func (s *KeeperTestSuite) TestRevocationEndsAccessAtOnce() {
	rec := s.anchor(s.patient, "lab")
	cid := s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month), "laboratory")
	res := s.mustRequest(s.clinic, rec, "TREAT")
	s.Require().Equal(types.QueryAccessCheckResponse{
		Allowed: true, Basis: types.AccessBasis_ACCESS_BASIS_GRANT, GrantID: res.GrantID, ExpiresAt: &res.ExpiresAt,
		CID: cidOf("lab"), Patient: s.addr(s.patient), Author: s.addr(s.hospital),
	}, s.checkAccess(rec, s.clinic))

	s.advance(time.Minute)
	s.revoke(s.patient, cid)
	s.Require().True(s.now().Before(res.ExpiresAt), "the grant has not expired")
	got := s.checkAccess(rec, s.clinic)
	s.Require().False(got.Allowed)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_CONSENT_ENDED, got.Basis)
	s.Require().Equal(res.GrantID, got.GrantID)

	// new access is refused at once
	s.freshEvents()
	s.refuse(consenttypes.ErrNotAuthorized, testkit.Call(s.ms.RequestAccess, s.requestMsg(s.clinic, rec, "TREAT")))

	// a new consent does not revive the old grant: a new request is needed
	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_CONSENT_ENDED, s.checkAccess(rec, s.clinic).Basis)
	res2 := s.mustRequest(s.clinic, rec, "TREAT")
	got = s.checkAccess(rec, s.clinic)
	s.Require().True(got.Allowed)
	s.Require().Equal(res2.GrantID, got.GrantID)
}

func (s *KeeperTestSuite) TestCheckAccessBases() {
	rec := s.anchor(s.patient, "lab")
	other := s.anchor(s.patient, "other")
	base := types.QueryAccessCheckResponse{CID: cidOf("lab"), Patient: s.addr(s.patient), Author: s.addr(s.hospital)}
	with := func(allowed bool, basis types.AccessBasis, gid uint64, exp *time.Time) types.QueryAccessCheckResponse {
		r := base
		r.Allowed, r.Basis, r.GrantID, r.ExpiresAt = allowed, basis, gid, exp
		return r
	}

	s.Require().Equal(with(true, types.AccessBasis_ACCESS_BASIS_PATIENT, 0, nil), s.checkAccess(rec, s.patient))
	s.Require().Equal(with(true, types.AccessBasis_ACCESS_BASIS_AUTHOR, 0, nil), s.checkAccess(rec, s.hospital))
	for _, a := range []sdk.AccAddress{s.clinic, s.stranger, s.lab, s.patient2} {
		s.Require().Equal(with(false, types.AccessBasis_ACCESS_BASIS_NO_GRANT, 0, nil), s.checkAccess(rec, a))
	}

	// a consent alone is no grant
	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_NO_GRANT, s.checkAccess(rec, s.clinic).Basis)

	res := s.mustRequest(s.clinic, rec, "TREAT")
	s.Require().Equal(with(true, types.AccessBasis_ACCESS_BASIS_GRANT, res.GrantID, &res.ExpiresAt), s.checkAccess(rec, s.clinic))
	// the grant is for that record only
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_NO_GRANT, s.checkAccess(other, s.clinic).Basis)
	// and for that grantee only
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_NO_GRANT, s.checkAccess(rec, s.er).Basis)

	// one nanosecond before expiry it holds; at expiry it does not
	s.ctx = s.ctx.WithBlockTime(res.ExpiresAt.Add(-time.Nanosecond))
	s.Require().True(s.checkAccess(rec, s.clinic).Allowed)
	s.ctx = s.ctx.WithBlockTime(res.ExpiresAt)
	s.Require().Equal(with(false, types.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED, res.GrantID, &res.ExpiresAt), s.checkAccess(rec, s.clinic))

	// a new request (the consent still holds) gives access again
	res2 := s.mustRequest(s.clinic, rec, "TREAT")
	s.Require().Equal(with(true, types.AccessBasis_ACCESS_BASIS_GRANT, res2.GrantID, &res2.ExpiresAt), s.checkAccess(rec, s.clinic))

	// the grantee suspended: not a member, though grant and consent hold
	s.suspend(s.clinic)
	s.Require().Equal(with(false, types.AccessBasis_ACCESS_BASIS_NOT_A_MEMBER, res2.GrantID, &res2.ExpiresAt), s.checkAccess(rec, s.clinic))
	s.members.Reinstate(s.clinic)
	s.Require().True(s.checkAccess(rec, s.clinic).Allowed)

	// unknown record
	_, _, err := s.k.CheckAccess(s.ctx, 99, s.clinic)
	s.Require().ErrorIs(err, types.ErrRecordNotFound)
}

func (s *KeeperTestSuite) TestCheckAccessConsentEndsWithGrant() {
	rec := s.anchor(s.patient, "lab")
	end := blockTime.Add(3 * time.Hour)
	s.consentTo(s.patient, s.clinic, "TREAT", end)
	res := s.mustRequest(s.clinic, rec, "TREAT")
	s.Require().Equal(end, res.ExpiresAt)
	s.ctx = s.ctx.WithBlockTime(end.Add(-time.Second))
	s.Require().True(s.checkAccess(rec, s.clinic).Allowed)
	// at the consent's end the grant ends too: never allowed past it
	s.ctx = s.ctx.WithBlockTime(end)
	got := s.checkAccess(rec, s.clinic)
	s.Require().False(got.Allowed)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED, got.Basis)
	s.Require().NoError(s.consent.EndBlocker(s.ctx))
	s.Require().False(s.checkAccess(rec, s.clinic).Allowed)
}

func (s *KeeperTestSuite) TestCheckAccessBreakGlass() {
	rec := s.anchor(s.patient, "lab")
	bg := s.breakGlass(s.er, s.patient)
	res := s.mustRequest(s.er, rec, "ETREAT")
	got := s.checkAccess(rec, s.er)
	s.Require().True(got.Allowed)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_GRANT, got.Basis)
	s.ctx = s.ctx.WithBlockTime(bg.ExpiresAt.Add(-time.Second))
	s.Require().True(s.checkAccess(rec, s.er).Allowed)
	s.ctx = s.ctx.WithBlockTime(bg.ExpiresAt)
	got = s.checkAccess(rec, s.er)
	s.Require().False(got.Allowed)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED, got.Basis)
	s.Require().Equal(res.GrantID, got.GrantID)
}

// TestCheckAccessUnknownAuthorization: a grant whose consent or break-glass
// access cannot be found gives no access.
func (s *KeeperTestSuite) TestCheckAccessUnknownAuthorization() {
	rec := s.anchor(s.patient, "lab")
	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	res := s.mustRequest(s.clinic, rec, "TREAT")
	g := s.grant(res.GrantID)
	g.ConsentID = 999 // no such consent
	s.Require().NoError(s.k.Grants.Set(s.ctx, g.ID, g))
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_CONSENT_ENDED, s.checkAccess(rec, s.clinic).Basis)
	g.ConsentID, g.BreakGlassID = 0, 999
	s.Require().NoError(s.k.Grants.Set(s.ctx, g.ID, g))
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_CONSENT_ENDED, s.checkAccess(rec, s.clinic).Basis)
}

// TestNarrowedConsentEndsGrantAtOnce: a grant made under an all-categories
// consent ends as soon as the patient amends the consent to a list without the
// record's category, long before the grant would expire; the vault's check
// (CheckAccess, the AccessCheck query) refuses it.
func (s *KeeperTestSuite) TestNarrowedConsentEndsGrantAtOnce() {
	rec := s.anchor(s.patient, "lab") // category laboratory
	cid := s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	s.setParams(func(p *types.Params) { p.AccessTtl = 720 * time.Hour })
	res := s.mustRequest(s.clinic, rec, "TREAT")
	s.Require().True(s.checkAccess(rec, s.clinic).Allowed)

	s.advance(time.Minute)
	_, err := s.consentMS.AmendConsent(s.ctx, &consenttypes.MsgAmendConsent{
		Signer: s.addr(s.patient), ConsentID: cid, Categories: []string{"Condition"}, End: blockTime.Add(month),
	})
	s.Require().NoError(err)
	s.Require().True(s.now().Before(res.ExpiresAt), "the grant has not expired")
	got := s.checkAccess(rec, s.clinic)
	s.Require().False(got.Allowed)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_CONSENT_ENDED, got.Basis)
	q, err := s.qs.AccessCheck(s.ctx, &types.QueryAccessCheckRequest{RecordId: rec, Account: s.addr(s.clinic)})
	s.Require().NoError(err)
	s.Require().False(q.Allowed)

	// widening it again covers the category: the old grant is live once more
	// (it never outlives its own expiry or the consent's end)
	_, err = s.consentMS.AmendConsent(s.ctx, &consenttypes.MsgAmendConsent{
		Signer: s.addr(s.patient), ConsentID: cid, Categories: []string{"Condition", "laboratory"}, End: blockTime.Add(month),
	})
	s.Require().NoError(err)
	s.Require().True(s.checkAccess(rec, s.clinic).Allowed)
}

// TestSuspendedAuthorLosesAccess: the author's access rests on its being an
// active member, as a grantee's does; reinstated, it reads again.
func (s *KeeperTestSuite) TestSuspendedAuthorLosesAccess() {
	rec := s.anchor(s.patient, "lab")
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_AUTHOR, s.checkAccess(rec, s.hospital).Basis)
	s.suspend(s.hospital)
	got := s.checkAccess(rec, s.hospital)
	s.Require().False(got.Allowed)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_NOT_A_MEMBER, got.Basis)
	// the patient is not a member and needs not be one
	s.Require().True(s.checkAccess(rec, s.patient).Allowed)
	s.members.Reinstate(s.hospital)
	s.Require().True(s.checkAccess(rec, s.hospital).Allowed)
}
