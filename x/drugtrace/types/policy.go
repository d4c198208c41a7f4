package types

import (
	"slices"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
)

// Action is something a member does to the supply chain. Every message names
// one, and x/consortium's RequireRole must find one of RolesTo(action) among
// the sender's roles before anything else is read; it refuses unknown and
// suspended members, so a suspended member can do nothing here.
//
// The roles are the first gate only. The keeper then checks what ties the
// sender to the goods: the custodian packs, ships, decommissions and
// dispenses what it holds, the addressee receives, the product's own
// manufacturer commissions its units and is a lot authority for them (see
// keeper/holds.go), and only a regulator lifts a regulator's hold.
type Action int

// The actions, one per message (unpacking is ActionPack, refusing a shipment
// is ActionReceive, holding a lot is ActionQuarantine).
const (
	ActionRegisterProduct Action = iota + 1
	ActionCommission
	ActionPack
	ActionShip
	ActionReceive
	ActionDispense
	ActionDecommission
	ActionQuarantine
	ActionRelease
	ActionConfirmIllegitimate
	ActionRecall
)

var (
	roleManufacturer = consortiumtypes.Role_ROLE_MANUFACTURER
	roleDistributor  = consortiumtypes.Role_ROLE_DISTRIBUTOR
	rolePharmacy     = consortiumtypes.Role_ROLE_PHARMACY
	roleHospital     = consortiumtypes.Role_ROLE_HOSPITAL
	roleRegulator    = consortiumtypes.Role_ROLE_REGULATOR
)

// policy says which roles may do each action.
var policy = map[Action][]consortiumtypes.Role{
	ActionRegisterProduct: {roleManufacturer},
	ActionCommission:      {roleManufacturer},
	// The supply chain's trading partners handle goods. Only they can raise
	// a suspect-product alert (by shipping a unit they do not hold), so
	// outsiders cannot flood the alert log.
	ActionPack:         {roleManufacturer, roleDistributor, rolePharmacy, roleHospital},
	ActionShip:         {roleManufacturer, roleDistributor, rolePharmacy, roleHospital},
	ActionDecommission: {roleManufacturer, roleDistributor, rolePharmacy, roleHospital},
	// Goods are shipped only to those who may receive them.
	ActionReceive:  {roleDistributor, rolePharmacy, roleHospital},
	ActionDispense: {rolePharmacy, roleHospital},
	// A custodian quarantines what it holds, a regulator anything.
	ActionQuarantine: {roleRegulator, roleManufacturer, roleDistributor, rolePharmacy, roleHospital},
	// Lot authorities: a regulator, or the product's manufacturer.
	ActionRelease:             {roleRegulator, roleManufacturer},
	ActionConfirmIllegitimate: {roleRegulator, roleManufacturer},
	ActionRecall:              {roleRegulator, roleManufacturer},
}

// RolesTo returns the roles that may do act (a copy: callers may keep it).
func RolesTo(act Action) []consortiumtypes.Role {
	return slices.Clone(policy[act])
}

// MayLiftHold reports whether an actor may lift a hold (a unit's quarantine
// or a lot hold): one placed by a regulator is lifted only by a regulator,
// even if the placing regulator has since lost its role. actorIsRegulator is
// asked only for a regulator's hold.
func MayLiftHold(heldByRegulator bool, actorIsRegulator func() bool) bool {
	return !heldByRegulator || actorIsRegulator()
}

// MayTakeOverHold reports whether an actor may take over an existing hold:
// a regulator takes over a custodian's quarantine or a manufacturer's lot
// hold, after which only a regulator lifts it. Anyone else, or a second
// regulator, finds it already held.
func MayTakeOverHold(heldByRegulator, actorIsRegulator bool) bool {
	return actorIsRegulator && !heldByRegulator
}
