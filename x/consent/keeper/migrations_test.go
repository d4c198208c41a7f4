package keeper_test

import (
	"bytes"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/keeper"
	"github.com/healthchain/healthd/x/consent/types"
)

// v1Justification is field 4 of a version 1 BreakGlass (healthd v0.1.0), a
// varint: the JustificationCode in clear. Version 2 reserves the field.
func v1Justification(j types.JustificationCode) []byte { return []byte{4<<3 | 0, byte(j)} }

// TestMigrate1to2 writes break-glass accesses as version 1 stored them (the
// justification in clear) and checks that the migration leaves the same
// entries without it: the store's bytes are version 2's encoding, with no
// field 4, and the query answers as before.
func (s *KeeperTestSuite) TestMigrate1to2() {
	now := s.ctx.BlockTime()
	store := s.ctx.KVStore(s.key)
	key := func(id uint64) []byte { return append(types.BreakGlassesKey.Bytes(), sdk.Uint64ToBigEndian(id)...) }
	codes := []types.JustificationCode{
		types.JustificationCode_JUSTIFICATION_CODE_PATIENT_UNCONSCIOUS,
		types.JustificationCode_JUSTIFICATION_CODE_LIFE_THREATENING,
	}
	var want []types.BreakGlass
	for i, j := range codes {
		bg := types.BreakGlass{
			ID: uint64(101 + i), Patient: testkit.String(s.patient), Member: testkit.String(s.hospital),
			OpenedAt: now, ExpiresAt: now.Add(4 * time.Hour),
		}
		bz, err := s.cdc.Marshal(&bg)
		s.Require().NoError(err)
		store.Set(key(bg.ID), append(bz, v1Justification(j)...))
		want = append(want, bg)
	}
	for _, bg := range want {
		res, err := s.queryServer.BreakGlass(s.ctx, &types.QueryBreakGlassRequest{Id: bg.ID})
		s.Require().NoError(err, "version 2 reads a version 1 entry (field 4 skipped)")
		s.Require().Equal(bg, res.BreakGlass)
		s.Require().True(bytes.HasSuffix(store.Get(key(bg.ID)), v1Justification(codes[bg.ID-101])), "the clear justification is in the store")
	}

	s.Require().NoError(keeper.NewMigrator(s.keeper).Migrate1to2(s.ctx))

	for _, bg := range want {
		bz, err := s.cdc.Marshal(&bg)
		s.Require().NoError(err)
		s.Require().Equal(bz, store.Get(key(bg.ID)), "break-glass %d is stored without its clear justification", bg.ID)
		res, err := s.queryServer.BreakGlass(s.ctx, &types.QueryBreakGlassRequest{Id: bg.ID})
		s.Require().NoError(err)
		s.Require().Equal(bg, res.BreakGlass, "break-glass %d answers the same", bg.ID)
	}

	// A version 2 entry (sealed justification) is written back unchanged.
	sealed := s.breakGlass(s.hospital, s.patient2).ID
	before := bytes.Clone(store.Get(key(sealed)))
	s.Require().NoError(keeper.NewMigrator(s.keeper).Migrate1to2(s.ctx))
	s.Require().Equal(before, store.Get(key(sealed)))
}
