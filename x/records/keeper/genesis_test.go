package keeper_test

import (
	"strings"
	"time"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/records/types"
)

// buildState fills the records state through the Msg service: two patients,
// a chain of three versions, grants on a consent and on break glass, keys,
// and an erased record with its ended grant.
func (s *KeeperTestSuite) buildState() {
	s.T().Helper()
	r1 := s.anchor(s.patient, "r1")
	msg := s.anchorMsg(s.lab, s.patient2, "r2")
	msg.Format, msg.Kind, msg.Category = types.Format_FORMAT_HL7_V2, "ORU^R01", "laboratory"
	r2 := s.anchorWith(msg)
	msg = s.anchorMsg(s.hospital, s.patient, "r3")
	msg.Format, msg.Kind, msg.Category = types.Format_FORMAT_DICOM, dicomCT, "imaging"
	r3 := s.anchorWith(msg)
	s.advance(time.Hour)
	v2 := s.amend(s.hospital, r1, "r1b")
	s.amend(s.hospital, v2, "r1c")

	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))
	s.consentTo(s.patient2, s.clinic, "TREAT", blockTime.Add(month), "laboratory")
	s.mustRequest(s.clinic, r1, "TREAT")
	s.mustRequest(s.clinic, r2, "TREAT")
	s.mustRequest(s.clinic, r3, "TREAT")
	s.advance(24 * time.Hour)            // the first grant on r1 has expired (access_ttl)
	s.mustRequest(s.clinic, r1, "TREAT") // a newer grant for the same pair
	s.breakGlass(s.er, s.patient)
	s.mustRequest(s.er, r3, "ETREAT")
	// an erased record (6): a tombstone, and its grant (6) ended without its category
	r6 := s.anchor(s.patient2, "r6")
	s.mustRequest(s.clinic, r6, "TREAT")
	s.advance(time.Minute)
	s.erase(s.patient2, r6)

	for _, a := range []string{s.addr(s.patient), s.addr(s.clinic), s.addr(s.er)} {
		_, err := s.ms.RegisterEncryptionKey(s.ctx, &types.MsgRegisterEncryptionKey{Owner: a, Recipient: newRecipient(s.T())})
		s.Require().NoError(err)
	}
}

func (s *KeeperTestSuite) export() *types.GenesisState {
	s.T().Helper()
	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	return gs
}

func (s *KeeperTestSuite) TestDefaultGenesis() {
	gs := s.export()
	s.Require().Equal(types.DefaultGenesisState(), gs)
	s.Require().NoError(gs.Validate(testkit.AddressCodec))
	s.Require().Equal(uint64(1), s.anchor(s.patient, "first"))
}

func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	s.buildState()
	s.setParams(func(p *types.Params) { p.AccessTtl, p.MaxVersions = 6*time.Hour, 12 })
	gs := s.export()
	s.Require().Len(gs.Records, 5)
	s.Require().Len(gs.Grants, 6)
	s.Require().Len(gs.EncryptionKeys, 3)
	s.Require().Equal(uint64(7), gs.NextRecordID)
	s.Require().Equal(uint64(7), gs.NextGrantID)
	erasedAt := blockTime.Add(25*time.Hour + time.Minute)
	s.Require().Equal([]types.Record{{ID: 6, Patient: s.addr(s.patient2), Erased: true, ErasedAt: &erasedAt}}, gs.Tombstones)
	// Grants are exported as stored: as granted, no category, no
	// record_erased (queries derive both, and the ended expiry)
	for _, g := range gs.Grants {
		s.Require().Empty(g.Category)
		s.Require().False(g.RecordErased)
	}
	s.Require().Equal(erasedAt.Add(-time.Minute).Add(24*time.Hour), gs.Grants[5].ExpiresAt, "as granted")
	view := s.grant(6)
	s.Require().True(view.RecordErased)
	s.Require().Empty(view.Category)
	s.Require().Equal(erasedAt, view.ExpiresAt, "shown ended at the erasure")
	s.Require().NoError(gs.Validate(testkit.AddressCodec))

	// the JSON a chain export writes reads back the same
	bz, err := s.cdc.MarshalJSON(gs)
	s.Require().NoError(err)
	var fromJSON types.GenesisState
	s.Require().NoError(s.cdc.UnmarshalJSON(bz, &fromJSON))
	s.Require().Equal(gs, &fromJSON)

	fresh := newEnv(s.T())
	fresh.ctx = fresh.ctx.WithBlockTime(s.now())
	s.Require().NoError(fresh.k.InitGenesis(fresh.ctx, &fromJSON))
	again, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, again)
	// every index is rebuilt exactly: the stores are byte for byte equal
	s.Require().Equal(testkit.Dump(s.ctx, s.recKey), testkit.Dump(fresh.ctx, fresh.recKey))

	// and the queries that walk the indexes answer on the imported state
	qs := fresh.qs
	res, err := qs.RecordsByPatient(fresh.ctx, &types.QueryRecordsByPatientRequest{Patient: s.addr(s.patient)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{1, 3, 4, 5}, ids(res.Records))
	res, err = qs.RecordsByPatient(fresh.ctx, &types.QueryRecordsByPatientRequest{Patient: s.addr(s.patient), Kind: dicomCT})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{3}, ids(res.Records))
	res, err = qs.RecordsByPatient(fresh.ctx, &types.QueryRecordsByPatientRequest{Patient: s.addr(s.patient2), Category: "laboratory"})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{2}, ids(res.Records))
	vres, err := qs.Versions(fresh.ctx, &types.QueryVersionsRequest{Id: 4})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{1, 4, 5}, ids(vres.Versions))
	gid, err := fresh.k.LatestGrant.Get(fresh.ctx, collections.Join(uint64(1), s.clinic))
	s.Require().NoError(err)
	s.Require().Equal(uint64(4), gid, "the newest grant of the pair")
	gid, err = fresh.k.LatestGrant.Get(fresh.ctx, collections.Join(uint64(3), s.er))
	s.Require().NoError(err)
	s.Require().Equal(uint64(5), gid)
	dres, err := qs.Disclosures(fresh.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient), Pagination: &query.PageRequest{CountTotal: true}})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{1, 3, 4, 5}, grantIDs(dres.Disclosures))
	ares, err := qs.AccessGrants(fresh.ctx, &types.QueryAccessGrantsRequest{RecordId: 1})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{1, 4}, grantIDs(ares.Grants))
	// the CID index is rebuilt: each CID finds its one record
	for id, seed := range map[uint64]string{1: "r1", 2: "r2", 3: "r3", 4: "r1b", 5: "r1c"} {
		cres, err := qs.RecordByCID(fresh.ctx, &types.QueryRecordByCIDRequest{Cid: cidOf(seed)})
		s.Require().NoError(err)
		s.Require().Equal(id, cres.Record.ID)
	}

	// the erased record stays erased, its grant ended, its CID free
	_, err = qs.Record(fresh.ctx, &types.QueryRecordRequest{Id: 6})
	s.Require().ErrorContains(err, types.ErrRecordErased.Error())
	_, err = fresh.k.LatestGrant.Get(fresh.ctx, collections.Join(uint64(6), s.clinic))
	s.Require().ErrorIs(err, collections.ErrNotFound)
	_, err = qs.RecordByCID(fresh.ctx, &types.QueryRecordByCIDRequest{Cid: cidOf("r6")})
	s.Require().ErrorContains(err, "no record anchors")
	dres, err = qs.Disclosures(fresh.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient2)})
	s.Require().NoError(err)
	s.Require().Equal([]uint64{2, 6}, grantIDs(dres.Disclosures), "the accounting keeps the erased record's grant")
	s.Require().Equal(view, dres.Disclosures[1], "shown as before the export")
	s.Require().Equal("laboratory", dres.Disclosures[0].Category, "a live record's grant shows its category")

	// sequences continue after the imported ids
	fresh.ctx = fresh.ctx.WithEventManager(s.ctx.EventManager())
	rid, err := fresh.ms.AnchorRecord(fresh.ctx, s.anchorMsg(s.hospital, s.patient, "after"))
	s.Require().ErrorContains(err, "not a consortium member", "the fresh consortium is empty")
	s.Require().Nil(rid)
	next, err := fresh.k.RecordSeq.Peek(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(uint64(7), next)
	next, err = fresh.k.GrantSeq.Peek(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(uint64(7), next)
}

func (s *KeeperTestSuite) TestInitGenesisRefusesInvalidState() {
	s.buildState()
	gs := s.export()
	gs.Records[1].ID = gs.Records[0].ID
	fresh := newEnv(s.T())
	before := testkit.Dump(fresh.ctx, fresh.recKey)
	s.Require().ErrorIs(fresh.k.InitGenesis(fresh.ctx, gs), types.ErrInvalidGenesis)
	s.Require().Equal(before, testkit.Dump(fresh.ctx, fresh.recKey))
}

// TestInitGenesisRefusesAliasedCID: an imported state in which two records
// anchor one CID is refused before anything is written.
func (s *KeeperTestSuite) TestInitGenesisRefusesAliasedCID() {
	s.buildState()
	gs := s.export()
	gs.Records[1].CID = gs.Records[0].CID
	fresh := newEnv(s.T())
	before := testkit.Dump(fresh.ctx, fresh.recKey)
	err := fresh.k.InitGenesis(fresh.ctx, gs)
	s.Require().ErrorIs(err, types.ErrInvalidGenesis)
	s.Require().ErrorContains(err, "anchor the same CID")
	s.Require().Equal(before, testkit.Dump(fresh.ctx, fresh.recKey))
}

func (s *KeeperTestSuite) TestGenesisValidateRefusals() {
	s.buildState()
	// records: 1 (v1, superseded by 4), 2, 3, 4 (v2 of 1, superseded by 5), 5 (v3);
	// tombstone 6; grants: 1..4 on consents, 5 on break glass, 6 of erased record 6
	base := s.export()
	s.Require().NoError(base.Validate(testkit.AddressCodec))
	upper := strings.ToUpper(s.addr(s.patient))

	cases := []struct {
		name     string
		malleate func(gs *types.GenesisState)
		msg      string // the refusal names this
	}{
		{"invalid params", func(gs *types.GenesisState) { gs.Params.MaxVersions = 0 }, "max_versions"},
		{"next record id zero", func(gs *types.GenesisState) { gs.NextRecordID = 0; gs.Records = nil; gs.Grants = nil }, "next ids start at 1"},
		{"next grant id zero", func(gs *types.GenesisState) { gs.NextGrantID = 0; gs.Grants = nil }, "next ids start at 1"},
		{"duplicate record id", func(gs *types.GenesisState) { gs.Records[2].ID = gs.Records[1].ID }, "record id 2 out of order"},
		{"unordered record ids", func(gs *types.GenesisState) { gs.Records[1], gs.Records[2] = gs.Records[2], gs.Records[1] }, "record id 2 out of order"},
		{"record id zero", func(gs *types.GenesisState) { gs.Records[0].ID = 0 }, "record id 0 out of order"},
		{"record id at next id", func(gs *types.GenesisState) { gs.NextRecordID = 5 }, "record id 5 out of order or not below next id 5"},
		{"record id above next id", func(gs *types.GenesisState) { gs.Records[4].ID = 9 }, "record id 9 out of order"},
		{"bad patient", func(gs *types.GenesisState) { gs.Records[1].Patient = "patient" }, "patient \"patient\""},
		{"patient with another prefix", func(gs *types.GenesisState) { gs.Records[1].Patient = testkit.OtherPrefix(s.patient2) }, "patient \"cosmos1"},
		{"bad author", func(gs *types.GenesisState) { gs.Records[1].Author = "" }, "author \"\""},
		{"bad kind", func(gs *types.GenesisState) { gs.Records[1].Kind = "ORU-R01" }, "invalid record kind"},
		{"bad format", func(gs *types.GenesisState) { gs.Records[1].Format = types.Format_FORMAT_UNSPECIFIED }, "invalid record format"},
		{"bad category", func(gs *types.GenesisState) { gs.Records[1].Category = "Unicorn" }, "invalid record category"},
		{"commitment of 31 bytes", func(gs *types.GenesisState) { gs.Records[1].Commitment = gs.Records[1].Commitment[:31] }, "invalid commitment"},
		{"CIDv0", func(gs *types.GenesisState) { gs.Records[1].CID = "QmaozNR7DZHQK1ZcU9p7QdrshMvXqWK6gpu5rmrkPdT3L4" }, "CIDv0"},
		{"size 0", func(gs *types.GenesisState) { gs.Records[1].BlobSize = 0 }, "invalid blob size"},
		{"two records anchor one CID", func(gs *types.GenesisState) { gs.Records[2].CID = gs.Records[0].CID }, "records 1 and 3 anchor the same CID"},
		{"version 0", func(gs *types.GenesisState) { gs.Records[1].Version = 0 }, "bad version 0"},
		{"root 0", func(gs *types.GenesisState) { gs.Records[1].RootID = 0 }, "root 0"},
		{"first version not its own root", func(gs *types.GenesisState) { gs.Records[2].RootID = 2 }, "a first version is version 1 and its own root"},
		{"first version numbered 2", func(gs *types.GenesisState) { gs.Records[1].Version = 2 }, "a first version is version 1 and its own root"},
		{"supersedes an unknown record", func(gs *types.GenesisState) { gs.Records[3].Supersedes = 99 }, "supersedes unknown or later record 99"},
		{"supersedes a later record", func(gs *types.GenesisState) {
			// 3 claims to supersede 4: 4 is not yet known when 3 is read
			gs.Records[2].Supersedes, gs.Records[2].Version, gs.Records[2].RootID = 4, 3, 1
		}, "supersedes unknown or later record 4"},
		{"successor mismatch", func(gs *types.GenesisState) { gs.Records[0].SupersededBy = 5 }, "which names 5 as its successor"},
		{"successor missing", func(gs *types.GenesisState) { gs.Records[0].SupersededBy = 0 }, "which names 0 as its successor"},
		{"successor names an unknown record", func(gs *types.GenesisState) { gs.Records[4].SupersededBy = 6; gs.NextRecordID = 7 }, "names 6 as successor, which does not supersede it"},
		{"successor does not supersede", func(gs *types.GenesisState) { gs.Records[1].SupersededBy = 3 }, "names 3 as successor, which does not supersede it"},
		{"successor earlier", func(gs *types.GenesisState) { gs.Records[2].SupersededBy = 1 }, "superseded by an earlier id 1"},
		{"version gap", func(gs *types.GenesisState) { gs.Records[3].Version = 3; gs.Records[4].Version = 4 }, "record 4 does not continue the chain of 1"},
		{"chain changes patient", func(gs *types.GenesisState) { gs.Records[4].Patient = s.addr(s.patient2) }, "record 5 does not continue the chain of 4"},
		{"chain changes format", func(gs *types.GenesisState) {
			gs.Records[4].Format, gs.Records[4].Kind = types.Format_FORMAT_HL7_V2, "ORU^R01"
		}, "record 5 does not continue the chain of 4"},
		{"chain changes root", func(gs *types.GenesisState) { gs.Records[4].RootID = 4 }, "record 5 does not continue the chain of 4"},
		{"duplicate grant id", func(gs *types.GenesisState) { gs.Grants[1].ID = gs.Grants[0].ID }, "grant id 1 out of order"},
		{"unordered grant ids", func(gs *types.GenesisState) { gs.Grants[0], gs.Grants[1] = gs.Grants[1], gs.Grants[0] }, "grant id 1 out of order"},
		{"grant id at next id", func(gs *types.GenesisState) { gs.NextGrantID = 5 }, "grant id 5 out of order or not below next id 5"},
		{"grant id zero", func(gs *types.GenesisState) { gs.Grants[0].ID = 0 }, "grant id 0 out of order"},
		{"grant for an unknown record", func(gs *types.GenesisState) { gs.Grants[0].RecordID = 99 }, "names unknown record 99"},
		{"grant patient differs from the record's", func(gs *types.GenesisState) { gs.Grants[0].Patient = s.addr(s.patient2) }, "grant 1 does not match record 1"},
		{"grant stores a category", func(gs *types.GenesisState) { gs.Grants[0].Category = "laboratory" }, "grant 1 stores a category"},
		{"grant on both consent and break glass", func(gs *types.GenesisState) { gs.Grants[0].BreakGlassID = 1 }, "grant 1 rests on exactly one"},
		{"grant on neither", func(gs *types.GenesisState) { gs.Grants[0].ConsentID = 0 }, "grant 1 rests on exactly one"},
		{"grant expiring when granted", func(gs *types.GenesisState) { gs.Grants[0].ExpiresAt = gs.Grants[0].GrantedAt }, "grant 1 expires before it is granted"},
		{"bad grantee", func(gs *types.GenesisState) { gs.Grants[0].Grantee = "clinic" }, "grantee \"clinic\""},
		{"bad grant purpose", func(gs *types.GenesisState) { gs.Grants[0].Purpose = "treat" }, "grant 1: "},
		{"tombstone keeps its kind", func(gs *types.GenesisState) { gs.Tombstones[0].Kind = "Observation" }, "tombstone 6 keeps more than"},
		{"tombstone keeps its CID", func(gs *types.GenesisState) { gs.Tombstones[0].CID = cidOf("r6") }, "tombstone 6 keeps more than"},
		{"tombstone keeps its author", func(gs *types.GenesisState) { gs.Tombstones[0].Author = s.addr(s.hospital) }, "tombstone 6 keeps more than"},
		{"tombstone not erased", func(gs *types.GenesisState) { gs.Tombstones[0].Erased = false }, "erased and erased_at are required"},
		{"tombstone without time", func(gs *types.GenesisState) { gs.Tombstones[0].ErasedAt = nil }, "erased and erased_at are required"},
		{"tombstone of a live record", func(gs *types.GenesisState) { gs.Tombstones[0].ID = 5 }, "record 5 is both live and erased"},
		{"tombstone at next id", func(gs *types.GenesisState) { gs.NextRecordID = 6 }, "tombstone id 6 out of order or not below next id 6"},
		{"tombstone bad patient", func(gs *types.GenesisState) { gs.Tombstones[0].Patient = "patient" }, "patient \"patient\""},
		// an erased record's grant is stored as granted too: queries show it
		// without category, marked, ended at the erasure
		{"erased record's grant stores its category", func(gs *types.GenesisState) { gs.Grants[5].Category = "laboratory" }, "grant 6 stores a category"},
		{"erased record's grant stored marked", func(gs *types.GenesisState) { gs.Grants[5].RecordErased = true }, "grant 6 stores a category or record_erased"},
		{"erased record's grant patient differs", func(gs *types.GenesisState) { gs.Grants[5].Patient = s.addr(s.patient) }, "grant 6 does not match record 6"},
		{"live record's grant stored marked", func(gs *types.GenesisState) { gs.Grants[0].RecordErased = true }, "grant 1 stores a category or record_erased"},
		{"bad recipient", func(gs *types.GenesisState) { gs.EncryptionKeys[0].Recipient = "age1notakey" }, "invalid encryption key"},
		{"bad key owner", func(gs *types.GenesisState) { gs.EncryptionKeys[0].Owner = "" }, "key owner \"\""},
		{"two keys for one owner", func(gs *types.GenesisState) { gs.EncryptionKeys[1].Owner = gs.EncryptionKeys[0].Owner }, "two encryption keys"},
		// the same account spelt in upper case is the same owner
		{"two keys for one owner, one in upper case", func(gs *types.GenesisState) {
			gs.EncryptionKeys[1].Owner = strings.ToUpper(gs.EncryptionKeys[0].Owner)
		}, "canonical"},
		{"patient in upper case", func(gs *types.GenesisState) {
			for i := range gs.Records {
				if gs.Records[i].Patient == s.addr(s.patient) {
					gs.Records[i].Patient = upper
				}
			}
			for i := range gs.Grants {
				if gs.Grants[i].Patient == s.addr(s.patient) {
					gs.Grants[i].Patient = upper
				}
			}
		}, "canonical"},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			gs := s.export()
			c.malleate(gs)
			err := gs.Validate(testkit.AddressCodec)
			s.Require().ErrorIs(err, types.ErrInvalidGenesis)
			s.Require().ErrorContains(err, c.msg)
		})
	}
}
