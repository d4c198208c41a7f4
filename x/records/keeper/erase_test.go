package keeper_test

import (
	"encoding/hex"
	"strings"
	"time"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	"github.com/healthchain/healthd/x/records/types"
)

const evErased = "healthd.records.v1.EventRecordErased"

// erasable is a chain of three versions (1, 2, 3) of a laboratory
// Observation of the patient by the hospital, and an imaging record (4) of
// the same patient by the lab that must survive its erasure. The clinic holds
// grants on versions 1 and 3 (grants 1, 2) and on record 4 (grant 4); the er,
// on break glass, on version 3 (grant 3).
type erasable struct {
	versions []uint64
	other    uint64
	records  []types.Record
}

func (s *KeeperTestSuite) erasable() erasable {
	s.T().Helper()
	v1 := s.anchor(s.patient, "e1")
	v2 := s.amend(s.hospital, v1, "e2")
	v3 := s.amend(s.hospital, v2, "e3")
	msg := s.anchorMsg(s.lab, s.patient, "keep")
	msg.Format, msg.Kind, msg.Category = types.Format_FORMAT_DICOM, dicomCT, "imaging"
	other := s.anchorWith(msg)
	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	s.mustRequest(s.clinic, v1, "TREAT")
	s.mustRequest(s.clinic, v3, "TREAT")
	s.breakGlass(s.er, s.patient)
	s.mustRequest(s.er, v3, "ETREAT")
	s.mustRequest(s.clinic, other, "TREAT")
	e := erasable{versions: []uint64{v1, v2, v3}, other: other}
	for _, id := range e.versions {
		e.records = append(e.records, s.record(id))
	}
	return e
}

// TestEraseRecord: the patient erases a record by naming any of its
// versions; every version becomes a bare tombstone, out of every index, its
// grants end and lose their category, the latest-grant entries go, the event
// names ids only, and the records store holds nothing of the record any more.
func (s *KeeperTestSuite) TestEraseRecord() {
	e := s.erasable()
	s.advance(time.Minute)
	now := s.now()
	s.freshEvents()
	res := s.erase(s.patient, e.versions[1])
	s.Require().Equal(e.versions, res.ErasedIDs)

	// tombstones
	for _, id := range e.versions {
		has, err := s.k.Records.Has(s.ctx, id)
		s.Require().NoError(err)
		s.Require().False(has, "version %d left Records", id)
		t, err := s.k.Tombstones.Get(s.ctx, id)
		s.Require().NoError(err)
		s.Require().Equal(types.Record{ID: id, Patient: s.addr(s.patient), Erased: true, ErasedAt: &now}, t)
		s.Require().True(t.IsBareTombstone())
	}
	// indexes
	for i, r := range e.records {
		_, err := s.k.Records.Indexes.CID.MatchExact(s.ctx, r.CID)
		s.Require().ErrorIs(err, collections.ErrNotFound, "CID of version %d", r.ID)
		_, err = s.k.Records.Indexes.Version.MatchExact(s.ctx, collections.Join(r.RootID, uint64(i+1)))
		s.Require().ErrorIs(err, collections.ErrNotFound, "version index of %d", r.ID)
		for name, has := range map[string]func() (bool, error){
			"patient": func() (bool, error) { return indexHas(s.ctx, s.k.Records.Indexes.Patient, s.patient, r.ID) },
			"kind": func() (bool, error) {
				return indexHas(s.ctx, s.k.Records.Indexes.PatientKind, collections.Join(s.patient, r.Kind), r.ID)
			},
			"category": func() (bool, error) {
				return indexHas(s.ctx, s.k.Records.Indexes.PatientCategory, collections.Join(s.patient, r.Category), r.ID)
			},
		} {
			in, err := has()
			s.Require().NoError(err)
			s.Require().False(in, "%s index still names %d", name, r.ID)
		}
	}
	// grants: ended, without their category, still in the accounting
	for gid := uint64(1); gid <= 3; gid++ {
		g := s.grant(gid)
		s.Require().True(g.RecordErased, "grant %d", gid)
		s.Require().Empty(g.Category, "grant %d", gid)
		s.Require().Equal(now, g.ExpiresAt, "grant %d ends at the erasure", gid)
	}
	s.Require().False(s.grant(4).RecordErased, "the other record's grant is untouched")
	s.Require().Equal("imaging", s.grant(4).Category)
	for _, key := range []recordAddrKey{{e.versions[0], s.clinic}, {e.versions[2], s.clinic}, {e.versions[2], s.er}} {
		_, err := s.k.LatestGrant.Get(s.ctx, collections.Join(key.id, key.addr))
		s.Require().ErrorIs(err, collections.ErrNotFound)
	}
	_, err := s.k.LatestGrant.Get(s.ctx, collections.Join(e.other, s.clinic))
	s.Require().NoError(err)
	d, err := s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{1, 2, 3, 4}, grantIDs(d.Disclosures))
	for _, g := range d.Disclosures[:3] {
		s.Require().Empty(g.Category, "the accounting names no category of an erased record")
	}

	// the event names the versions and nothing else
	s.Require().Equal([]string{evErased}, s.recordsEvents())
	ev, attrs := event[*types.EventRecordErased](s)
	s.Require().Equal(e.versions, ev.IDs)
	s.requireAttrs(attrs, "ids")
	for _, r := range e.records {
		s.requireNoContent(attrs, r)
	}

	// the records store holds nothing of the erased record: no kind,
	// category, author, CID or commitment (the other record is by the lab,
	// of kind CT and category imaging)
	dump := strings.Join(testkit.Dump(s.ctx, s.recKey), "\n")
	secrets := map[string][]byte{"kind": []byte("Observation"), "category": []byte("laboratory"), "author": s.hospital}
	for _, r := range e.records {
		secrets["CID "+r.CID] = []byte(r.CID)
		secrets["commitment of "+r.CID] = r.Commitment
	}
	for name, secret := range secrets {
		s.Require().NotContains(dump, strings.ToUpper(hex.EncodeToString(secret)), "the records store still holds the erased record's %s", name)
	}

	// the other record is untouched
	list, err := s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{Patient: s.addr(s.patient)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{e.other}, ids(list.Records))
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_GRANT, s.checkAccess(e.other, s.clinic).Basis)
}

type recordAddrKey struct {
	id   uint64
	addr sdk.AccAddress
}

// TestErasedRecordQueries: every query of an erased version says it was
// erased (NotFound, "record erased"); the CID no longer names it; the access
// check refuses everyone, the patient included, with basis ERASED and
// nothing of the record.
func (s *KeeperTestSuite) TestErasedRecordQueries() {
	e := s.erasable()
	s.erase(s.patient, e.versions[0])
	for _, id := range e.versions {
		_, err := s.qs.Record(s.ctx, &types.QueryRecordRequest{Id: id})
		s.requireErased(err, id)
		_, err = s.qs.Versions(s.ctx, &types.QueryVersionsRequest{Id: id})
		s.requireErased(err, id)
		_, err = s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Id: id, Commitment: hex.EncodeToString(e.records[0].Commitment)})
		s.requireErased(err, id)
		_, err = s.qs.AccessGrants(s.ctx, &types.QueryAccessGrantsRequest{RecordId: id})
		s.requireErased(err, id)
		for _, who := range []sdk.AccAddress{s.patient, s.hospital, s.clinic, s.er, s.stranger} {
			res, err := s.qs.AccessCheck(s.ctx, &types.QueryAccessCheckRequest{RecordId: id, Account: s.addr(who)})
			s.Require().NoError(err)
			s.Require().Equal(types.QueryAccessCheckResponse{Basis: types.AccessBasis_ACCESS_BASIS_ERASED}, *res)
		}
	}
	for _, r := range e.records {
		_, err := s.qs.RecordByCID(s.ctx, &types.QueryRecordByCIDRequest{Cid: r.CID})
		s.Require().Equal(codes.NotFound, status.Code(err))
	}
	// Other modules (x/claims) see an erased record as not found.
	_, err := s.k.GetRecord(s.ctx, e.versions[0])
	s.Require().ErrorIs(err, types.ErrRecordNotFound)
	// An unknown id is still just not found.
	_, err = s.qs.Record(s.ctx, &types.QueryRecordRequest{Id: 99})
	s.Require().Equal(codes.NotFound, status.Code(err))
	s.Require().NotContains(err.Error(), "erased")
}

func (s *KeeperTestSuite) requireErased(err error, id uint64) {
	s.T().Helper()
	s.Require().Equal(codes.NotFound, status.Code(err), "record %d: %v", id, err)
	s.Require().ErrorContains(err, types.ErrRecordErased.Error())
}

// TestEraseRecordByGuardian: a guardian whose guardianship is live erases for
// the patient.
func (s *KeeperTestSuite) TestEraseRecordByGuardian() {
	e := s.erasable()
	guardian := testkit.Addr("guardian")
	s.appointGuardian(guardian, s.now().Add(time.Hour))
	res := s.erase(guardian, e.versions[2])
	s.Require().Equal(e.versions, res.ErasedIDs)
}

func (s *KeeperTestSuite) appointGuardian(guardian sdk.AccAddress, end time.Time) {
	s.T().Helper()
	_, err := s.consentMS.AppointGuardian(s.ctx, &consenttypes.MsgAppointGuardian{Patient: s.addr(s.patient), Guardian: s.addr(guardian), End: end})
	s.Require().NoError(err)
}

// TestEraseRecordRefusals: every wrong actor is refused, and so are an
// unknown or already erased record; nothing changes and no event is emitted.
func (s *KeeperTestSuite) TestEraseRecordRefusals() {
	guardian := testkit.Addr("guardian")
	cases := []struct {
		name     string
		setup    func(e erasable)
		malleate func(m *types.MsgEraseRecord)
		want     error
	}{
		{"stranger", nil, func(m *types.MsgEraseRecord) { m.Signer = s.addr(s.stranger) }, consenttypes.ErrNotPatientOrGuardian},
		{"author", nil, func(m *types.MsgEraseRecord) { m.Signer = s.addr(s.hospital) }, consenttypes.ErrNotPatientOrGuardian},
		{"grantee", nil, func(m *types.MsgEraseRecord) { m.Signer = s.addr(s.clinic) }, consenttypes.ErrNotPatientOrGuardian},
		{"break-glass member", nil, func(m *types.MsgEraseRecord) { m.Signer = s.addr(s.er) }, consenttypes.ErrNotPatientOrGuardian},
		{"another patient", nil, func(m *types.MsgEraseRecord) { m.Signer = s.addr(s.patient2) }, consenttypes.ErrNotPatientOrGuardian},
		{"guardian of another patient", func(erasable) {
			_, err := s.consentMS.AppointGuardian(s.ctx, &consenttypes.MsgAppointGuardian{Patient: s.addr(s.patient2), Guardian: s.addr(guardian), End: s.now().Add(time.Hour)})
			s.Require().NoError(err)
		}, func(m *types.MsgEraseRecord) { m.Signer = s.addr(guardian) }, consenttypes.ErrNotPatientOrGuardian},
		{"guardian whose guardianship ended", func(erasable) {
			s.appointGuardian(guardian, s.now().Add(time.Hour))
			s.advance(time.Hour)
		}, func(m *types.MsgEraseRecord) { m.Signer = s.addr(guardian) }, consenttypes.ErrGuardianExpired},
		{"removed guardian", func(erasable) {
			s.appointGuardian(guardian, s.now().Add(time.Hour))
			_, err := s.consentMS.RemoveGuardian(s.ctx, &consenttypes.MsgRemoveGuardian{Patient: s.addr(s.patient), Guardian: s.addr(guardian)})
			s.Require().NoError(err)
		}, func(m *types.MsgEraseRecord) { m.Signer = s.addr(guardian) }, consenttypes.ErrNotPatientOrGuardian},
		{"unknown record", nil, func(m *types.MsgEraseRecord) { m.RecordID = 99 }, types.ErrRecordNotFound},
		{"already erased", func(e erasable) { s.erase(s.patient, e.versions[0]) }, func(*types.MsgEraseRecord) {}, types.ErrRecordErased},
		{"invalid signer", nil, func(m *types.MsgEraseRecord) { m.Signer = "patient" }, types.ErrInvalidAddress},
		{"signer with another prefix", nil, func(m *types.MsgEraseRecord) { m.Signer = testkit.OtherPrefix(s.patient) }, types.ErrInvalidAddress},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			s.SetupTest()
			e := s.erasable()
			if c.setup != nil {
				c.setup(e)
			}
			s.freshEvents()
			msg := &types.MsgEraseRecord{Signer: s.addr(s.patient), RecordID: e.versions[1], LatestVersion: 3}
			c.malleate(msg)
			s.refuse(c.want, testkit.Call(s.ms.EraseRecord, msg))
		})
	}
}

// TestEraseThenReanchor: anchoring the erased CID again makes a new record
// that owes nothing to the erased one: a new id and chain, no grants, no
// latest-grant entry; the tombstones stay; the erased versions cannot be
// amended, accessed or erased again.
func (s *KeeperTestSuite) TestEraseThenReanchor() {
	e := s.erasable()
	s.erase(s.patient, e.versions[0])

	again := s.anchorWith(s.anchorMsg(s.hospital, s.patient, "e1"))
	s.Require().Greater(again, e.other)
	r := s.record(again)
	s.Require().Equal(uint32(1), r.Version)
	s.Require().Equal(again, r.RootID)
	s.Require().Zero(r.Supersedes)
	byCID, err := s.qs.RecordByCID(s.ctx, &types.QueryRecordByCIDRequest{Cid: e.records[0].CID})
	s.Require().NoError(err)
	s.Require().Equal(again, byCID.Record.ID)
	versions, err := s.qs.Versions(s.ctx, &types.QueryVersionsRequest{Id: again})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{again}, ids(versions.Versions))
	_, err = s.k.LatestGrant.Get(s.ctx, collections.Join(again, s.clinic))
	s.Require().ErrorIs(err, collections.ErrNotFound)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_NO_GRANT, s.checkAccess(again, s.clinic).Basis)
	grants, err := s.qs.AccessGrants(s.ctx, &types.QueryAccessGrantsRequest{RecordId: again})
	s.Require().NoError(err)
	s.Require().Empty(grants.Grants)

	for _, id := range e.versions {
		_, err := s.k.Tombstones.Get(s.ctx, id)
		s.Require().NoError(err, "tombstone %d stays", id)
		s.Require().Equal(types.AccessBasis_ACCESS_BASIS_ERASED, s.checkAccess(id, s.patient).Basis)
	}
	s.refuse(types.ErrRecordErased, testkit.Call(s.ms.AmendRecord, s.amendMsg(s.hospital, e.versions[2], "e4")))
	s.refuse(types.ErrRecordErased, testkit.Call(s.ms.RequestAccess, s.requestMsg(s.clinic, e.versions[2], "TREAT")))
	s.refuse(types.ErrRecordErased, testkit.Call(s.ms.EraseRecord, &types.MsgEraseRecord{Signer: s.addr(s.patient), RecordID: e.versions[2]}))
}
