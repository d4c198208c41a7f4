package keeper_test

import (
	"math"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/records/types"
)

// TestIDSequencesNeverWrap: a record or grant id sequence at its last value
// refuses the message instead of wrapping to 0 ("none") and then overwriting
// record or grant 1; state is unchanged.
func (s *KeeperTestSuite) TestIDSequencesNeverWrap() {
	rec := s.anchor(s.patient, "first")
	s.consentTo(s.patient, s.clinic, "TREAT", blockTime.Add(month))

	// the last id is still handed out...
	s.Require().NoError(s.k.RecordSeq.Set(s.ctx, math.MaxUint64-1))
	last := s.anchor(s.patient, "last")
	s.Require().Equal(uint64(math.MaxUint64-1), last)
	// ...then anchoring and amending are refused
	s.freshEvents()
	s.refuse(types.ErrIDsExhausted, testkit.Call(s.ms.AnchorRecord, s.anchorMsg(s.hospital, s.patient, "wrapped")))
	s.refuse(types.ErrIDsExhausted, testkit.Call(s.ms.AmendRecord, s.amendMsg(s.hospital, rec, "wrapped")))
	s.Require().Equal(cidOf("first"), s.record(rec).CID, "record 1 untouched")

	s.Require().NoError(s.k.GrantSeq.Set(s.ctx, math.MaxUint64))
	s.refuse(types.ErrIDsExhausted, testkit.Call(s.ms.RequestAccess, s.requestMsg(s.clinic, rec, "TREAT")))
}

// TestGenesisNextIDsBounded: a genesis whose next ids are at the last value
// is refused, since the next anchor or grant would wrap.
func (s *KeeperTestSuite) TestGenesisNextIDsBounded() {
	gs := types.DefaultGenesisState()
	gs.NextRecordID = math.MaxUint64
	s.Require().ErrorIs(gs.Validate(testkit.AddressCodec), types.ErrInvalidGenesis)
	gs = types.DefaultGenesisState()
	gs.NextGrantID = math.MaxUint64
	s.Require().ErrorIs(gs.Validate(testkit.AddressCodec), types.ErrInvalidGenesis)
	gs.NextGrantID = math.MaxUint64 - 1
	s.Require().NoError(gs.Validate(testkit.AddressCodec))
}
