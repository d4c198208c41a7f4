package simulation

import (
	"context"
	"crypto/sha256"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/healthchain/healthd/internal/unixfs"
	consenttypes "github.com/healthchain/healthd/x/consent/types"
	csim "github.com/healthchain/healthd/x/consortium/simulation"
	ctypes "github.com/healthchain/healthd/x/consortium/types"
	"github.com/healthchain/healthd/x/records/keeper"
	"github.com/healthchain/healthd/x/records/types"
)

// Register adds x/records' operations: anchors, amendments, access requests,
// erasure and params, accepted and refused.
func Register(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	d := csim.ExportDigest(k.ExportGenesis)
	notMember := csim.Errs(ctypes.ErrMissingRole, ctypes.ErrNotMember)
	reg.Add(weights.Get("records_anchor", 20), csim.Succeed(Anchor(k, true)))
	reg.Add(weights.Get("records_anchor_not_clinical", 3), csim.Refuse(d, notMember, Anchor(k, false)))
	reg.Add(weights.Get("records_amend", 6), csim.Succeed(Amend(k, true)))
	reg.Add(weights.Get("records_amend_not_author", 2), csim.Refuse(d, csim.Errs(types.ErrNotAuthor), Amend(k, false)))
	reg.Add(weights.Get("records_request_access", 6), csim.Attempt(d, csim.Errs(consenttypes.ErrNotAuthorized, types.ErrGrantLive), RequestAccess(k)))
	reg.Add(weights.Get("records_erase", 2), csim.Succeed(Erase(k, true)))
	reg.Add(weights.Get("records_erase_stranger", 2), csim.Refuse(d, csim.Errs(consenttypes.ErrNotPatientOrGuardian), Erase(k, false)))
	reg.Add(weights.Get("records_register_key_invalid", 2), csim.Refuse(d, csim.Errs(types.ErrInvalidEncryptionKey), RegisterInvalidKey()))
	reg.Add(weights.Get("records_update_params", 1), csim.Succeed(UpdateParams(true)))
	reg.Add(weights.Get("records_update_params_unauthorized", 2), csim.Refuse(d, csim.Errs(sdkerrors.ErrUnauthorized), UpdateParams(false)))
}

// blob is a random encrypted blob's commitment, CID and size.
func blob(data *simsx.ChainDataSource) ([]byte, string, uint64) {
	r := data.Rand()
	b := make([]byte, r.IntInRange(64, 512))
	for i := range b {
		b[i] = byte(r.IntInRange(0, 256))
	}
	sum := sha256.Sum256(b)
	return sum[:], unixfs.SumBytes(b), uint64(len(b))
}

var kinds = []string{"Observation", "DiagnosticReport", "Condition", "MedicationRequest"}

// Anchor is a hospital or laboratory anchoring a FHIR record of a patient;
// with clinical false a member without those roles, which is refused.
func Anchor(k keeper.Keeper, clinical bool) simsx.SimMsgFactoryFn[*types.MsgAnchorRecord] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAnchorRecord) {
		rc := k.ConsortiumKeeper()
		var author simsx.SimAccount
		if clinical {
			author = csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL, ctypes.Role_ROLE_LABORATORY)
		} else {
			author = csim.Outsider(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL, ctypes.Role_ROLE_LABORATORY)
		}
		patient := csim.Patient(ctx, data, reporter, rc)
		if reporter.IsSkipped() {
			return nil, nil
		}
		commitment, cid, size := blob(data)
		kind := kinds[data.Rand().IntInRange(0, len(kinds))]
		return []simsx.SimAccount{author}, &types.MsgAnchorRecord{
			Author: author.AddressBech32, Patient: patient.AddressBech32, Format: types.Format_FORMAT_FHIR_R4,
			Kind: kind, Category: kind, Commitment: commitment, CID: cid, BlobSize: size,
		}
	}
}

// current returns up to 300 current (not superseded, not erased) record versions.
func current(ctx context.Context, k keeper.Keeper) []types.Record {
	var out []types.Record
	_ = k.Records.Walk(ctx, nil, func(_ uint64, r types.Record) (bool, error) {
		if r.SupersededBy == 0 && !r.Erased {
			out = append(out, r)
		}
		return len(out) >= 300, nil
	})
	return out
}

// Amend is a record's author amending its current version; with byAuthor
// false another clinical member, which is refused.
func Amend(k keeper.Keeper, byAuthor bool) simsx.SimMsgFactoryFn[*types.MsgAmendRecord] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAmendRecord) {
		rc := k.ConsortiumKeeper()
		rec := csim.Pick(data, reporter, "current record", current(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var author simsx.SimAccount
		if byAuthor {
			author = data.GetAccount(reporter, rec.Author)
			if !reporter.IsSkipped() && rc.RequireRole(ctx, author.Address, ctypes.Role_ROLE_HOSPITAL, ctypes.Role_ROLE_LABORATORY) != nil {
				reporter.Skip("author no longer clinical")
			}
			if !reporter.IsSkipped() && rec.Version >= types.DefaultParams().MaxVersions {
				reporter.Skip("record has its versions")
			}
		} else {
			author = csim.MemberWithRole(ctx, data, reporter, rc, ctypes.Role_ROLE_HOSPITAL, ctypes.Role_ROLE_LABORATORY)
			if !reporter.IsSkipped() && author.AddressBech32 == rec.Author {
				reporter.Skip("picked the author")
			}
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		commitment, cid, size := blob(data)
		return []simsx.SimAccount{author}, &types.MsgAmendRecord{
			Author: author.AddressBech32, Supersedes: rec.ID, Kind: rec.Kind, Category: rec.Category,
			Commitment: commitment, CID: cid, BlobSize: size,
		}
	}
}

// RequestAccess is a member other than the patient and the author asking
// for a record version for treatment: granted when the patient's consent
// covers it, refused otherwise.
func RequestAccess(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgRequestAccess] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRequestAccess) {
		rec := csim.Pick(data, reporter, "current record", current(ctx, k))
		grantee := csim.MemberWithRole(ctx, data, reporter, k.ConsortiumKeeper(), ctypes.Role_ROLE_HOSPITAL, ctypes.Role_ROLE_LABORATORY,
			ctypes.Role_ROLE_PHARMACY, ctypes.Role_ROLE_PAYER, ctypes.Role_ROLE_RESEARCH_SPONSOR)
		if reporter.IsSkipped() {
			return nil, nil
		}
		if grantee.AddressBech32 == rec.Author || grantee.AddressBech32 == rec.Patient {
			reporter.Skip("needs no grant")
			return nil, nil
		}
		return []simsx.SimAccount{grantee}, &types.MsgRequestAccess{Grantee: grantee.AddressBech32, RecordID: rec.ID, Purpose: "TREAT"}
	}
}

// Erase is a patient erasing a record (every version); with byPatient
// false a stranger, which is refused.
func Erase(k keeper.Keeper, byPatient bool) simsx.SimMsgFactoryFn[*types.MsgEraseRecord] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgEraseRecord) {
		rec := csim.Pick(data, reporter, "current record", current(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		signer := data.GetAccount(reporter, rec.Patient)
		if !byPatient {
			patient := signer.Address
			signer = data.AnyAccountN(10, reporter, simsx.ExcludeAddresses(rec.Patient), simsx.SimAccountFilterFn(func(a simsx.SimAccount) bool {
				return k.ConsentKeeper().RequirePatientOrGuardian(ctx, a.Address, patient) != nil // not a guardian either
			}))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgEraseRecord{Signer: signer.AddressBech32, RecordID: rec.ID, LatestVersion: rec.Version}
	}
}

// RegisterInvalidKey registers an encryption key that is not an age
// recipient, which is refused.
func RegisterInvalidKey() simsx.SimMsgFactoryFn[*types.MsgRegisterEncryptionKey] {
	return func(ctx context.Context, data *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRegisterEncryptionKey) {
		owner := data.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{owner}, &types.MsgRegisterEncryptionKey{Owner: owner.AddressBech32, Recipient: "age1notarecipient"}
	}
}
