package cli

import (
	"context"
	"net"
	"testing"
	"time"

	"cosmossdk.io/math"
	"filippo.io/age"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/healthchain/healthd/x/claims/client/claimsclient"
	"github.com/healthchain/healthd/x/claims/types"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// chain answers the queries submit and enroll make: params, the patient's
// coverages, registered encryption keys.
type chain struct {
	types.UnimplementedQueryServer
	params    types.Params
	coverages []types.Coverage
	keys      map[string]string
}

func (c *chain) Params(context.Context, *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	return &types.QueryParamsResponse{Params: c.params}, nil
}

func (c *chain) CoverageByPatient(_ context.Context, req *types.QueryCoverageByPatientRequest) (*types.QueryCoverageByPatientResponse, error) {
	var out []types.Coverage
	for _, cov := range c.coverages {
		if cov.Patient == req.Patient {
			out = append(out, cov)
		}
	}
	return &types.QueryCoverageByPatientResponse{Coverages: out}, nil
}

type recordsChain struct {
	recordstypes.UnimplementedQueryServer
	keys map[string]string
}

func (r *recordsChain) EncryptionKey(_ context.Context, req *recordstypes.QueryEncryptionKeyRequest) (*recordstypes.QueryEncryptionKeyResponse, error) {
	k, ok := r.keys[req.Owner]
	if !ok {
		return nil, status.Error(codes.NotFound, "no key")
	}
	return &recordstypes.QueryEncryptionKeyResponse{Key: recordstypes.EncryptionKey{Owner: req.Owner, Recipient: k}}, nil
}

// clientFor is a client context whose queries reach c in process, with a
// keyring holding the hospital's and the payer's keys, signing as from.
func clientFor(t *testing.T, c *chain, from string) client.Context {
	t.Helper()
	ir := codectestutil.CodecOptions{AccAddressPrefix: "health"}.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(ir)
	types.RegisterInterfaces(ir)
	cdc := codec.NewProtoCodec(ir)

	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.ForceServerCodec(cdc.GRPCCodec()))
	types.RegisterQueryServer(srv, c)
	recordstypes.RegisterQueryServer(srv, &recordsChain{keys: c.keys})
	// (c.keys is shared: the test changes what the chain holds between calls.)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(cdc.GRPCCodec())))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })

	kr := keyring.NewInMemory(cdc)
	require.NoError(t, kr.ImportPrivKeyHex("hospital", "0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829", "secp256k1"))
	require.NoError(t, kr.ImportPrivKeyHex("payer", "1f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778", "secp256k1"))
	rec, err := kr.Key(from)
	require.NoError(t, err)
	addr, err := rec.GetAddress()
	require.NoError(t, err)
	return client.Context{}.WithCodec(cdc).WithInterfaceRegistry(ir).WithGRPCClient(conn).WithKeyring(kr).
		WithFromName(from).WithFromAddress(addr).WithFrom(from)
}

func address(t *testing.T, clientCtx client.Context, name string) string {
	t.Helper()
	rec, err := clientCtx.Keyring.Key(name)
	require.NoError(t, err)
	addr, err := rec.GetAddress()
	require.NoError(t, err)
	return sdk.AccAddress(addr).String()
}

// TestSealClaim: submit checks the file as the chain used to (codes, number
// of diagnoses against max_diagnoses), finds the coverage's payer, encrypts
// the diagnoses to the payer's registered key and the provider's own, and
// sends only the seal; without the payer's key it says what to do.
func TestSealClaim(t *testing.T) {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount("health", "healthpub")

	payerID, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	c := &chain{params: types.DefaultParams(), keys: map[string]string{}}
	hospitalCtx := clientFor(t, c, "hospital")
	payer, hospital := address(t, hospitalCtx, "payer"), address(t, hospitalCtx, "hospital")
	patient, err := bech32.ConvertAndEncode("health", []byte("patient-address-0001"))
	require.NoError(t, err)
	c.coverages = []types.Coverage{{ID: 1, PlanID: 1, Payer: payer, Patient: patient}}
	c.keys[payer] = payerID.Recipient().String()

	file := func(diagnoses ...string) *types.ClaimFile {
		return &types.ClaimFile{
			Provider: hospital, Patient: patient, CoverageID: 1, ServiceDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Diagnoses: diagnoses,
			Lines: []types.ClaimLine{{System: types.CodeSystem_CODE_SYSTEM_CPT, Code: "99213", Units: 1, Charge: math.NewInt(200)}},
		}
	}
	ctx := context.Background()
	msg, err := sealClaim(ctx, hospitalCtx, file("G43.909", "R51.9"))
	require.NoError(t, err)
	require.NoError(t, msg.ValidateBasic())
	require.Equal(t, hospital, msg.Provider)
	opened, err := claimsclient.OpenDiagnoses(msg.DiagnosesCommitment, msg.DiagnosesCiphertext, payerID)
	require.NoError(t, err)
	require.Equal(t, []string{"G43.909", "R51.9"}, opened.Codes)
	me, err := claimsclient.Identity(claimsclient.KeyringSigner(hospitalCtx.Keyring, "hospital"))
	require.NoError(t, err)
	opened, err = claimsclient.OpenDiagnoses(msg.DiagnosesCommitment, msg.DiagnosesCiphertext, me)
	require.NoError(t, err)
	require.Equal(t, []string{"G43.909", "R51.9"}, opened.Codes)

	// Without a key on chain the patient is no recipient; with one, they read their own.
	patientID, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	_, err = claimsclient.OpenDiagnoses(msg.DiagnosesCommitment, msg.DiagnosesCiphertext, patientID)
	require.ErrorIs(t, err, claimsclient.ErrNotRecipient)
	c.keys[patient] = patientID.Recipient().String()
	msg, err = sealClaim(ctx, hospitalCtx, file("G43.909", "R51.9"))
	require.NoError(t, err)
	require.NoError(t, msg.ValidateBasic())
	opened, err = claimsclient.OpenDiagnoses(msg.DiagnosesCommitment, msg.DiagnosesCiphertext, patientID)
	require.NoError(t, err)
	require.Equal(t, []string{"G43.909", "R51.9"}, opened.Codes)
	delete(c.keys, patient)

	// The old chain checks, now made here.
	_, err = sealClaim(ctx, hospitalCtx, file("E119"))
	require.ErrorIs(t, err, types.ErrInvalidCode)
	_, err = sealClaim(ctx, hospitalCtx, file())
	require.ErrorIs(t, err, types.ErrInvalidClaim)
	c.params.MaxDiagnoses = 1
	_, err = sealClaim(ctx, hospitalCtx, file("G43.909", "R51.9"))
	require.ErrorIs(t, err, types.ErrInvalidClaim)
	c.params.MaxDiagnoses = 12

	// Another patient's coverage; a payer without a key.
	other := file("E11.9")
	other.CoverageID = 2
	_, err = sealClaim(ctx, hospitalCtx, other)
	require.ErrorIs(t, err, types.ErrCoveragePatient)
	delete(c.keys, payer)
	_, err = sealClaim(ctx, hospitalCtx, file("E11.9"))
	require.ErrorContains(t, err, "records keys register")

	// enroll registers the payer's key when the chain has none, and only then.
	payerCtx := clientFor(t, c, "payer")
	msgs, err := registerIfMissing(ctx, payerCtx)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	reg := msgs[0].(*recordstypes.MsgRegisterEncryptionKey)
	require.Equal(t, payer, reg.Owner)
	derived, err := claimsclient.Identity(claimsclient.KeyringSigner(payerCtx.Keyring, "payer"))
	require.NoError(t, err)
	require.Equal(t, derived.Recipient().String(), reg.Recipient)
	c.keys[payer] = reg.Recipient
	msgs, err = registerIfMissing(ctx, payerCtx)
	require.NoError(t, err)
	require.Empty(t, msgs)
}
