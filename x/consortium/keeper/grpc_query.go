package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/consortium/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the consortium's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer {
	return queryServer{k: k}
}

// Member implements types.QueryServer.
func (q queryServer) Member(ctx context.Context, req *types.QueryMemberRequest) (*types.QueryMemberResponse, error) {
	if req == nil || req.Address == "" {
		return nil, status.Error(codes.InvalidArgument, "address is required")
	}
	addr, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "address", req.Address)
	if err != nil {
		return nil, err
	}
	m, err := q.k.Members.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "member %s not found", req.Address)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryMemberResponse{Member: m}, nil
}

// Members implements types.QueryServer.
func (q queryServer) Members(ctx context.Context, req *types.QueryMembersRequest) (*types.QueryMembersResponse, error) {
	if req == nil {
		req = &types.QueryMembersRequest{}
	}
	members, page, err := query.CollectionPaginate(ctx, q.k.Members, req.Pagination,
		func(_ sdk.AccAddress, m types.Member) (types.Member, error) { return m, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryMembersResponse{Members: members, Pagination: page}, nil
}

// MembersByRole implements types.QueryServer. It walks only the role's index entries.
func (q queryServer) MembersByRole(ctx context.Context, req *types.QueryMembersByRoleRequest) (*types.QueryMembersByRoleResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	role, err := types.ParseRole(req.Role)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	members, page, err := query.CollectionPaginate(ctx, q.k.RoleIndex, req.Pagination,
		func(key collections.Pair[int32, sdk.AccAddress], _ collections.NoValue) (types.Member, error) {
			return q.k.Members.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[int32, sdk.AccAddress](int32(role)),
	)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryMembersByRoleResponse{Members: members, Pagination: page}, nil
}

// Node implements types.QueryServer.
func (q queryServer) Node(ctx context.Context, req *types.QueryNodeRequest) (*types.QueryNodeResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	if err := types.ValidateNodeID(req.NodeId); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	n, err := q.k.Nodes.Get(ctx, req.NodeId)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "node %s is not registered", req.NodeId)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryNodeResponse{Node: n}, nil
}

// NodesByMember implements types.QueryServer. It walks only the member's index entries.
func (q queryServer) NodesByMember(ctx context.Context, req *types.QueryNodesByMemberRequest) (*types.QueryNodesByMemberResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	if req.Member == "" {
		return nil, status.Error(codes.InvalidArgument, "member is required")
	}
	addr, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "member", req.Member)
	if err != nil {
		return nil, err
	}
	nodes, page, err := query.CollectionPaginate(ctx, q.k.Nodes.Indexes.Member, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, string], _ collections.NoValue) (types.Node, error) {
			return q.k.Nodes.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, string](addr),
	)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryNodesByMemberResponse{Nodes: nodes, Pagination: page}, nil
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, req *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	p, err := q.k.GetParams(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// MemberByFIN implements types.QueryServer: one index read and the member's record.
func (q queryServer) MemberByFIN(ctx context.Context, req *types.QueryMemberByFINRequest) (*types.QueryMemberByFINResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	if err := types.ValidateFIN(req.Fin); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	owner, err := q.k.IdentifierIndex.Get(ctx, collections.Join(types.IdentifierFIN, req.Fin))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "no member holds ISBT 128 FIN %s", req.Fin)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	m, err := q.k.Members.Get(ctx, owner)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryMemberByFINResponse{Member: m}, nil
}
