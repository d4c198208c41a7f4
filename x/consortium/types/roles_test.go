package types_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/healthchain/healthd/x/consortium/types"
)

// assignableRoles is every role except ROLE_UNSPECIFIED, in enum order.
var assignableRoles = []types.Role{
	types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY, types.Role_ROLE_PHARMACY,
	types.Role_ROLE_PAYER, types.Role_ROLE_MANUFACTURER, types.Role_ROLE_DISTRIBUTOR,
	types.Role_ROLE_REGULATOR, types.Role_ROLE_RESEARCH_SPONSOR, types.Role_ROLE_ORGAN_PROCUREMENT,
	types.Role_ROLE_TRANSPLANT_CENTRE, types.Role_ROLE_ETHICS_COMMITTEE,
}

func reversed(rs []types.Role) []types.Role {
	out := slices.Clone(rs)
	slices.Reverse(out)
	return out
}

func TestRoleShortNames(t *testing.T) {
	require.Equal(t, []string{
		"hospital", "laboratory", "pharmacy", "payer", "manufacturer", "distributor",
		"regulator", "research-sponsor", "organ-procurement", "transplant-centre", "ethics-committee",
	}, types.RoleShortNames())
	require.Len(t, assignableRoles, len(types.Role_name)-1, "a role was added: update assignableRoles")
	for i, r := range assignableRoles {
		require.Equal(t, types.RoleShortNames()[i], r.ShortName())
	}
	require.NotContains(t, types.RoleShortNames(), "unspecified")
}

func TestRoleShortName(t *testing.T) {
	require.Equal(t, "transplant-centre", types.Role_ROLE_TRANSPLANT_CENTRE.ShortName())
	require.Equal(t, "research-sponsor", types.Role_ROLE_RESEARCH_SPONSOR.ShortName())
	require.Equal(t, "hospital", types.Role_ROLE_HOSPITAL.ShortName())
	require.Equal(t, "unspecified", types.Role_ROLE_UNSPECIFIED.ShortName())
}

func TestParseRole(t *testing.T) {
	valid := []struct {
		in   string
		want types.Role
	}{
		{"laboratory", types.Role_ROLE_LABORATORY},
		{"LABORATORY", types.Role_ROLE_LABORATORY},
		{"Laboratory", types.Role_ROLE_LABORATORY},
		{"ROLE_LABORATORY", types.Role_ROLE_LABORATORY},
		{"role_laboratory", types.Role_ROLE_LABORATORY},
		{"  laboratory\t", types.Role_ROLE_LABORATORY},
		{"research-sponsor", types.Role_ROLE_RESEARCH_SPONSOR},
		{"research_sponsor", types.Role_ROLE_RESEARCH_SPONSOR},
		{"Research-Sponsor", types.Role_ROLE_RESEARCH_SPONSOR},
		{"ROLE_RESEARCH_SPONSOR", types.Role_ROLE_RESEARCH_SPONSOR},
		{"transplant-centre", types.Role_ROLE_TRANSPLANT_CENTRE},
		{"organ_procurement", types.Role_ROLE_ORGAN_PROCUREMENT},
	}
	for _, tc := range valid {
		t.Run(tc.in, func(t *testing.T) {
			got, err := types.ParseRole(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}

	invalid := []string{
		"", "   ", "unspecified", "UNSPECIFIED", "ROLE_UNSPECIFIED", "ROLE_", "role_",
		"surgeon", "lab", "research sponsor", "researchsponsor", "2", "0", "ROLE_ROLE_LABORATORY",
		"laboratory,hospital", "transplant-center", "hospital\x00",
	}
	for _, in := range invalid {
		t.Run("invalid "+in, func(t *testing.T) {
			got, err := types.ParseRole(in)
			require.ErrorIs(t, err, types.ErrInvalidRole)
			require.Equal(t, types.Role_ROLE_UNSPECIFIED, got)
			// The error lists the accepted spellings.
			require.Contains(t, err.Error(), strings.Join(types.RoleShortNames(), ", "))
		})
	}
}

// TestParseRoleRoundTrip: every role parses back from its short and enum names.
func TestParseRoleRoundTrip(t *testing.T) {
	for _, r := range assignableRoles {
		for _, s := range []string{r.ShortName(), r.String(), strings.ToUpper(r.ShortName())} {
			got, err := types.ParseRole(s)
			require.NoError(t, err, s)
			require.Equal(t, r, got, s)
		}
	}
}

func TestRoleValidate(t *testing.T) {
	for _, r := range assignableRoles {
		require.NoError(t, r.Validate(), r.String())
	}
	for _, r := range []types.Role{types.Role_ROLE_UNSPECIFIED, types.Role(12), types.Role(99), types.Role(-1)} {
		require.ErrorIs(t, r.Validate(), types.ErrInvalidRole, "role %d", int32(r))
	}
}

func TestNormalizeRoles(t *testing.T) {
	H, L, P := types.Role_ROLE_HOSPITAL, types.Role_ROLE_LABORATORY, types.Role_ROLE_PHARMACY
	cases := []struct {
		name   string
		in     []types.Role
		want   []types.Role
		expErr bool
		errMsg string
	}{
		{"single", []types.Role{L}, []types.Role{L}, false, ""},
		{"sorted stays", []types.Role{H, L, P}, []types.Role{H, L, P}, false, ""},
		{"reversed is sorted", []types.Role{P, L, H}, []types.Role{H, L, P}, false, ""},
		{"all eleven", reversed(assignableRoles), assignableRoles, false, ""},
		{"nil", nil, nil, true, "at least one role"},
		{"empty", []types.Role{}, nil, true, "at least one role"},
		{"unspecified", []types.Role{types.Role_ROLE_UNSPECIFIED}, nil, true, "unspecified"},
		{"unspecified with valid", []types.Role{L, types.Role_ROLE_UNSPECIFIED}, nil, true, "unspecified"},
		{"unknown 99", []types.Role{types.Role(99)}, nil, true, "unknown role 99"},
		{"unknown 12", []types.Role{H, types.Role(12)}, nil, true, "unknown role 12"},
		{"negative", []types.Role{types.Role(-3)}, nil, true, "unknown role -3"},
		{"adjacent duplicate", []types.Role{L, L}, nil, true, "laboratory listed twice"},
		{"distant duplicate", []types.Role{P, H, L, P}, nil, true, "pharmacy listed twice"},
		{"more than MaxRoles", append(slices.Clone(assignableRoles), H), nil, true, "at most 11"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			got, err := types.NormalizeRoles(in)
			require.Equal(t, tc.in, in, "the input was modified")
			if tc.expErr {
				require.ErrorIs(t, err, types.ErrInvalidRole)
				require.Contains(t, err.Error(), tc.errMsg)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.True(t, slices.IsSorted(got))
			if len(got) > 0 && len(in) > 0 {
				got[0] = types.Role(77)
				require.NotEqual(t, types.Role(77), in[0], "the result aliases the input")
			}
		})
	}
}

func TestMemberHasRoleAndIsActive(t *testing.T) {
	m := types.Member{Roles: []types.Role{types.Role_ROLE_HOSPITAL, types.Role_ROLE_PAYER}, Status: types.MemberStatus_MEMBER_STATUS_ACTIVE}
	require.True(t, m.HasRole(types.Role_ROLE_HOSPITAL))
	require.True(t, m.HasRole(types.Role_ROLE_PAYER))
	require.False(t, m.HasRole(types.Role_ROLE_LABORATORY))
	require.False(t, m.HasRole(types.Role_ROLE_UNSPECIFIED))
	require.True(t, m.IsActive())
	m.Status = types.MemberStatus_MEMBER_STATUS_SUSPENDED
	require.False(t, m.IsActive())
	m.Status = types.MemberStatus_MEMBER_STATUS_UNSPECIFIED
	require.False(t, m.IsActive())
}
