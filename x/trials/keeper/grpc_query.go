package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/trials/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the trials Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// errs maps the keeper's errors to gRPC codes.
var errs = querysrv.NewErrorMap(
	[]error{types.ErrTrialNotFound, types.ErrNotEnrolled, types.ErrSAENotFound, types.ErrDataNotFound},
	[]error{types.ErrInvalidAddress, types.ErrInvalidRegistryID},
)

func (q queryServer) subject(field, s string) (sdk.AccAddress, error) {
	return querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, field, s)
}

// Trial implements types.QueryServer.
func (q queryServer) Trial(ctx context.Context, req *types.QueryTrialRequest) (*types.QueryTrialResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	t, err := q.k.getTrial(ctx, req.Id)
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryTrialResponse{Trial: t}, nil
}

// TrialFHIR implements types.QueryServer.
func (q queryServer) TrialFHIR(ctx context.Context, req *types.QueryTrialRequest) (*types.QueryFHIRResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	t, err := q.k.getTrial(ctx, req.Id)
	if err != nil {
		return nil, errs.Status(err)
	}
	bz, err := t.FHIR()
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryFHIRResponse{JSON: string(bz)}, nil
}

// EnrolmentFHIR implements types.QueryServer.
func (q queryServer) EnrolmentFHIR(ctx context.Context, req *types.QueryEnrolmentRequest) (*types.QueryFHIRResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	subject, err := q.subject("subject", req.Subject)
	if err != nil {
		return nil, err
	}
	t, err := q.k.getTrial(ctx, req.TrialId)
	if err != nil {
		return nil, errs.Status(err)
	}
	e, err := q.k.getEnrolment(ctx, t, subject)
	if err != nil {
		return nil, errs.Status(err)
	}
	bz, err := e.FHIR()
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryFHIRResponse{JSON: string(bz)}, nil
}

// TrialByRegistryID implements types.QueryServer.
func (q queryServer) TrialByRegistryID(ctx context.Context, req *types.QueryTrialByRegistryIDRequest) (*types.QueryTrialResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	rid, err := types.ParseRegistryID(req.RegistryId)
	if err != nil {
		return nil, errs.Status(err)
	}
	// The trial holding the id: a registration alone does not hold it.
	id, err := q.k.RegistryHolders.Get(ctx, rid)
	if err != nil {
		return nil, errs.Status(err)
	}
	t, err := q.k.getTrial(ctx, id)
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryTrialResponse{Trial: t}, nil
}

// Trials implements types.QueryServer.
func (q queryServer) Trials(ctx context.Context, req *types.QueryTrialsRequest) (*types.QueryTrialsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	trials, page, err := query.CollectionPaginate(ctx, q.k.Trials, req.Pagination,
		func(_ uint64, t types.Trial) (types.Trial, error) { return t, nil })
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryTrialsResponse{Trials: trials, Pagination: page}, nil
}

// Versions implements types.QueryServer.
func (q queryServer) Versions(ctx context.Context, req *types.QueryVersionsRequest) (*types.QueryVersionsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	vs, page, err := query.CollectionPaginate(ctx, q.k.Versions, req.Pagination,
		func(_ collections.Pair[uint64, uint32], v types.ProtocolVersion) (types.ProtocolVersion, error) {
			return v, nil
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint32](req.TrialId))
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryVersionsResponse{Versions: vs, Pagination: page}, nil
}

// Enrolment implements types.QueryServer.
func (q queryServer) Enrolment(ctx context.Context, req *types.QueryEnrolmentRequest) (*types.QueryEnrolmentResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	subject, err := q.subject("subject", req.Subject)
	if err != nil {
		return nil, err
	}
	t, err := q.k.getTrial(ctx, req.TrialId)
	if err != nil {
		return nil, errs.Status(err)
	}
	e, err := q.k.getEnrolment(ctx, t, subject)
	if err != nil {
		return nil, errs.Status(err)
	}
	_, refused := q.k.mayRecord(ctx, t, e.Site, subject)
	return &types.QueryEnrolmentResponse{Enrolment: e, MayRecordData: refused == nil}, nil
}

// EnrolmentCounts implements types.QueryServer.
func (q queryServer) EnrolmentCounts(ctx context.Context, req *types.QueryEnrolmentCountsRequest) (*types.QueryEnrolmentCountsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	it, err := q.k.EnrolmentCounts.Iterate(ctx, collections.NewPrefixedTripleRange[uint64, sdk.AccAddress, uint32](req.TrialId))
	if err != nil {
		return nil, errs.Status(err)
	}
	defer it.Close()
	counts, page, err := offsetPage(req.Pagination, it.Valid, it.Next, func() (types.EnrolmentCount, error) {
		kv, err := it.KeyValue()
		k := kv.Key
		return types.EnrolmentCount{TrialID: k.K1(), Site: q.k.addrString(k.K2()), Version: k.K3(), Count: kv.Value}, err
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryEnrolmentCountsResponse{Counts: counts, Pagination: page}, nil
}

// NeedingReconsent implements types.QueryServer: a key range of the status
// index, (trial, enrolled, 0) up to (trial, enrolled, reconsent version), with
// offset and limit.
func (q queryServer) NeedingReconsent(ctx context.Context, req *types.QueryNeedingReconsentRequest) (*types.QueryEnrolmentsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	t, err := q.k.getTrial(ctx, req.TrialId)
	if err != nil {
		return nil, errs.Status(err)
	}
	enrolled := int32(types.EnrolmentStatus_ENROLMENT_STATUS_ENROLLED)
	rng := new(collections.Range[collections.Pair[StatusVersionKey, SubjectKey]]).
		StartInclusive(collections.PairPrefix[StatusVersionKey, SubjectKey](collections.Join3(t.ID, enrolled, uint32(0)))).
		EndExclusive(collections.PairPrefix[StatusVersionKey, SubjectKey](collections.Join3(t.ID, enrolled, t.ReconsentVersion)))
	it, err := q.k.Enrolments.Indexes.StatusVersion.Iterate(ctx, rng)
	if err != nil {
		return nil, errs.Status(err)
	}
	defer it.Close()
	out, page, err := offsetPage(req.Pagination, it.Valid, it.Next, func() (types.Enrolment, error) {
		pk, err := it.PrimaryKey()
		if err != nil {
			return types.Enrolment{}, err
		}
		return q.k.Enrolments.Get(ctx, pk)
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryEnrolmentsResponse{Enrolments: out, Pagination: page}, nil
}

// SubjectData implements types.QueryServer.
func (q queryServer) SubjectData(ctx context.Context, req *types.QuerySubjectDataRequest) (*types.QueryDataEntriesResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	subject, err := q.subject("subject", req.Subject)
	if err != nil {
		return nil, err
	}
	entries, page, err := query.CollectionPaginate(ctx, q.k.Data.Indexes.Subject, req.Pagination,
		func(k collections.Pair[SubjectKey, uint64], _ collections.NoValue) (types.DataEntry, error) {
			return q.k.Data.Get(ctx, k.K2())
		},
		query.WithCollectionPaginationPairPrefix[SubjectKey, uint64](collections.Join(req.TrialId, subject)))
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryDataEntriesResponse{Entries: entries, Pagination: page}, nil
}

// DataEntry implements types.QueryServer.
func (q queryServer) DataEntry(ctx context.Context, req *types.QueryDataEntryRequest) (*types.QueryDataEntryResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	d, err := q.k.Data.Get(ctx, req.Id)
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryDataEntryResponse{Entry: d}, nil
}

// SAEClock implements types.QueryServer.
func (q queryServer) SAEClock(ctx context.Context, req *types.QuerySAEClockRequest) (*types.QuerySAEClockResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	c, err := q.k.SAEClocks.Get(ctx, req.Id)
	if err != nil {
		return nil, errs.Status(err)
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	return &types.QuerySAEClockResponse{Clock: c, Overdue: c.ReportedAt == nil && now.After(c.DueAt)}, nil
}

// SAEClocks implements types.QueryServer.
func (q queryServer) SAEClocks(ctx context.Context, req *types.QuerySAEClocksRequest) (*types.QuerySAEClocksResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	clocks, page, err := query.CollectionPaginate(ctx, q.k.SAEClocks.Indexes.Trial, req.Pagination,
		func(k collections.Pair[uint64, uint64], _ collections.NoValue) (types.SAEClock, error) {
			return q.k.SAEClocks.Get(ctx, k.K2())
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint64](req.TrialId))
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QuerySAEClocksResponse{Clocks: clocks, Pagination: page}, nil
}

// OverdueSAEs implements types.QueryServer: open clocks due before the block
// time, oldest first. The walk stops at the first clock not yet due.
func (q queryServer) OverdueSAEs(ctx context.Context, req *types.QueryOverdueSAEsRequest) (*types.QuerySAEClocksResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	rng := new(collections.Range[collections.Pair[time.Time, uint64]]).EndExclusive(collections.PairPrefix[time.Time, uint64](now))
	it, err := q.k.OpenSAEs.Iterate(ctx, rng)
	if err != nil {
		return nil, errs.Status(err)
	}
	defer it.Close()
	clocks, page, err := offsetPage(req.Pagination, it.Valid, it.Next, func() (types.SAEClock, error) {
		k, err := it.Key()
		if err != nil {
			return types.SAEClock{}, err
		}
		return q.k.SAEClocks.Get(ctx, k.K2())
	})
	if err != nil {
		return nil, err
	}
	return &types.QuerySAEClocksResponse{Clocks: clocks, Pagination: page}, nil
}

// LateSAEs implements types.QueryServer.
func (q queryServer) LateSAEs(ctx context.Context, req *types.QueryLateSAEsRequest) (*types.QuerySAEClocksResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	clocks, page, err := query.CollectionPaginate(ctx, q.k.LateSAEs, req.Pagination,
		func(k collections.Pair[uint64, uint64], _ collections.NoValue) (types.SAEClock, error) {
			return q.k.SAEClocks.Get(ctx, k.K2())
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint64](req.TrialId))
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QuerySAEClocksResponse{Clocks: clocks, Pagination: page}, nil
}

// Results implements types.QueryServer.
func (q queryServer) Results(ctx context.Context, req *types.QueryResultsRequest) (*types.QueryResultsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	r, err := q.k.Results.Get(ctx, req.TrialId)
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryResultsResponse{Results: r}, nil
}

// OutcomeSwitches implements types.QueryServer.
func (q queryServer) OutcomeSwitches(ctx context.Context, req *types.QueryOutcomeSwitchesRequest) (*types.QueryOutcomeSwitchesResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	sw, page, err := query.CollectionPaginate(ctx, q.k.Switches, req.Pagination,
		func(_ collections.Pair[uint64, uint32], s types.OutcomeSwitch) (types.OutcomeSwitch, error) {
			return s, nil
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint32](req.TrialId))
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryOutcomeSwitchesResponse{Switches: sw, Pagination: page}, nil
}

// OverdueResults implements types.QueryServer: trials without results whose
// primary completion lies more than results_due_after before the block time.
func (q queryServer) OverdueResults(ctx context.Context, req *types.QueryOverdueResultsRequest) (*types.QueryTrialsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	params, err := q.k.GetParams(ctx)
	if err != nil {
		return nil, errs.Status(err)
	}
	cutoff := sdk.UnwrapSDKContext(ctx).BlockTime().Add(-params.ResultsDueAfter)
	rng := new(collections.Range[collections.Pair[time.Time, uint64]]).EndExclusive(collections.PairPrefix[time.Time, uint64](cutoff))
	it, err := q.k.ResultsPending.Iterate(ctx, rng)
	if err != nil {
		return nil, errs.Status(err)
	}
	defer it.Close()
	trials, page, err := offsetPage(req.Pagination, it.Valid, it.Next, func() (types.Trial, error) {
		k, err := it.Key()
		if err != nil {
			return types.Trial{}, err
		}
		return q.k.Trials.Get(ctx, k.K2())
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryTrialsResponse{Trials: trials, Pagination: page}, nil
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, req *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	p, err := q.k.GetParams(ctx)
	if err != nil {
		return nil, errs.Status(err)
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// offsetPage pages through an iterator over a key range the caller opened,
// by offset and limit (default query.DefaultLimit): the ranges these queries
// read (a time queue up to now, a status and version range) are not the
// prefixes the SDK's paginators take. A full page with more behind it has a
// non-empty next_key: ask again with offset + limit.
func offsetPage[T any](page *query.PageRequest, valid func() bool, next func(), item func() (T, error)) ([]T, *query.PageResponse, error) {
	offset, limit := uint64(0), uint64(query.DefaultLimit)
	if page != nil {
		if len(page.Key) > 0 {
			return nil, nil, status.Error(codes.InvalidArgument, "this query pages by offset, not key")
		}
		offset = page.Offset
		if page.Limit > 0 {
			limit = page.Limit
		}
	}
	var out []T
	res := &query.PageResponse{}
	for i := uint64(0); valid(); next() {
		if i < offset {
			i++
			continue
		}
		if uint64(len(out)) == limit {
			res.NextKey = []byte{1}
			break
		}
		v, err := item()
		if err != nil {
			return nil, nil, errs.Status(err)
		}
		out = append(out, v)
	}
	return out, res, nil
}
