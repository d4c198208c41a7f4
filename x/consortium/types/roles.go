package types

import (
	"slices"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// Validate reports whether r is a defined role other than ROLE_UNSPECIFIED.
func (r Role) Validate() error {
	if r == Role_ROLE_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidRole, "role is unspecified")
	}
	if _, ok := Role_name[int32(r)]; !ok {
		return errorsmod.Wrapf(ErrInvalidRole, "unknown role %d", int32(r))
	}
	return nil
}

// ShortName is the role's CLI spelling, as autocli spells enum values:
// ROLE_TRANSPLANT_CENTRE is "transplant-centre".
func (r Role) ShortName() string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(r.String(), "ROLE_")), "_", "-")
}

// ParseRole accepts a role's short name ("research-sponsor", "research_sponsor")
// or its full enum name ("ROLE_RESEARCH_SPONSOR").
func ParseRole(s string) (Role, error) {
	name := strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "_")
	if !strings.HasPrefix(name, "ROLE_") {
		name = "ROLE_" + name
	}
	v, ok := Role_value[name]
	if !ok || Role(v) == Role_ROLE_UNSPECIFIED {
		return Role_ROLE_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidRole, "%q (known: %s)", s, strings.Join(RoleShortNames(), ", "))
	}
	return Role(v), nil
}

// RoleShortNames lists every assignable role's short name in enum order.
func RoleShortNames() []string {
	out := make([]string, 0, len(Role_name)-1)
	for i := int32(1); i < int32(len(Role_name)); i++ {
		out = append(out, Role(i).ShortName())
	}
	return out
}

// NormalizeRoles validates a role list and returns it sorted. An empty list, an
// undefined role or a repeated role is an error: a member always holds at least
// one role and the stored list is canonical.
func NormalizeRoles(roles []Role) ([]Role, error) {
	if len(roles) == 0 {
		return nil, errorsmod.Wrapf(ErrInvalidRole, "at least one role is required")
	}
	if len(roles) > MaxRoles {
		return nil, errorsmod.Wrapf(ErrInvalidRole, "%d roles given, at most %d", len(roles), MaxRoles)
	}
	out := slices.Clone(roles)
	slices.Sort(out)
	for i, r := range out {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		if i > 0 && out[i-1] == r {
			return nil, errorsmod.Wrapf(ErrInvalidRole, "%s listed twice", r.ShortName())
		}
	}
	return out, nil
}

// HasRole reports whether the member holds role r.
func (m Member) HasRole(r Role) bool {
	return slices.Contains(m.Roles, r)
}

// IsActive reports whether the member may act.
func (m Member) IsActive() bool {
	return m.Status == MemberStatus_MEMBER_STATUS_ACTIVE
}
