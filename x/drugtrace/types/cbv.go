package types

// The EPCIS 2.0 vocabulary a TraceEvent is written in: event types and
// actions from EPCIS, business steps and dispositions from the GS1 Core
// Business Vocabulary (CBV 2.0). EPCISDocument renders them as they are.
const (
	EventTypeObject      = "ObjectEvent"
	EventTypeAggregation = "AggregationEvent"

	ActionAdd     = "ADD"
	ActionObserve = "OBSERVE"
	ActionDelete  = "DELETE"

	BizStepCommissioning   = "commissioning"
	BizStepPacking         = "packing"
	BizStepUnpacking       = "unpacking"
	BizStepShipping        = "shipping"
	BizStepReceiving       = "receiving"
	BizStepDispensing      = "dispensing"
	BizStepDecommissioning = "decommissioning"
	BizStepHolding         = "holding"

	DispositionActive      = "active"
	DispositionInTransit   = "in_transit"
	DispositionInProgress  = "in_progress"
	DispositionDispensed   = "dispensed"
	DispositionDestroyed   = "destroyed"
	DispositionStolen      = "stolen"
	DispositionExpired     = "expired"
	DispositionNonSellable = "non_sellable_other"
	DispositionReturned    = "returned"
)

// decommissionDispositions maps each decommission reason to its CBV disposition.
var decommissionDispositions = map[DecommissionReason]string{
	DecommissionReason_DECOMMISSION_REASON_DESTROYED: DispositionDestroyed,
	DecommissionReason_DECOMMISSION_REASON_STOLEN:    DispositionStolen,
	DecommissionReason_DECOMMISSION_REASON_SAMPLE:    DispositionNonSellable,
	DecommissionReason_DECOMMISSION_REASON_EXPIRED:   DispositionExpired,
}

// DecommissionDisposition returns the CBV disposition of a decommissioning
// for reason; ok is false for UNSPECIFIED and unknown reasons.
func DecommissionDisposition(reason DecommissionReason) (disposition string, ok bool) {
	disposition, ok = decommissionDispositions[reason]
	return disposition, ok
}
