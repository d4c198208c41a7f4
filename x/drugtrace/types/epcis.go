package types

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/healthchain/healthd/internal/gs1"
)

// EPCIS 2.0 JSON (JSON-LD) document of a unit's events (vocabulary in cbv.go). Identifiers are GS1
// Digital Link URIs, which EPCIS 2.0 accepts alongside EPC URNs and which need no
// GS1 company prefix length; parties are healthd accounts.
const (
	epcisContext   = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
	digitalLinkURL = "https://id.gs1.org"
	accountURN     = "urn:healthd:account:"
)

type epcisDocument struct {
	Context       []any     `json:"@context"`
	Type          string    `json:"type"`
	SchemaVersion string    `json:"schemaVersion"`
	CreationDate  string    `json:"creationDate"`
	Body          epcisBody `json:"epcisBody"`
}

type epcisBody struct {
	EventList []epcisEvent `json:"eventList"`
}

type epcisEvent struct {
	Type                string         `json:"type"`
	EventID             string         `json:"eventID"`
	EventTime           string         `json:"eventTime"`
	EventTimeZoneOffset string         `json:"eventTimeZoneOffset"`
	ParentID            string         `json:"parentID,omitempty"`
	EPCList             []string       `json:"epcList,omitempty"`
	ChildEPCs           []string       `json:"childEPCs,omitempty"`
	Action              string         `json:"action"`
	BizStep             string         `json:"bizStep"`
	Disposition         string         `json:"disposition"`
	BizTransactionList  []epcisBizTx   `json:"bizTransactionList,omitempty"`
	SourceList          []epcisParty   `json:"sourceList,omitempty"`
	DestinationList     []epcisParty   `json:"destinationList,omitempty"`
	ILMD                *epcisILMD     `json:"ilmd,omitempty"`
	Actor               *epcisActorExt `json:"healthd:actor,omitempty"`
}

type epcisBizTx struct {
	Type           string `json:"type"`
	BizTransaction string `json:"bizTransaction"`
}

type epcisParty struct {
	Type   string `json:"type"`
	Source string `json:"source,omitempty"`
	Dest   string `json:"destination,omitempty"`
}

type epcisILMD struct {
	Lot    string `json:"cbvmda:lotNumber"`
	Expiry string `json:"cbvmda:itemExpirationDate"`
}

type epcisActorExt struct {
	ID string `json:"@id"`
}

// UnitDigitalLink is the unit's GS1 Digital Link URI (https://id.gs1.org/01/…/21/…).
func UnitDigitalLink(gtin, serial string) string {
	return gs1.UnitID{GTIN: gtin, Serial: serial}.DigitalLink("id.gs1.org")
}

// EPCISDocument renders a unit's history as an EPCIS 2.0 JSON document, events
// in the order they happened.
func EPCISDocument(u Unit, events []TraceEvent, created time.Time) ([]byte, error) {
	epc := UnitDigitalLink(u.GTIN, u.Serial)
	doc := epcisDocument{
		Context: []any{epcisContext, map[string]string{"healthd": "urn:healthd:epcis:"}}, Type: "EPCISDocument", SchemaVersion: "2.0",
		CreationDate: created.UTC().Format(time.RFC3339Nano),
		Body:         epcisBody{EventList: make([]epcisEvent, 0, len(events))},
	}
	for _, e := range events {
		ev := epcisEvent{
			Type: e.EventType, EventID: "urn:healthd:event:" + strconv.FormatUint(e.Seq, 10),
			EventTime: e.Time.UTC().Format(time.RFC3339Nano), EventTimeZoneOffset: "+00:00",
			Action: e.Action, BizStep: e.BizStep, Disposition: e.Disposition,
		}
		if e.EventType == EventTypeAggregation {
			ev.ParentID = digitalLinkURL + "/00/" + e.Container
			ev.ChildEPCs = []string{epc}
		} else {
			ev.EPCList = []string{epc}
		}
		if tx := bizTransaction(e); tx != "" {
			ev.BizTransactionList = []epcisBizTx{{Type: "desadv", BizTransaction: tx}}
			if e.BizStep == BizStepDispensing {
				ev.BizTransactionList[0].Type = "prodorder"
			}
		}
		if e.From != "" {
			ev.SourceList = []epcisParty{{Type: "owning_party", Source: accountURN + e.From}}
		}
		if e.To != "" {
			ev.DestinationList = []epcisParty{{Type: "owning_party", Dest: accountURN + e.To}}
		}
		if e.BizStep == BizStepCommissioning {
			ev.ILMD = &epcisILMD{Lot: u.Lot, Expiry: u.Expiry.UTC().Format(time.DateOnly)}
		}
		if e.Actor != "" {
			ev.Actor = &epcisActorExt{ID: accountURN + e.Actor}
		}
		doc.Body.EventList = append(doc.Body.EventList, ev)
	}
	return json.MarshalIndent(doc, "", "  ")
}

// bizTransaction is the URI of the business transaction behind e: a
// dispense's prescription (its bridge id, or the commitment to the
// pharmacy's reference), else the shipment's reference.
func bizTransaction(e TraceEvent) string {
	switch {
	case e.PrescriptionID != 0:
		return "urn:healthd:prescription:" + strconv.FormatUint(e.PrescriptionID, 10)
	case len(e.PrescriptionCommitment) != 0:
		return "urn:healthd:prescription-commitment:" + hex.EncodeToString(e.PrescriptionCommitment)
	case e.TransactionReference != "":
		return "urn:healthd:tx:" + e.TransactionReference
	}
	return ""
}
