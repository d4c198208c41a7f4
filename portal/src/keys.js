// Keys stay in the browser. An account is a secp256k1 key derived from a BIP39
// mnemonic at m/44'/118'/0'/0/0 (as `healthd keys add` does); it signs as
// Cosmos keys sign: SHA-256 of the bytes, then a deterministic (RFC 6979),
// low-S, 64-byte r||s signature. A key kept between visits is encrypted with
// a passphrase (PBKDF2-SHA256, 600,000 rounds, AES-256-GCM, WebCrypto).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { HDKey } from "@scure/bip32";
import { mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { bech32, base64 } from "@scure/base";

export const PREFIX = "health";
export const HD_PATH = "m/44'/118'/0'/0/0";

// addressOf returns the health1... address of a 33-byte compressed key.
export function addressOf(pub) {
  return bech32.encode(PREFIX, bech32.toWords(ripemd160(sha256(pub))));
}

// validAddress reports whether s is a health1... account.
export function validAddress(s) {
  try {
    const d = bech32.decode(s);
    return d.prefix === PREFIX && bech32.fromWords(d.words).length === 20;
  } catch {
    return false;
  }
}

// Account is a signing key held in this page's memory.
export class Account {
  constructor(priv) {
    this.priv = priv;
    this.pub = secp256k1.getPublicKey(priv, true);
    this.address = addressOf(this.pub);
    this.kind = "local";
  }
  // sign signs bytes as a Cosmos secp256k1 key does (64 bytes, low S).
  async sign(bytes) {
    return secp256k1.sign(bytes, this.priv, { prehash: true, lowS: true });
  }
  forget() {
    this.priv.fill(0);
  }
}

export function normalizeMnemonic(m) {
  return m.trim().toLowerCase().split(/\s+/).join(" ");
}

// fromMnemonic derives the account key of a mnemonic.
export function fromMnemonic(mnemonic) {
  const m = normalizeMnemonic(mnemonic);
  if (!validateMnemonic(m, wordlist)) {
    throw new Error("These words are not a valid recovery phrase: check each word and their order.");
  }
  const key = HDKey.fromMasterSeed(mnemonicToSeedSync(m)).derive(HD_PATH);
  return new Account(key.privateKey.slice());
}

// --- remembered keys ---

const STORE = "healthd-portal/key/v1";
const ROUNDS = 600000;

async function aesKey(passphrase, salt) {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations: ROUNDS }, base,
    { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

// remember stores the account's key on this device, encrypted with passphrase.
export async function remember(account, passphrase) {
  if (passphrase.length < 8) throw new Error("Choose a passphrase of at least 8 characters.");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await aesKey(passphrase, salt);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(account.address) }, key, account.priv));
  localStorage.setItem(STORE, JSON.stringify({ address: account.address, salt: base64.encode(salt), iv: base64.encode(iv), key: base64.encode(ct) }));
}

// remembered returns the address of the key kept on this device, if any.
export function remembered() {
  try {
    const v = JSON.parse(localStorage.getItem(STORE) || "null");
    return v && v.address ? v.address : null;
  } catch {
    return null;
  }
}

// unlock decrypts the kept key with passphrase.
export async function unlock(passphrase) {
  const v = JSON.parse(localStorage.getItem(STORE) || "null");
  if (!v) throw new Error("No key is kept on this device.");
  const key = await aesKey(passphrase, base64.decode(v.salt));
  let priv;
  try {
    priv = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: base64.decode(v.iv), additionalData: new TextEncoder().encode(v.address) }, key, base64.decode(v.key)));
  } catch {
    throw new Error("That passphrase does not open the key kept on this device.");
  }
  const acc = new Account(priv);
  if (acc.address !== v.address) throw new Error("The key kept on this device is damaged.");
  return acc;
}

export function forgetRemembered() {
  localStorage.removeItem(STORE);
}
