package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// unitLifecycle: the whole life of a unit, by CLI: the manufacturer
// commissions a pallet's worth, packs, ships to the distributor; the
// distributor receives and ships on to the pharmacy; the pharmacy receives,
// verifies and dispenses; history and EPCIS show every step in order.
func unitLifecycle(t *testing.T, n *node) {
	const gtin = "09506000134352"
	dist, pharmacy, patient := n.addr("distributor"), n.addr("pharmacy"), n.addr("patient2")
	tx := func(from string, args ...string) {
		t.Helper()
		code, log := n.txResult(n.txCLI(append(append([]string{"tx", "drugtrace"}, args...), "--from", from, "--gas", "auto", "--gas-adjustment", "1.5", "-y", "-o", "json")...))
		require.Zero(t, code, "%v: %s", args, log)
	}

	tx("manufacturer", "register-product", gtin, "Amoxicillin 500 mg capsules", "--ndc", "0093-4155-73", "--prescription-only")
	serials := make([]string, 0, 24)
	for i := 1; i <= 24; i++ {
		serials = append(serials, fmt.Sprintf("SN%04d", i))
	}
	tx("manufacturer", append([]string{"commission", gtin, "LOT24A", "2028-06-30"}, serials...)...)
	// Two cases of twelve on a pallet.
	caseA, caseB, pallet := "106141411234567897", "106141411234567903", "106141411234567910"
	packArgs := func(sscc string, from []string) []string {
		out := []string{"pack", sscc}
		for _, s := range from {
			out = append(out, "--units", gtin+"/"+s)
		}
		return out
	}
	tx("manufacturer", packArgs(caseA, serials[:12])...)
	tx("manufacturer", packArgs(caseB, serials[12:])...)
	tx("manufacturer", "pack", pallet, "--containers", caseA, "--containers", "(00)"+caseB)
	tx("manufacturer", "ship", dist, "--containers", pallet, "--transaction-reference", "PO-1001")

	// A payer is no trading partner: it may not ship at all.
	code, log := n.txResult(n.txCLI("tx", "drugtrace", "ship", pharmacy, "--units", gtin+"/SN0001", "--from", "payer", "-y", "-o", "json"))
	require.NotZero(t, code)
	require.Contains(t, log, "lacks required role")

	tx("distributor", "receive", "1")
	// The pharmacy naming a unit the distributor holds: refused, with a suspect-product alert.
	tx("pharmacy", "ship", n.addr("hospital"), "--units", gtin+"/SN0013")
	require.Contains(t, n.mustCLI("q", "drugtrace", "alerts", "-o", "json"), "VERDICT_CUSTODY_MISMATCH")
	require.Contains(t, n.mustCLI("q", "drugtrace", "unit", gtin+"/SN0013", "-o", "json"), dist, "custody unchanged")

	tx("distributor", "unpack", pallet)
	tx("distributor", "unpack", caseA)
	tx("distributor", "ship", pharmacy, "--units", gtin+"/SN0001", "--units", gtin+"/SN0002")
	tx("pharmacy", "receive", "2")

	label := "(01)" + gtin + "(17)280630(10)LOT24A(21)SN0001"
	var v struct {
		Verdict  string `json:"verdict"`
		Saleable bool   `json:"saleable"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "drugtrace", "verify", label, pharmacy, "-o", "json")), &v))
	require.Equal(t, "VERDICT_AUTHENTIC_SALEABLE", v.Verdict)
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "drugtrace", "verify", label, dist, "-o", "json")), &v))
	require.Equal(t, "VERDICT_CUSTODY_MISMATCH", v.Verdict)

	tx("pharmacy", "dispense", label, patient, "--rx", canaryRx)
	// A second dispense is refused in the response, with a suspect-product alert.
	tx("pharmacy", "dispense", gtin+"/SN0001", patient, "--rx", canaryRx)
	alerts := n.mustCLI("q", "drugtrace", "alerts", "-o", "json")
	require.Contains(t, alerts, "VERDICT_ALREADY_DISPENSED")
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "drugtrace", "verify", label, "-o", "json")), &v))
	require.Equal(t, "VERDICT_ALREADY_DISPENSED", v.Verdict)

	// History: every step in order, with the containers the unit travelled in.
	var h struct {
		Events []struct {
			BizStep   string `json:"biz_step"`
			Container string `json:"container"`
		} `json:"events"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.mustCLI("q", "drugtrace", "history", gtin+"/SN0001", "-o", "json")), &h))
	var steps []string
	for _, e := range h.Events {
		steps = append(steps, e.BizStep)
	}
	require.Equal(t, []string{"commissioning", "packing", "packing", "shipping", "receiving", "unpacking", "unpacking",
		"shipping", "receiving", "dispensing"}, steps)
	require.Equal(t, caseA, h.Events[1].Container)
	require.Equal(t, pallet, h.Events[2].Container)

	var doc struct {
		Type string `json:"type"`
		Body struct {
			EventList []struct {
				Type    string `json:"type"`
				BizStep string `json:"bizStep"`
			} `json:"eventList"`
		} `json:"epcisBody"`
	}
	epcis := n.mustCLI("q", "drugtrace", "history", "https://id.gs1.org/01/"+gtin+"/21/SN0001", "--epcis")
	require.NoError(t, json.Unmarshal([]byte(epcis), &doc), epcis)
	require.Equal(t, "EPCISDocument", doc.Type)
	require.Len(t, doc.Body.EventList, len(steps))
	for i, e := range doc.Body.EventList {
		require.Equal(t, steps[i], e.BizStep)
	}
	require.Equal(t, "AggregationEvent", doc.Body.EventList[1].Type)
	require.False(t, strings.Contains(epcis, patient), "the patient's account is never in the history")
}
