package keeper_test

import (
	"context"

	"cosmossdk.io/collections"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

const (
	evTrace      = "healthd.drugtrace.v1.EventTrace"
	evSuspect    = "healthd.drugtrace.v1.EventSuspectProduct"
	evRecall     = "healthd.drugtrace.v1.EventRecall"
	evProduct    = "healthd.drugtrace.v1.EventProductRegistered"
	evLotHeld    = "healthd.drugtrace.v1.EventLotHeld"
	evLotRelease = "healthd.drugtrace.v1.EventLotReleased"
	evParams     = "healthd.drugtrace.v1.EventParamsUpdated"
)

// TestEveryMessageEmitsATypedEvent runs every message, and each refusal that
// succeeds as a transaction, and checks the one typed event it emits.
func (s *KeeperTestSuite) TestEveryMessageEmitsATypedEvent() {
	gtinNew := withCheckDigit("0950600013440")
	s.commissionA("U1", "U2", "U3", "U4", "U5", "U6")
	var shipment uint64
	steps := []struct {
		name string
		run  func(ctx context.Context) error
		want string
	}{
		{"register product", func(ctx context.Context) error {
			_, err := s.ms.RegisterProduct(ctx, &types.MsgRegisterProduct{Manufacturer: s.manufacturer, GTIN: gtinNew, Name: "New"})
			return err
		}, evProduct},
		{"commission", func(ctx context.Context) error {
			_, err := s.ms.Commission(ctx, &types.MsgCommission{Manufacturer: s.manufacturer, GTIN: gtinNew, Lot: lotA, Expiry: stdExpiry, Serials: []string{"N1"}})
			return err
		}, evTrace},
		{"pack", func(ctx context.Context) error {
			_, err := s.ms.Pack(ctx, &types.MsgPack{Actor: s.manufacturer, SSCC: sscc(1), Units: refsOf(gtinA, "U1")})
			return err
		}, evTrace},
		{"unpack", func(ctx context.Context) error {
			_, err := s.ms.Unpack(ctx, &types.MsgUnpack{Actor: s.manufacturer, SSCC: sscc(1)})
			return err
		}, evTrace},
		{"ship", func(ctx context.Context) error {
			res, err := s.ms.Ship(ctx, &types.MsgShip{Actor: s.manufacturer, To: s.pharmacy, Units: refsOf(gtinA, "U1", "U2")})
			shipment = res.GetShipmentID()
			return err
		}, evTrace},
		{"receive", func(ctx context.Context) error {
			_, err := s.ms.Receive(ctx, &types.MsgReceive{Actor: s.pharmacy, ShipmentID: shipment})
			return err
		}, evTrace},
		{"ship again", func(ctx context.Context) error {
			res, err := s.ms.Ship(ctx, &types.MsgShip{Actor: s.manufacturer, To: s.distributor, Units: refsOf(gtinA, "U3")})
			shipment = res.GetShipmentID()
			return err
		}, evTrace},
		{"refuse shipment", func(ctx context.Context) error {
			_, err := s.ms.RefuseShipment(ctx, &types.MsgRefuseShipment{Actor: s.distributor, ShipmentID: shipment})
			return err
		}, evTrace},
		{"ship a unit held by another (refused)", func(ctx context.Context) error {
			_, err := s.ms.Ship(ctx, &types.MsgShip{Actor: s.manufacturer, To: s.distributor, Units: refsOf(gtinA, "U1")})
			return err
		}, evSuspect},
		{"dispense", func(ctx context.Context) error {
			_, err := s.ms.Dispense(ctx, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinA, "U1"), PatientRef: s.patient})
			return err
		}, evTrace},
		{"dispense again (refused)", func(ctx context.Context) error {
			_, err := s.ms.Dispense(ctx, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinA, "U1"), PatientRef: s.patient})
			return err
		}, evSuspect},
		{"decommission", func(ctx context.Context) error {
			_, err := s.ms.Decommission(ctx, &types.MsgDecommission{Actor: s.pharmacy, Unit: unitRef(gtinA, "U2"),
				Reason: types.DecommissionReason_DECOMMISSION_REASON_DESTROYED})
			return err
		}, evTrace},
		{"quarantine unit", func(ctx context.Context) error {
			_, err := s.ms.Quarantine(ctx, &types.MsgQuarantine{Actor: s.manufacturer, Unit: unitRef(gtinA, "U4")})
			return err
		}, evTrace},
		{"release unit", func(ctx context.Context) error {
			_, err := s.ms.Release(ctx, &types.MsgRelease{Actor: s.manufacturer, Unit: unitRef(gtinA, "U4")})
			return err
		}, evTrace},
		{"hold lot", func(ctx context.Context) error {
			_, err := s.ms.Quarantine(ctx, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA})
			return err
		}, evLotHeld},
		{"regulator takes over the lot hold", func(ctx context.Context) error {
			_, err := s.ms.Quarantine(ctx, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
			return err
		}, evLotHeld},
		{"confirm illegitimate", func(ctx context.Context) error {
			_, err := s.ms.ConfirmIllegitimate(ctx, &types.MsgConfirmIllegitimate{Actor: s.regulator, Unit: unitRef(gtinA, "U5")})
			return err
		}, evTrace},
		{"release lot", func(ctx context.Context) error {
			_, err := s.ms.Release(ctx, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
			return err
		}, evLotRelease},
		{"recall", func(ctx context.Context) error {
			_, err := s.ms.Recall(ctx, &types.MsgRecall{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA, Class: classII, ReasonCode: potency})
			return err
		}, evRecall},
		{"update params", func(ctx context.Context) error {
			_, err := s.ms.UpdateParams(ctx, &types.MsgUpdateParams{Authority: testkit.Gov, Params: types.Params{MaxBatchUnits: 7, GasPerUnit: 3, EVMSettlementMargin: 3600, EVMMinRevealWindow: 600}})
			return err
		}, evParams},
	}
	for _, st := range steps {
		s.freshEvents()
		_, err := run(s, func(ctx context.Context, _ struct{}) (struct{}, error) { return struct{}{}, st.run(ctx) }, struct{}{})
		s.Require().NoError(err, st.name)
		s.Require().Equal([]string{st.want}, s.moduleEventTypes(), st.name)
	}
}

// TestNewEventsCarryTheRecord checks what the events added for the messages
// that had none say: the product, the lot hold (and who lifts it), the params.
func (s *KeeperTestSuite) TestNewEventsCarryTheRecord() {
	s.commissionA("U1")
	gtinNew := withCheckDigit("0950600013440")

	s.freshEvents()
	s.registerProduct(s.manufacturer, gtinNew, true)
	evs := events[*types.EventProductRegistered](s)
	s.Require().Len(evs, 1)
	s.Require().Equal(mustProduct(s, gtinNew), evs[0].Product)

	s.freshEvents()
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.manufacturer, GTIN: gtinA, Lot: lotA})
	held := events[*types.EventLotHeld](s)
	s.Require().Len(held, 1)
	hold, err := s.k.LotHolds.Get(s.ctx, collections.Join(gtinA, lotA))
	s.Require().NoError(err)
	s.Require().Equal(hold, held[0].Hold)
	s.Require().Equal(s.manufacturer, hold.By)

	s.freshEvents()
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
	taken := events[*types.EventLotHeld](s)[0].Hold
	s.Require().Equal(s.regulator, taken.By)
	s.Require().True(taken.ByRegulator)
	s.Require().Equal(hold.At, taken.At, "taking over keeps when the lot was first held")

	s.freshEvents()
	mustRun(s, s.ms.Release, &types.MsgRelease{Actor: s.regulator, GTIN: gtinA, Lot: lotA})
	rel := events[*types.EventLotReleased](s)[0]
	s.Require().Equal(taken, rel.Hold)
	s.Require().Equal(s.regulator, rel.By)

	s.freshEvents()
	p := types.Params{MaxBatchUnits: 9, GasPerUnit: 11, EVMSettlementMargin: 3600, EVMMinRevealWindow: 600}
	s.setParams(p)
	s.Require().Equal(p, events[*types.EventParamsUpdated](s)[0].Params)
}

// TestStatusChangesFollowTheTable: a change of status the transition table
// does not list is refused wherever it would be written. Messages never try
// one; a unit imported quarantined with no status to go back to shows it.
func (s *KeeperTestSuite) TestStatusChangesFollowTheTable() {
	s.commissionA("U1")
	u := s.unit(gtinA, "U1")
	u.Status, u.HeldStatus, u.QuarantinedBy = types.UnitStatus_UNIT_STATUS_QUARANTINED, types.UnitStatus_UNIT_STATUS_UNSPECIFIED, s.manufacturer
	s.Require().NoError(s.k.Units.Set(s.ctx, collections.Join(gtinA, "U1"), u))
	s.freshEvents()
	refuse(s, s.ms.Release, &types.MsgRelease{Actor: s.manufacturer, Unit: unitRef(gtinA, "U1")}, types.ErrInvalidStatus)
}

// ---------------------------------------------------------------------------
// UpdateParams
// ---------------------------------------------------------------------------

func (s *KeeperTestSuite) TestUpdateParams() {
	p := types.Params{MaxBatchUnits: 7, GasPerUnit: 11, EVMSettlementMargin: 3600, EVMMinRevealWindow: 600}
	refuse(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: s.manufacturer, Params: p}, sdkerrors.ErrUnauthorized)
	refuse(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: types.Params{MaxBatchUnits: 0, GasPerUnit: 1, EVMSettlementMargin: 3600, EVMMinRevealWindow: 600}}, types.ErrInvalidParams)
	refuse(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: types.Params{MaxBatchUnits: 100_001, GasPerUnit: 1, EVMSettlementMargin: 3600, EVMMinRevealWindow: 600}}, types.ErrInvalidParams)
	refuse(s, s.ms.UpdateParams, &types.MsgUpdateParams{Authority: testkit.Gov, Params: types.Params{MaxBatchUnits: 1, GasPerUnit: 0, EVMSettlementMargin: 3600, EVMMinRevealWindow: 600}}, types.ErrInvalidParams)

	s.setParams(p)
	res, err := s.qs.Params(s.ctx, &types.QueryParamsRequest{})
	s.Require().NoError(err)
	s.Require().Equal(p, res.Params)
}
