package keeper_test

import (
	"google.golang.org/grpc/codes"

	"cosmossdk.io/collections"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

// TestShorterGTINsArePadded: a GTIN-13, -12 or -8 names the same trade item
// as the GTIN-14 it pads to, in every message and query that takes a GTIN:
// state is keyed, and events and responses speak, by the GTIN-14.
func (s *KeeperTestSuite) TestShorterGTINsArePadded() {
	gtin14 := withCheckDigit("0950600013446")
	gtin13 := gtin14[1:]
	mustRun(s, s.ms.RegisterProduct, &types.MsgRegisterProduct{Manufacturer: s.manufacturer, GTIN: gtin13, Name: "Paracetamol"})
	p, err := s.k.Products.Get(s.ctx, gtin14)
	s.Require().NoError(err)
	s.Require().Equal(gtin14, p.GTIN)
	refuse(s, s.ms.RegisterProduct, &types.MsgRegisterProduct{Manufacturer: s.manufacturer, GTIN: gtin14, Name: "Again"}, types.ErrProductExists)

	res := mustRun(s, s.ms.Commission, &types.MsgCommission{Manufacturer: s.manufacturer, GTIN: gtin13, Lot: lotA, Expiry: stdExpiry, Serials: []string{"P1", "P2"}})
	s.Require().EqualValues(2, res.Commissioned)
	s.Require().Equal(gtin14, s.unit(gtin14, "P1").GTIN)

	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtin13, Lot: lotA})
	hold, err := s.k.LotHolds.Get(s.ctx, collections.Join(gtin14, lotA))
	s.Require().NoError(err)
	s.Require().Equal(gtin14, hold.GTIN)
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, GTIN: gtin13, Lot: lotA})
	has, err := s.k.LotHolds.Has(s.ctx, collections.Join(gtin14, lotA))
	s.Require().NoError(err)
	s.Require().False(has)

	mustRun(s, s.ms.Recall, &types.MsgRecall{Actor: s.manufacturer, GTIN: gtin13, Lot: lotA, Class: classII, ReasonCode: potency})
	r, err := s.k.Recalls.Get(s.ctx, collections.Join(gtin14, lotA))
	s.Require().NoError(err)
	s.Require().Equal(gtin14, r.GTIN)
	s.Require().Equal(gtin14, events[*types.EventRecall](s)[0].Recall.GTIN)
	refuse(s, s.ms.Recall, &types.MsgRecall{Actor: s.regulator, GTIN: gtin14, Lot: lotA, Class: classII, ReasonCode: potency}, types.ErrAlreadyRecalled)

	// Queries.
	pr, err := s.qs.Product(s.ctx, &types.QueryProductRequest{Gtin: gtin13})
	s.Require().NoError(err)
	s.Require().Equal(gtin14, pr.Product.GTIN)
	lot, err := s.qs.UnitsByLot(s.ctx, &types.QueryUnitsByLotRequest{Gtin: gtin13, Lot: lotA})
	s.Require().NoError(err)
	s.Require().Len(lot.Units, 2)
	u, err := s.qs.Unit(s.ctx, &types.QueryUnitRequest{Unit: gtin13 + "/P1"})
	s.Require().NoError(err)
	s.Require().Equal(gtin14, u.Unit.GTIN)
	s.Require().True(u.Recalled)

	// A GTIN-12 (UPC-A) and a GTIN-8 pad with two and six zeros.
	for _, g := range []string{"614141000036", "40170725"} {
		full := "000000"[:14-len(g)] + g
		_, err := s.qs.Product(s.ctx, &types.QueryProductRequest{Gtin: g})
		s.requireCode(err, codes.NotFound)
		s.Require().ErrorContains(err, full)
	}

	// Malformed GTINs and lots are InvalidArgument, not an empty answer.
	for _, req := range []*types.QueryUnitsByLotRequest{{Gtin: badGTIN, Lot: lotA}, {Gtin: gtin14[3:], Lot: lotA}, {Gtin: gtin14, Lot: "LOT A"}} {
		_, err := s.qs.UnitsByLot(s.ctx, req)
		s.requireCode(err, codes.InvalidArgument)
	}
	_, err = s.qs.Product(s.ctx, &types.QueryProductRequest{Gtin: gtin13[:12] + "0"})
	s.requireCode(err, codes.InvalidArgument)
}
