// The integrity checks `healthd records get` makes (recordsclient.checkCID and
// openChecked), made again in the browser before a record is shown: the CID
// of the encrypted blob as internal/unixfs computes it, and the salted
// commitment of the record's canonical bytes as x/records defines it
// (types.Commitment: SHA-256 of the salt and the canonical bytes; canonical
// bytes as recordsclient.Prepare makes them). Both are compared with the
// anchor the chain holds. Pure functions: no DOM, no network, so that the Go
// test (integrity_test.go) runs them under node against the Go code.
import { sha256 } from "@noble/hashes/sha2.js";
import { base32nopad } from "@scure/base";

// CHUNK_SIZE and MAX_LINKS are kubo's defaults for `ipfs add --cid-version=1`
// (unixfs.ChunkSize, unixfs.MaxLinks).
export const CHUNK_SIZE = 262144;
export const MAX_LINKS = 174;

const CODEC_RAW = 0x55;
const CODEC_DAG_PB = 0x70;
const MH_SHA2_256 = 0x12;

function varint(out, n) {
  // n < 2^53: the sizes here are blob sizes.
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

function tag(out, field, wire) {
  varint(out, field * 8 + wire);
}

function binaryCID(codec, block) {
  const out = [];
  varint(out, 1);
  varint(out, codec);
  varint(out, MH_SHA2_256);
  varint(out, 32);
  return Uint8Array.from([...out, ...sha256(block)]);
}

function leaf(chunk) {
  return { cid: binaryCID(CODEC_RAW, chunk), tsize: chunk.length, filesize: chunk.length };
}

// node encodes an internal dag-pb node over children (unixfs.builder.node):
// PBNode links (field 2) first, then Data (field 1) holding UnixFS Data
// {Type File, filesize, blocksizes}.
function node(children) {
  let filesize = 0;
  let tsize = 0;
  const data = [];
  for (const c of children) filesize += c.filesize;
  tag(data, 1, 0);
  varint(data, 2);
  tag(data, 3, 0);
  varint(data, filesize);
  for (const c of children) {
    tag(data, 4, 0);
    varint(data, c.filesize);
  }
  const enc = [];
  for (const c of children) {
    const link = [];
    tag(link, 1, 2);
    varint(link, c.cid.length);
    link.push(...c.cid);
    tag(link, 2, 2);
    varint(link, 0);
    tag(link, 3, 0);
    varint(link, c.tsize);
    tag(enc, 2, 2);
    varint(enc, link.length);
    enc.push(...link);
    tsize += c.tsize;
  }
  tag(enc, 1, 2);
  varint(enc, data.length);
  enc.push(...data);
  const block = Uint8Array.from(enc);
  return { cid: binaryCID(CODEC_DAG_PB, block), tsize: block.length + tsize, filesize };
}

// cidOf returns the CIDv1 (base32, lower case) that `ipfs add --cid-version=1`
// and unixfs.SumBytes give bytes: raw leaves of CHUNK_SIZE bytes, a
// balanced DAG of at most MAX_LINKS links per node above them.
export function cidOf(bytes, chunkSize = CHUNK_SIZE, maxLinks = MAX_LINKS) {
  const levels = [];
  const add = (level, l) => {
    if (level === levels.length) levels.push([]);
    if (levels[level].length === maxLinks) {
      const parent = node(levels[level]);
      levels[level] = [];
      add(level + 1, parent);
    }
    levels[level].push(l);
  };
  let off = 0;
  while (bytes.length - off > chunkSize) {
    add(0, leaf(bytes.subarray(off, off + chunkSize)));
    off += chunkSize;
  }
  add(0, leaf(bytes.subarray(off))); // the last (or only, possibly empty) chunk
  for (let i = 0; ; i++) {
    if (i === levels.length - 1 && levels[i].length === 1) {
      return "b" + base32nopad.encode(levels[i][0].cid).toLowerCase();
    }
    const parent = node(levels[i]);
    levels[i] = [];
    add(i + 1, parent);
  }
}

// --- canonical bytes (recordsclient.Prepare) ---

const dec = new TextDecoder("utf-8", { fatal: true });
const enc = new TextEncoder();

// canonicalJSON is internal/jcs.Canonicalize: RFC 8785 (members sorted by
// UTF-16 code units, strings escaped only where RFC 8785 requires), except
// that a number is written as its source literal, as FHIR's decimals need.
// It refuses what jcs refuses and a valid record never holds: duplicate
// names, lone surrogates, trailing data.
export function canonicalJSON(bytes) {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw new Error("JSON: byte order mark");
  const s = dec.decode(bytes);
  let i = 0;
  const fail = (why) => {
    throw new Error(`JSON: ${why} at character ${i}`);
  };
  const ws = () => {
    while (i < s.length && (s[i] === " " || s[i] === "\t" || s[i] === "\n" || s[i] === "\r")) i++;
  };
  const str = () => {
    i++; // "
    let out = "";
    for (;;) {
      if (i >= s.length) fail("unterminated string");
      const c = s[i];
      if (c === '"') {
        i++;
        break;
      }
      if (c < " ") fail("control character in a string");
      if (c !== "\\") {
        out += c;
        i++;
        continue;
      }
      const e = s[i + 1];
      i += 2;
      const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (e in simple) {
        out += simple[e];
        continue;
      }
      if (e !== "u") fail("bad escape");
      const hex4 = () => {
        const h = s.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) fail("bad \\u escape");
        i += 4;
        return parseInt(h, 16);
      };
      const u = hex4();
      if (u >= 0xd800 && u <= 0xdbff) {
        if (s[i] !== "\\" || s[i + 1] !== "u") fail("lone surrogate");
        i += 2;
        const lo = hex4();
        if (lo < 0xdc00 || lo > 0xdfff) fail("lone surrogate");
        out += String.fromCharCode(u, lo);
      } else if (u >= 0xdc00 && u <= 0xdfff) {
        fail("lone surrogate");
      } else {
        out += String.fromCharCode(u);
      }
    }
    return out;
  };
  const quote = (v) => {
    let out = '"';
    for (const ch of v) {
      const c = ch.codePointAt(0);
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (c < 0x20) {
        const named = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" }[c];
        out += named || "\\u" + c.toString(16).padStart(4, "0");
      } else out += ch;
    }
    return out + '"';
  };
  const value = (depth) => {
    if (depth > 100) fail("nested too deep");
    ws();
    const c = s[i];
    if (c === "{") {
      i++;
      const members = [];
      const seen = new Set();
      ws();
      if (s[i] === "}") {
        i++;
        return "{}";
      }
      for (;;) {
        ws();
        if (s[i] !== '"') fail("expected a member name");
        const k = str();
        if (seen.has(k)) fail("duplicate member name");
        seen.add(k);
        ws();
        if (s[i] !== ":") fail("expected ':'");
        i++;
        members.push([k, value(depth + 1)]);
        ws();
        if (s[i] === ",") {
          i++;
          continue;
        }
        if (s[i] === "}") {
          i++;
          break;
        }
        fail("expected ',' or '}'");
      }
      // JS string comparison is by UTF-16 code units, as RFC 8785 sorts.
      members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return "{" + members.map(([k, v]) => quote(k) + ":" + v).join(",") + "}";
    }
    if (c === "[") {
      i++;
      const items = [];
      ws();
      if (s[i] === "]") {
        i++;
        return "[]";
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (s[i] === ",") {
          i++;
          continue;
        }
        if (s[i] === "]") {
          i++;
          break;
        }
        fail("expected ',' or ']'");
      }
      return "[" + items.join(",") + "]";
    }
    if (c === '"') return quote(str());
    for (const lit of ["true", "false", "null"]) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        return lit;
      }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(i, i + 1024));
    if (!m || !m[0]) fail("unexpected character");
    i += m[0].length;
    return m[0];
  };
  const out = value(0);
  ws();
  if (i !== s.length) fail("data after the value");
  return enc.encode(out);
}

// canonicalHL7 is internal/hl7v2.Canonical for a message that parses: the
// segments up to the last one that is not blank, each ended by a carriage
// return whatever line ending it had (CR, LF or CR LF).
export function canonicalHL7(bytes) {
  const isBlank = (c) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
  let p = bytes.length;
  while (p > 0 && isBlank(bytes[p - 1])) p--;
  while (p < bytes.length && bytes[p] !== 0x0d && bytes[p] !== 0x0a) p++;
  const segs = [];
  let off = 0;
  while (off < p) {
    let end = off;
    while (end < p && bytes[end] !== 0x0d && bytes[end] !== 0x0a) end++;
    segs.push(bytes.subarray(off, end));
    off = end;
    if (off < p) {
      off++;
      if (bytes[off - 1] === 0x0d && off < p && bytes[off] === 0x0a) off++;
    }
  }
  const out = new Uint8Array(segs.reduce((n, s) => n + s.length + 1, 0));
  let o = 0;
  for (const s of segs) {
    out.set(s, o);
    o += s.length;
    out[o++] = 0x0d;
  }
  return out;
}

// canonical returns a record's canonical bytes for its format (the chain's
// enum name, with or without the FORMAT_ prefix, or its number).
export function canonical(bytes, format) {
  switch (String(format).replace(/^FORMAT_/, "")) {
    case "FHIR_R4":
    case "1":
      return canonicalJSON(bytes);
    case "HL7_V2":
    case "2":
      return canonicalHL7(bytes);
    case "DICOM":
    case "3":
      return bytes;
  }
  throw new Error("unknown record format " + format);
}

// commitmentOf is types.Commitment: SHA-256 of the salt and the canonical bytes.
export function commitmentOf(salt, canonicalBytes) {
  const b = new Uint8Array(salt.length + canonicalBytes.length);
  b.set(salt);
  b.set(canonicalBytes, salt.length);
  return sha256(b);
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

// IntegrityError is a record that does not match its anchor on the chain.
export class IntegrityError extends Error {}

// checkBlob compares the blob's CID with the anchored one.
export function checkBlob(blob, anchoredCID) {
  const got = cidOf(blob);
  if (got !== anchoredCID) {
    throw new IntegrityError(`This record was not shown: the stored copy is not the one recorded on the network (its fingerprint is ${got}, the network recorded ${anchoredCID}). Ask the author to check it.`);
  }
  return got;
}

// checkCommitment compares the decrypted record's commitment with the
// anchored one (both bytes).
export function checkCommitment(recordBytes, format, salt, anchored) {
  let c;
  try {
    c = commitmentOf(salt, canonical(recordBytes, format));
  } catch {
    throw new IntegrityError("This record was not shown: its content cannot be checked against the network's record of it (it no longer reads as a valid record).");
  }
  if (!equalBytes(c, anchored)) {
    throw new IntegrityError("This record was not shown: its content does not match what the network recorded for it. It may have been changed; ask the author to check it.");
  }
  return c;
}
