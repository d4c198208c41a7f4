package keeper_test

import (
	"time"

	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/internal/testkit/members"
	"github.com/healthchain/healthd/x/organs/keeper"
	"github.com/healthchain/healthd/x/organs/types"
)

// fullState builds a state with every kind of entry: staff, loggers, a
// living and a deceased donation, organs transplanted (within the limit and
// under an override), discarded and waiting with a pending hand-off, a
// logger swapped at a hand-off, readings with excursions (one from the
// logger swapped out).
func (s *KeeperTestSuite) fullState() {
	s.allocated(dinA, kidneyL) // the OPO's TL-1 from t0
	s.registerLogger(s.courier, "TL-2", s.otherKey)
	s.registerLogger(s.centre, "TL-3", s.otherKey) // never attached
	s.handOff(s.coordinator, dinA, kidneyL, s.courier)
	s.acceptHandOff(s.courier, dinA, kidneyL)
	s.advance(20 * time.Minute)
	// The courier repacks into its own container with its logger TL-2.
	mustRun(s, s.ms.HandOff, &types.MsgHandOff{Actor: s.courier, DIN: dinA, OrganType: kidneyL, To: s.centre, Logger: "TL-2"})
	s.acceptHandOff(s.surgeon, dinA, kidneyL)
	s.advance(40 * time.Minute)
	mustRun(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-1", dinA, kidneyL, chainID, s.loggerKey,
		reading(1, s.t0.Add(10*time.Minute), 450), reading(2, s.t0.Add(15*time.Minute), 900)))
	mustRun(s, s.ms.PostReadings, readingsMsg(s.courier, "TL-2", dinA, kidneyL, chainID, s.otherKey,
		reading(1, s.t0.Add(30*time.Minute), 450)))
	mustRun(s, s.ms.Transplant, s.transplantMsg(dinA, kidneyL, s.ctx.BlockTime(), types.OverrideReason_OVERRIDE_REASON_BIOPSY_ACCEPTABLE))
	s.recover(dinA, kidneyR, "")
	mustRun(s, s.ms.Discard, &types.MsgDiscard{Actor: s.opo, DIN: dinA, OrganType: kidneyR, Reason: types.DiscardReason_DISCARD_REASON_NO_RECIPIENT})
	s.consent.grant(s.donor, s.opo, 3)
	mustRun(s, s.ms.OpenCase, &types.MsgOpenCase{Actor: s.opo, DIN: dinB, Donor: s.donor, DonorSalt: salt("donor")})
	s.confirmedABO(dinB, aboB)
	s.recover(dinB, kidneyL, "TL-1")
	s.matchRun(dinB, kidneyL, cand("r7", s.centre2, aboAB), cand("r8", s.centre, aboB))
	s.offer(dinB, kidneyL, 1)
	mustRun(s, s.ms.RespondOffer, &types.MsgRespondOffer{Actor: s.centre2, DIN: dinB, OrganType: kidneyL, Rank: 1,
		DeclineReason: types.DeclineReason_DECLINE_REASON_LOGISTICS})
	s.offer(dinB, kidneyL, 2)
	s.handOff(s.coordinator, dinB, kidneyL, s.courier)
}

func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	s.fullState()
	exported, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().NoError(exported.Validate())
	s.Require().Len(exported.Cases, 2)
	s.Require().Len(exported.Organs, 3)
	s.Require().Len(exported.Staff, 3)

	// Import into a fresh store: the same bytes, indexes included.
	key := storetypes.NewKVStoreKey(types.StoreKey)
	consKey := members.NewKey()
	var ctx sdk.Context
	ctx = testkit.NewContext(s.T(), key, consKey).Ctx
	m := members.New(s.T(), s.cdc, consKey, func() sdk.Context { return ctx })
	m.CopyFrom(s.members)
	k2 := keeper.NewKeeper(s.cdc, runtime.NewKVStoreService(key), testkit.AddressCodec, testkit.Gov, m.Keeper, s.consent)
	s.Require().NoError(k2.InitGenesis(ctx, exported))
	s.Require().Equal(s.dump(), testkit.Dump(ctx, key))
	again, err := k2.ExportGenesis(ctx)
	s.Require().NoError(err)
	s.Require().Equal(exported, again)

	// The imported chain carries on: the pending hand-off is accepted there.
	ms2 := keeper.NewMsgServerImpl(k2)
	_, err = ms2.AcceptHandOff(ctx, &types.MsgAcceptHandOff{Actor: s.courier, DIN: dinB, OrganType: kidneyL})
	s.Require().NoError(err)
}

func (s *KeeperTestSuite) TestGenesisValidate() {
	s.fullState()
	base, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().NoError(types.DefaultGenesisState().Validate())
	// In key order: dinB (A…) before dinA (G…); dinB's organ waits, dinA's
	// left kidney is transplanted and its right one discarded.
	s.Require().Equal(dinB, base.Cases[0].DIN)
	s.Require().Equal(types.OrganStatus_ORGAN_STATUS_TRANSPLANTED, base.Organs[1].Status)
	for name, mutate := range map[string]func(gs *types.GenesisState){
		"bad params":                   func(gs *types.GenesisState) { gs.Params.MaxReadings = 0 },
		"case twice":                   func(gs *types.GenesisState) { gs.Cases = append(gs.Cases, gs.Cases[0]) },
		"case with a bad DIN":          func(gs *types.GenesisState) { gs.Cases[0].DIN = badDIN },
		"case in barcode form":         func(gs *types.GenesisState) { gs.Cases[0].DIN = dinABarcode },
		"case without basis":           func(gs *types.GenesisState) { gs.Cases[0].DonorCommitment, gs.Cases[0].ConsentID = nil, 0 },
		"consent without commitment":   func(gs *types.GenesisState) { gs.Cases[0].DonorCommitment = nil },
		"donor commitment, no consent": func(gs *types.GenesisState) { gs.Cases[0].ConsentID = 0 },
		"two bases": func(gs *types.GenesisState) {
			gs.Cases[0].AuthorisationCommitment = gs.Cases[1].AuthorisationCommitment
		},
		"attachment of an unknown logger": func(gs *types.GenesisState) { gs.Attachments[0].Attachments[0].Logger = "TL-9" },
		"open attachment before the last": func(gs *types.GenesisState) { gs.Attachments[1].Attachments[0].Until = nil },
		"last attachment closed": func(gs *types.GenesisState) {
			gs.Attachments[0].Attachments[0].Until = &gs.Attachments[0].Attachments[0].From
		},
		"attachment not the organ's logger": func(gs *types.GenesisState) { gs.Attachments[0].Attachments[0].Logger = "TL-2" },
		"attachments listed twice":          func(gs *types.GenesisState) { gs.Attachments = append(gs.Attachments, gs.Attachments[0]) },
		"organ's logger without attachment": func(gs *types.GenesisState) { gs.Attachments = gs.Attachments[1:] },
		"attachment past the hand-offs":     func(gs *types.GenesisState) { gs.Attachments[1].Attachments[1].HandOff = 9 },
		"reading's logger never attached":   func(gs *types.GenesisState) { gs.Readings[0].Readings[0].Logger = "TL-3" },
		"ABO confirmed by the recorder":     func(gs *types.GenesisState) { gs.Cases[0].ABOConfirmedBy = gs.Cases[0].ABORecordedBy },
		"organ of no case":                  func(gs *types.GenesisState) { gs.Organs[0].DIN = "B000726000069*" },
		"organ twice":                       func(gs *types.GenesisState) { gs.Organs = append(gs.Organs, gs.Organs[0]) },
		"transplanted, no outcome":          func(gs *types.GenesisState) { gs.Organs[1].Outcome = nil },
		"next rank past the run":            func(gs *types.GenesisState) { gs.Organs[0].NextRank = 9 },
		"candidate list short":              func(gs *types.GenesisState) { gs.Candidates[0].Candidates = gs.Candidates[0].Candidates[:0] },
		"candidates listed twice":           func(gs *types.GenesisState) { gs.Candidates = append(gs.Candidates, gs.Candidates[0]) },
		"hand-offs out of order":            func(gs *types.GenesisState) { gs.HandOffs[0].HandOffs[0].Index = 7 },
		"excursions miscounted":             func(gs *types.GenesisState) { gs.Readings[0].Readings[1].Excursion = false },
		"staff twice":                       func(gs *types.GenesisState) { gs.Staff = append(gs.Staff, gs.Staff[0]) },
		"logger with a bad key":             func(gs *types.GenesisState) { gs.Loggers[0].PubKey = []byte{1, 2} },
		"organ's logger unknown":            func(gs *types.GenesisState) { gs.Organs[0].Logger = "TL-9" },
		"reading's logger unknown":          func(gs *types.GenesisState) { gs.Readings[0].Readings[0].Logger = "TL-9" },
	} {
		s.Run(name, func() {
			gs, err := s.k.ExportGenesis(s.ctx)
			s.Require().NoError(err)
			mutate(gs)
			s.Require().ErrorIs(gs.Validate(), types.ErrInvalidGenesis)
		})
	}
	s.Require().NoError(base.Validate(), "the mutations worked on copies")
}
