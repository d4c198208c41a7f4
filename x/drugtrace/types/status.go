package types

// unitTransitions lists, for each unit status, the statuses a unit may move
// to. Changes that keep the status (packing, a regulator taking over a
// quarantine, receiving a unit quarantined in transit) are not transitions.
var unitTransitions = map[UnitStatus][]UnitStatus{
	// Commissioning creates a unit ACTIVE.
	UnitStatus_UNIT_STATUS_UNSPECIFIED: {UnitStatus_UNIT_STATUS_ACTIVE},
	UnitStatus_UNIT_STATUS_ACTIVE: {UnitStatus_UNIT_STATUS_IN_TRANSIT, UnitStatus_UNIT_STATUS_QUARANTINED,
		UnitStatus_UNIT_STATUS_DISPENSED, UnitStatus_UNIT_STATUS_DECOMMISSIONED, UnitStatus_UNIT_STATUS_ILLEGITIMATE},
	// Received or refused, the unit is ACTIVE again.
	UnitStatus_UNIT_STATUS_IN_TRANSIT: {UnitStatus_UNIT_STATUS_ACTIVE, UnitStatus_UNIT_STATUS_QUARANTINED,
		UnitStatus_UNIT_STATUS_ILLEGITIMATE},
	// A release restores the status the quarantine held (ACTIVE, or
	// IN_TRANSIT if the shipment has not arrived).
	UnitStatus_UNIT_STATUS_QUARANTINED: {UnitStatus_UNIT_STATUS_ACTIVE, UnitStatus_UNIT_STATUS_IN_TRANSIT,
		UnitStatus_UNIT_STATUS_DECOMMISSIONED, UnitStatus_UNIT_STATUS_ILLEGITIMATE},
	// A unit of a held lot may be confirmed illegitimate whatever its status,
	// even after it left the supply chain. Only then is an ACTIVE, IN_TRANSIT,
	// DISPENSED or DECOMMISSIONED unit confirmed illegitimate directly.
	UnitStatus_UNIT_STATUS_DISPENSED:      {UnitStatus_UNIT_STATUS_ILLEGITIMATE},
	UnitStatus_UNIT_STATUS_DECOMMISSIONED: {UnitStatus_UNIT_STATUS_ILLEGITIMATE},
	UnitStatus_UNIT_STATUS_ILLEGITIMATE:   {},
}

// CanTransition reports whether a unit may move from one status to another.
// The keeper refuses any other change of status (ErrInvalidStatus).
func CanTransition(from, to UnitStatus) bool {
	for _, s := range unitTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}
