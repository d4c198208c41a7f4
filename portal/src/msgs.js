// healthd's own messages, encoded by hand from proto/healthd/*/v1/tx.proto.
// Field numbers must match the .proto files exactly (msgs_test in the e2e
// test checks the chain accepts each one the portal sends).
import { Writer, timestamp, any } from "./proto.js";

const T = (pkg, name) => `/healthd.${pkg}.v1.${name}`;

// MsgGrantConsent (consent/v1/tx.proto): signer 1, patient 2, grantee 3,
// purpose 4, categories 5, all_categories 6, start 7 (nullable), end 8.
export function grantConsent({ signer, patient, grantee, purpose, categories, allCategories, start, end }) {
  const w = new Writer()
    .string(1, signer)
    .string(2, patient)
    .string(3, grantee)
    .string(4, purpose)
    .strings(5, categories)
    .bool(6, allCategories);
  if (start) w.message(7, timestamp(start), true);
  w.message(8, timestamp(end), true);
  return any(T("consent", "MsgGrantConsent"), w.finish());
}

// MsgAmendConsent: signer 1, consent_id 2, categories 3, all_categories 4, end 5.
export function amendConsent({ signer, consentId, categories, allCategories, end }) {
  const w = new Writer()
    .string(1, signer)
    .uint(2, consentId)
    .strings(3, categories)
    .bool(4, allCategories)
    .message(5, timestamp(end), true);
  return any(T("consent", "MsgAmendConsent"), w.finish());
}

// MsgRevokeConsent: signer 1, consent_id 2, reason 3 (RevocationReason).
export function revokeConsent({ signer, consentId, reason }) {
  const w = new Writer().string(1, signer).uint(2, consentId).uint(3, reason);
  return any(T("consent", "MsgRevokeConsent"), w.finish());
}

// MsgAppointGuardian: patient 1, guardian 2, end 3.
export function appointGuardian({ patient, guardian, end }) {
  const w = new Writer().string(1, patient).string(2, guardian).message(3, timestamp(end), true);
  return any(T("consent", "MsgAppointGuardian"), w.finish());
}

// MsgRemoveGuardian: patient 1, guardian 2.
export function removeGuardian({ patient, guardian }) {
  const w = new Writer().string(1, patient).string(2, guardian);
  return any(T("consent", "MsgRemoveGuardian"), w.finish());
}

// MsgBreakGlass: member 1, patient 2, (3 reserved), justification_commitment 4,
// justification_ciphertext 5.
export function breakGlass({ member, patient, commitment, ciphertext }) {
  const w = new Writer().string(1, member).string(2, patient).bytes(4, commitment).bytes(5, ciphertext);
  return any(T("consent", "MsgBreakGlass"), w.finish());
}

// MsgRequestAccess (records/v1/tx.proto): grantee 1, record_id 2, purpose 3.
export function requestAccess({ grantee, recordId, purpose }) {
  const w = new Writer().string(1, grantee).uint(2, recordId).string(3, purpose);
  return any(T("records", "MsgRequestAccess"), w.finish());
}

// MsgRegisterEncryptionKey: owner 1, recipient 2.
export function registerEncryptionKey({ owner, recipient }) {
  const w = new Writer().string(1, owner).string(2, recipient);
  return any(T("records", "MsgRegisterEncryptionKey"), w.finish());
}

// MsgDispense (drugtrace/v1/tx.proto): actor 1, unit 2, patient_ref 3,
// (4 reserved), prescription_id 5, prescription_commitment 6.
export function dispense({ actor, unit, patientRef, prescriptionId, prescriptionCommitment }) {
  const w = new Writer()
    .string(1, actor)
    .string(2, unit)
    .string(3, patientRef)
    .uint(5, prescriptionId)
    .bytes(6, prescriptionCommitment);
  return any(T("drugtrace", "MsgDispense"), w.finish());
}

// ReviewDecision (claims/v1/tx.proto).
export const ReviewDecision = { APPROVE: 1, PARTIAL: 2, DENY: 3 };

// MsgReviewClaim: payer 1, claim_id 2, decision 3, approve_lines 4 (packed), reason 5.
export function reviewClaim({ payer, claimId, decision, approveLines, reason }) {
  const w = new Writer()
    .string(1, payer)
    .uint(2, claimId)
    .uint(3, decision)
    .packed(4, approveLines)
    .string(5, reason);
  return any(T("claims", "MsgReviewClaim"), w.finish());
}
