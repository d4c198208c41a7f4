package types_test

import (
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

func TestUnitDigitalLink(t *testing.T) {
	require.Equal(t, "https://id.gs1.org/01/"+gtinA+"/21/S1", types.UnitDigitalLink(gtinA, "S1"))
	dl := types.UnitDigitalLink(gtinA, "A/1?%")
	id, err := gs1.ParseDigitalLink(dl, refTime)
	require.NoError(t, err, dl)
	require.Equal(t, "A/1?%", id.Serial, "the serial survives the round trip")
}

func TestEPCISDocumentEmpty(t *testing.T) {
	bz, err := types.EPCISDocument(types.Unit{GTIN: gtinA, Serial: "S1"}, nil, refTime)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(bz, &doc))
	require.Equal(t, "EPCISDocument", doc["type"])
	require.Equal(t, "2.0", doc["schemaVersion"])
	require.Equal(t, "2026-03-02T09:30:00Z", doc["creationDate"])
	ctx, ok := doc["@context"].([]any)
	require.True(t, ok)
	require.Equal(t, "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", ctx[0])
	body := doc["epcisBody"].(map[string]any)
	require.Equal(t, []any{}, body["eventList"], "an empty history is an empty list, not null")
}

func TestEPCISDocumentEvents(t *testing.T) {
	u := types.Unit{GTIN: gtinA, Serial: "S1", Lot: "L1", Expiry: day(2028, 12, 31)}
	cet := time.FixedZone("CET", 3600)
	events := []types.TraceEvent{
		{Seq: 3, EventType: "ObjectEvent", Action: "ADD", BizStep: "commissioning", Disposition: "active", Actor: "health1m", Time: time.Date(2026, 3, 2, 10, 30, 0, 0, cet)},
		{Seq: 7, EventType: "AggregationEvent", Action: "ADD", BizStep: "packing", Disposition: "in_progress", Actor: "health1m", Container: ssccA, Time: refTime},
		{Seq: 9, EventType: "ObjectEvent", Action: "OBSERVE", BizStep: "shipping", Disposition: "in_transit", Actor: "health1m", From: "health1m", To: "health1d",
			Container: ssccA, TransactionReference: "TS-1", Time: refTime},
		{Seq: 12, EventType: "ObjectEvent", Action: "OBSERVE", BizStep: "dispensing", Disposition: "dispensed", Actor: "health1p",
			PrescriptionID: 42, PatientRefHash: "ab", Time: refTime},
		{Seq: 13, EventType: "ObjectEvent", Action: "OBSERVE", BizStep: "dispensing", Disposition: "dispensed", Actor: "health1p",
			PrescriptionCommitment: rxCommitment, PatientRefHash: "cd", Time: refTime},
	}
	bz, err := types.EPCISDocument(u, events, refTime)
	require.NoError(t, err)
	var doc struct {
		Body struct {
			EventList []map[string]any `json:"eventList"`
		} `json:"epcisBody"`
	}
	require.NoError(t, json.Unmarshal(bz, &doc))
	evs := doc.Body.EventList
	require.Len(t, evs, 5)
	epc := "https://id.gs1.org/01/" + gtinA + "/21/S1"

	c := evs[0]
	require.Equal(t, "ObjectEvent", c["type"])
	require.Equal(t, "urn:healthd:event:3", c["eventID"])
	require.Equal(t, "2026-03-02T09:30:00Z", c["eventTime"], "event times are UTC")
	require.Equal(t, "+00:00", c["eventTimeZoneOffset"])
	require.Equal(t, []any{epc}, c["epcList"])
	require.Equal(t, map[string]any{"cbvmda:lotNumber": "L1", "cbvmda:itemExpirationDate": "2028-12-31"}, c["ilmd"])
	require.Equal(t, map[string]any{"@id": "urn:healthd:account:health1m"}, c["healthd:actor"])
	require.NotContains(t, c, "parentID")
	require.NotContains(t, c, "bizTransactionList")

	p := evs[1]
	require.Equal(t, "AggregationEvent", p["type"])
	require.Equal(t, "https://id.gs1.org/00/"+ssccA, p["parentID"])
	require.Equal(t, []any{epc}, p["childEPCs"])
	require.NotContains(t, p, "epcList")
	require.NotContains(t, p, "ilmd")

	s := evs[2]
	require.Equal(t, []any{epc}, s["epcList"], "an object event in a container still lists the unit")
	require.NotContains(t, s, "parentID")
	require.Equal(t, []any{map[string]any{"type": "desadv", "bizTransaction": "urn:healthd:tx:TS-1"}}, s["bizTransactionList"])
	require.Equal(t, []any{map[string]any{"type": "owning_party", "source": "urn:healthd:account:health1m"}}, s["sourceList"])
	require.Equal(t, []any{map[string]any{"type": "owning_party", "destination": "urn:healthd:account:health1d"}}, s["destinationList"])

	d := evs[3]
	require.Equal(t, []any{map[string]any{"type": "prodorder", "bizTransaction": "urn:healthd:prescription:42"}}, d["bizTransactionList"])
	d = evs[4]
	require.Equal(t, []any{map[string]any{"type": "prodorder", "bizTransaction": "urn:healthd:prescription-commitment:" + hex.EncodeToString(rxCommitment)}},
		d["bizTransactionList"], "a pharmacy's own prescription: only its commitment")
	require.NotContains(t, string(bz), "patient", "the patient hash is not exported")
}
