package vault

import (
	"bytes"
	"context"
	"errors"
	"math"
	"net/http"
	"testing"

	"github.com/cosmos/cosmos-sdk/codec"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	recordstypes "github.com/healthchain/healthd/x/records/types"
)

func newKeyring(t *testing.T, uids ...string) keyring.Keyring {
	t.Helper()
	ir := codectestutil.CodecOptions{AccAddressPrefix: AccountPrefix}.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(ir)
	kr := keyring.NewInMemory(codec.NewProtoCodec(ir))
	for _, uid := range uids {
		if _, _, err := kr.NewMnemonic(uid, keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1); err != nil {
			t.Fatal(err)
		}
	}
	return kr
}

func newKeyringSigner(t *testing.T, kr keyring.Keyring, uid string) Signer {
	t.Helper()
	s, err := KeyringSigner(kr, uid)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantVaultError(t *testing.T, err error, status int, reason string) {
	t.Helper()
	var ve *Error
	if !errors.As(err, &ve) || ve.Status != status || ve.Reason != reason || ve.Message == "" {
		t.Fatalf("got %v, want vault error %d %s", err, status, reason)
	}
}

func TestClientRoundTrip(t *testing.T) {
	e := newEnv(t)
	kr := newKeyring(t, "hospital", "patient", "doctor", "stranger")
	hospital, patient, doctor, stranger := newKeyringSigner(t, kr, "hospital"), newKeyringSigner(t, kr, "patient"), newKeyringSigner(t, kr, "doctor"), newKeyringSigner(t, kr, "stranger")
	if _, ok := hospital.PubKey().(*secp256k1.PubKey); !ok || ValidateAccount(hospital.Address()) != nil {
		t.Fatalf("signer %s %T", hospital.Address(), hospital.PubKey())
	}
	client := func(s Signer) *Client {
		return &Client{BaseURL: e.srv.URL, ChainID: testChainID, HTTP: e.srv.Client(), Signer: s}
	}
	ctx := context.Background()
	e.chain.setAuthor(hospital.Address())

	ciphertext := bytes.Repeat([]byte("age-encrypted FHIR bundle "), 500)
	cid, err := client(hospital).PutBlob(ctx, ciphertext)
	if err != nil {
		t.Fatal(err)
	}
	if cid != sumBytes(t, ciphertext) {
		t.Fatalf("cid %s", cid)
	}
	_, err = client(doctor).PutBlob(ctx, ciphertext)
	wantVaultError(t, err, http.StatusForbidden, ReasonNotAuthor)

	// The record is anchored on chain; the doctor holds a grant.
	const id = 42
	e.chain.setRecord(id, fakeRecord{cid: cid, patient: patient.Address(), author: hospital.Address()})
	e.chain.setBasis(id, doctor.Address(), recordstypes.AccessBasis_ACCESS_BASIS_GRANT)

	if err := client(hospital).PutKey(ctx, id, patient.Address(), []byte("key for patient")); err != nil {
		t.Fatal(err)
	}
	_, err = client(doctor).GetKey(ctx, id)
	wantVaultError(t, err, http.StatusNotFound, ReasonNoKey)
	if err := client(patient).PutKey(ctx, id, doctor.Address(), []byte("key for doctor")); err != nil {
		t.Fatal(err)
	}
	err = client(doctor).PutKey(ctx, id, stranger.Address(), []byte("k"))
	wantVaultError(t, err, http.StatusForbidden, ReasonNotPatientOrAuthor)

	blob, gotCID, err := client(doctor).GetBlob(ctx, id)
	if err != nil || gotCID != cid || !bytes.Equal(blob, ciphertext) {
		t.Fatalf("doctor GetBlob: %s %v", gotCID, err)
	}
	key, err := client(doctor).GetKey(ctx, id)
	if err != nil || string(key) != "key for doctor" {
		t.Fatalf("doctor GetKey: %q %v", key, err)
	}
	key, err = client(patient).GetKey(ctx, id)
	if err != nil || string(key) != "key for patient" {
		t.Fatalf("patient GetKey: %q %v", key, err)
	}
	_, _, err = client(stranger).GetBlob(ctx, id)
	wantVaultError(t, err, http.StatusForbidden, ReasonNoGrant)
	_, _, err = client(doctor).GetBlob(ctx, 12345)
	wantVaultError(t, err, http.StatusNotFound, ReasonUnknownRecord)

	// The patient revokes consent; then erases.
	e.chain.setBasis(id, doctor.Address(), recordstypes.AccessBasis_ACCESS_BASIS_CONSENT_ENDED)
	_, _, err = client(doctor).GetBlob(ctx, id)
	wantVaultError(t, err, http.StatusForbidden, ReasonConsentEnded)
	wantVaultError(t, client(hospital).Erase(ctx, id), http.StatusForbidden, ReasonNotPatient)
	if err := client(patient).Erase(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := client(patient).Erase(ctx, id); err != nil {
		t.Fatalf("second erase: %v", err)
	}
	_, _, err = client(patient).GetBlob(ctx, id)
	wantVaultError(t, err, http.StatusGone, ReasonErased)
	_, err = client(patient).GetKey(ctx, id)
	wantVaultError(t, err, http.StatusGone, ReasonErased)

	// The erased blob cannot be uploaded again until the patient lifts the
	// tombstone; the author may not lift it.
	_, err = client(hospital).PutBlob(ctx, ciphertext)
	wantVaultError(t, err, http.StatusGone, ReasonErased)
	wantVaultError(t, client(hospital).LiftTombstone(ctx, id), http.StatusForbidden, ReasonNotPatient)
	if err := client(patient).LiftTombstone(ctx, id); err != nil {
		t.Fatal(err)
	}
	wantVaultError(t, client(patient).LiftTombstone(ctx, id), http.StatusConflict, ReasonNotErased)
	if _, err := client(hospital).PutBlob(ctx, ciphertext); err != nil {
		t.Fatal(err)
	}
	// The keys went with the erasure: the author wraps the patient's anew,
	// but may not replace it afterwards; the patient may.
	if err := client(hospital).PutKey(ctx, id, patient.Address(), []byte("new key for patient")); err != nil {
		t.Fatal(err)
	}
	wantVaultError(t, client(hospital).PutKey(ctx, id, patient.Address(), []byte("k")), http.StatusConflict, ReasonKeyExists)
	if err := client(patient).PutKey(ctx, id, patient.Address(), []byte("rewrapped")); err != nil {
		t.Fatal(err)
	}

	// A signer for another chain is refused.
	other := client(patient)
	other.ChainID = "another-chain"
	_, err = other.GetKey(ctx, id)
	wantVaultError(t, err, http.StatusUnauthorized, ReasonBadSignature)
}

func TestKeyringSignerRejectsNonSecp256k1(t *testing.T) {
	kr := newKeyring(t)
	if _, err := KeyringSigner(kr, "missing"); err == nil {
		t.Fatal("missing key accepted")
	}
}

func TestClientDetectsTamperedBlob(t *testing.T) {
	e := newEnv(t)
	// Corrupt the stored blob behind the vault's back.
	if err := writeFileAtomic(e.root+"/blobs", e.cid1, []byte("tampered")); err != nil {
		t.Fatal(err)
	}
	signer, _ := PrivKeySigner(e.reader.priv)
	c := &Client{BaseURL: e.srv.URL, ChainID: testChainID, Signer: signer}
	if _, _, err := c.GetBlob(context.Background(), recHeld); err == nil {
		t.Fatal("tampered blob accepted")
	}
}

// TestClientLargestBlobLimit: a client limit of math.MaxInt64 must not wrap
// its "limit + 1" read bound and return an empty blob.
func TestClientLargestBlobLimit(t *testing.T) {
	e := newEnv(t)
	signer, _ := PrivKeySigner(e.reader.priv)
	c := &Client{BaseURL: e.srv.URL, ChainID: testChainID, Signer: signer, MaxBlobSize: math.MaxInt64}
	blob, cid, err := c.GetBlob(context.Background(), recHeld)
	if err != nil || cid != e.cid1 || !bytes.Equal(blob, e.blob1) {
		t.Fatalf("GetBlob: %s %v", cid, err)
	}
}

// TestGuardianErases: a live guardian erases a patient's record and lifts
// its tombstone, as the patient may; a guardian whose guardianship ended,
// or a guardian of another patient, may not.
func TestGuardianErases(t *testing.T) {
	e := newEnv(t)
	kr := newKeyring(t, "hospital", "patient", "guardian", "oldguardian", "otherguardian")
	hospital, patient := newKeyringSigner(t, kr, "hospital"), newKeyringSigner(t, kr, "patient")
	guardian, old, other := newKeyringSigner(t, kr, "guardian"), newKeyringSigner(t, kr, "oldguardian"), newKeyringSigner(t, kr, "otherguardian")
	client := func(s Signer) *Client {
		return &Client{BaseURL: e.srv.URL, ChainID: testChainID, HTTP: e.srv.Client(), Signer: s}
	}
	ctx := context.Background()
	e.chain.setAuthor(hospital.Address())
	cid, err := client(hospital).PutBlob(ctx, bytes.Repeat([]byte("age-encrypted record "), 100))
	if err != nil {
		t.Fatal(err)
	}
	const id = 7
	e.chain.setRecord(id, fakeRecord{cid: cid, patient: patient.Address(), author: hospital.Address()})
	e.chain.setGuardian(patient.Address(), guardian.Address(), true)
	e.chain.setGuardian(patient.Address(), old.Address(), false)
	e.chain.setGuardian("health1someoneelse", other.Address(), true)

	for _, s := range []Signer{old, other, hospital} {
		wantVaultError(t, client(s).Erase(ctx, id), http.StatusForbidden, ReasonNotPatient)
	}
	if _, _, err := client(patient).GetBlob(ctx, id); err != nil {
		t.Fatalf("refused erasures changed something: %v", err)
	}
	if err := client(guardian).Erase(ctx, id); err != nil {
		t.Fatalf("live guardian erase: %v", err)
	}
	_, _, err = client(patient).GetBlob(ctx, id)
	wantVaultError(t, err, http.StatusGone, ReasonErased)
	wantVaultError(t, client(old).LiftTombstone(ctx, id), http.StatusForbidden, ReasonNotPatient)
	if err := client(guardian).LiftTombstone(ctx, id); err != nil {
		t.Fatalf("live guardian lifts the tombstone: %v", err)
	}
}
