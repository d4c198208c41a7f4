package keeper_test

import (
	"time"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

// richScenario leaves units in every status, nested containers, open,
// received and refused shipments, a recall, a lot hold and alerts.
func (s *KeeperTestSuite) richScenario() {
	s.setParams(types.Params{MaxBatchUnits: 500, GasPerUnit: 1_234, EVMSettlementMargin: 3600, EVMMinRevealWindow: 600})
	_, _, pallet, id := s.shipScenario() // pallet of two cases + L1, M -> D, open
	s.receive(s.distributor, id)
	mustRun(s, s.ms.Unpack, &types.MsgUnpack{Actor: s.distributor, SSCC: pallet})
	s.receive(s.pharmacy, s.ship(s.distributor, s.pharmacy, []string{sscc(2)}, refsOf(gtinA, "L1")))
	mustRun(s, s.ms.Unpack, &types.MsgUnpack{Actor: s.pharmacy, SSCC: sscc(2)})
	mustRun(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinA, "P3"), PatientRef: s.patient, PrescriptionCommitment: rxCommitment})
	mustRun(s, s.ms.Dispense, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinA, "P3"), PatientRef: s.patient}) // alert
	mustRun(s, s.ms.Decommission, &types.MsgDecommission{Actor: s.pharmacy, Unit: unitRef(gtinA, "P4"), Reason: types.DecommissionReason_DECOMMISSION_REASON_SAMPLE})
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.pharmacy, Unit: unitRef(gtinA, "L1")})

	s.setBlockTime(blockTime.Add(26 * time.Hour))
	s.commission(s.manufacturer, gtinA, lotA2, stdExpiry, "V1", "V2", "V3")
	s.pack(s.manufacturer, sscc(10), refsOf(gtinA, "V1"))
	s.ship(s.manufacturer, s.hospital, []string{sscc(10)}, refsOf(gtinA, "V2")) // stays in transit
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinA, "V2")})
	s.refused(s.ship(s.manufacturer, s.distributor, nil, refsOf(gtinA, "V3")))

	s.unitsAt(s.distributor, s.manufacturer2, gtinB, lotB, "B1", "B2")
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, Unit: unitRef(gtinB, "B2")})
	mustRun(s, s.ms.ConfirmIllegitimate, &types.MsgConfirmIllegitimate{Actor: s.manufacturer2, Unit: unitRef(gtinB, "B2")})
	mustRun(s, s.ms.Recall, &types.MsgRecall{Actor: s.manufacturer2, GTIN: gtinB, Lot: lotB, Class: classI, ReasonCode: contamination})
	mustRun(s, s.ms.Quarantine, &types.MsgQuarantine{Actor: s.regulator, GTIN: gtinA, Lot: lotA2})
	mustRun(s, s.ms.Ship, &types.MsgShip{Actor: s.distributor, To: s.pharmacy, Units: refsOf(gtinA, "V3")}) // alert: D does not hold V3
	s.unitsAt(s.pharmacy, s.manufacturer, gtinRx, lotA, "X1")
}

func (s *KeeperTestSuite) refused(id uint64) {
	s.T().Helper()
	mustRun(s, s.ms.RefuseShipment, &types.MsgRefuseShipment{Actor: s.shipment(id).To, ShipmentID: id})
}

func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	s.richScenario()
	gs, err := s.k.ExportGenesis(s.ctx)
	s.Require().NoError(err)
	s.Require().NoError(gs.Validate())

	// The export holds everything.
	s.Require().Equal(types.Params{MaxBatchUnits: 500, GasPerUnit: 1_234, EVMSettlementMargin: 3600, EVMMinRevealWindow: 600}, gs.Params)
	s.Require().Len(gs.Products, 3)
	s.Require().NotEmpty(gs.Containers)
	s.Require().Len(gs.Shipments, 6)
	s.Require().Len(gs.Recalls, 1)
	s.Require().Len(gs.LotHolds, 1)
	s.Require().Len(gs.Alerts, 2)
	s.Require().Len(gs.Histories, len(gs.Units))
	statuses := map[types.UnitStatus]bool{}
	for _, u := range gs.Units {
		statuses[u.Status] = true
	}
	s.Require().Len(statuses, 6, "every unit status is represented: %v", statuses)
	nEvents := 0
	for _, h := range gs.Histories {
		nEvents += len(h.Events)
	}
	// Sequences hold the next id; ids start at 1.
	s.Require().EqualValues(nEvents+1, gs.NextEventSeq)
	s.Require().EqualValues(7, gs.NextShipmentID)
	s.Require().EqualValues(3, gs.NextAlertID)

	// Through JSON, as the module does, into a fresh store.
	bz, err := s.cdc.MarshalJSON(gs)
	s.Require().NoError(err)
	var decoded types.GenesisState
	s.Require().NoError(s.cdc.UnmarshalJSON(bz, &decoded))
	// (JSON turns empty lists into non-nil empty slices; compare the encoding.)
	s.Require().Equal(s.cdc.MustMarshal(gs), s.cdc.MustMarshal(&decoded))

	fresh := newEnv(s.T())
	fresh.members.CopyFrom(s.members)
	s.Require().NoError(fresh.k.InitGenesis(fresh.ctx, &decoded))
	gs2, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, gs2)
	s.Require().Equal(s.dump(), testkit.Dump(fresh.ctx, fresh.key), "the rebuilt store differs byte for byte")

	// The imported state works: indexes were rebuilt, sequences continue.
	fctx := fresh.ctx.WithBlockTime(s.ctx.BlockTime())
	v, err := fresh.qs.Verify(fctx, &types.QueryVerifyRequest{Unit: unitRef(gtinA, "P1"), Asker: s.distributor})
	s.Require().NoError(err)
	s.Require().Equal(types.Verdict_VERDICT_AUTHENTIC_SALEABLE, v.Verdict)
	c, err := fresh.qs.Container(fctx, &types.QueryContainerRequest{Sscc: sscc(1)})
	s.Require().NoError(err)
	s.Require().Equal(refsOf(gtinA, "P1", "P2"), c.Units)
	ship, err := fresh.ms.Ship(fctx, &types.MsgShip{Actor: s.distributor, To: s.pharmacy, Containers: []string{sscc(1)}})
	s.Require().NoError(err)
	s.Require().EqualValues(7, ship.ShipmentID, "shipment ids continue after the imported ones")
	alert, err := fresh.ms.Dispense(fctx, &types.MsgDispense{Actor: s.pharmacy, Unit: unitRef(gtinA, "P3"), PatientRef: s.patient})
	s.Require().NoError(err)
	s.Require().True(alert.Refused)
	s.Require().EqualValues(3, alert.AlertID, "alert ids continue after the imported ones (ids start at 1)")
}

func (s *KeeperTestSuite) TestGenesisDefaultAndInvalid() {
	fresh := newEnv(s.T())
	gs, err := fresh.k.ExportGenesis(fresh.ctx)
	s.Require().NoError(err)
	s.Require().Equal(types.DefaultGenesisState(), gs)

	bad := types.DefaultGenesisState()
	bad.Params.GasPerUnit = 0
	other := newEnv(s.T())
	before := testkit.Dump(other.ctx, other.key)
	s.Require().ErrorIs(other.k.InitGenesis(other.ctx, bad), types.ErrInvalidGenesis)
	s.Require().Equal(before, testkit.Dump(other.ctx, other.key))

	bad = types.DefaultGenesisState()
	bad.Units = []types.Unit{{GTIN: gtinA, Serial: "S1", Lot: lotA}}
	s.Require().ErrorIs(other.k.InitGenesis(other.ctx, bad), types.ErrInvalidGenesis)
}
