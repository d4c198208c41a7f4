package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/organs/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the organs Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// grpcErr gives the organs keeper's errors their gRPC codes.
var grpcErr = querysrv.NewErrorMap(
	[]error{types.ErrCaseNotFound, types.ErrOrganNotFound, types.ErrUnknownLogger},
	[]error{types.ErrInvalidDIN, types.ErrInvalidOrganType, types.ErrInvalidLogger, types.ErrInvalidAddress},
).Status

// Case implements types.QueryServer: the donation and its organs (at most
// one per organ type).
func (q queryServer) Case(ctx context.Context, req *types.QueryCaseRequest) (*types.QueryCaseResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	c, err := q.k.getCase(ctx, req.Din)
	if err != nil {
		return nil, grpcErr(err)
	}
	res := &types.QueryCaseResponse{Case: c, ABOConfirmed: c.ABOConfirmedBy != ""}
	err = q.k.Organs.Walk(ctx, collections.NewPrefixedPairRange[string, string](c.DIN), func(_ OrganKey, o types.Organ) (bool, error) {
		res.Organs = append(res.Organs, o)
		return false, nil
	})
	if err != nil {
		return nil, grpcErr(err)
	}
	return res, nil
}

// organ reads the organ a request names.
func (q queryServer) organ(ctx context.Context, din, organType string) (types.Organ, error) {
	_, o, err := q.k.getOrgan(ctx, din, organType)
	return o, err
}

// Organ implements types.QueryServer.
func (q queryServer) Organ(ctx context.Context, req *types.QueryOrganRequest) (*types.QueryOrganResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	o, err := q.organ(ctx, req.Din, req.OrganType)
	if err != nil {
		return nil, grpcErr(err)
	}
	cold := q.k.coldIschaemiaNow(ctx, o)
	res := &types.QueryOrganResponse{Organ: o, ColdIschaemiaSeconds: int64(cold / time.Second),
		LimitSeconds: int64(o.MaxColdIschaemia / time.Second), OverLimit: cold > o.MaxColdIschaemia}
	if res.Offers, err = q.k.offers(ctx, o); err != nil {
		return nil, grpcErr(err)
	}
	if res.Custody, err = q.k.custody(ctx, o); err != nil {
		return nil, grpcErr(err)
	}
	if res.Loggers, err = q.k.attachments(ctx, o); err != nil {
		return nil, grpcErr(err)
	}
	return res, nil
}

// OrganFHIR implements types.QueryServer.
func (q queryServer) OrganFHIR(ctx context.Context, req *types.QueryOrganFHIRRequest) (*types.QueryOrganFHIRResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	c, o, err := q.k.getOrgan(ctx, req.Din, req.OrganType)
	if err != nil {
		return nil, grpcErr(err)
	}
	bz, err := o.FHIR(c.OPO)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryOrganFHIRResponse{JSON: string(bz)}, nil
}

// coldIschaemiaNow is the organ's cold-ischaemia time: up to reperfusion,
// up to the discard, or up to the block time while it waits.
func (k Keeper) coldIschaemiaNow(ctx context.Context, o types.Organ) time.Duration {
	if o.Outcome != nil {
		return o.Outcome.ColdIschaemia
	}
	return ColdIschaemia(o, sdk.UnwrapSDKContext(ctx).BlockTime())
}

// offers reads the organ's match run (at most params.max_candidates).
func (k Keeper) offers(ctx context.Context, o types.Organ) ([]types.Candidate, error) {
	var out []types.Candidate
	err := k.Candidates.Walk(ctx, collections.NewSuperPrefixedTripleRange[string, string, uint32](o.DIN, o.OrganType),
		func(_ collections.Triple[string, string, uint32], c types.Candidate) (bool, error) {
			out = append(out, c)
			return false, nil
		})
	return out, err
}

// custody reads the organ's hand-offs (at most params.max_handoffs).
func (k Keeper) custody(ctx context.Context, o types.Organ) ([]types.HandOff, error) {
	var out []types.HandOff
	err := k.HandOffs.Walk(ctx, collections.NewSuperPrefixedTripleRange[string, string, uint32](o.DIN, o.OrganType),
		func(_ collections.Triple[string, string, uint32], h types.HandOff) (bool, error) {
			out = append(out, h)
			return false, nil
		})
	return out, err
}

// Custody implements types.QueryServer.
func (q queryServer) Custody(ctx context.Context, req *types.QueryCustodyRequest) (*types.QueryCustodyResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	o, err := q.organ(ctx, req.Din, req.OrganType)
	if err != nil {
		return nil, grpcErr(err)
	}
	hs, err := q.k.custody(ctx, o)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryCustodyResponse{Holder: o.Holder, Custody: hs}, nil
}

// Offers implements types.QueryServer.
func (q queryServer) Offers(ctx context.Context, req *types.QueryOffersRequest) (*types.QueryOffersResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	o, err := q.organ(ctx, req.Din, req.OrganType)
	if err != nil {
		return nil, grpcErr(err)
	}
	cs, err := q.k.offers(ctx, o)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryOffersResponse{Offers: cs}, nil
}

// Readings implements types.QueryServer.
func (q queryServer) Readings(ctx context.Context, req *types.QueryReadingsRequest) (*types.QueryReadingsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	o, err := q.organ(ctx, req.Din, req.OrganType)
	if err != nil {
		return nil, grpcErr(err)
	}
	prefix := collections.TripleSuperPrefix[string, string, uint64](o.DIN, o.OrganType)
	withPrefix := func(opt *query.CollectionsPaginateOptions[collections.Triple[string, string, uint64]]) {
		opt.Prefix = &prefix
	}
	var (
		rs   []types.StoredReading
		page *query.PageResponse
	)
	if req.ExcursionsOnly {
		rs, page, err = query.CollectionPaginate(ctx, q.k.Excursions, req.Pagination,
			func(key collections.Triple[string, string, uint64], _ collections.NoValue) (types.StoredReading, error) {
				return q.k.Readings.Get(ctx, key)
			}, withPrefix)
	} else {
		rs, page, err = query.CollectionPaginate(ctx, q.k.Readings, req.Pagination,
			func(_ collections.Triple[string, string, uint64], r types.StoredReading) (types.StoredReading, error) {
				return r, nil
			}, withPrefix)
	}
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryReadingsResponse{Readings: rs, Pagination: page}, nil
}

// Overrides implements types.QueryServer.
func (q queryServer) Overrides(ctx context.Context, req *types.QueryOverridesRequest) (*types.QueryOverridesResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	organs, page, err := query.CollectionPaginate(ctx, q.k.Overrides, req.Pagination,
		func(key OrganKey, _ collections.NoValue) (types.Organ, error) { return q.k.Organs.Get(ctx, key) })
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryOverridesResponse{Organs: organs, Pagination: page}, nil
}

// Logger implements types.QueryServer.
func (q queryServer) Logger(ctx context.Context, req *types.QueryLoggerRequest) (*types.QueryLoggerResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	l, err := q.k.requireLogger(ctx, req.Logger)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryLoggerResponse{Logger: l}, nil
}

// Staff implements types.QueryServer.
func (q queryServer) Staff(ctx context.Context, req *types.QueryStaffRequest) (*types.QueryStaffResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	acc, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "account", req.Account)
	if err != nil {
		return nil, err
	}
	st, err := q.k.Staff.Get(ctx, acc)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryStaffResponse{Staff: st}, nil
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, req *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
