package keeper_test

import (
	"encoding/hex"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/records/types"
)

func (s *KeeperTestSuite) requireCode(err error, code codes.Code) {
	s.T().Helper()
	s.Require().Error(err)
	st, ok := status.FromError(err)
	s.Require().True(ok, "not a gRPC status: %v", err)
	s.Require().Equal(code, st.Code(), err.Error())
}

func ids(records []types.Record) []uint64 {
	out := make([]uint64, len(records))
	for i, r := range records {
		out[i] = r.ID
	}
	return out
}

func grantIDs(grants []types.AccessGrant) []uint64 {
	out := make([]uint64, len(grants))
	for i, g := range grants {
		out[i] = g.ID
	}
	return out
}

func (s *KeeperTestSuite) TestQueryRecord() {
	id := s.anchor(s.patient, "a")
	res, err := s.qs.Record(s.ctx, &types.QueryRecordRequest{Id: id})
	s.Require().NoError(err)
	s.Require().Equal(s.record(id), res.Record)

	_, err = s.qs.Record(s.ctx, &types.QueryRecordRequest{Id: id + 1})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.Record(s.ctx, &types.QueryRecordRequest{})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.Record(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

// seedPatients anchors, alternating patients: for patient, Observation/
// laboratory (1, 5), Condition/Condition (3), DiagnosticReport/imaging (6),
// Observation/vital-signs (7); for patient2, records 2 and 4 (Observation/laboratory).
func (s *KeeperTestSuite) seedPatients() {
	s.T().Helper()
	add := func(patient string, kind, category, seed string) {
		msg := s.anchorMsg(s.hospital, s.patient, seed)
		msg.Patient, msg.Kind, msg.Category = patient, kind, category
		s.anchorWith(msg)
	}
	p, p2 := s.addr(s.patient), s.addr(s.patient2)
	add(p, "Observation", "laboratory", "1")
	add(p2, "Observation", "laboratory", "2")
	add(p, "Condition", "Condition", "3")
	add(p2, "Observation", "laboratory", "4")
	add(p, "Observation", "laboratory", "5")
	add(p, "DiagnosticReport", "imaging", "6")
	add(p, "Observation", "vital-signs", "7")
}

func (s *KeeperTestSuite) TestQueryRecordsByPatient() {
	s.seedPatients()
	p := s.addr(s.patient)
	cases := []struct {
		name, kind, category string
		want                 []uint64
	}{
		{"no filter", "", "", []uint64{1, 3, 5, 6, 7}},
		{"by kind", "Observation", "", []uint64{1, 5, 7}},
		{"by category", "", "laboratory", []uint64{1, 5}},
		{"by kind and category", "Observation", "vital-signs", []uint64{7}},
		{"kind and category matching nothing together", "Condition", "laboratory", nil},
		{"unknown kind", "Unicorn", "", nil},
		{"unknown category", "", "Unicorn", nil},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			res, err := s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{Patient: p, Kind: c.kind, Category: c.category})
			s.Require().NoError(err)
			s.Require().Equal(c.want, nilIfEmpty(ids(res.Records)))
			for _, r := range res.Records {
				s.Require().Equal(p, r.Patient, "another patient's record listed")
			}
		})
	}

	res, err := s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{Patient: s.addr(s.patient2)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{2, 4}, ids(res.Records))
	res, err = s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{Patient: s.addr(s.stranger)})
	s.Require().NoError(err)
	s.Require().Empty(res.Records)

	// records are returned in full
	res, err = s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{Patient: p, Kind: "Condition"})
	s.Require().NoError(err)
	s.Require().Equal([]types.Record{s.record(3)}, res.Records)

	// every version of an amended record is listed
	v2 := s.amend(s.hospital, 3, "3b")
	res, err = s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{Patient: p, Category: "laboratory"})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{1, 5, v2}, ids(res.Records))

	for _, bad := range []string{"", "patient", testkit.OtherPrefix(s.patient)} {
		_, err := s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{Patient: bad})
		s.requireCode(err, codes.InvalidArgument)
	}
	_, err = s.qs.RecordsByPatient(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func nilIfEmpty(x []uint64) []uint64 {
	if len(x) == 0 {
		return nil
	}
	return x
}

func (s *KeeperTestSuite) TestQueryRecordsByPatientPagination() {
	s.seedPatients()
	p := s.addr(s.patient)
	cases := []struct {
		name, kind, category string
		want                 []uint64
	}{
		{"no filter", "", "", []uint64{1, 3, 5, 6, 7}},
		{"by kind", "Observation", "", []uint64{1, 5, 7}},
		{"by category", "", "laboratory", []uint64{1, 5}},
		{"by kind and category", "Observation", "laboratory", []uint64{1, 5}},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			var (
				got   []uint64
				key   []byte
				pages int
			)
			for {
				res, err := s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{
					Patient: p, Kind: c.kind, Category: c.category, Pagination: &query.PageRequest{Key: key, Limit: 2},
				})
				s.Require().NoError(err)
				s.Require().LessOrEqual(len(res.Records), 2)
				got = append(got, ids(res.Records)...)
				pages++
				s.Require().Less(pages, 10, "pagination does not end")
				if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
					break
				}
				key = res.Pagination.NextKey
			}
			s.Require().Equal(c.want, got)
		})
	}

	// offset pagination and totals
	res, err := s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{
		Patient: p, Pagination: &query.PageRequest{Offset: 1, Limit: 3, CountTotal: true},
	})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{3, 5, 6}, ids(res.Records))
	s.Require().Equal(uint64(5), res.Pagination.Total)
	res, err = s.qs.RecordsByPatient(s.ctx, &types.QueryRecordsByPatientRequest{
		Patient: p, Category: "laboratory", Pagination: &query.PageRequest{Limit: 1, CountTotal: true},
	})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{1}, ids(res.Records))
	s.Require().Equal(uint64(2), res.Pagination.Total)
	s.Require().NotEmpty(res.Pagination.NextKey)
}

func (s *KeeperTestSuite) TestQueryVersions() {
	v1 := s.anchor(s.patient, "v1")
	s.anchor(s.patient, "unrelated")
	v2 := s.amend(s.hospital, v1, "v2")
	s.anchor(s.patient2, "unrelated2")
	v3 := s.amend(s.hospital, v2, "v3")
	want := []types.Record{s.record(v1), s.record(v2), s.record(v3)}
	for _, id := range []uint64{v1, v2, v3} {
		res, err := s.qs.Versions(s.ctx, &types.QueryVersionsRequest{Id: id})
		s.Require().NoError(err)
		s.Require().Equal(want, res.Versions, "versions queried by %d", id)
	}
	res, err := s.qs.Versions(s.ctx, &types.QueryVersionsRequest{Id: 2})
	s.Require().NoError(err)
	s.Require().Equal([]types.Record{s.record(2)}, res.Versions)

	_, err = s.qs.Versions(s.ctx, &types.QueryVersionsRequest{Id: 99})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.Versions(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryVerify() {
	v1 := s.anchor(s.patient, "v1")
	good := hex.EncodeToString(commitment("v1"))
	res, err := s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Id: v1, Commitment: good})
	s.Require().NoError(err)
	s.Require().Equal(&types.QueryVerifyResponse{Match: true, Current: true}, res)
	// hex is case-insensitive
	res, err = s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Id: v1, Commitment: strings.ToUpper(good)})
	s.Require().NoError(err)
	s.Require().True(res.Match)

	res, err = s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Id: v1, Commitment: hex.EncodeToString(commitment("other"))})
	s.Require().NoError(err)
	s.Require().Equal(&types.QueryVerifyResponse{Match: false, Current: true}, res)

	v2 := s.amend(s.hospital, v1, "v2")
	res, err = s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Id: v1, Commitment: good})
	s.Require().NoError(err)
	s.Require().Equal(&types.QueryVerifyResponse{Match: true, Current: false, SupersededBy: v2}, res)
	res, err = s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Id: v2, Commitment: good})
	s.Require().NoError(err)
	s.Require().Equal(&types.QueryVerifyResponse{Match: false, Current: true}, res)

	for _, bad := range []string{"", "zz", good[:62], good + "00", good[:63] + "g"} {
		_, err := s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Id: v1, Commitment: bad})
		s.requireCode(err, codes.InvalidArgument)
	}
	_, err = s.qs.Verify(s.ctx, &types.QueryVerifyRequest{Id: 99, Commitment: good})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.Verify(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryAccessGrants() {
	rec := s.anchor(s.patient, "a")
	rec2 := s.anchor(s.patient, "b")
	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	s.consentTo(s.patient, s.er, "TREAT", blockTime.Add(month))
	g1 := s.mustRequest(s.clinic, rec, "TREAT").GrantID
	s.mustRequest(s.clinic, rec2, "TREAT")
	g3 := s.mustRequest(s.er, rec, "TREAT").GrantID

	res, err := s.qs.AccessGrants(s.ctx, &types.QueryAccessGrantsRequest{RecordId: rec})
	s.Require().NoError(err)
	s.Require().Equal([]types.AccessGrant{s.grant(g1), s.grant(g3)}, res.Grants)

	res, err = s.qs.AccessGrants(s.ctx, &types.QueryAccessGrantsRequest{RecordId: rec, Pagination: &query.PageRequest{Limit: 1}})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{g1}, grantIDs(res.Grants))
	res, err = s.qs.AccessGrants(s.ctx, &types.QueryAccessGrantsRequest{RecordId: rec, Pagination: &query.PageRequest{Key: res.Pagination.NextKey, Limit: 1}})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{g3}, grantIDs(res.Grants))

	rec3 := s.anchor(s.patient, "c")
	res, err = s.qs.AccessGrants(s.ctx, &types.QueryAccessGrantsRequest{RecordId: rec3})
	s.Require().NoError(err)
	s.Require().Empty(res.Grants)

	_, err = s.qs.AccessGrants(s.ctx, &types.QueryAccessGrantsRequest{RecordId: 99})
	s.requireCode(err, codes.NotFound)
	_, err = s.qs.AccessGrants(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryAccessCheck() {
	rec := s.anchor(s.patient, "a")
	cid := s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	g := s.mustRequest(s.clinic, rec, "TREAT")
	res, err := s.qs.AccessCheck(s.ctx, &types.QueryAccessCheckRequest{RecordId: rec, Account: s.addr(s.clinic)})
	s.Require().NoError(err)
	s.Require().Equal(&types.QueryAccessCheckResponse{
		Allowed: true, Basis: types.AccessBasis_ACCESS_BASIS_GRANT, GrantID: g.GrantID, ExpiresAt: &g.ExpiresAt,
		CID: cidOf("a"), Patient: s.addr(s.patient), Author: s.addr(s.hospital),
	}, res)
	res, err = s.qs.AccessCheck(s.ctx, &types.QueryAccessCheckRequest{RecordId: rec, Account: s.addr(s.patient)})
	s.Require().NoError(err)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_PATIENT, res.Basis)
	s.revoke(s.patient, cid)
	res, err = s.qs.AccessCheck(s.ctx, &types.QueryAccessCheckRequest{RecordId: rec, Account: s.addr(s.clinic)})
	s.Require().NoError(err)
	s.Require().False(res.Allowed)
	s.Require().Equal(types.AccessBasis_ACCESS_BASIS_CONSENT_ENDED, res.Basis)

	_, err = s.qs.AccessCheck(s.ctx, &types.QueryAccessCheckRequest{RecordId: 99, Account: s.addr(s.clinic)})
	s.requireCode(err, codes.NotFound)
	for _, bad := range []string{"", "clinic", testkit.OtherPrefix(s.clinic)} {
		_, err := s.qs.AccessCheck(s.ctx, &types.QueryAccessCheckRequest{RecordId: rec, Account: bad})
		s.requireCode(err, codes.InvalidArgument)
	}
	_, err = s.qs.AccessCheck(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryDisclosures() {
	r1 := s.anchor(s.patient, "a")
	r2 := s.anchor(s.patient2, "b")
	r3 := s.anchor(s.patient, "c")
	c1 := s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	c2 := s.consentTo(s.patient2, s.clinic, "TREAT", blockTime.Add(month))
	bg := s.breakGlass(s.er, s.patient)

	g1 := s.mustRequest(s.clinic, r1, "TREAT").GrantID
	s.advance(time.Minute)
	g2 := s.mustRequest(s.clinic, r2, "TREAT").GrantID
	g3 := s.mustRequest(s.er, r3, "ETREAT").GrantID
	s.advance(time.Minute)
	g4 := s.mustRequest(s.clinic, r3, "TREAT").GrantID

	res, err := s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{g1, g3, g4}, grantIDs(res.Disclosures))
	want := []struct{ consent, bg uint64 }{{c1, 0}, {0, bg.ID}, {c1, 0}}
	for i, d := range res.Disclosures {
		s.Require().Equal(s.addr(s.patient), d.Patient)
		s.Require().Equal(want[i].consent, d.ConsentID, "disclosure %d", d.ID)
		s.Require().Equal(want[i].bg, d.BreakGlassID, "disclosure %d", d.ID)
		s.Require().Equal(s.grant(d.ID), d)
	}

	res, err = s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient2)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{g2}, grantIDs(res.Disclosures))
	s.Require().Equal(c2, res.Disclosures[0].ConsentID)

	res, err = s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient), Pagination: &query.PageRequest{Limit: 2}})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{g1, g3}, grantIDs(res.Disclosures))
	res, err = s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient), Pagination: &query.PageRequest{Key: res.Pagination.NextKey, Limit: 2}})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{g4}, grantIDs(res.Disclosures))

	res, err = s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.stranger)})
	s.Require().NoError(err)
	s.Require().Empty(res.Disclosures)
	for _, bad := range []string{"", "patient", testkit.OtherPrefix(s.patient)} {
		_, err := s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: bad})
		s.requireCode(err, codes.InvalidArgument)
	}
	_, err = s.qs.Disclosures(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryEncryptionKey() {
	recipient := newRecipient(s.T())
	_, err := s.ms.RegisterEncryptionKey(s.ctx, &types.MsgRegisterEncryptionKey{Owner: s.addr(s.patient), Recipient: recipient})
	s.Require().NoError(err)
	res, err := s.qs.EncryptionKey(s.ctx, &types.QueryEncryptionKeyRequest{Owner: s.addr(s.patient)})
	s.Require().NoError(err)
	s.Require().Equal(types.EncryptionKey{Owner: s.addr(s.patient), Recipient: recipient, RegisteredAt: blockTime}, res.Key)

	_, err = s.qs.EncryptionKey(s.ctx, &types.QueryEncryptionKeyRequest{Owner: s.addr(s.patient2)})
	s.requireCode(err, codes.NotFound)
	for _, bad := range []string{"", "patient", testkit.OtherPrefix(s.patient)} {
		_, err := s.qs.EncryptionKey(s.ctx, &types.QueryEncryptionKeyRequest{Owner: bad})
		s.requireCode(err, codes.InvalidArgument)
	}
	_, err = s.qs.EncryptionKey(s.ctx, nil)
	s.requireCode(err, codes.InvalidArgument)
}

func (s *KeeperTestSuite) TestQueryParams() {
	res, err := s.qs.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(types.DefaultParams(), res.Params)
	s.setParams(func(p *types.Params) { p.MaxVersions = 9 })
	res, err = s.qs.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(uint32(9), res.Params.MaxVersions)
}
