// A minimal protobuf writer: just what SIGN_MODE_DIRECT transactions and
// healthd's messages need. Fields are written in field-number order and
// default values (0, "", false, empty bytes) are skipped, as proto3 encoders
// do, so the bytes match what the Go codec produces for the same message.

const enc = new TextEncoder();

export class Writer {
  constructor() {
    this.parts = [];
    this.len = 0;
  }
  push(b) {
    this.parts.push(b);
    this.len += b.length;
  }
  varint(v) {
    let n = BigInt(v);
    if (n < 0n) n = BigInt.asUintN(64, n);
    const out = [];
    while (n > 0x7fn) {
      out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    out.push(Number(n));
    this.push(Uint8Array.from(out));
  }
  tag(field, wire) {
    this.varint((field << 3) | wire);
  }
  // uint64 / int64 / uint32 / enum / bool (wire type 0); zero is skipped.
  uint(field, v) {
    if (v === undefined || v === null) return this;
    const n = BigInt(typeof v === "boolean" ? (v ? 1 : 0) : v);
    if (n === 0n) return this;
    this.tag(field, 0);
    this.varint(n);
    return this;
  }
  bool(field, v) {
    return this.uint(field, v ? 1 : 0);
  }
  bytes(field, b) {
    if (!b || b.length === 0) return this;
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }
  // bytesAlways writes a length-delimited field even when empty (repeated
  // bytes elements, embedded messages that are set but empty).
  bytesAlways(field, b) {
    this.tag(field, 2);
    this.varint(b.length);
    if (b.length) this.push(b);
    return this;
  }
  string(field, s) {
    if (!s) return this;
    return this.bytes(field, enc.encode(s));
  }
  strings(field, list) {
    for (const s of list || []) this.bytesAlways(field, enc.encode(s));
    return this;
  }
  // message writes an embedded message given its encoded bytes; set marks a
  // non-nullable or present field that is written even when empty.
  message(field, b, set = false) {
    if (b === undefined || b === null) return this;
    if (b.length === 0 && !set) return this;
    return this.bytesAlways(field, b);
  }
  // packed repeated uint64.
  packed(field, list) {
    if (!list || list.length === 0) return this;
    const w = new Writer();
    for (const v of list) w.varint(v);
    return this.bytesAlways(field, w.finish());
  }
  finish() {
    const out = new Uint8Array(this.len);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

// timestamp encodes a google.protobuf.Timestamp from a Date.
export function timestamp(date) {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1e6;
  return new Writer().uint(1, seconds).uint(2, nanos).finish();
}

// any encodes a google.protobuf.Any.
export function any(typeUrl, value) {
  return new Writer().string(1, typeUrl).bytes(2, value).finish();
}

// A minimal reader, for the few answers the portal decodes itself.
export function readFields(buf) {
  const out = [];
  let i = 0;
  const varint = () => {
    let n = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++];
      if (b === undefined) throw new Error("truncated protobuf");
      n |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return n;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, value: varint() });
    else if (wire === 2) {
      const n = Number(varint());
      out.push({ field, value: buf.slice(i, i + n) });
      i += n;
    } else if (wire === 1) {
      i += 8;
    } else if (wire === 5) {
      i += 4;
    } else throw new Error("unsupported wire type " + wire);
  }
  return out;
}
