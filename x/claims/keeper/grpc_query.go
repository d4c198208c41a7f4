package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/math"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/claims/types"
)

// patientDateID is an entry of the explanation-of-benefits index: ((patient,
// service date), claim id).
type patientDateID = collections.Pair[collections.Pair[sdk.AccAddress, time.Time], uint64]

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the claims Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// grpcErr gives the claims keeper's errors their gRPC codes.
var grpcErr = querysrv.NewErrorMap([]error{types.ErrClaimNotFound, types.ErrPlanNotFound, types.ErrCoverageNotFound, types.ErrSettlementNotFound}, nil).Status

// Plan implements types.QueryServer.
func (q queryServer) Plan(ctx context.Context, req *types.QueryPlanRequest) (*types.QueryPlanResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	p, err := getOr(ctx, q.k.Plans, req.Id, types.ErrPlanNotFound)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryPlanResponse{Plan: p}, nil
}

// CoverageByPatient implements types.QueryServer.
func (q queryServer) CoverageByPatient(ctx context.Context, req *types.QueryCoverageByPatientRequest) (*types.QueryCoverageByPatientResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	covs, page, err := query.CollectionPaginate(ctx, q.k.Coverages.Indexes.Patient, req.Pagination,
		func(key addrID, _ collections.NoValue) (types.Coverage, error) {
			return q.k.Coverages.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](patient))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryCoverageByPatientResponse{Coverages: covs, Pagination: page}, nil
}

// Claim implements types.QueryServer.
func (q queryServer) Claim(ctx context.Context, req *types.QueryClaimRequest) (*types.QueryClaimResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	c, err := q.k.GetClaim(ctx, req.Id)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryClaimResponse{Claim: c}, nil
}

func (q queryServer) byParty(ctx context.Context, idx *indexes.Multi[sdk.AccAddress, uint64, types.Claim], req *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	a, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "address", req.Address)
	if err != nil {
		return nil, err
	}
	claims, page, err := query.CollectionPaginate(ctx, idx, req.Pagination,
		func(key addrID, _ collections.NoValue) (types.Claim, error) { return q.k.Claims.Get(ctx, key.K2()) },
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](a))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryClaimsResponse{Claims: claims, Pagination: page}, nil
}

// ClaimsByPatient implements types.QueryServer.
func (q queryServer) ClaimsByPatient(ctx context.Context, req *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
	return q.byParty(ctx, q.k.Claims.Indexes.Patient, req)
}

// ClaimsByProvider implements types.QueryServer.
func (q queryServer) ClaimsByProvider(ctx context.Context, req *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
	return q.byParty(ctx, q.k.Claims.Indexes.Provider, req)
}

// ClaimsByPayer implements types.QueryServer.
func (q queryServer) ClaimsByPayer(ctx context.Context, req *types.QueryClaimsByPartyRequest) (*types.QueryClaimsResponse, error) {
	return q.byParty(ctx, q.k.Claims.Indexes.Payer, req)
}

// ClaimsByStatus implements types.QueryServer.
func (q queryServer) ClaimsByStatus(ctx context.Context, req *types.QueryClaimsByStatusRequest) (*types.QueryClaimsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	if _, ok := types.ClaimStatus_name[int32(req.Status)]; !ok || req.Status == types.ClaimStatus_CLAIM_STATUS_UNSPECIFIED {
		return nil, status.Errorf(codes.InvalidArgument, "unknown status %d", req.Status)
	}
	claims, page, err := query.CollectionPaginate(ctx, q.k.Claims.Indexes.Status, req.Pagination,
		func(key collections.Pair[int32, uint64], _ collections.NoValue) (types.Claim, error) {
			return q.k.Claims.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[int32, uint64](int32(req.Status)))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryClaimsResponse{Claims: claims, Pagination: page}, nil
}

// eob reads a patient's claims with service dates in [from, to), in date order.
func (q queryServer) eob(ctx context.Context, req *types.QueryExplanationOfBenefitsRequest) ([]types.Claim, *query.PageResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, nil, err
	}
	if !req.To.After(req.From) {
		return nil, nil, status.Error(codes.InvalidArgument, "to must be after from")
	}
	claims, page, err := query.CollectionFilteredPaginate(ctx, q.k.Claims.Indexes.PatientDate, req.Pagination,
		func(key patientDateID, _ collections.NoValue) (bool, error) {
			date := key.K1().K2()
			return !date.Before(req.From) && date.Before(req.To), nil
		},
		func(key patientDateID, _ collections.NoValue) (types.Claim, error) {
			return q.k.Claims.Get(ctx, key.K2())
		},
		// The prefix is the patient alone: every service date of theirs.
		query.WithCollectionPaginationPairPrefix[collections.Pair[sdk.AccAddress, time.Time], uint64](
			collections.PairPrefix[sdk.AccAddress, time.Time](patient)))
	if err != nil {
		return nil, nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return claims, page, nil
}

// ExplanationOfBenefits implements types.QueryServer.
func (q queryServer) ExplanationOfBenefits(ctx context.Context, req *types.QueryExplanationOfBenefitsRequest) (*types.QueryExplanationOfBenefitsResponse, error) {
	claims, page, err := q.eob(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]types.BenefitSummary, len(claims))
	for i, c := range claims {
		s := types.BenefitSummary{Claim: c, Billed: math.ZeroInt(), Allowed: math.ZeroInt(), PlanPaid: c.Paid, PatientResponsibility: math.ZeroInt()}
		for j, l := range c.Lines {
			s.Billed = s.Billed.Add(l.Charge)
			if c.Results[j].Approved {
				s.Allowed = s.Allowed.Add(c.Results[j].Allowed)
				s.PatientResponsibility = s.PatientResponsibility.Add(c.Results[j].PatientResponsibility)
			}
		}
		out[i] = s
	}
	return &types.QueryExplanationOfBenefitsResponse{Benefits: out, Pagination: page}, nil
}

// ClaimResponseFHIR implements types.QueryServer.
func (q queryServer) ClaimResponseFHIR(ctx context.Context, req *types.QueryClaimResponseFHIRRequest) (*types.QueryFHIRResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	c, err := q.k.GetClaim(ctx, req.Id)
	if err != nil {
		return nil, grpcErr(err)
	}
	bz, err := types.ClaimResponseFHIR(c)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryFHIRResponse{JSON: string(bz)}, nil
}

// ExplanationOfBenefitFHIR implements types.QueryServer.
func (q queryServer) ExplanationOfBenefitFHIR(ctx context.Context, req *types.QueryExplanationOfBenefitsRequest) (*types.QueryFHIRResponse, error) {
	claims, _, err := q.eob(ctx, req)
	if err != nil {
		return nil, err
	}
	// The diagnoses are sealed for the payer and the provider: the chain's
	// export has none (`healthd q claims eob-fhir --from` adds them client-side).
	bz, err := types.ExplanationOfBenefitBundleFHIR(claims, nil)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryFHIRResponse{JSON: string(bz)}, nil
}

// Accumulators implements types.QueryServer.
func (q queryServer) Accumulators(ctx context.Context, req *types.QueryAccumulatorsRequest) (*types.QueryAccumulatorsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	cov, err := getOr(ctx, q.k.Coverages, req.CoverageId, types.ErrCoverageNotFound)
	if err != nil {
		return nil, grpcErr(err)
	}
	plan, err := q.k.Plans.Get(ctx, cov.PlanID)
	if err != nil {
		return nil, grpcErr(err)
	}
	acc, err := q.k.accumulator(ctx, cov.ID, req.Year)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryAccumulatorsResponse{Accumulator: acc, Deductible: plan.Deductible, OutOfPocketMax: plan.OutOfPocketMax}, nil
}

// Escrow implements types.QueryServer.
func (q queryServer) Escrow(ctx context.Context, req *types.QueryEscrowRequest) (*types.QueryEscrowResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	payer, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "payer", req.Payer)
	if err != nil {
		return nil, err
	}
	b, err := q.k.escrow(ctx, payer)
	if err != nil {
		return nil, grpcErr(err)
	}
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryEscrowResponse{Balance: b, Denom: p.SettlementDenom}, nil
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
