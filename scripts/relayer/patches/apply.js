#!/usr/bin/env node
// Patches @confio/relayer 0.12.0 and its @cosmjs 0.32.4 dependencies so that they
// work against healthd (Cosmos SDK v0.54, CometBFT v0.39, ibc-go v11).
// Run automatically by `npm install` / `npm ci` (package.json "postinstall"),
// idempotent, and it fails loudly if a file does not look as expected (e.g. after
// a version bump), instead of silently relaying with unpatched code.
//
//  1. @cosmjs/tendermint-rpc connectComet(): only "0.37." and "0.38." are
//     recognised, anything else falls back to Tendermint34Client, whose decoder
//     base64-decodes event attributes. CometBFT 0.39 reports "0.39.4" and sends
//     plain-string attributes, so every tx result fails with
//     "Invalid string. Length must be a multiple of 4". Fix: treat 0.39.x (and 1.x)
//     like 0.38 (same RPC/ABCI 2.0 format).
//  2. @cosmjs/stargate accountFromBaseAccount(): Uint64.toNumber() on the account
//     number. SDK v0.54 gives new accounts pseudo-random 64-bit account numbers
//     with the top bit set (x/auth types.GenerateID), so any fresh key fails with
//     "Number can only safely store up to 53 bits". Fix: keep it as a bigint
//     (makeSignDoc in proto-signing already does BigInt(accountNumber)).
//  3. @confio/relayer parsePacket()/parseAck(): reads the deprecated event
//     attributes packet_data / packet_ack, which ibc-go v10+ no longer emits (only
//     packet_data_hex / packet_ack_hex), so MsgRecvPacket is sent with empty data:
//     "packet data bytes cannot be empty: invalid packet". Fix: prefer the hex
//     attributes, fall back to the old ones.
//  4. @cosmjs/tendermint-rpc Comet38 block_results decoder drops
//     finalize_block_events, and @confio/relayer only looks at
//     begin/end_block_events, so packets sent from a BeginBlocker/EndBlocker
//     (not from a tx) would never be relayed. Fix: decode finalize_block_events
//     and include them.
//  5. @confio/relayer Link.timeoutPackets(): sends MsgTimeout with
//     next_sequence_recv taken from the NextSequenceReceive query, which ibc-go
//     returns as 0 for UNORDERED channels; ibc-go v11 ValidateBasic rejects that:
//     "next sequence receive cannot be 0: invalid sequence". Fix: for 0 use the
//     packet's own sequence (what Hermes does; ibc-go ignores the field for
//     unordered channels and checks it for ordered ones, where it is non-zero).
//  6. (scripting only) ibc-setup / ibc-relayer log any error and still exit 0
//     (loggerWithErrorBoundary swallows it, then process.exit(0)). Fix: exit 1
//     after a logged error, so scripts can use `set -e`.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..", "node_modules");

const PATCHES = [
  {
    pkg: "@cosmjs/tendermint-rpc", version: "0.32.4",
    file: "build/tendermintclient.js",
    from: `else if (version.startsWith("0.38.")) {`,
    to: `else if (version.startsWith("0.38.") || version.startsWith("0.39.") || version.startsWith("1.")) { /* healthd-patch */`,
  },
  {
    pkg: "@cosmjs/stargate", version: "0.32.4",
    file: "build/accounts.js",
    from: `accountNumber: uint64FromProto(accountNumber).toNumber(),`,
    to: `accountNumber: BigInt(uint64FromProto(accountNumber).toString()), /* healthd-patch */`,
  },
  {
    pkg: "@confio/relayer", version: "0.12.0",
    file: "build/lib/utils.js",
    from: `data: attributesObj.packet_data
            ? (0, encoding_1.toUtf8)(attributesObj.packet_data)
            : undefined,`,
    to: `data: attributesObj.packet_data_hex /* healthd-patch */
            ? (0, encoding_1.fromHex)(attributesObj.packet_data_hex)
            : attributesObj.packet_data
                ? (0, encoding_1.toUtf8)(attributesObj.packet_data)
                : undefined,`,
  },
  {
    pkg: "@confio/relayer", version: "0.12.0",
    file: "build/lib/utils.js",
    from: `data: (0, encoding_1.toUtf8)(attributesObj.packet_data ?? ""),`,
    to: `data: attributesObj.packet_data_hex !== undefined ? (0, encoding_1.fromHex)(attributesObj.packet_data_hex) : (0, encoding_1.toUtf8)(attributesObj.packet_data ?? ""), /* healthd-patch */`,
  },
  {
    pkg: "@confio/relayer", version: "0.12.0",
    file: "build/lib/utils.js",
    from: `const acknowledgement = (0, encoding_1.toUtf8)(attributesObj.packet_ack ?? "");`,
    to: `const acknowledgement = attributesObj.packet_ack_hex !== undefined ? (0, encoding_1.fromHex)(attributesObj.packet_ack_hex) : (0, encoding_1.toUtf8)(attributesObj.packet_ack ?? ""); /* healthd-patch */`,
  },
  {
    pkg: "@cosmjs/tendermint-rpc", version: "0.32.4",
    file: "build/comet38/adaptor/responses.js",
    from: `endBlockEvents: decodeEvents(data.end_block_events || []),`,
    to: `endBlockEvents: decodeEvents(data.end_block_events || []),
        finalizeBlockEvents: decodeEvents(data.finalize_block_events || []), /* healthd-patch */`,
  },
  {
    pkg: "@confio/relayer", version: "0.12.0",
    file: "build/lib/utils.js",
    from: `...result.endBlockEvents,
    ]);`,
    to: `...result.endBlockEvents,
        ...(result.finalizeBlockEvents ?? []), /* healthd-patch */
    ]);`,
  },
  {
    pkg: "@confio/relayer", version: "0.12.0",
    file: "build/lib/link.js",
    from: `return { proof, sequence };`,
    to: `return { proof, sequence: sequence || packet.sequence }; /* healthd-patch */`,
  },
  {
    pkg: "@confio/relayer", version: "0.12.0",
    file: "build/binary/utils/logger-with-error-boundary.js",
    from: `logger.error(error);`,
    to: `logger.error(error);
            process.exitCode = 1; /* healthd-patch */`,
  },
  {
    pkg: "@confio/relayer", version: "0.12.0",
    file: "build/binary/ibc-setup/index.js",
    from: `.then(() => process.exit(0), (err) => {`,
    to: `.then(() => process.exit() /* healthd-patch: keeps process.exitCode */, (err) => {`,
  },
  {
    pkg: "@confio/relayer", version: "0.12.0",
    file: "build/binary/ibc-relayer/index.js",
    from: `.then(() => process.exit(0), (err) => {`,
    to: `.then(() => process.exit() /* healthd-patch: keeps process.exitCode */, (err) => {`,
  },
];

let applied = 0, already = 0;
for (const p of PATCHES) {
  const pkgDir = path.join(root, p.pkg);
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
  if (version !== p.version) {
    throw new Error(`${p.pkg} is ${version}, patch written for ${p.version}: review patches/apply.js`);
  }
  const file = path.join(pkgDir, p.file);
  const src = fs.readFileSync(file, "utf8");
  if (src.includes(p.to)) { already++; continue; }
  const n = src.split(p.from).length - 1;
  if (n !== 1) {
    throw new Error(`${p.pkg}/${p.file}: expected text found ${n} times (want 1):\n${p.from}`);
  }
  fs.writeFileSync(file, src.replace(p.from, p.to));
  applied++;
}
// There must be exactly one copy of each patched package (no nested duplicates).
const { execSync } = require("child_process");
for (const name of ["@cosmjs/tendermint-rpc", "@cosmjs/stargate", "@confio/relayer"]) {
  const out = execSync(`find ${JSON.stringify(root)} -path "*/node_modules/${name}/package.json" -not -path "*/.cache/*"`).toString().trim().split("\n").filter(Boolean);
  if (out.length !== 1) throw new Error(`expected one copy of ${name}, found:\n${out.join("\n")}`);
}
console.log(`healthd relayer patches: ${applied} applied, ${already} already present`);
