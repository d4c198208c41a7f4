package vault

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	consortiumtypes "github.com/healthchain/healthd/x/consortium/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

type recordsQuery struct {
	recordstypes.UnimplementedQueryServer
	expires time.Time
}

func (q recordsQuery) AccessCheck(_ context.Context, req *recordstypes.QueryAccessCheckRequest) (*recordstypes.QueryAccessCheckResponse, error) {
	switch req.RecordId {
	case 7:
		return &recordstypes.QueryAccessCheckResponse{
			Basis: recordstypes.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED, ExpiresAt: &q.expires,
			CID: "bafkreid", Patient: "p", Author: "a",
		}, nil
	case 8:
		return nil, status.Error(codes.Internal, "store corrupted")
	}
	return nil, status.Errorf(codes.NotFound, "record %d not found", req.RecordId)
}

func (q recordsQuery) RecordByCID(_ context.Context, req *recordstypes.QueryRecordByCIDRequest) (*recordstypes.QueryRecordResponse, error) {
	switch req.Cid {
	case "bafkreid":
		return &recordstypes.QueryRecordResponse{Record: recordstypes.Record{ID: 7, CID: req.Cid}}, nil
	case "bafkreibroken":
		return nil, status.Error(codes.Internal, "store corrupted")
	}
	return nil, status.Errorf(codes.NotFound, "no record anchors CID %s", req.Cid)
}

type consortiumQuery struct {
	consortiumtypes.UnimplementedQueryServer
	members map[string]consortiumtypes.Member
}

func (q consortiumQuery) Member(_ context.Context, req *consortiumtypes.QueryMemberRequest) (*consortiumtypes.QueryMemberResponse, error) {
	m, ok := q.members[req.Address]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "member %s not found", req.Address)
	}
	return &consortiumtypes.QueryMemberResponse{Member: m}, nil
}

func TestGRPCChain(t *testing.T) {
	expires := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	hospital, lab, pharmacy, suspended, nobody := newAccount(t).addr, newAccount(t).addr, newAccount(t).addr, newAccount(t).addr, newAccount(t).addr
	active := consortiumtypes.MemberStatus_MEMBER_STATUS_ACTIVE
	members := map[string]consortiumtypes.Member{
		hospital:  {Address: hospital, Status: active, Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_HOSPITAL}},
		lab:       {Address: lab, Status: active, Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_PAYER, consortiumtypes.Role_ROLE_LABORATORY}},
		pharmacy:  {Address: pharmacy, Status: active, Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_PHARMACY}},
		suspended: {Address: suspended, Status: consortiumtypes.MemberStatus_MEMBER_STATUS_SUSPENDED, Roles: []consortiumtypes.Role{consortiumtypes.Role_ROLE_HOSPITAL}},
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.ForceServerCodec(gogoCodec{}))
	recordstypes.RegisterQueryServer(srv, &recordsQuery{expires: expires})
	consortiumtypes.RegisterQueryServer(srv, &consortiumQuery{members: members})
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)

	conn, err := DialChain(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	chain := NewGRPCChain(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	res, err := chain.AccessCheck(ctx, 7, hospital)
	if err != nil {
		t.Fatal(err)
	}
	if res.Allowed || res.Basis != recordstypes.AccessBasis_ACCESS_BASIS_GRANT_EXPIRED || res.ExpiresAt == nil || !res.ExpiresAt.Equal(expires) || res.CID != "bafkreid" {
		t.Fatalf("access check %+v", res)
	}
	if _, err := chain.AccessCheck(ctx, 5, hospital); !errors.Is(err, ErrUnknownRecord) {
		t.Fatalf("unknown record: %v", err)
	}
	if _, err := chain.AccessCheck(ctx, 8, hospital); err == nil || errors.Is(err, ErrUnknownRecord) || errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("internal error: %v", err)
	}
	if id, err := chain.RecordByCID(ctx, "bafkreid"); err != nil || id != 7 {
		t.Fatalf("record by CID: %d %v", id, err)
	}
	if _, err := chain.RecordByCID(ctx, "bafkreiother"); !errors.Is(err, ErrUnanchoredCID) {
		t.Fatalf("unanchored CID: %v", err)
	}
	if _, err := chain.RecordByCID(ctx, "bafkreibroken"); err == nil || errors.Is(err, ErrUnanchoredCID) || errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("internal error: %v", err)
	}

	for _, tc := range []struct {
		name string
		addr string
		ok   bool
	}{
		{"hospital", hospital, true},
		{"laboratory", lab, true},
		{"pharmacy", pharmacy, false},
		{"suspended hospital", suspended, false},
		{"not a member", nobody, false},
	} {
		err := chain.RequireAuthor(ctx, tc.addr)
		if tc.ok != (err == nil) || (!tc.ok && !errors.Is(err, ErrNotAuthor)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestGRPCChainUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	conn, err := DialChain(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	chain := NewGRPCChain(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := chain.AccessCheck(ctx, 1, newAccount(t).addr); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("access check: %v", err)
	}
	if _, err := chain.RecordByCID(ctx, "bafkreid"); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("record by CID: %v", err)
	}
	if err := chain.RequireAuthor(ctx, newAccount(t).addr); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("require author: %v", err)
	}
}
