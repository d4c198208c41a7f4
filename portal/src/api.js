// The gateway client: login (challenge, signature, session), JSON and FHIR
// reads, and the errors turned into sentences (words.js).
import { base64 } from "@scure/base";
import { explainGateway } from "./words.js";

// GatewayError is a refusal or failure, with a sentence for people.
export class GatewayError extends Error {
  constructor(status, reason, message, extra = {}) {
    super(message);
    this.status = status;
    this.reason = reason;
    Object.assign(this, extra);
  }
}

// Base is where the gateway is: the page is served by it, so the same origin.
const base = "";

async function decodeError(resp) {
  let body = {};
  try {
    body = await resp.json();
  } catch {
    /* not JSON */
  }
  // FHIR endpoints answer OperationOutcome.
  if (body.resourceType === "OperationOutcome") {
    const iss = (body.issue || [])[0] || {};
    const reason = ((iss.details || {}).coding || [])[0]?.code || "HTTP_" + resp.status;
    body = { error: iss.diagnostics || (iss.details || {}).text || "", reason };
  }
  const reason = body.reason || "HTTP_" + resp.status;
  return new GatewayError(resp.status, reason, explainGateway(reason, body.error, body), body);
}

export class Gateway {
  constructor() {
    this.token = null;
    this.account = null;
    this.chainId = null;
    this.onExpired = () => {};
  }

  async request(method, path, { body, auth = true, headers = {}, raw = false } = {}) {
    const h = { ...headers };
    if (auth && this.token) h.Authorization = "Bearer " + this.token;
    if (body !== undefined && !(body instanceof Uint8Array)) {
      h["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(base + path, { method, headers: h, body, credentials: "omit", cache: "no-store" });
    } catch {
      throw new GatewayError(0, "NETWORK", "The portal cannot reach the server. Check your connection and try again.");
    }
    if (!resp.ok) {
      const e = await decodeError(resp);
      if (resp.status === 401 && auth && this.token) this.onExpired(e);
      throw e;
    }
    if (raw) return resp;
    return resp.json();
  }

  get(path, opts) {
    return this.request("GET", path, opts);
  }
  post(path, body, opts = {}) {
    return this.request("POST", path, { ...opts, body });
  }

  // login proves the account with its key and opens a session.
  async login(account) {
    const ch = await this.post("/auth/challenge", {}, { auth: false });
    const msg = `healthd-gateway/v1\nsession\n${ch.chain_id}\n${account.address}\n${ch.nonce}`;
    let req;
    if (account.kind === "keplr") {
      // A wallet signs no raw bytes: the gateway takes the ADR-036 document
      // of the same line (sign_mode adr036).
      if (account.chainId !== ch.chain_id) throw new Error("Keplr is connected to another network than this server's.");
      const r = await account.signArbitrary(msg);
      req = { account: account.address, pubkey: r.pubkey, nonce: ch.nonce, signature: r.signature, sign_mode: "adr036" };
    } else {
      const sig = await account.sign(new TextEncoder().encode(msg));
      req = { account: account.address, pubkey: base64.encode(account.pub), nonce: ch.nonce, signature: base64.encode(sig) };
    }
    const s = await this.post("/auth/session", req, { auth: false });
    this.token = s.token;
    this.account = s.account;
    this.chainId = ch.chain_id;
    this.expiresAt = s.expires_at;
    return s;
  }

  async logout() {
    if (!this.token) return;
    try {
      await this.post("/auth/logout", {});
    } catch {
      /* the session ends anyway */
    }
    this.token = null;
    this.account = null;
  }

  whoami() {
    return this.get("/v1/whoami");
  }

  // fhir reads a search Bundle and returns its resources.
  async fhir(type, params) {
    const q = new URLSearchParams(params).toString();
    const b = await this.get(`/fhir/${type}?${q}`, { headers: { Accept: "application/fhir+json" } });
    return (b.entry || []).map((e) => e.resource);
  }
}

export const gateway = new Gateway();
