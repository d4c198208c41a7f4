package keeper_test

import (
	"cosmossdk.io/collections"

	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/consortium/keeper"
	"github.com/healthchain/healthd/x/consortium/types"
)

// TestInvariantsHoldAndCatchDrift checks that the invariants hold after
// admissions and a suspension, and that each one catches an index written
// around the keeper.
func (s *KeeperTestSuite) TestInvariantsHoldAndCatchDrift() {
	hospital, lab := testkit.Addr("hospital"), testkit.Addr("lab")
	s.admit(hospital, "General Hospital", types.Role_ROLE_HOSPITAL)
	s.admit(lab, "City Lab", types.Role_ROLE_LABORATORY)
	s.suspend(lab, "Audit")

	invs := map[string]func() (string, bool){
		"role-index":       func() (string, bool) { return keeper.RoleIndexInvariant(s.keeper)(s.ctx) },
		"identifier-index": func() (string, bool) { return keeper.IdentifierIndexInvariant(s.keeper)(s.ctx) },
		"node-members":     func() (string, bool) { return keeper.NodeMembersInvariant(s.keeper)(s.ctx) },
	}
	for name, inv := range invs {
		msg, broken := inv()
		s.Require().False(broken, "%s: %s", name, msg)
	}

	// A role the member does not hold, indexed.
	s.Require().NoError(s.keeper.RoleIndex.Set(s.ctx, collections.Join(int32(types.Role_ROLE_PAYER), hospital)))
	msg, broken := invs["role-index"]()
	s.Require().True(broken)
	s.Require().Contains(msg, "no member holding it")

	// An identifier pointing at the wrong member.
	s.Require().NoError(s.keeper.IdentifierIndex.Set(s.ctx, collections.Join(types.IdentifierGLN, "0614141999996"), lab))
	_, broken = invs["identifier-index"]()
	s.Require().True(broken)

	// A node of an account that is not a member.
	s.Require().NoError(s.keeper.Nodes.Set(s.ctx, "0123456789abcdef0123456789abcdef01234567",
		types.Node{NodeID: "0123456789abcdef0123456789abcdef01234567", Member: s.addrStr(testkit.Addr("stranger"))}))
	_, broken = invs["node-members"]()
	s.Require().True(broken)
}
