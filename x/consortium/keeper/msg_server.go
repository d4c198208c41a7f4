package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/healthchain/healthd/x/consortium/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the consortium's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

// AdmitMember implements types.MsgServer.
func (ms msgServer) AdmitMember(ctx context.Context, msg *types.MsgAdmitMember) (*types.MsgAdmitMemberResponse, error) {
	if err := ms.validateAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	addr, err := ms.parseAddress(msg.Address)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateName(msg.Name); err != nil {
		return nil, err
	}
	roles, err := types.NormalizeRoles(msg.Roles)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateIdentifiers(msg.NPI, msg.GLN, msg.DEA); err != nil {
		return nil, err
	}
	prefixes, err := types.NormalizeCompanyPrefixes(msg.GS1CompanyPrefixes)
	if err != nil {
		return nil, err
	}
	fins, err := types.NormalizeFINs(msg.FINs)
	if err != nil {
		return nil, err
	}
	has, err := ms.Members.Has(ctx, addr)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, errorsmod.Wrapf(types.ErrMemberExists, "%s", msg.Address)
	}

	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	canonical := ms.addrString(addr)
	m := types.Member{
		Address:         canonical,
		Name:            msg.Name,
		Roles:           roles,
		NPI:             msg.NPI,
		GLN:             msg.GLN,
		DEA:             msg.DEA,
		Status:          types.MemberStatus_MEMBER_STATUS_ACTIVE,
		AdmittedAt:      now,
		StatusChangedAt: now,

		GS1CompanyPrefixes: prefixes,
		FINs:               fins,
	}
	if err := ms.checkIdentifiersFree(ctx, addr, m); err != nil {
		return nil, err
	}
	if err := ms.setMember(ctx, addr, m, nil); err != nil {
		return nil, err
	}
	return &types.MsgAdmitMemberResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberAdmitted{
		Address: canonical, Name: msg.Name, Roles: roles,
	})
}

// UpdateRoles implements types.MsgServer.
func (ms msgServer) UpdateRoles(ctx context.Context, msg *types.MsgUpdateRoles) (*types.MsgUpdateRolesResponse, error) {
	if err := ms.validateAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	addr, err := ms.parseAddress(msg.Address)
	if err != nil {
		return nil, err
	}
	roles, err := types.NormalizeRoles(msg.Roles)
	if err != nil {
		return nil, err
	}
	m, err := ms.GetMember(ctx, addr)
	if err != nil {
		return nil, err
	}
	previous := m
	m.Roles = roles
	if err := ms.setMember(ctx, addr, m, &previous); err != nil {
		return nil, err
	}
	return &types.MsgUpdateRolesResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberRolesChanged{
		Address: m.Address, PreviousRoles: previous.Roles, Roles: roles,
	})
}

// UpdateIdentifiers implements types.MsgServer. The new identifiers replace
// the old ones (ISBT 128 FINs included); each must be free (no other member
// holds it, no other member's GS1 company prefix overlaps a new one).
func (ms msgServer) UpdateIdentifiers(ctx context.Context, msg *types.MsgUpdateIdentifiers) (*types.MsgUpdateIdentifiersResponse, error) {
	if err := ms.validateAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	addr, err := ms.parseAddress(msg.Address)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateIdentifiers(msg.NPI, msg.GLN, msg.DEA); err != nil {
		return nil, err
	}
	prefixes, err := types.NormalizeCompanyPrefixes(msg.GS1CompanyPrefixes)
	if err != nil {
		return nil, err
	}
	fins, err := types.NormalizeFINs(msg.FINs)
	if err != nil {
		return nil, err
	}
	m, err := ms.GetMember(ctx, addr)
	if err != nil {
		return nil, err
	}
	previous := m
	m.NPI, m.GLN, m.DEA, m.GS1CompanyPrefixes, m.FINs = msg.NPI, msg.GLN, msg.DEA, prefixes, fins
	if err := ms.checkIdentifiersFree(ctx, addr, m); err != nil {
		return nil, err
	}
	if err := ms.setMember(ctx, addr, m, &previous); err != nil {
		return nil, err
	}
	return &types.MsgUpdateIdentifiersResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberIdentifiersChanged{
		Address: m.Address, NPI: m.NPI, GLN: m.GLN, DEA: m.DEA, GS1CompanyPrefixes: prefixes, FINs: fins,
	})
}

// SuspendMember implements types.MsgServer. The member's validator, if any, is
// jailed in the same transaction so it leaves the active set at the end of this block.
func (ms msgServer) SuspendMember(ctx context.Context, msg *types.MsgSuspendMember) (*types.MsgSuspendMemberResponse, error) {
	if err := ms.validateAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	addr, err := ms.parseAddress(msg.Address)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateReason(msg.Reason); err != nil {
		return nil, err
	}
	m, err := ms.GetMember(ctx, addr)
	if err != nil {
		return nil, err
	}
	if !m.IsActive() {
		return nil, errorsmod.Wrapf(types.ErrMemberSuspended, "%s", msg.Address)
	}
	jailed, err := ms.jailValidatorOf(ctx, addr)
	if err != nil {
		return nil, err
	}
	m.Status = types.MemberStatus_MEMBER_STATUS_SUSPENDED
	m.SuspensionReason = msg.Reason
	m.StatusChangedAt = sdk.UnwrapSDKContext(ctx).BlockTime()
	if err := ms.Members.Set(ctx, addr, m); err != nil {
		return nil, err
	}
	return &types.MsgSuspendMemberResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberSuspended{
		Address: m.Address, Reason: msg.Reason, ValidatorJailed: jailed,
	})
}

// ReinstateMember implements types.MsgServer. A jailed validator stays jailed
// until its operator sends MsgUnjail, which the ante handler now lets through.
func (ms msgServer) ReinstateMember(ctx context.Context, msg *types.MsgReinstateMember) (*types.MsgReinstateMemberResponse, error) {
	if err := ms.validateAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	addr, err := ms.parseAddress(msg.Address)
	if err != nil {
		return nil, err
	}
	m, err := ms.GetMember(ctx, addr)
	if err != nil {
		return nil, err
	}
	if m.IsActive() {
		return nil, errorsmod.Wrapf(types.ErrMemberNotSuspended, "%s", msg.Address)
	}
	m.Status = types.MemberStatus_MEMBER_STATUS_ACTIVE
	m.SuspensionReason = ""
	m.StatusChangedAt = sdk.UnwrapSDKContext(ctx).BlockTime()
	if err := ms.Members.Set(ctx, addr, m); err != nil {
		return nil, err
	}
	return &types.MsgReinstateMemberResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberReinstated{
		Address: m.Address,
	})
}

func (ms msgServer) validateAuthority(ctx context.Context, signer string) error {
	return sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), ms.authority, signer)
}

func (ms msgServer) parseAddress(s string) (sdk.AccAddress, error) {
	if s == "" {
		return nil, errorsmod.Wrap(types.ErrInvalidAddress, "member address is empty")
	}
	bz, err := ms.addressCodec.StringToBytes(s)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%q: %s", s, err)
	}
	return bz, nil
}

// jailValidatorOf jails the validator operated by addr, if there is one and it
// is not jailed yet. It refuses to jail the only bonded validator, which would
// leave the chain without a validator set.
func (k Keeper) jailValidatorOf(ctx context.Context, addr sdk.AccAddress) (bool, error) {
	if k.staking == nil {
		return false, nil
	}
	val, err := k.staking.GetValidator(ctx, sdk.ValAddress(addr))
	switch {
	case errors.Is(err, stakingtypes.ErrNoValidatorFound), errors.Is(err, collections.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case val.IsJailed():
		return false, nil
	}
	if val.IsBonded() {
		last, err := k.staking.GetLastValidators(ctx)
		if err != nil {
			return false, err
		}
		// The last set is only refreshed at EndBlock: a validator jailed earlier
		// in this block is still listed, so count only the others still unjailed.
		others := 0
		for _, v := range last {
			if !v.IsJailed() && v.OperatorAddress != val.OperatorAddress {
				others++
			}
		}
		if others == 0 {
			return false, errorsmod.Wrapf(types.ErrLastValidator, "%s operates the only bonded validator left", k.addrString(addr))
		}
	}
	consAddr, err := val.GetConsAddr()
	if err != nil {
		return false, err
	}
	if err := k.staking.Jail(ctx, consAddr); err != nil {
		return false, err
	}
	return true, nil
}

// RegisterNode implements types.MsgServer. An active member registers a node
// whose key signed the registration; a node is registered by one member only,
// and a member registers at most max_nodes_per_member nodes. Registering a node
// again replaces its address.
func (ms msgServer) RegisterNode(ctx context.Context, msg *types.MsgRegisterNode) (*types.MsgRegisterNodeResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	addr, err := ms.parseAddress(msg.Member)
	if err != nil {
		return nil, err
	}
	if err := ms.RequireActive(ctx, addr); err != nil {
		return nil, err
	}
	member := ms.addrString(addr)
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	sdkCtx.GasMeter().ConsumeGas(types.NodeKeyVerifyGas, "consortium: node key signature")
	if err := msg.VerifyNodeKey(sdkCtx.ChainID(), member); err != nil {
		return nil, err
	}
	existing, err := ms.Nodes.Get(ctx, msg.NodeID)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		params, err := ms.GetParams(ctx)
		if err != nil {
			return nil, err
		}
		n, err := ms.countNodes(ctx, addr, params.MaxNodesPerMember)
		if err != nil {
			return nil, err
		}
		if n >= params.MaxNodesPerMember {
			return nil, errorsmod.Wrapf(types.ErrTooManyNodes, "%s has registered %d nodes, the most allowed (remove one first)", member, n)
		}
	case err != nil:
		return nil, err
	case existing.Member != member:
		return nil, errorsmod.Wrapf(types.ErrNodeTaken, "node %s is registered by %s", msg.NodeID, existing.Member)
	}
	node := types.Node{NodeID: msg.NodeID, Member: member, Address: msg.Address}
	if err := ms.Nodes.Set(ctx, node.NodeID, node); err != nil {
		return nil, err
	}
	return &types.MsgRegisterNodeResponse{}, sdkCtx.EventManager().EmitTypedEvent(&types.EventNodeRegistered{
		Member: member, NodeID: node.NodeID, Address: node.Address,
	})
}

// RemoveNode implements types.MsgServer. The member that registered the node
// (suspended or not) or the chain authority removes it; the members' nodes
// then disconnect it and refuse it.
func (ms msgServer) RemoveNode(ctx context.Context, msg *types.MsgRemoveNode) (*types.MsgRemoveNodeResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	node, err := ms.Nodes.Get(ctx, msg.NodeID)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		return nil, errorsmod.Wrapf(types.ErrNodeNotFound, "node %s", msg.NodeID)
	case err != nil:
		return nil, err
	}
	removedBy := msg.Signer
	if ms.validateAuthority(ctx, msg.Signer) != nil {
		addr, err := ms.parseAddress(msg.Signer)
		if err != nil {
			return nil, err
		}
		if removedBy = ms.addrString(addr); removedBy != node.Member {
			return nil, errorsmod.Wrapf(types.ErrNotNodeOwner, "node %s is registered by %s, not %s", node.NodeID, node.Member, removedBy)
		}
	}
	if err := ms.Nodes.Remove(ctx, node.NodeID); err != nil {
		return nil, err
	}
	return &types.MsgRemoveNodeResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventNodeRemoved{
		Member: node.Member, NodeID: node.NodeID, RemovedBy: removedBy,
	})
}

// UpdateParams implements types.MsgServer. A lowered max_nodes_per_member
// keeps the nodes registered before; it refuses new ones until the member is
// under the cap.
func (ms msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := ms.validateAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := ms.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventParamsUpdated{Params: msg.Params})
}
