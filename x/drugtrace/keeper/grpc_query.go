package keeper

import (
	"context"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the drugtrace Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// grpcErr gives the drugtrace keeper's errors their gRPC codes.
var grpcErr = querysrv.NewErrorMap(
	[]error{types.ErrUnitNotFound, types.ErrLabelMismatch, types.ErrSettlementNotFound},
	[]error{types.ErrInvalidUnitRef, types.ErrInvalidGTIN, types.ErrInvalidSerial, types.ErrInvalidLot, types.ErrInvalidSSCC, types.ErrInvalidAddress},
).Status

// Product implements types.QueryServer.
func (q queryServer) Product(ctx context.Context, req *types.QueryProductRequest) (*types.QueryProductResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	gtin, err := types.ParseGTIN(req.Gtin)
	if err != nil {
		return nil, grpcErr(err)
	}
	p, err := q.k.Products.Get(ctx, gtin)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryProductResponse{Product: p}, nil
}

// Unit implements types.QueryServer.
func (q queryServer) Unit(ctx context.Context, req *types.QueryUnitRequest) (*types.QueryUnitResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	u, err := q.k.resolveUnit(ctx, req.Unit)
	if err != nil {
		return nil, grpcErr(err)
	}
	recalled, err := q.k.Recalls.Has(ctx, collections.Join(u.GTIN, u.Lot))
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryUnitResponse{Unit: u, Recalled: recalled}, nil
}

// History implements types.QueryServer.
func (q queryServer) History(ctx context.Context, req *types.QueryHistoryRequest) (*types.QueryHistoryResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	u, err := q.k.resolveUnit(ctx, req.Unit)
	if err != nil {
		return nil, grpcErr(err)
	}
	events, page, err := query.CollectionPaginate(ctx, q.k.History, req.Pagination,
		func(_ collections.Triple[string, string, uint64], e types.TraceEvent) (types.TraceEvent, error) {
			return e, nil
		},
		func(o *query.CollectionsPaginateOptions[collections.Triple[string, string, uint64]]) {
			p := collections.TripleSuperPrefix[string, string, uint64](u.GTIN, u.Serial)
			o.Prefix = &p
		})
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryHistoryResponse{Events: events, Pagination: page}, nil
}

// EPCIS implements types.QueryServer.
func (q queryServer) EPCIS(ctx context.Context, req *types.QueryEPCISRequest) (*types.QueryEPCISResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	u, err := q.k.resolveUnit(ctx, req.Unit)
	if err != nil {
		return nil, grpcErr(err)
	}
	var events []types.TraceEvent
	if err := q.k.History.Walk(ctx, collections.NewSuperPrefixedTripleRange[string, string, uint64](u.GTIN, u.Serial),
		func(_ collections.Triple[string, string, uint64], e types.TraceEvent) (bool, error) {
			events = append(events, e)
			return false, nil
		}); err != nil {
		return nil, grpcErr(err)
	}
	bz, err := types.EPCISDocument(u, events, sdk.UnwrapSDKContext(ctx).BlockTime())
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryEPCISResponse{JSON: string(bz)}, nil
}

// UnitsByLot implements types.QueryServer.
func (q queryServer) UnitsByLot(ctx context.Context, req *types.QueryUnitsByLotRequest) (*types.QueryUnitsByLotResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	gtin, err := types.ParseLot(req.Gtin, req.Lot)
	if err != nil {
		return nil, grpcErr(err)
	}
	units, page, err := query.CollectionPaginate(ctx, q.k.UnitsByLot, req.Pagination,
		func(key collections.Triple[string, string, string], _ collections.NoValue) (types.Unit, error) {
			return q.k.Units.Get(ctx, collections.Join(key.K1(), key.K3()))
		},
		func(o *query.CollectionsPaginateOptions[collections.Triple[string, string, string]]) {
			p := collections.TripleSuperPrefix[string, string, string](gtin, req.Lot)
			o.Prefix = &p
		})
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryUnitsByLotResponse{Units: units, Pagination: page}, nil
}

// Verify implements types.QueryServer.
func (q queryServer) Verify(ctx context.Context, req *types.QueryVerifyRequest) (*types.QueryVerifyResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	var asker sdk.AccAddress
	if req.Asker != "" {
		a, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "asker", req.Asker)
		if err != nil {
			return nil, err
		}
		asker = a
	}
	v, u, err := q.k.VerifyRef(ctx, req.Unit, asker)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryVerifyResponse{Verdict: v, Saleable: v == types.Verdict_VERDICT_AUTHENTIC_SALEABLE, Custodian: u.Custodian}, nil
}

// Shipment implements types.QueryServer.
func (q queryServer) Shipment(ctx context.Context, req *types.QueryShipmentRequest) (*types.QueryShipmentResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	s, err := q.k.Shipments.Get(ctx, req.Id)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryShipmentResponse{Shipment: s}, nil
}

// Container implements types.QueryServer.
func (q queryServer) Container(ctx context.Context, req *types.QueryContainerRequest) (*types.QueryContainerResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	sscc, err := types.ParseSSCCRef(req.Sscc)
	if err != nil {
		return nil, grpcErr(err)
	}
	c, err := q.k.Containers.Get(ctx, sscc)
	if err != nil {
		return nil, grpcErr(err)
	}
	res := &types.QueryContainerResponse{Container: c}
	if err := q.k.ContainerUnits.Walk(ctx, collections.NewPrefixedTripleRange[string, string, string](sscc),
		func(key collections.Triple[string, string, string]) (bool, error) {
			res.Units = append(res.Units, types.UnitKey(key.K2(), key.K3()))
			return false, nil
		}); err != nil {
		return nil, grpcErr(err)
	}
	if err := q.k.ContainerChildren.Walk(ctx, collections.NewPrefixedPairRange[string, string](sscc),
		func(key collections.Pair[string, string]) (bool, error) {
			res.Containers = append(res.Containers, key.K2())
			return false, nil
		}); err != nil {
		return nil, grpcErr(err)
	}
	return res, nil
}

// Alerts implements types.QueryServer.
func (q queryServer) Alerts(ctx context.Context, req *types.QueryAlertsRequest) (*types.QueryAlertsResponse, error) {
	if req == nil {
		req = &types.QueryAlertsRequest{}
	}
	alerts, page, err := query.CollectionPaginate(ctx, q.k.Alerts, req.Pagination,
		func(_ uint64, a types.Alert) (types.Alert, error) { return a, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryAlertsResponse{Alerts: alerts, Pagination: page}, nil
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
