// The pharmacy's own prescription reference, committed as `healthd tx
// drugtrace dispense --rx` commits it (x/drugtrace/client/cli/dispense.go):
// the prescription key is SHA-256 of a label and the pharmacy's signature of a
// fixed message; the salt is HMAC-SHA256(key, label ‖ "GTIN/serial"); the
// commitment is SHA-256(salt ‖ reference). Only the commitment goes on chain.
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { hex } from "@scure/base";

const enc = new TextEncoder();
const KEY_MESSAGE = "healthd/drugtrace/prescription-key/v1: sign only inside healthd; this signature is your prescription key";
const KEY_LABEL = "healthd-drugtrace-prescription-key\x00";
const SALT_LABEL = "healthd/drugtrace/prescription-salt/v1\x00";

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

// validReference is types.ValidateReference: 1 to 64 of A-Z a-z 0-9 - _ . :
export function validReference(s) {
  return /^[A-Za-z0-9\-_.:]{1,64}$/.test(s);
}

async function prescriptionKey(account) {
  const msg = enc.encode(KEY_MESSAGE);
  const s1 = await account.sign(msg);
  const s2 = await account.sign(msg);
  if (hex.encode(s1) !== hex.encode(s2)) throw new Error("This key's signatures are not deterministic: it cannot derive a prescription key.");
  return sha256(concat(enc.encode(KEY_LABEL), s1));
}

// prescriptionCommitment commits to reference for the unit "GTIN/serial".
export async function prescriptionCommitment(account, unitKey, reference) {
  const salt = hmac(sha256, await prescriptionKey(account), concat(enc.encode(SALT_LABEL), enc.encode(unitKey)));
  return sha256(concat(salt, enc.encode(reference)));
}
