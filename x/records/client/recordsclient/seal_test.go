package recordsclient

import (
	"bytes"
	"encoding/hex"
	"testing"

	"filippo.io/age"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/healthchain/healthd/x/records/types"
)

// fixedSalt is the salt of the commitment vectors: bytes 0..31.
func fixedSalt() []byte {
	salt := make([]byte, types.SaltSize)
	for i := range salt {
		salt[i] = byte(i)
	}
	return salt
}

// TestCommitmentFixtureVectors pins canonicalisation and commitment together
// to the values the client computed before the commitment moved to
// x/records/types: a record anchored before the move still verifies after it.
func TestCommitmentFixtureVectors(t *testing.T) {
	for path, want := range map[string]string{
		"internal/fhirr4/testdata/bundle_collection.json": "ffd4a5eb4d9b7d12cc31a5c7a5ff86414f58aa974e5c766a3f96983935f6be2b",
		"internal/fhirr4/testdata/observation_lab.json":   "efd57b6db2fb22c4aa6282a95132d5630430331b411844832a4bf59e3fb2037e",
		"internal/hl7v2/testdata/oru_r01.hl7":             "549f667a63ee5dd43d0630440c0d3c8bbd270a3155f987e5ab17e36ddee6a6b1",
		"internal/dicom/testdata/ct_small.dcm":            "488b11960e6bf9d7a46f8c9e0b64fff51d813c15a0b09507246d80ca699a4216",
	} {
		p, err := Prepare(fixture(t, path), types.Format_FORMAT_UNSPECIFIED)
		require.NoError(t, err, path)
		require.Equal(t, want, hex.EncodeToString(types.Commitment(fixedSalt(), p.Canonical)), path)
	}
}

// TestDeriveIdentityVector pins the derivation: a fixed secp256k1 key gives
// the recipient it gave before the client library was split out, so keys
// already registered on chain still unwrap.
func TestDeriveIdentityVector(t *testing.T) {
	priv := fixedKey()
	id, err := DeriveIdentity(func(msg []byte) ([]byte, error) { return priv.Sign(msg) })
	require.NoError(t, err)
	require.Equal(t, fixedRecipient, id.Recipient().String())
}

// fixedRecipient is the age recipient fixedKey derives.
const fixedRecipient = "age10nzs3qk0e70gxd4sctak87y0lrffz7cn8vluha8pxxsshmadcdas6c6mpy"

// fixedKey is the secp256k1 key with bytes 1..32.
func fixedKey() *secp256k1.PrivKey {
	priv := &secp256k1.PrivKey{Key: make([]byte, 32)}
	for i := range priv.Key {
		priv.Key[i] = byte(i + 1)
	}
	return priv
}

// anchor is what the chain would hold for sl.
func anchor(sl *Sealed) types.Record {
	return types.Record{
		ID: 7, Format: sl.Prepared.Format, Kind: sl.Prepared.Kind, Category: sl.Category,
		Commitment: sl.Commitment, CID: sl.CID, BlobSize: uint64(len(sl.Ciphertext)),
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	for _, tc := range []struct{ path, category string }{
		{"internal/fhirr4/testdata/bundle_collection.json", "Encounter"},
		{"internal/fhirr4/testdata/observation_lab.json", ""},
		{"internal/hl7v2/testdata/oru_r01.hl7", ""},
		{"internal/dicom/testdata/ct_small.dcm", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			b := fixture(t, tc.path)
			sl, err := SealRecord(b, types.Format_FORMAT_UNSPECIFIED, tc.category)
			require.NoError(t, err)
			require.NoError(t, types.ValidateContent(sl.Commitment, sl.CID, uint64(len(sl.Ciphertext))), "the anchor passes the chain's checks")
			require.NoError(t, types.ValidateKind(sl.Prepared.Format, sl.Prepared.Kind))
			require.NoError(t, types.ValidateCategory(sl.Category))
			require.False(t, bytes.Contains(sl.Ciphertext, b[len(b)/2:len(b)/2+16]), "no plaintext in the ciphertext")

			r := anchor(sl)
			o, err := OpenRecord(r, sl.Ciphertext, sl.Key)
			require.NoError(t, err)
			require.Equal(t, b, o.Bytes, "the record comes back byte for byte")
			require.Equal(t, sl.Category, o.Header.Category)
			require.Equal(t, sl.Prepared.Kind, o.Header.Kind)
			require.True(t, types.VerifyCommitment(r.Commitment, o.Header.Salt, sl.Prepared.Canonical))

			// The record key travels wrapped: a reader unwraps it and opens the record.
			reader, err := age.GenerateX25519Identity()
			require.NoError(t, err)
			wrapped, err := WrapKey(sl.Key, reader.Recipient())
			require.NoError(t, err)
			key, err := UnwrapKey(wrapped, reader)
			require.NoError(t, err)
			o2, err := OpenRecord(r, sl.Ciphertext, key)
			require.NoError(t, err)
			require.Equal(t, b, o2.Bytes)

			// Sealing again draws a new salt and key: another commitment, another CID.
			sl2, err := SealRecord(b, types.Format_FORMAT_UNSPECIFIED, tc.category)
			require.NoError(t, err)
			require.NotEqual(t, sl.Commitment, sl2.Commitment)
			require.NotEqual(t, sl.CID, sl2.CID)
			_, err = OpenRecord(r, sl2.Ciphertext, sl2.Key)
			require.ErrorContains(t, err, "integrity", "another blob than the anchored one")
		})
	}
}

func TestOpenRecordRefusesMismatch(t *testing.T) {
	sl, err := SealRecord(fixture(t, "internal/fhirr4/testdata/observation_lab.json"), types.Format_FORMAT_UNSPECIFIED, "")
	require.NoError(t, err)

	r := anchor(sl)
	r.Commitment = types.Commitment(fixedSalt(), sl.Prepared.Canonical)
	_, err = OpenRecord(r, sl.Ciphertext, sl.Key)
	require.ErrorContains(t, err, "does not match the anchored", "another commitment")

	r = anchor(sl)
	bad := append([]byte(nil), sl.Ciphertext...)
	bad[len(bad)/2] ^= 1
	_, err = OpenRecord(r, bad, sl.Key)
	require.ErrorContains(t, err, "integrity: the vault's blob has CID", "a changed byte")

	other, err := age.GenerateX25519Identity()
	require.NoError(t, err)
	_, err = OpenRecord(r, sl.Ciphertext, other)
	require.ErrorContains(t, err, "decrypting the record", "another key")

	r = anchor(sl)
	r.Format = types.Format_FORMAT_HL7_V2
	_, err = OpenRecord(r, sl.Ciphertext, sl.Key)
	require.ErrorIs(t, err, ErrInvalidRecord, "the anchored format decides how the record is read")
}

func TestSealRecordRefuses(t *testing.T) {
	bundle := fixture(t, "internal/fhirr4/testdata/bundle_collection.json")
	_, err := SealRecord(bundle, types.Format_FORMAT_UNSPECIFIED, "")
	require.ErrorContains(t, err, "implies no consent category")
	_, err = SealRecord(bundle, types.Format_FORMAT_UNSPECIFIED, "Unicorn")
	require.ErrorIs(t, err, types.ErrInvalidCategory)
	_, err = SealRecord([]byte("hello"), types.Format_FORMAT_UNSPECIFIED, "Observation")
	require.ErrorIs(t, err, ErrInvalidRecord)
}
