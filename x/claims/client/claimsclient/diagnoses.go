package claimsclient

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"

	"github.com/healthchain/healthd/x/claims/types"
	"github.com/healthchain/healthd/x/records/client/recordsclient"
	recordstypes "github.com/healthchain/healthd/x/records/types"
)

// Sealed diagnoses: the plaintext is the salt (recordstypes.SaltSize bytes),
// types.CanonicalDiagnoses and zero bytes up to a multiple of
// types.DiagnosesPadding; it is encrypted with age to the X25519 recipients
// the payer and the provider registered in x/records (the keys every account
// derives from its signing key, `healthd records keys register`). One file
// key, wrapped per recipient: age's own multi-recipient encryption.

// SealedDiagnoses is what MsgSubmitClaim carries of the diagnoses.
type SealedDiagnoses struct {
	Commitment []byte
	Ciphertext []byte
}

// SealDiagnoses checks codes (1..maxDiagnoses ICD-10-CM codes; 0: no limit),
// commits to them under a fresh salt and encrypts the salt and the codes to
// recipients (the payer's and the provider's).
func SealDiagnoses(codes []string, maxDiagnoses uint32, recipients ...age.Recipient) (*SealedDiagnoses, error) {
	if err := types.ValidateDiagnoses(codes, maxDiagnoses); err != nil {
		return nil, err
	}
	if len(recipients) == 0 {
		return nil, errors.New("the diagnoses need recipients: the payer's and the provider's encryption keys")
	}
	salt, err := recordsclient.NewSalt()
	if err != nil {
		return nil, err
	}
	canonical := types.CanonicalDiagnoses(codes)
	n := len(salt) + len(canonical)
	padded := (n + types.DiagnosesPadding - 1) / types.DiagnosesPadding * types.DiagnosesPadding
	plain := make([]byte, padded)
	copy(plain, salt)
	copy(plain[len(salt):], canonical)

	var out bytes.Buffer
	w, err := age.Encrypt(&out, recipients...)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plain); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	s := &SealedDiagnoses{Commitment: types.DiagnosesCommitment(salt, codes), Ciphertext: out.Bytes()}
	if err := types.ValidateSealedDiagnoses(s.Commitment, s.Ciphertext); err != nil {
		return nil, fmt.Errorf("%d diagnoses for %d recipients do not fit: %w", len(codes), len(recipients), err)
	}
	return s, nil
}

// OpenedDiagnoses are a claim's diagnoses, decrypted and checked against the
// claim's commitment.
type OpenedDiagnoses struct {
	Codes []string
	// Salt opens the commitment: with it and the codes, anyone can check them
	// against the chain (types.VerifyDiagnosesCommitment).
	Salt []byte
}

// ErrNotRecipient is returned for diagnoses sealed to other keys than the caller's.
var ErrNotRecipient = errors.New("the diagnoses are not encrypted to this key: only the claim's payer, provider and (with an encryption key on chain) patient read them")

// OpenDiagnoses decrypts a claim's diagnoses with id (the caller's x/records
// identity) and checks them against the commitment. Nothing is returned
// unless the ciphertext opens, the plaintext is well formed and the
// commitment matches.
func OpenDiagnoses(commitment, ciphertext []byte, id age.Identity) (*OpenedDiagnoses, error) {
	r, err := age.Decrypt(bytes.NewReader(ciphertext), id)
	if err != nil {
		var none *age.NoIdentityMatchError
		if errors.As(err, &none) {
			return nil, ErrNotRecipient
		}
		return nil, fmt.Errorf("decrypting the diagnoses: %w", err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, types.MaxDiagnosesCiphertext))
	if err != nil {
		return nil, fmt.Errorf("decrypting the diagnoses (the ciphertext is corrupt or was tampered with): %w", err)
	}
	if len(plain) < recordstypes.SaltSize || len(plain)%types.DiagnosesPadding != 0 {
		return nil, fmt.Errorf("sealed diagnoses of %d bytes: not a padded envelope", len(plain))
	}
	salt, body := plain[:recordstypes.SaltSize], bytes.TrimRight(plain[recordstypes.SaltSize:], "\x00")
	codes, err := types.ParseCanonicalDiagnoses(body)
	if err != nil {
		return nil, err
	}
	if !types.VerifyDiagnosesCommitment(commitment, salt, codes) {
		return nil, fmt.Errorf("integrity: the decrypted diagnoses' commitment %x does not match the claim's %x",
			types.DiagnosesCommitment(salt, codes), commitment)
	}
	return &OpenedDiagnoses{Codes: codes, Salt: salt}, nil
}

// OpenClaimDiagnoses is OpenDiagnoses on a claim.
func OpenClaimDiagnoses(c types.Claim, id age.Identity) (*OpenedDiagnoses, error) {
	return OpenDiagnoses(c.DiagnosesCommitment, c.DiagnosesCiphertext, id)
}

// SubmitMsg is the message `healthd tx claims submit` sends for a claim file:
// its fields, with the diagnoses replaced by their seal.
func SubmitMsg(f *types.ClaimFile, sealed *SealedDiagnoses) *types.MsgSubmitClaim {
	return &types.MsgSubmitClaim{
		Provider: f.Provider, Patient: f.Patient, CoverageID: f.CoverageID, ServiceDate: f.ServiceDate,
		Lines: f.Lines, RecordIDs: f.RecordIDs,
		DiagnosesCommitment: sealed.Commitment, DiagnosesCiphertext: sealed.Ciphertext,
	}
}

// Identity derives the account's x/records age identity (the key its
// registered recipient belongs to) with sign: the one that opens diagnoses
// sealed to it.
func Identity(sign Signer) (*age.X25519Identity, error) {
	return recordsclient.DeriveIdentity(sign)
}
