package keeper

import (
	"context"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/records/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the records Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// grpcErr gives the records keeper's errors their gRPC codes: an erased
// record is NotFound too, its message saying "record erased".
var grpcErr = querysrv.NewErrorMap([]error{types.ErrRecordNotFound, types.ErrRecordErased}, nil).Status

func (q queryServer) record(ctx context.Context, id uint64) (types.Record, error) {
	r, err := q.k.record(ctx, id)
	return r, grpcErr(err)
}

// Record implements types.QueryServer.
func (q queryServer) Record(ctx context.Context, req *types.QueryRecordRequest) (*types.QueryRecordResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	r, err := q.record(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryRecordResponse{Record: r}, nil
}

// RecordByCID implements types.QueryServer.
func (q queryServer) RecordByCID(ctx context.Context, req *types.QueryRecordByCIDRequest) (*types.QueryRecordResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	if err := types.ValidateCID(req.Cid); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	r, err := q.k.RecordByCID(ctx, req.Cid)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryRecordResponse{Record: r}, nil
}

// RecordsByPatient implements types.QueryServer: through the kind index when a
// kind is given (filtered by category if one is also given), else through the
// category index, else through the patient index.
func (q queryServer) RecordsByPatient(ctx context.Context, req *types.QueryRecordsByPatientRequest) (*types.QueryRecordsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	var (
		records []types.Record
		page    *query.PageResponse
	)
	get := func(id uint64) (types.Record, error) { return q.k.Records.Get(ctx, id) }
	switch {
	case req.Kind != "":
		records, page, err = query.CollectionFilteredPaginate(ctx, q.k.Records.Indexes.PatientKind, req.Pagination,
			func(key addrStrID, _ collections.NoValue) (bool, error) {
				if req.Category == "" {
					return true, nil
				}
				r, err := get(key.K2())
				return err == nil && r.Category == req.Category, err
			},
			func(key addrStrID, _ collections.NoValue) (types.Record, error) { return get(key.K2()) },
			query.WithCollectionPaginationPairPrefix[addrStr, uint64](collections.Join(patient, req.Kind)))
	case req.Category != "":
		records, page, err = query.CollectionPaginate(ctx, q.k.Records.Indexes.PatientCategory, req.Pagination,
			func(key addrStrID, _ collections.NoValue) (types.Record, error) { return get(key.K2()) },
			query.WithCollectionPaginationPairPrefix[addrStr, uint64](collections.Join(patient, req.Category)))
	default:
		records, page, err = query.CollectionPaginate(ctx, q.k.Records.Indexes.Patient, req.Pagination,
			func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Record, error) {
				return get(key.K2())
			},
			query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](patient))
	}
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRecordsResponse{Records: records, Pagination: page}, nil
}

// Versions implements types.QueryServer.
func (q queryServer) Versions(ctx context.Context, req *types.QueryVersionsRequest) (*types.QueryVersionsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	r, err := q.record(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	var versions []types.Record
	err = q.k.Records.Indexes.Version.Walk(ctx, collections.NewPrefixedPairRange[uint64, uint64](r.RootID),
		func(_ idID, id uint64) (bool, error) {
			v, err := q.k.Records.Get(ctx, id)
			if err != nil {
				return true, err
			}
			versions = append(versions, v)
			return false, nil
		})
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryVersionsResponse{Versions: versions}, nil
}

// Verify implements types.QueryServer.
func (q queryServer) Verify(ctx context.Context, req *types.QueryVerifyRequest) (*types.QueryVerifyResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	c, err := hex.DecodeString(req.Commitment)
	if err != nil || len(c) != types.CommitmentSize {
		return nil, status.Errorf(codes.InvalidArgument, "commitment must be %d bytes of hex", types.CommitmentSize)
	}
	r, err := q.record(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryVerifyResponse{
		Match: string(c) == string(r.Commitment), Current: r.SupersededBy == 0, SupersededBy: r.SupersededBy,
	}, nil
}

// AccessGrants implements types.QueryServer.
func (q queryServer) AccessGrants(ctx context.Context, req *types.QueryAccessGrantsRequest) (*types.QueryAccessGrantsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	if _, err := q.record(ctx, req.RecordId); err != nil {
		return nil, err
	}
	grants, page, err := query.CollectionPaginate(ctx, q.k.Grants.Indexes.Record, req.Pagination,
		func(key idID, _ collections.NoValue) (types.AccessGrant, error) {
			return q.k.grantViewByID(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint64](req.RecordId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryAccessGrantsResponse{Grants: grants, Pagination: page}, nil
}

// AccessCheck implements types.QueryServer.
func (q queryServer) AccessCheck(ctx context.Context, req *types.QueryAccessCheckRequest) (*types.QueryAccessCheckResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	account, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "account", req.Account)
	if err != nil {
		return nil, err
	}
	res, _, err := q.k.CheckAccess(ctx, req.RecordId, account)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &res, nil
}

// Disclosures implements types.QueryServer.
func (q queryServer) Disclosures(ctx context.Context, req *types.QueryDisclosuresRequest) (*types.QueryDisclosuresResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	grants, page, err := query.CollectionPaginate(ctx, q.k.Grants.Indexes.Patient, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.AccessGrant, error) {
			return q.k.grantViewByID(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](patient))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryDisclosuresResponse{Disclosures: grants, Pagination: page}, nil
}

// EncryptionKey implements types.QueryServer.
func (q queryServer) EncryptionKey(ctx context.Context, req *types.QueryEncryptionKeyRequest) (*types.QueryEncryptionKeyResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	owner, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "owner", req.Owner)
	if err != nil {
		return nil, err
	}
	key, err := q.k.EncryptionKeys.Get(ctx, owner)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "%s: %s has not registered one", types.ErrKeyNotFound, req.Owner)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryEncryptionKeyResponse{Key: key}, nil
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
