package types

import consortiumtypes "github.com/healthchain/healthd/x/consortium/types"

// BreakGlassRoles returns the consortium roles of which an active member may
// open break-glass access (MsgBreakGlass). It is a function, not a variable,
// so no caller can change the rule; the gateway asks it too, to answer the
// break-glass recipients only to those who may break glass.
func BreakGlassRoles() []consortiumtypes.Role {
	return []consortiumtypes.Role{consortiumtypes.Role_ROLE_HOSPITAL}
}
