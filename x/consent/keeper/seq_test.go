package keeper_test

import (
	"math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consent/types"
)

// TestIDSequencesNeverWrap: a consent, break-glass or audit sequence at its
// last value refuses the message (ErrIDsExhausted) with nothing changed,
// instead of handing out 0 and then ids already in use.
func (s *KeeperTestSuite) TestIDSequencesNeverWrap() {
	s.Require().NoError(s.keeper.ConsentSeq.Set(s.ctx, math.MaxUint64))
	s.refuse(types.ErrIDsExhausted, func(ctx sdk.Context) error {
		_, err := s.msgServer.GrantConsent(ctx, s.grantMsg(s.patient, s.doctor, "TREAT", "Observation"))
		return err
	})

	// The audit entry is written after the consent: the transaction is
	// refused as a whole, and its branch is discarded.
	s.SetupTest()
	s.Require().NoError(s.keeper.AuditSeq.Set(s.ctx, math.MaxUint64))
	_, wrote := testkit.RefusedInTx(s.T(), s.ctx, types.ErrIDsExhausted, func(ctx sdk.Context) error {
		_, err := s.msgServer.GrantConsent(ctx, s.grantMsg(s.patient, s.doctor, "TREAT", "Observation"))
		return err
	}, testkit.Store(s.key), testkit.Genesis(s.keeper.ExportGenesis))
	s.Require().True(wrote, "refused at the audit entry, after the consent")

	s.SetupTest()
	s.Require().NoError(s.keeper.ConsentSeq.Set(s.ctx, math.MaxUint64-1))
	s.Require().Equal(uint64(math.MaxUint64-1), s.grantSimple(s.patient, s.doctor, "TREAT", "Observation"), "the last id below MaxUint64 is handed out")
}
