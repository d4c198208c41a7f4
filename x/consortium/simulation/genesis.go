package simulation

import (
	"fmt"

	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/healthchain/healthd/internal/gs1"

	"github.com/healthchain/healthd/x/consortium/types"
)

// RoleCount is the number of assignable roles.
const RoleCount = 11

// CoreRole is the role of core member i (1..CoreMembers): each role twice.
func CoreRole(i int) types.Role { return types.Role((i-1)%RoleCount + 1) }

// CompanyPrefix is the GS1 company prefix the simulation gives the member at
// account index i: seven digits, so no two overlap.
func CompanyPrefix(i int) string { return fmt.Sprintf("5%06d", i) }

// FIN is the ISBT 128 Facility Identification Number the simulation gives
// the member at account index i.
func FIN(i int) string { return fmt.Sprintf("A%04d", i) }

// GLN is the Global Location Number the simulation gives the member at
// account index i: "40", ten digits, the GS1 check digit.
func GLN(i int) string {
	body := fmt.Sprintf("40%010d", i)
	c, err := gs1.CheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

// RandomizedGenState makes the first simulation account the authority's
// member, the next CoreMembers members with one role each (every role
// twice), half of the rest members with one or two random roles, and leaves
// the others patients. Manufacturers get a GS1 company prefix and organ
// procurement organisations an ISBT 128 FIN.
func RandomizedGenState(simState *module.SimulationState) {
	accs := simState.Accounts
	r := simState.Rand
	gs := types.GenesisState{Params: ptr(types.DefaultParams())}
	extra := 0
	if len(accs) > CoreMembers+1 {
		extra = (len(accs) - CoreMembers - 1) / 2
	}
	for i, acc := range accs {
		if i > CoreMembers+extra {
			break
		}
		var roles []types.Role
		switch {
		case i == 0:
			roles = []types.Role{types.Role_ROLE_REGULATOR}
		case i <= CoreMembers:
			roles = []types.Role{CoreRole(i)}
		default:
			a := types.Role(r.Intn(RoleCount) + 1)
			b := types.Role(r.Intn(RoleCount) + 1)
			roles = []types.Role{a}
			if b != a && r.Intn(3) == 0 {
				roles = append(roles, b)
			}
		}
		roles, err := types.NormalizeRoles(roles)
		if err != nil {
			panic(err)
		}
		m := types.Member{
			Address: acc.Address.String(),
			Name:    fmt.Sprintf("Simulated Organisation %d", i),
			Roles:   roles,
			Status:  types.MemberStatus_MEMBER_STATUS_ACTIVE,
			GLN:     GLN(i),
		}
		if i == 0 {
			m.Name = AuthorityName
		}
		for _, role := range roles {
			switch role {
			case types.Role_ROLE_MANUFACTURER:
				m.GS1CompanyPrefixes = []string{CompanyPrefix(i)}
			case types.Role_ROLE_ORGAN_PROCUREMENT:
				m.FINs = []string{FIN(i)}
			}
		}
		gs.Members = append(gs.Members, m)
	}
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(&gs)
}

func ptr[T any](v T) *T { return &v }

// AccountIndex returns the index of addr among the simulation accounts, or -1.
func AccountIndex(accs []simtypes.Account, addr string) int {
	for i, a := range accs {
		if a.Address.String() == addr {
			return i
		}
	}
	return -1
}
