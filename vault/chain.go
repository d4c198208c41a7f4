package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	consenttypes "github.com/healthchain/healthd/x/consent/types"
	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// Chain errors.
var (
	// ErrUnknownRecord: the chain has no record with that id.
	ErrUnknownRecord = errors.New("vault: unknown record")
	// ErrNotAuthor: the account may not upload blobs (it is not an active
	// consortium member with the hospital or laboratory role).
	ErrNotAuthor = errors.New("vault: not an author")
	// ErrUnanchoredCID: no record on chain anchors the CID.
	ErrUnanchoredCID = errors.New("vault: no record anchors this CID")
	// ErrChainUnavailable: the chain node could not be reached.
	ErrChainUnavailable = errors.New("vault: chain node unavailable")
)

// Chain is what the vault asks the chain.
type Chain interface {
	// AccessCheck says whether account may read record recordID, and why.
	// ErrUnknownRecord if the record does not exist.
	AccessCheck(ctx context.Context, recordID uint64, account string) (*recordstypes.QueryAccessCheckResponse, error)
	// RecordByCID returns the id of the one record version that anchors cid
	// on chain (the chain refuses a CID anchored twice); ErrUnanchoredCID if
	// none does. The vault acts on a blob only for that record.
	RecordByCID(ctx context.Context, cid string) (uint64, error)
	// RequireAuthor returns nil if account may upload blobs, or an error
	// wrapping ErrNotAuthor that says why not.
	RequireAuthor(ctx context.Context, account string) error
	// LiveGuardian says whether account is a guardian of patient whose
	// guardianship covers at (x/consent: start <= at < end).
	LiveGuardian(ctx context.Context, patient, account string, at time.Time) (bool, error)
}

// GRPCChain is a Chain over a node's gRPC endpoint.
type GRPCChain struct {
	records    recordstypes.QueryClient
	consortium consortiumtypes.QueryClient
	consent    consenttypes.QueryClient
}

var _ Chain = (*GRPCChain)(nil)

// NewGRPCChain returns a Chain that queries through conn. The connection
// must use a codec that understands gogoproto messages: DialChain sets it up.
func NewGRPCChain(conn *grpc.ClientConn) *GRPCChain {
	return &GRPCChain{
		records:    recordstypes.NewQueryClient(conn),
		consortium: consortiumtypes.NewQueryClient(conn),
		consent:    consenttypes.NewQueryClient(conn),
	}
}

// DialChain returns a client connection to a node's gRPC endpoint, with
// plaintext transport: the node is expected on the loopback interface.
// The connection is lazy; it is made on the first call.
func DialChain(addr string) (*grpc.ClientConn, error) {
	conn, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(gogoCodec{})),
	)
	if err != nil {
		return nil, fmt.Errorf("vault: chain node %s: %w", addr, err)
	}
	return conn, nil
}

// AccessCheck implements Chain.
func (c *GRPCChain) AccessCheck(ctx context.Context, recordID uint64, account string) (*recordstypes.QueryAccessCheckResponse, error) {
	res, err := c.records.AccessCheck(ctx, &recordstypes.QueryAccessCheckRequest{RecordId: recordID, Account: account})
	if err != nil {
		if status.Code(err) == codes.NotFound {
			return nil, fmt.Errorf("%w: record %d", ErrUnknownRecord, recordID)
		}
		return nil, chainError("records access check", err)
	}
	return res, nil
}

// RecordByCID implements Chain.
func (c *GRPCChain) RecordByCID(ctx context.Context, cid string) (uint64, error) {
	res, err := c.records.RecordByCID(ctx, &recordstypes.QueryRecordByCIDRequest{Cid: cid})
	if err != nil {
		if status.Code(err) == codes.NotFound {
			return 0, fmt.Errorf("%w: %s", ErrUnanchoredCID, cid)
		}
		return 0, chainError("records by-CID query", err)
	}
	return res.Record.ID, nil
}

// RequireAuthor implements Chain.
func (c *GRPCChain) RequireAuthor(ctx context.Context, account string) error {
	res, err := c.consortium.Member(ctx, &consortiumtypes.QueryMemberRequest{Address: account})
	if err != nil {
		if status.Code(err) == codes.NotFound {
			return fmt.Errorf("%w: %s is not a consortium member", ErrNotAuthor, account)
		}
		return chainError("consortium member query", err)
	}
	return CheckAuthor(res.Member)
}

// LiveGuardian implements Chain.
func (c *GRPCChain) LiveGuardian(ctx context.Context, patient, account string, at time.Time) (bool, error) {
	res, err := c.consent.Guardians(ctx, &consenttypes.QueryGuardiansRequest{Patient: patient})
	if err != nil {
		return false, chainError("consent guardians query", err)
	}
	for _, g := range res.Guardians {
		if g.Guardian == account && !at.Before(g.Start) && at.Before(g.End) {
			return true, nil
		}
	}
	return false, nil
}

// CheckAuthor applies the author rule to a member: active, and holding the
// hospital or laboratory role.
func CheckAuthor(m consortiumtypes.Member) error {
	if m.Status != consortiumtypes.MemberStatus_MEMBER_STATUS_ACTIVE {
		return fmt.Errorf("%w: member %s is %s, not active", ErrNotAuthor, m.Address, m.Status)
	}
	if !slices.Contains(m.Roles, consortiumtypes.Role_ROLE_HOSPITAL) && !slices.Contains(m.Roles, consortiumtypes.Role_ROLE_LABORATORY) {
		return fmt.Errorf("%w: member %s holds neither the hospital nor the laboratory role", ErrNotAuthor, m.Address)
	}
	return nil
}

func chainError(what string, err error) error {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled:
		return fmt.Errorf("%w: %s: %v", ErrChainUnavailable, what, status.Convert(err).Message())
	}
	return fmt.Errorf("vault: %s: %w", what, err)
}

// gogoCodec marshals the gogoproto-generated chain types with their own
// Marshal/Unmarshal methods (the default gRPC codec cannot handle gogoproto
// extensions such as stdtime fields).
type gogoCodec struct{}

type gogoMessage interface {
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

func (gogoCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(gogoMessage)
	if !ok {
		return nil, fmt.Errorf("vault: cannot marshal %T", v)
	}
	return m.Marshal()
}

func (gogoCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(gogoMessage)
	if !ok {
		return fmt.Errorf("vault: cannot unmarshal into %T", v)
	}
	return m.Unmarshal(data)
}

// Name is "proto" so the content-subtype is the one nodes expect.
func (gogoCodec) Name() string { return "proto" }
