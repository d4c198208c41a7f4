package keeper_test

import (
	"github.com/healthchain/healthd/x/drugtrace/keeper"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// TestMigrate1to2 stores params as version 1 had them (no settlement params:
// both decode as zero) and checks that the migration gives them their
// defaults, keeping the other params and a settlement param already set.
func (s *KeeperTestSuite) TestMigrate1to2() {
	v1 := types.Params{MaxBatchUnits: 77, GasPerUnit: 5}
	s.Require().Error(v1.Validate(), "version 1 params are not valid version 2 params")
	s.Require().NoError(s.k.Params.Set(s.ctx, v1))
	s.Require().NoError(keeper.NewMigrator(s.k).Migrate1to2(s.ctx))
	want := v1
	want.EVMSettlementMargin, want.EVMMinRevealWindow = types.DefaultEVMSettlementMargin, types.DefaultEVMMinRevealWindow
	got, err := s.k.Params.Get(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(want, got)

	set := want
	set.EVMMinRevealWindow = 60
	s.Require().NoError(s.k.Params.Set(s.ctx, set))
	s.Require().NoError(keeper.NewMigrator(s.k).Migrate1to2(s.ctx))
	got, err = s.k.Params.Get(s.ctx)
	s.Require().NoError(err)
	s.Require().Equal(set, got, "a window already set is kept")
}
