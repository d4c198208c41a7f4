// Records opened in the browser, as `healthd records get` opens them
// (x/records/client/recordsclient): the account's age identity is derived from
// its signature over a fixed message (keys.go DeriveIdentity), the record key
// is unwrapped with it, the blob decrypted with the record key, and the
// envelope (envelope.go) split into its header and the record's bytes.
import { Decrypter } from "age-encryption";
import { sha256 } from "@noble/hashes/sha2.js";
import { bech32, base64, hex } from "@scure/base";
import { gateway } from "./api.js";
import { NO_RAW_SIGNING } from "./keys.js";
import { checkBlob, checkCommitment, IntegrityError } from "./integrity.js";

const enc = new TextEncoder();
const KEY_MESSAGE = "healthd/records/encryption-key/v1: sign only inside healthd; this signature is your record decryption key";
const KEY_LABEL = "healthd-age-x25519\x00";

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// deriveIdentity returns the account's AGE-SECRET-KEY-1... identity: SHA-256
// of the label and the account's signature of the fixed message (signed twice:
// a key whose signatures differ cannot derive a stable key).
export async function deriveIdentity(account) {
  const msg = enc.encode(KEY_MESSAGE);
  const s1 = await account.sign(msg);
  const s2 = await account.sign(msg);
  if (hex.encode(s1) !== hex.encode(s2)) throw new Error("This key's signatures are not deterministic: it cannot derive a record key.");
  const seed = sha256(concat(enc.encode(KEY_LABEL), s1));
  return bech32.encode("age-secret-key-", bech32.toWords(seed), 1023).toUpperCase();
}

// vaultGet sends one signed vault read through the gateway (same origin):
// the vault's own signed headers (vault/client.go) and the gateway session.
async function vaultGet(account, path) {
  const ch = await gateway.get("/vault/v1/challenge");
  const empty = hex.encode(sha256(new Uint8Array(0)));
  const signBytes = `healthd-vault/v1\n${gateway.chainId}\nGET\n${path}\n${ch.nonce}\n${empty}`;
  const sig = await account.sign(enc.encode(signBytes));
  const resp = await gateway.request("GET", "/vault" + path, {
    raw: true,
    headers: {
      "Healthd-Account": account.address,
      "Healthd-Pubkey": base64.encode(account.pub),
      "Healthd-Nonce": ch.nonce,
      "Healthd-Signature": base64.encode(sig),
    },
  });
  return new Uint8Array(await resp.arrayBuffer());
}

const MAGIC = "healthd-record/v1\n";

// openEnvelope splits a decrypted envelope: magic, 4-byte big-endian header
// length, JSON header, the record's bytes.
export function openEnvelope(b) {
  const magic = enc.encode(MAGIC);
  if (b.length < magic.length + 4 || !magic.every((x, i) => b[i] === x)) throw new Error("The decrypted data is not a healthd record.");
  const dv = new DataView(b.buffer, b.byteOffset + magic.length, 4);
  const n = dv.getUint32(0);
  const start = magic.length + 4;
  if (n > 65536 || start + n > b.length) throw new Error("The record's header is damaged.");
  const header = JSON.parse(new TextDecoder().decode(b.subarray(start, start + n)));
  return { header, bytes: b.subarray(start + n) };
}

const COMMITMENT_SYSTEM = "urn:healthd:record-commitment";

// anchorOf reads what the chain anchored for record id (the gateway's
// DocumentReference, read from the chain): the blob's CID, the commitment
// and the format.
async function anchorOf(id) {
  const d = await gateway.get(`/fhir/DocumentReference/${id}`, { headers: { Accept: "application/fhir+json" } });
  const cid = (d.masterIdentifier || {}).value;
  const commitment = ((d.identifier || []).find((x) => x.system === COMMITMENT_SYSTEM) || {}).value;
  const format = (((d.content || [])[0] || {}).format || {}).code;
  if (!cid || !commitment || !format) throw new IntegrityError("This record was not shown: the network's record of it could not be read, so it cannot be checked.");
  return { cid, commitment: base64.decode(commitment), format };
}

// openRecord fetches the account's wrapped key and the blob of record id,
// checks the blob's CID against the chain's anchor, decrypts them in the
// browser and checks the record's salted commitment against the anchor, as
// `healthd records get` does; a record that does not match is not returned.
export async function openRecord(account, id) {
  if (!account.rawSigner) throw new Error(NO_RAW_SIGNING);
  const wrapped = await vaultGet(account, `/v1/records/${id}/key`);
  const blob = await vaultGet(account, `/v1/records/${id}/blob`);
  const anchor = await anchorOf(id);
  // The blob is checked before the account's key is used.
  const cid = checkBlob(blob, anchor.cid);
  const me = new Decrypter();
  me.addIdentity(await deriveIdentity(account));
  let recordKey;
  try {
    recordKey = (await me.decrypt(wrapped, "text")).trim();
  } catch {
    throw new Error("The record key is not wrapped for your key: ask the patient or the author to share it again.");
  }
  const rk = new Decrypter();
  rk.addIdentity(recordKey);
  let env;
  try {
    env = await rk.decrypt(blob);
  } catch {
    throw new Error("The record could not be decrypted: the stored copy is damaged or was tampered with.");
  }
  const rec = openEnvelope(env);
  let salt;
  try {
    salt = base64.decode(rec.header.salt || "");
  } catch {
    salt = new Uint8Array(0);
  }
  if (salt.length !== 32) throw new IntegrityError("This record was not shown: its header is damaged, so it cannot be checked against the network's record of it.");
  const commitment = checkCommitment(rec.bytes, anchor.format, salt, anchor.commitment);
  rec.verified = { cid, commitment: hex.encode(commitment) };
  return rec;
}
