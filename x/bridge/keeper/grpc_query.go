package keeper

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/bridge/types"
)

type queryServer struct{ k *Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the Query service of the keeper.
func NewQueryServerImpl(k *Keeper) types.QueryServer { return queryServer{k: k} }

// grpcErr gives the bridge keeper's errors their gRPC codes.
var grpcErr = querysrv.NewErrorMap(
	[]error{types.ErrNotFound},
	[]error{types.ErrInvalidAddress, types.ErrInvalidPrescription, types.ErrInvalidPacket},
).Status

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// Prescription implements types.QueryServer.
func (q queryServer) Prescription(ctx context.Context, req *types.QueryPrescriptionRequest) (*types.QueryPrescriptionResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	p, err := q.k.Prescriptions.Get(ctx, req.Id)
	if err != nil {
		return nil, grpcErr(errorsmod.Wrapf(err, "prescription %d", req.Id))
	}
	return &types.QueryPrescriptionResponse{Prescription: p}, nil
}

// PrescriptionsByPatient implements types.QueryServer.
func (q queryServer) PrescriptionsByPatient(ctx context.Context, req *types.QueryPrescriptionsByPatientRequest) (*types.QueryPrescriptionsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	list, page, err := query.CollectionPaginate(ctx, q.k.PrescriptionsByPatient, req.Pagination,
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.Prescription, error) {
			return q.k.Prescriptions.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[string, uint64](q.k.addrString(patient)))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryPrescriptionsResponse{Prescriptions: list, Pagination: page}, nil
}

// MedicationHistory implements types.QueryServer.
func (q queryServer) MedicationHistory(ctx context.Context, req *types.QueryMedicationHistoryRequest) (*types.QueryMedicationHistoryResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	list, page, err := query.CollectionPaginate(ctx, q.k.History, req.Pagination,
		func(_ collections.Pair[string, uint64], e types.MedicationEntry) (types.MedicationEntry, error) {
			return e, nil
		},
		query.WithCollectionPaginationPairPrefix[string, uint64](q.k.addrString(patient)))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryMedicationHistoryResponse{Entries: list, Pagination: page}, nil
}

// Verification implements types.QueryServer.
func (q queryServer) Verification(ctx context.Context, req *types.QueryVerificationRequest) (*types.QueryVerificationResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	v, err := q.k.Verifications.Get(ctx, req.Id)
	if err != nil {
		return nil, grpcErr(errorsmod.Wrapf(err, "verification %d", req.Id))
	}
	return &types.QueryVerificationResponse{Verification: v}, nil
}

// RecallNotice implements types.QueryServer.
func (q queryServer) RecallNotice(ctx context.Context, req *types.QueryRecallNoticeRequest) (*types.QueryRecallNoticeResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	n, err := q.k.RecallNotices.Get(ctx, collections.Join(req.Gtin, req.Lot))
	if err != nil {
		return nil, grpcErr(errorsmod.Wrapf(err, "recall notice for GTIN %s lot %s", req.Gtin, req.Lot))
	}
	patients, page, err := query.CollectionPaginate(ctx, q.k.DispensedByLot, req.Pagination,
		func(key collections.Triple[string, string, string], _ collections.NoValue) (string, error) {
			return key.K3(), nil
		},
		withLotPrefix(req.Gtin, req.Lot))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRecallNoticeResponse{Notice: n, AffectedPatients: patients, Pagination: page}, nil
}

func withLotPrefix(gtin, lot string) func(*query.CollectionsPaginateOptions[collections.Triple[string, string, string]]) {
	return func(o *query.CollectionsPaginateOptions[collections.Triple[string, string, string]]) {
		p := collections.TripleSuperPrefix[string, string, string](gtin, lot)
		o.Prefix = &p
	}
}

// Undelivered implements types.QueryServer.
func (q queryServer) Undelivered(ctx context.Context, req *types.QueryUndeliveredRequest) (*types.QueryUndeliveredResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	list, page, err := query.CollectionPaginate(ctx, q.k.Undelivered, req.Pagination,
		func(_ uint64, u types.Undelivered) (types.Undelivered, error) { return u, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryUndeliveredResponse{Undelivered: list, Pagination: page}, nil
}

// Pending implements types.QueryServer.
func (q queryServer) Pending(ctx context.Context, req *types.QueryPendingRequest) (*types.QueryPendingResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	list, page, err := query.CollectionPaginate(ctx, q.k.Pending, req.Pagination,
		func(_ collections.Pair[string, uint64], p types.PendingPacket) (types.PendingPacket, error) {
			return p, nil
		})
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryPendingResponse{Pending: list, Pagination: page}, nil
}

// ClientOrigin implements types.QueryServer.
func (q queryServer) ClientOrigin(ctx context.Context, req *types.QueryClientOriginRequest) (*types.QueryClientOriginResponse, error) {
	if req == nil || req.ClientId == "" {
		return nil, status.Error(codes.InvalidArgument, "client_id is required")
	}
	o, err := q.k.ClientOrigins.Get(ctx, req.ClientId)
	if err != nil {
		return nil, grpcErr(errorsmod.Wrapf(err, "light client %q: no recorded origin (not a 07-tendermint client, or not created yet)", req.ClientId))
	}
	return &types.QueryClientOriginResponse{Origin: o}, nil
}
