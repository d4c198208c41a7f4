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
    // The key signs raw bytes, from which record keys derive (records.js).
    this.rawSigner = true;
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

// --- Keplr ---

// NO_RAW_SIGNING says why a Keplr session cannot open records (nor seal a
// break-glass reason or commit a prescription reference): healthd derives
// those keys from the account's signature over fixed raw bytes (healthd
// records' DeriveIdentity), and Keplr signs only transactions and ADR-036
// documents, whose signatures differ, so no second derivation is made up.
export const NO_RAW_SIGNING = "Keplr can sign your transactions, but it cannot open records: your record key comes from a signature Keplr does not make. Sign in with your recovery phrase to read records, seal an emergency reason or commit a prescription.";

// keplrChainInfo is what Keplr's experimentalSuggestChain needs, from the
// gateway's GET /v1/chain-info.
export function keplrChainInfo(info) {
  const p = info.bech32_prefix;
  const cur = { coinDenom: info.display_denom, coinMinimalDenom: info.denom, coinDecimals: info.decimals };
  return {
    chainId: info.chain_id,
    chainName: info.chain_name,
    rpc: info.rpc,
    rest: info.rest,
    bip44: { coinType: info.coin_type },
    bech32Config: {
      bech32PrefixAccAddr: p, bech32PrefixAccPub: p + "pub", bech32PrefixValAddr: p + "valoper",
      bech32PrefixValPub: p + "valoperpub", bech32PrefixConsAddr: p + "valcons", bech32PrefixConsPub: p + "valconspub",
    },
    currencies: [cur],
    // The chain's minimum gas price is zero: no fee.
    feeCurrencies: [{ ...cur, gasPriceStep: { low: 0, average: 0, high: 0 } }],
    stakeCurrency: cur,
    features: [],
  };
}

// KeplrAccount is an account whose key stays in the Keplr extension: it
// signs the login as an ADR-036 document and transactions in direct mode.
export class KeplrAccount {
  constructor(keplr, chainId, key) {
    this.keplr = keplr;
    this.chainId = chainId;
    this.pub = key.pubKey;
    this.address = key.bech32Address;
    this.name = key.name || "";
    this.kind = "keplr";
    this.rawSigner = false;
  }
  async sign() {
    throw new Error(NO_RAW_SIGNING);
  }
  // signArbitrary signs text as ADR-036 says (Keplr's signArbitrary) and
  // returns the signature and public key, standard base64.
  async signArbitrary(text) {
    const r = await this.keplr.signArbitrary(this.chainId, this.address, text);
    return { signature: r.signature, pubkey: r.pub_key.value };
  }
  // signDirect has Keplr sign a SignDoc; it returns the signature and the
  // body and auth info Keplr signed (it may have changed the fee).
  async signDirect(doc) {
    const r = await this.keplr.signDirect(this.chainId, this.address, doc);
    return { signature: base64.decode(r.signature.signature), bodyBytes: r.signed.bodyBytes, authInfoBytes: r.signed.authInfoBytes,
      chainId: r.signed.chainId, accountNumber: r.signed.accountNumber };
  }
  forget() {}
}

// keplrPresent reports whether the Keplr extension is in this browser.
export function keplrPresent() {
  return typeof window !== "undefined" && !!window.keplr;
}

// connectKeplr asks Keplr for the account on the gateway's chain, first
// suggesting the chain to Keplr when Keplr does not know it.
export async function connectKeplr(info) {
  const k = window.keplr;
  if (!k) throw new Error("Keplr is not installed in this browser.");
  try {
    await k.enable(info.chain_id);
  } catch (e) {
    if (!k.experimentalSuggestChain) throw new Error("Keplr did not connect: " + (e.message || e));
    if (!info.rpc || !info.rest) {
      throw new Error("Keplr does not know this network and this server does not publish its addresses: ask its operator, or add the network to Keplr yourself.");
    }
    try {
      await k.experimentalSuggestChain(keplrChainInfo(info));
      await k.enable(info.chain_id);
    } catch (e2) {
      throw new Error("Keplr did not add or connect this network: " + (e2.message || e2));
    }
  }
  const key = await k.getKey(info.chain_id);
  if (key.isNanoLedger) throw new Error("Keplr with a Ledger signs only in a mode the portal does not use: sign in with your recovery phrase or use the healthd command line.");
  const pub = key.pubKey instanceof Uint8Array ? key.pubKey : new Uint8Array(key.pubKey);
  if (pub.length !== 33 || addressOf(pub) !== key.bech32Address) {
    throw new Error("Keplr gave an account that does not match its key on this network.");
  }
  return new KeplrAccount(k, info.chain_id, { ...key, pubKey: pub });
}
