package cli

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"

	"github.com/healthchain/healthd/internal/sigkey"
	"github.com/healthchain/healthd/internal/testkit"
	"github.com/healthchain/healthd/x/drugtrace/types"
)

const (
	gtin  = "09506000134352"
	label = "(01)" + gtin + "(17)280630(10)LOT24A(21)SN0001"
)

func testKeyring(t *testing.T) keyring.Keyring {
	t.Helper()
	ir := codectestutil.CodecOptions{AccAddressPrefix: "health"}.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(ir)
	kr := keyring.NewInMemory(codec.NewProtoCodec(ir))
	require.NoError(t, kr.ImportPrivKeyHex("pharmacy", "6a5b4c3d2e1f00112233445566778899aabbccddeeff00112233445566778899", "secp256k1"))
	require.NoError(t, kr.ImportPrivKeyHex("pharmacy2", "7a5b4c3d2e1f00112233445566778899aabbccddeeff00112233445566778899", "secp256k1"))
	return kr
}

// TestDispenseMsgCommitsToReference: with --rx the message carries a 32-byte
// commitment and not the reference, in no field and no encoding; the
// commitment is the x/records rule under a salt from the pharmacy's key and
// the unit, so another pharmacy, or the same one for another unit, commits
// differently, and prescription-proof's salt opens it.
func TestDispenseMsgCommitsToReference(t *testing.T) {
	kr := testKeyring(t)
	key, err := DerivePrescriptionKey(sigkey.KeyringSigner(kr, "pharmacy"))
	require.NoError(t, err)
	again, err := DerivePrescriptionKey(sigkey.KeyringSigner(kr, "pharmacy"))
	require.NoError(t, err)
	require.Equal(t, key, again, "the same signing key, the same prescription key")
	other, err := DerivePrescriptionKey(sigkey.KeyringSigner(kr, "pharmacy2"))
	require.NoError(t, err)
	require.NotEqual(t, key, other)
	_, err = DerivePrescriptionKey(sigkey.KeyringSigner(kr, ""))
	require.ErrorContains(t, err, "--from")

	pharmacy, patient := testkit.String(testkit.Addr("pharmacy")), testkit.String(testkit.Addr("patient"))
	msg, err := DispenseMsg(key, pharmacy, label, patient, 0, "RX-42")
	require.NoError(t, err)
	require.Zero(t, msg.PrescriptionID)
	require.Len(t, msg.PrescriptionCommitment, types.PrescriptionCommitmentSize)
	bz, err := proto.Marshal(msg)
	require.NoError(t, err)
	require.False(t, bytes.Contains(bz, []byte("RX-42")), "the reference is sent")

	// The element string and GTIN/serial name one unit: one salt.
	p, err := Prove(key, gtin+"/SN0001", "RX-42")
	require.NoError(t, err)
	require.Equal(t, gtin+"/SN0001", p.Unit)
	require.Equal(t, hex.EncodeToString(msg.PrescriptionCommitment), p.Commitment)
	salt, err := hex.DecodeString(p.Salt)
	require.NoError(t, err)
	require.True(t, types.VerifyPrescriptionCommitment(msg.PrescriptionCommitment, salt, "RX-42"), "an auditor checks it")
	require.False(t, types.VerifyPrescriptionCommitment(msg.PrescriptionCommitment, salt, "RX-43"))

	m2, err := DispenseMsg(other, pharmacy, label, patient, 0, "RX-42")
	require.NoError(t, err)
	require.NotEqual(t, msg.PrescriptionCommitment, m2.PrescriptionCommitment, "another pharmacy's key")
	m3, err := DispenseMsg(key, pharmacy, gtin+"/SN0002", patient, 0, "RX-42")
	require.NoError(t, err)
	require.NotEqual(t, msg.PrescriptionCommitment, m3.PrescriptionCommitment, "another unit")

	// A bridge prescription goes by id; none at all is allowed here.
	byID, err := DispenseMsg(nil, pharmacy, label, patient, 7, "")
	require.NoError(t, err)
	require.EqualValues(t, 7, byID.PrescriptionID)
	require.Empty(t, byID.PrescriptionCommitment)
	none, err := DispenseMsg(nil, pharmacy, label, patient, 0, "")
	require.NoError(t, err)
	require.False(t, none.NamesPrescription())

	// Refused before anything is signed.
	_, err = DispenseMsg(key, pharmacy, label, patient, 7, "RX-42")
	require.ErrorContains(t, err, "not both")
	_, err = DispenseMsg(key, pharmacy, label, patient, 0, "Jane Doe")
	require.ErrorIs(t, err, types.ErrInvalidReference)
	_, err = DispenseMsg(key, pharmacy, "(01)"+gtin, patient, 0, "RX-42")
	require.ErrorIs(t, err, types.ErrInvalidUnitRef)
}

// TestDispenseCommands: dispense takes the unit and the patient, and the
// prescription by flag; prescription-proof takes --from and the keyring
// flags besides the query flags.
func TestDispenseCommands(t *testing.T) {
	d := DispenseCmd()
	for _, f := range []string{flagPrescriptionID, flagRx, flags.FlagFrom} {
		require.NotNil(t, d.Flags().Lookup(f), f)
	}
	require.NoError(t, d.Args(d, []string{label, "health1..."}))
	require.Error(t, d.Args(d, []string{label, "health1...", "RX-42"}), "a free-text third argument is gone")
	p := ProofCmd()
	for _, f := range []string{flags.FlagFrom, flags.FlagKeyringBackend, flags.FlagNode} {
		require.NotNil(t, p.Flags().Lookup(f), f)
	}
}
