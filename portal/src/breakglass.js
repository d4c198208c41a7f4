// Break-glass justifications sealed in the browser as
// x/consent/client/consentclient.SealJustification seals them: a random salt,
// the canonical justification, zero padding to 128 bytes, age-encrypted to the
// member's own key and the patient's (and live guardians') registered keys.
import { Encrypter, identityToRecipient } from "age-encryption";
import { sha256 } from "@noble/hashes/sha2.js";
import { gateway, GatewayError } from "./api.js";
import { deriveIdentity } from "./records.js";

const TAG = "healthd/consent/break-glass-justification/v1\n";
const NAMES = { 1: "patient-unconscious", 2: "life-threatening", 3: "no-capacity-no-guardian", 4: "critical-continuity-of-care" };
const PADDING = 128;

async function recipientOf(account) {
  try {
    const r = await gateway.get("/v1/encryption-key?account=" + encodeURIComponent(account));
    return r.recipient;
  } catch (e) {
    if (e instanceof GatewayError && e.status === 404 && e.reason === "NOT_FOUND") {
      throw new Error("Emergency access cannot be opened from this portal yet: this server does not publish patients' encryption keys. Use the healthd command line.");
    }
    throw e;
  }
}

export async function sealJustification(account, patient, code) {
  const canonical = new TextEncoder().encode(TAG + NAMES[code] + "\n");
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const plain = new Uint8Array(PADDING);
  plain.set(salt);
  plain.set(canonical, salt.length);
  const e = new Encrypter();
  e.addRecipient(await identityToRecipient(await deriveIdentity(account)));
  e.addRecipient(await recipientOf(patient));
  const ciphertext = await e.encrypt(plain);
  const c = new Uint8Array(salt.length + canonical.length);
  c.set(salt);
  c.set(canonical, salt.length);
  return { commitment: sha256(c), ciphertext };
}
