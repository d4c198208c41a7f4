// Compiles contracts/**/*.sol with the solc version pinned in package-lock.json and
// writes, for every contract with bytecode, artifacts/<Name>.json (abi, bytecode,
// deployed bytecode, compiler version and settings) plus <Name>.abi and <Name>.bin,
// the inputs of abigen (go generate ./htlc). Deterministic: fixed optimizer and EVM
// settings, no metadata hash in the bytecode (a comment edit does not change it),
// sources named by relative path, no timestamps, keys in a fixed order.
import solc from "solc";
import { readFile, readdir, writeFile, rm, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join, relative, sep } from "node:path";

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, "artifacts");

// Paris: no PUSH0 and no transient storage, so the bytecode also runs on permissioned
// networks (Besu, older geth) that stop before Shanghai/Cancun.
const settings = {
  evmVersion: "paris",
  optimizer: { enabled: true, runs: 200 },
  metadata: { bytecodeHash: "none" },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};

async function solFiles(dir) {
  const found = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) found.push(...(await solFiles(p)));
    else if (e.name.endsWith(".sol")) found.push(p);
  }
  return found.sort();
}

const sources = {};
for (const f of await solFiles(join(root, "contracts"))) {
  sources[relative(root, f).split(sep).join("/")] = { content: await readFile(f, "utf8") };
}

const output = JSON.parse(solc.compile(JSON.stringify({ language: "Solidity", sources, settings })));
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
for (const e of output.errors ?? []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const version = solc.version();
const written = [];
for (const source of Object.keys(output.contracts).sort()) {
  for (const name of Object.keys(output.contracts[source]).sort()) {
    const c = output.contracts[source][name];
    if (!c.evm.bytecode.object) continue; // interfaces
    const artifact = {
      contractName: name,
      sourceName: source,
      compiler: { version, settings: { evmVersion: settings.evmVersion, optimizer: settings.optimizer, metadata: settings.metadata } },
      abi: c.abi,
      bytecode: "0x" + c.evm.bytecode.object,
      deployedBytecode: "0x" + c.evm.deployedBytecode.object,
    };
    await writeFile(join(out, `${name}.json`), JSON.stringify(artifact, null, 2) + "\n");
    await writeFile(join(out, `${name}.abi`), JSON.stringify(c.abi) + "\n");
    await writeFile(join(out, `${name}.bin`), c.evm.bytecode.object);
    written.push(`${name} (${c.evm.deployedBytecode.object.length / 2} bytes deployed)`);
  }
}
console.log(`solc ${version}: ${written.join(", ")}`);
