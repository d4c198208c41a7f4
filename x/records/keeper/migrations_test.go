package keeper_test

import (
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/records/keeper"
	"github.com/healthchain/healthd/x/records/types"
)

// writeV1Grant stores g as healthd v0.1.0 (consensus version 1) did: the
// grant's bytes with its record's category, written under Grants' prefix
// without touching the indexes (v1 indexed grants the same way).
func (s *KeeperTestSuite) writeV1Grant(g types.AccessGrant, category string) {
	s.T().Helper()
	g.Category = category
	bz, err := s.cdc.Marshal(&g)
	s.Require().NoError(err)
	s.ctx.KVStore(s.recKey).Set(append(types.GrantsKey.Bytes(), sdk.Uint64ToBigEndian(g.ID)...), bz)
}

// TestMigrate1to2 writes grants in version 1's layout (the category stored in
// the grant) and checks that the migration stores them without it, that the
// queries show the same grants before and after, that the indexes and the
// latest-grant entries still find them, and that the exported state is valid
// again (version 2's genesis refuses a stored category).
func (s *KeeperTestSuite) TestMigrate1to2() {
	rec := s.anchor(s.patient, "migrate-a")
	rec2 := s.anchor(s.patient2, "migrate-b")
	s.consentTo(s.patient, s.clinic, "TREAT", s.now().Add(24*time.Hour))
	s.consentTo(s.patient2, s.er, "TREAT", s.now().Add(24*time.Hour))
	g1 := s.mustRequest(s.clinic, rec, "TREAT").GrantID
	g2 := s.mustRequest(s.er, rec2, "TREAT").GrantID

	var before []types.AccessGrant
	for _, id := range []uint64{g1, g2} {
		stored := s.storedGrant(id)
		s.Require().Empty(stored.Category, "version 2 stores no category")
		s.writeV1Grant(stored, s.record(stored.RecordID).Category)
		raw, err := s.k.Grants.Get(s.ctx, id)
		s.Require().NoError(err)
		s.Require().Equal("laboratory", raw.Category, "the store now holds version 1's bytes")
		before = append(before, s.grant(id))
	}
	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().ErrorIs(gs.Validate(testkit.AddressCodec), types.ErrInvalidGenesis, "version 1 grants do not pass version 2's genesis check")

	s.Require().NoError(keeper.NewMigrator(s.k).Migrate1to2(s.ctx))

	for i, id := range []uint64{g1, g2} {
		s.storedGrant(id) // stored without its category
		s.Require().Equal(before[i], s.grant(id), "grant %d answers the same", id)
		s.Require().Equal("laboratory", s.grant(id).Category)
	}
	res, err := s.qs.Disclosures(s.ctx, &types.QueryDisclosuresRequest{Patient: s.addr(s.patient)})
	s.Require().NoError(err)
	s.Require().Len(res.Disclosures, 1)
	s.Require().Equal(before[0], res.Disclosures[0])
	s.Require().True(s.checkAccess(rec, s.clinic).Allowed, "the latest grant still opens the record")
	gs, err = s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().NoError(gs.Validate(testkit.AddressCodec))

	// Idempotent: a second run finds nothing to rewrite.
	s.Require().NoError(keeper.NewMigrator(s.k).Migrate1to2(s.ctx))
	s.Require().Equal(before[1], s.grant(g2))
}
