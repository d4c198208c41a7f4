package simulation

import (
	"context"
	"fmt"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/gs1"
	"github.com/healthchain/healthd/x/consortium/keeper"
	"github.com/healthchain/healthd/x/consortium/types"
)

// Register adds x/consortium's operations: every message, accepted and
// refused (a wrong actor or a bad input).
func Register(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	d := ExportDigest(k.ExportGenesis)
	unauth := Errs(sdkerrors.ErrUnauthorized)
	reg.Add(weights.Get("consortium_admit_member", 8), Succeed(AdmitMember(k)))
	reg.Add(weights.Get("consortium_admit_member_unauthorized", 3), Refuse(d, unauth, AdmitMemberWrongAuthority(k)))
	reg.Add(weights.Get("consortium_admit_member_exists", 3), Refuse(d, Errs(types.ErrMemberExists), AdmitExistingMember(k)))
	reg.Add(weights.Get("consortium_update_roles", 5), Succeed(UpdateRoles(k)))
	reg.Add(weights.Get("consortium_update_roles_unauthorized", 2), Refuse(d, unauth, UpdateRolesWrongAuthority(k)))
	reg.Add(weights.Get("consortium_update_identifiers", 5), Succeed(UpdateIdentifiers(k, true)))
	reg.Add(weights.Get("consortium_update_identifiers_bad_gln", 2), Refuse(d, Errs(types.ErrInvalidIdentifier), UpdateIdentifiers(k, false)))
	reg.Add(weights.Get("consortium_suspend_member", 3), Succeed(SuspendMember(k)))
	reg.Add(weights.Get("consortium_suspend_member_unauthorized", 2), Refuse(d, unauth, SuspendMemberWrongAuthority(k)))
	reg.Add(weights.Get("consortium_reinstate_member", 5), Succeed(ReinstateMember(k, true)))
	reg.Add(weights.Get("consortium_reinstate_active_member", 2), Refuse(d, Errs(types.ErrMemberNotSuspended), ReinstateMember(k, false)))
	reg.Add(weights.Get("consortium_register_node", 5), Succeed(RegisterNode(k, true)))
	reg.Add(weights.Get("consortium_register_node_bad_signature", 2), Refuse(d, Errs(types.ErrNodeKeyMismatch), RegisterNode(k, false)))
	reg.Add(weights.Get("consortium_remove_node", 3), Succeed(RemoveNode(k, true)))
	reg.Add(weights.Get("consortium_remove_node_not_owner", 2), Refuse(d, Errs(types.ErrNotNodeOwner), RemoveNode(k, false)))
	reg.Add(weights.Get("consortium_update_params", 2), Succeed(UpdateParams(k, true)))
	reg.Add(weights.Get("consortium_update_params_unauthorized", 2), Refuse(d, unauth, UpdateParams(k, false)))
}

func isMember(ctx context.Context, k keeper.Keeper, a sdk.AccAddress) bool {
	has, err := k.Members.Has(ctx, a)
	return err == nil && has
}

// nonMember returns an account that is not a member, or skips; it leaves at
// least a fifth of the accounts patients.
func nonMember(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, k keeper.Keeper) simsx.SimAccount {
	var out []simsx.SimAccount
	for _, a := range data.AllAccounts() {
		if !isMember(ctx, k, a.Address) {
			out = append(out, data.GetAccountbyAccAddr(reporter, a.Address))
		}
	}
	if len(out)*5 < data.AccountsCount() {
		reporter.Skip("keep a fifth of the accounts patients")
		return simsx.SimAccount{}
	}
	return Pick(data, reporter, "non-member", out)
}

// mutableMember returns a member past the core ones (whose roles and status
// the simulation may change) with the given status, or skips.
func mutableMember(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter, k keeper.Keeper, status types.MemberStatus) (simsx.SimAccount, types.Member) {
	type pair struct {
		a simsx.SimAccount
		m types.Member
	}
	var out []pair
	for i, a := range data.AllAccounts() {
		if i <= CoreMembers {
			continue
		}
		m, err := k.Members.Get(ctx, a.Address)
		if err == nil && m.Status == status {
			out = append(out, pair{data.GetAccountbyAccAddr(reporter, a.Address), m})
		}
	}
	p := Pick(data, reporter, "mutable member", out)
	return p.a, p.m
}

func randomRoles(data *simsx.ChainDataSource) []types.Role {
	r := data.Rand()
	roles, _ := types.NormalizeRoles([]types.Role{types.Role(r.IntInRange(1, RoleCount+1))})
	return roles
}

// AdmitMember admits a patient account as a member with one role.
func AdmitMember(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgAdmitMember] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAdmitMember) {
		auth := Authority(data, reporter)
		acc := nonMember(ctx, data, reporter, k)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{auth}, &types.MsgAdmitMember{
			Authority: auth.AddressBech32, Address: acc.AddressBech32,
			Name: fmt.Sprintf("Admitted Organisation %d", data.Rand().IntInRange(0, 1_000_000)), Roles: randomRoles(data),
			GLN: randomGLN(data, true),
		}
	}
}

// AdmitMemberWrongAuthority is an admission signed by a member that is not the authority.
func AdmitMemberWrongAuthority(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgAdmitMember] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAdmitMember) {
		auth := Authority(data, reporter)
		signer := data.AnyAccount(reporter, simsx.ExcludeAccounts(auth))
		target := data.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgAdmitMember{
			Authority: signer.AddressBech32, Address: target.AddressBech32, Name: "Self Appointed", Roles: randomRoles(data), GLN: randomGLN(data, true),
		}
	}
}

// AdmitExistingMember admits an account that is already a member.
func AdmitExistingMember(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgAdmitMember] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAdmitMember) {
		auth := Authority(data, reporter)
		target := data.AccountAt(reporter, data.Rand().IntInRange(0, CoreMembers+1))
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{auth}, &types.MsgAdmitMember{
			Authority: auth.AddressBech32, Address: target.AddressBech32, Name: "Admitted Twice", Roles: randomRoles(data), GLN: randomGLN(data, true),
		}
	}
}

// UpdateRoles gives a non-core member a new role.
func UpdateRoles(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgUpdateRoles] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateRoles) {
		auth := Authority(data, reporter)
		acc, _ := mutableMember(ctx, data, reporter, k, types.MemberStatus_MEMBER_STATUS_ACTIVE)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{auth}, &types.MsgUpdateRoles{Authority: auth.AddressBech32, Address: acc.AddressBech32, Roles: randomRoles(data)}
	}
}

// UpdateRolesWrongAuthority is a member granting itself a role.
func UpdateRolesWrongAuthority(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgUpdateRoles] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateRoles) {
		auth := Authority(data, reporter)
		signer := data.AnyAccount(reporter, simsx.ExcludeAccounts(auth))
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgUpdateRoles{Authority: signer.AddressBech32, Address: signer.AddressBech32, Roles: randomRoles(data)}
	}
}

// randomGLN is a GLN: twelve random digits and the GS1 check digit; with
// valid false the check digit is wrong.
func randomGLN(data *simsx.ChainDataSource, valid bool) string {
	body := fmt.Sprintf("41%010d", data.Rand().IntInRange(0, 9_999_999_999))
	c, err := gs1.CheckDigit(body)
	if err != nil {
		panic(err)
	}
	if !valid {
		c = '0' + (c-'0'+1)%10
	}
	return body + string(c)
}

// UpdateIdentifiers gives a non-core member a new GLN, keeping its other
// identifiers; with valid false the GLN's check digit is wrong.
func UpdateIdentifiers(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgUpdateIdentifiers] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateIdentifiers) {
		auth := Authority(data, reporter)
		acc, m := mutableMember(ctx, data, reporter, k, types.MemberStatus_MEMBER_STATUS_ACTIVE)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{auth}, &types.MsgUpdateIdentifiers{
			Authority: auth.AddressBech32, Address: acc.AddressBech32, NPI: m.NPI, DEA: m.DEA, GLN: randomGLN(data, valid),
			GS1CompanyPrefixes: m.GS1CompanyPrefixes, FINs: m.FINs,
		}
	}
}

// SuspendMember suspends an active non-core member.
func SuspendMember(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgSuspendMember] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSuspendMember) {
		auth := Authority(data, reporter)
		acc, _ := mutableMember(ctx, data, reporter, k, types.MemberStatus_MEMBER_STATUS_ACTIVE)
		if reporter.IsSkipped() {
			return nil, nil
		}
		if k.OperatesValidator(ctx, acc.Address) {
			reporter.Skip("member operates a validator")
			return nil, nil
		}
		return []simsx.SimAccount{auth}, &types.MsgSuspendMember{Authority: auth.AddressBech32, Address: acc.AddressBech32, Reason: "Simulated audit finding"}
	}
}

// SuspendMemberWrongAuthority is a member suspending another.
func SuspendMemberWrongAuthority(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgSuspendMember] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSuspendMember) {
		auth := Authority(data, reporter)
		signer := data.AnyAccount(reporter, simsx.ExcludeAccounts(auth))
		target := data.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgSuspendMember{Authority: signer.AddressBech32, Address: target.AddressBech32, Reason: "Rival"}
	}
}

// ReinstateMember reinstates a suspended member; with suspended false it
// names an active one, which is refused.
func ReinstateMember(k keeper.Keeper, suspended bool) simsx.SimMsgFactoryFn[*types.MsgReinstateMember] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReinstateMember) {
		auth := Authority(data, reporter)
		status := types.MemberStatus_MEMBER_STATUS_SUSPENDED
		if !suspended {
			status = types.MemberStatus_MEMBER_STATUS_ACTIVE
		}
		acc, _ := mutableMember(ctx, data, reporter, k, status)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{auth}, &types.MsgReinstateMember{Authority: auth.AddressBech32, Address: acc.AddressBech32}
	}
}

// RegisterNode registers a fresh node key to an active member; with valid
// false the registration is signed by another key.
func RegisterNode(k keeper.Keeper, valid bool) simsx.SimMsgFactoryFn[*types.MsgRegisterNode] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRegisterNode) {
		member := data.AccountAt(reporter, data.Rand().IntInRange(0, CoreMembers+1))
		if reporter.IsSkipped() {
			return nil, nil
		}
		params, err := k.Params.Get(ctx)
		if err != nil {
			params = types.DefaultParams()
		}
		n := 0
		it, err := k.Nodes.Indexes.Member.MatchExact(ctx, member.Address)
		if err != nil {
			reporter.Skipf("nodes of member: %s", err)
			return nil, nil
		}
		for ; it.Valid(); it.Next() {
			n++
		}
		it.Close()
		if n >= int(params.MaxNodesPerMember) {
			reporter.Skip("member has its nodes")
			return nil, nil
		}
		secret := []byte(fmt.Sprintf("node-%d", data.Rand().IntInRange(0, 1<<30)))
		key := ed25519.GenPrivKeyFromSecret(secret)
		chainID := sdk.UnwrapSDKContext(ctx).ChainID()
		msg, err := types.NewMsgRegisterNode(member.AddressBech32, "", chainID, key)
		if err != nil {
			reporter.Skipf("node message: %s", err)
			return nil, nil
		}
		if has, _ := k.Nodes.Has(ctx, msg.NodeID); has {
			reporter.Skip("node key taken")
			return nil, nil
		}
		if !valid {
			other := ed25519.GenPrivKeyFromSecret(append(secret, 'x'))
			msg.Signature, _ = other.Sign(types.NodeRegistrationStatement(chainID, member.AddressBech32, msg.NodeID))
		}
		return []simsx.SimAccount{member}, msg
	}
}

// RemoveNode removes a registered node, signed by its member; with owner
// false signed by another member, which is refused.
func RemoveNode(k keeper.Keeper, owner bool) simsx.SimMsgFactoryFn[*types.MsgRemoveNode] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRemoveNode) {
		var nodes []types.Node
		if err := k.Nodes.Walk(ctx, nil, func(_ string, n types.Node) (bool, error) {
			nodes = append(nodes, n)
			return len(nodes) >= 200, nil
		}); err != nil {
			reporter.Skipf("nodes: %s", err)
			return nil, nil
		}
		n := Pick(data, reporter, "node", nodes)
		if reporter.IsSkipped() {
			return nil, nil
		}
		auth := Authority(data, reporter)
		var signer simsx.SimAccount
		if owner {
			signer = data.GetAccount(reporter, n.Member)
		} else {
			signer = data.AnyAccount(reporter, simsx.ExcludeAddresses(n.Member, auth.AddressBech32))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgRemoveNode{Signer: signer.AddressBech32, NodeID: n.NodeID}
	}
}

// UpdateParams sets a random max_nodes_per_member; signed by another account
// than the authority it is refused.
func UpdateParams(k keeper.Keeper, authority bool) simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		signer := Authority(data, reporter)
		if !authority {
			signer = data.AnyAccount(reporter, simsx.ExcludeAccounts(signer))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		p := types.Params{MaxNodesPerMember: uint32(data.Rand().IntInRange(2, 10))}
		return []simsx.SimAccount{signer}, &types.MsgUpdateParams{Authority: signer.AddressBech32, Params: p}
	}
}
