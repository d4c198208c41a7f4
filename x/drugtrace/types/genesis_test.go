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
