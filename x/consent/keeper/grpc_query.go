package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/healthchain/healthd/internal/querysrv"
	"github.com/healthchain/healthd/x/consent/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the consent Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// Check implements types.QueryServer.
func (q queryServer) Check(ctx context.Context, req *types.QueryCheckRequest) (*types.QueryCheckResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	grantee, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "grantee", req.Grantee)
	if err != nil {
		return nil, err
	}
	if err := types.ValidatePurpose(req.Purpose); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	if types.CategorySystem(req.Category) == "" {
		return nil, status.Errorf(codes.InvalidArgument, "unknown category %q", req.Category)
	}
	res, err := q.k.Check(ctx, patient, grantee, req.Purpose, req.Category)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryCheckResponse{Allowed: res.Allowed, ConsentID: res.ConsentID, BreakGlassID: res.BreakGlassID, Reason: res.Reason}, nil
}

func (q queryServer) consent(ctx context.Context, id uint64) (types.Consent, error) {
	c, err := q.k.Consents.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return c, status.Errorf(codes.NotFound, "consent %d not found", id)
	}
	if err != nil {
		return c, status.Error(codes.Internal, err.Error())
	}
	return c, nil
}

// Consent implements types.QueryServer.
func (q queryServer) Consent(ctx context.Context, req *types.QueryConsentRequest) (*types.QueryConsentResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	c, err := q.consent(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryConsentResponse{Consent: c}, nil
}

// ConsentFHIR implements types.QueryServer.
func (q queryServer) ConsentFHIR(ctx context.Context, req *types.QueryConsentFHIRRequest) (*types.QueryConsentFHIRResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	c, err := q.consent(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	bz, err := c.FHIR(sdk.UnwrapSDKContext(ctx).BlockTime())
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryConsentFHIRResponse{JSON: string(bz)}, nil
}

// consentsOf pages through an index of consent IDs keyed by address, filtering by status.
func (q queryServer) consentsOf(ctx context.Context, idx *indexes.Multi[sdk.AccAddress, uint64, types.Consent], addr sdk.AccAddress,
	st types.ConsentStatus, page *query.PageRequest,
) ([]types.Consent, *query.PageResponse, error) {
	return query.CollectionFilteredPaginate(ctx, idx, page,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (bool, error) {
			if st == types.ConsentStatus_CONSENT_STATUS_UNSPECIFIED {
				return true, nil
			}
			c, err := q.k.Consents.Get(ctx, key.K2())
			return err == nil && c.Status == st, err
		},
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Consent, error) {
			return q.k.Consents.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](addr),
	)
}

// ConsentsByPatient implements types.QueryServer.
func (q queryServer) ConsentsByPatient(ctx context.Context, req *types.QueryConsentsByPatientRequest) (*types.QueryConsentsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	cs, page, err := q.consentsOf(ctx, q.k.Consents.Indexes.Patient, patient, req.Status, req.Pagination)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryConsentsResponse{Consents: cs, Pagination: page}, nil
}

// ConsentsByGrantee implements types.QueryServer.
func (q queryServer) ConsentsByGrantee(ctx context.Context, req *types.QueryConsentsByGranteeRequest) (*types.QueryConsentsResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	grantee, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "grantee", req.Grantee)
	if err != nil {
		return nil, err
	}
	cs, page, err := q.consentsOf(ctx, q.k.Consents.Indexes.Grantee, grantee, req.Status, req.Pagination)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryConsentsResponse{Consents: cs, Pagination: page}, nil
}

// AuditHistory implements types.QueryServer.
func (q queryServer) AuditHistory(ctx context.Context, req *types.QueryAuditHistoryRequest) (*types.QueryAuditHistoryResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	entries, page, err := query.CollectionPaginate(ctx, q.k.Audit, req.Pagination,
		func(_ collections.Pair[sdk.AccAddress, uint64], e types.AuditEntry) (types.AuditEntry, error) {
			return e, nil
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](patient))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryAuditHistoryResponse{Entries: entries, Pagination: page}, nil
}

// Guardians implements types.QueryServer.
func (q queryServer) Guardians(ctx context.Context, req *types.QueryGuardiansRequest) (*types.QueryGuardiansResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	patient, err := querysrv.Address(q.k.addressCodec, types.ErrInvalidAddress, "patient", req.Patient)
	if err != nil {
		return nil, err
	}
	var out []types.Guardianship
	err = q.k.Guardians.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, sdk.AccAddress](patient),
		func(_ collections.Pair[sdk.AccAddress, sdk.AccAddress], g types.Guardianship) (bool, error) {
			out = append(out, g)
			return false, nil
		})
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryGuardiansResponse{Guardians: out}, nil
}

// BreakGlass implements types.QueryServer. The justification is sealed: the
// answer holds its commitment and ciphertext only.
func (q queryServer) BreakGlass(ctx context.Context, req *types.QueryBreakGlassRequest) (*types.QueryBreakGlassResponse, error) {
	if err := querysrv.NonNil(req); err != nil {
		return nil, err
	}
	bg, err := q.k.BreakGlasses.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "%s: id %d", types.ErrBreakGlassNotFound, req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryBreakGlassResponse{BreakGlass: bg}, nil
}

// Params implements types.QueryServer.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}
