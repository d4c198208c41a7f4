package keeper_test

import (
	"github.com/healthchain/healthd/x/claims/keeper"
	"github.com/healthchain/healthd/x/claims/types"
)

// TestMigrate1to2 stores params as version 1 had them (no settlement params:
// both decode as zero) and checks that the migration gives them their
// defaults, keeping every other param and any settlement param already set.
func (s *KeeperTestSuite) TestMigrate1to2() {
	v1 := types.Params{SettlementDenom: "ucredit", MaxLines: 7, MaxDiagnoses: 5, MaxRecords: 3, MaxServices: 9}
	s.Require().Error(v1.Validate(), "version 1 params are not valid version 2 params")
	s.Require().NoError(s.k.Params.Set(s.ctx, v1))
	s.Require().NoError(keeper.NewMigrator(s.k).Migrate1to2(s.ctx))
	want := v1
	want.EVMSettlementMargin, want.EVMMinRevealWindow = types.DefaultEVMSettlementMargin, types.DefaultEVMMinRevealWindow
	s.Require().Equal(want, s.params())

	set := want
	set.EVMSettlementMargin = 7200
	s.Require().NoError(s.k.Params.Set(s.ctx, set))
	s.Require().NoError(keeper.NewMigrator(s.k).Migrate1to2(s.ctx))
	s.Require().Equal(set, s.params(), "a margin already set is kept")
}
