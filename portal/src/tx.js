// Transactions built and signed in the browser (SIGN_MODE_DIRECT), simulated
// and broadcast through the gateway, then followed until a block includes them.
import { base64 } from "@scure/base";
import { Writer, any } from "./proto.js";
import { gateway, GatewayError } from "./api.js";
import { explainChain } from "./words.js";

const SIGN_MODE_DIRECT = 1;
const DENOM = "uhealth";

function body(msgs, memo) {
  const w = new Writer();
  for (const m of msgs) w.message(1, m, true);
  w.string(2, memo);
  return w.finish();
}

function pubKeyAny(pub) {
  return any("/cosmos.crypto.secp256k1.PubKey", new Writer().bytes(1, pub).finish());
}

// authInfo: one signer (public key, direct mode, sequence), fee of zero
// uhealth (the chain's minimum gas price is 0) and the gas limit.
function authInfo(pub, sequence, gas) {
  const single = new Writer().uint(1, SIGN_MODE_DIRECT).finish();
  const modeInfo = new Writer().message(1, single, true).finish();
  const signerInfo = new Writer().message(1, pubKeyAny(pub)).message(2, modeInfo, true).uint(3, sequence).finish();
  // Fee: amount 1 (repeated Coin; none: a fee of 0 uhealth), gas_limit 2.
  const fee = new Writer().uint(2, gas).finish();
  return new Writer().message(1, signerInfo, true).message(2, fee, true).finish();
}

function signDoc(bodyBytes, authBytes, chainId, accountNumber) {
  return new Writer().bytes(1, bodyBytes).bytes(2, authBytes).string(3, chainId).uint(4, accountNumber).finish();
}

function txRaw(bodyBytes, authBytes, sig) {
  return new Writer().bytes(1, bodyBytes).bytes(2, authBytes).bytesAlways(3, sig).finish();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// send signs msgs with account, simulates, broadcasts and waits for the block.
// progress(step, words) reports each stage. Returns the included result.
export async function send(account, msgs, progress = () => {}, memo = "") {
  progress("prepare", "Preparing the transaction…");
  const acc = await gateway.get("/v1/account");
  const bodyBytes = body(msgs, memo);
  const seq = BigInt(acc.sequence || "0");
  const accNum = BigInt(acc.account_number || "0");

  progress("simulate", "Checking it with the chain…");
  let gasUsed;
  try {
    const sim = await gateway.post("/v1/tx/simulate", {
      tx_bytes: base64.encode(txRaw(bodyBytes, authInfo(account.pub, seq, 0), new Uint8Array(0))),
    });
    gasUsed = BigInt(sim.gas_used);
  } catch (e) {
    throw chainError(e);
  }
  const gas = (gasUsed * 3n) / 2n + 1n;
  const authBytes = authInfo(account.pub, seq, gas);
  const chainId = acc.chain_id || gateway.chainId;
  let signed;
  if (account.kind === "keplr") {
    progress("sign", "Confirm the transaction in Keplr…");
    const r = await account.signDirect({ bodyBytes, authInfoBytes: authBytes, chainId, accountNumber: accNum });
    if (r.chainId !== chainId || BigInt(String(r.accountNumber)) !== accNum) throw new Error("Keplr signed for another network or account: nothing was sent.");
    // What Keplr signed is what is sent: it may have changed the fee.
    signed = txRaw(r.bodyBytes, r.authInfoBytes, r.signature);
  } else {
    progress("sign", "Signing with your key (it never leaves this device)…");
    const sig = await account.sign(signDoc(bodyBytes, authBytes, chainId, accNum));
    signed = txRaw(bodyBytes, authBytes, sig);
  }

  progress("broadcast", "Sending…");
  let res;
  try {
    res = await gateway.post("/v1/tx", { tx_bytes: base64.encode(signed) });
  } catch (e) {
    throw chainError(e);
  }
  const hash = res.txhash;
  progress("wait", "Waiting for the network to record it…", hash);
  for (let i = 0; i < 30; i++) {
    await sleep(1000);
    let st;
    try {
      st = await gateway.get("/v1/tx/" + encodeURIComponent(hash));
    } catch (e) {
      if (e.status === 404) continue;
      throw e;
    }
    if (st.included) {
      if (st.code && st.code !== 0) {
        throw new GatewayError(400, "TX_FAILED", explainChain(st.codespace, st.code, st.error), { txhash: hash, chain: true });
      }
      progress("done", "Recorded in block " + st.height + ".", hash);
      return st;
    }
  }
  throw new GatewayError(504, "TX_TIMEOUT", "The network has not recorded the transaction after 30 seconds. It may still be included: look again in a minute before trying again.", { txhash: hash });
}

function chainError(e) {
  if (e instanceof GatewayError && e.codespace !== undefined && e.code !== undefined) {
    e.message = explainChain(e.codespace, e.code, e.error || e.message);
  }
  return e;
}
