// Break-glass justifications sealed in the browser as
// x/consent/client/consentclient.SealJustification seals them: a random salt,
// the canonical justification, zero padding to 128 bytes, age-encrypted to the
// member's own key and the patient's (and live guardians') registered keys.
import { Encrypter, identityToRecipient } from "age-encryption";
import { sha256 } from "@noble/hashes/sha2.js";
import { gateway } from "./api.js";
import { deriveIdentity } from "./records.js";

const TAG = "healthd/consent/break-glass-justification/v1\n";
const NAMES = { 1: "patient-unconscious", 2: "life-threatening", 3: "no-capacity-no-guardian", 4: "critical-continuity-of-care" };
const PADDING = 128;

// readersOf returns the keys the justification must also be readable by:
// the patient's and the patient's live guardians' registered keys (the
// gateway answers them to active members, and audits the read).
async function readersOf(patient) {
  const r = await gateway.get("/v1/break-glass/recipients?patient=" + encodeURIComponent(patient));
  return r.recipients || [];
}

export async function sealJustification(account, patient, code) {
  const canonical = new TextEncoder().encode(TAG + NAMES[code] + "\n");
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const plain = new Uint8Array(PADDING);
  plain.set(salt);
  plain.set(canonical, salt.length);
  const e = new Encrypter();
  e.addRecipient(await identityToRecipient(await deriveIdentity(account)));
  // As the CLI does: sealed to the member in any case, and to each reader
  // who registered a key (a patient without one reads nothing, and the
  // member is told so by the form).
  const readers = await readersOf(patient);
  for (const r of readers) e.addRecipient(r);
  const ciphertext = await e.encrypt(plain);
  const c = new Uint8Array(salt.length + canonical.length);
  c.set(salt);
  c.set(canonical, salt.length);
  return { commitment: sha256(c), ciphertext, readers: readers.length };
}
