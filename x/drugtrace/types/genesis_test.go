package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/drugtrace/types"
)

func validGenesis() *types.GenesisState {
	gs := types.DefaultGenesisState()
	gs.Products = []types.Product{{GTIN: gtinA, Name: "A"}, {GTIN: "04006381333931", Name: "B"}}
	gs.Units = []types.Unit{
		{GTIN: gtinA, Serial: "S1", Lot: "L1", Status: types.UnitStatus_UNIT_STATUS_ACTIVE, Container: ssccA},
		{GTIN: gtinA, Serial: "S2", Lot: "L1", Status: types.UnitStatus_UNIT_STATUS_IN_TRANSIT, ShipmentID: 2},
	}
	gs.Containers = []types.Container{{SSCC: ssccA, Units: 1}}
	gs.Shipments = []types.Shipment{{ID: 1}, {ID: 2}}
	gs.Histories = []types.UnitHistory{{Unit: gtinA + "/S1", Events: []types.TraceEvent{{Seq: 1}, {Seq: 3}}}, {Unit: gtinA + "/S2", Events: []types.TraceEvent{{Seq: 2}}}}
	gs.Alerts = []types.Alert{{ID: 1}, {ID: 5}}
	gs.Recalls = []types.Recall{{GTIN: gtinA, Lot: "L1", Class: types.RecallClass_RECALL_CLASS_II,
		ReasonCode: types.RecallReason_RECALL_REASON_MISLABELLING, Reason: "CLASS_II:MISLABELLING"}}
	gs.NextShipmentID, gs.NextAlertID, gs.NextEventSeq = 3, 6, 4 // the next ids: ids start at 1
	return gs
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesisState().Validate())
	require.NoError(t, validGenesis().Validate())

	for name, mutate := range map[string]func(gs *types.GenesisState){
		"params":                func(gs *types.GenesisState) { gs.Params.MaxBatchUnits = 0 },
		"product GTIN":          func(gs *types.GenesisState) { gs.Products[0].GTIN = "09506000134353" },
		"product twice":         func(gs *types.GenesisState) { gs.Products[1].GTIN = gtinA },
		"unit of no product":    func(gs *types.GenesisState) { gs.Units[0].GTIN = "04012345000009" },
		"unit serial":           func(gs *types.GenesisState) { gs.Units[0].Serial = "S 1" },
		"unit lot":              func(gs *types.GenesisState) { gs.Units[0].Lot = "" },
		"unit twice":            func(gs *types.GenesisState) { gs.Units[1].Serial = "S1" },
		"container SSCC":        func(gs *types.GenesisState) { gs.Containers[0].SSCC = "106141411234567898" },
		"container twice":       func(gs *types.GenesisState) { gs.Containers = append(gs.Containers, gs.Containers[0]) },
		"history of no unit":    func(gs *types.GenesisState) { gs.Histories[0].Unit = gtinA + "/S9" },
		"event seq not below":   func(gs *types.GenesisState) { gs.NextEventSeq = 3 },
		"event seq zero":        func(gs *types.GenesisState) { gs.Histories[1].Events[0].Seq = 0 },
		"alert id not below":    func(gs *types.GenesisState) { gs.NextAlertID = 5 },
		"alert id zero":         func(gs *types.GenesisState) { gs.Alerts[0].ID = 0 },
		"shipment id zero":      func(gs *types.GenesisState) { gs.Shipments[0].ID = 0 },
		"shipment id not below": func(gs *types.GenesisState) { gs.NextShipmentID = 2 },
		"next shipment id zero": func(gs *types.GenesisState) { gs.NextShipmentID = 0 },
		"recall lot":            func(gs *types.GenesisState) { gs.Recalls[0].Lot = "" },
		"recall GTIN":           func(gs *types.GenesisState) { gs.Recalls[0].GTIN = "09506000134353" },
		"recall of no product":  func(gs *types.GenesisState) { gs.Recalls[0].GTIN = "04012345000009" },
		"recall GTIN-13":        func(gs *types.GenesisState) { gs.Recalls[0].GTIN = gtinA[1:] },
		"recall without class":  func(gs *types.GenesisState) { gs.Recalls[0].Class = 0 },
		"recall reason code":    func(gs *types.GenesisState) { gs.Recalls[0].ReasonCode = 99 },
		"recall free text":      func(gs *types.GenesisState) { gs.Recalls[0].Reason = "class-ii" },
		"recall code mismatch":  func(gs *types.GenesisState) { gs.Recalls[0].Reason = "CLASS_I:MISLABELLING" },
	} {
		t.Run(name, func(t *testing.T) {
			gs := validGenesis()
			mutate(gs)
			require.ErrorIs(t, gs.Validate(), types.ErrInvalidGenesis)
		})
	}
	gs := validGenesis()
	gs.Params.GasPerUnit = 0
	require.ErrorIs(t, gs.Validate(), types.ErrInvalidParams, "the params error is kept")
}
