// Builds the portal into dist/: app.js (with code-split chunks), app.css and
// index.html. Deterministic: the same sources and lockfile give byte-identical
// files (no timestamps, no absolute paths, content-hashed chunk names), so
// `make portal-check` can compare a fresh build with the committed one.
import { build } from "esbuild";
import { mkdir, rm, copyFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, "dist");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { app: "src/main.js" },
  bundle: true,
  splitting: true,
  format: "esm",
  chunkNames: "chunks/[name]-[hash]",
  outdir: "dist",
  minify: true,
  sourcemap: false,
  target: ["es2022", "chrome109", "firefox115", "safari16"],
  legalComments: "eof",
  charset: "utf8",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});
await build({
  absWorkingDir: root,
  entryPoints: ["src/app.css"],
  bundle: true,
  outdir: "dist",
  minify: true,
  logLevel: "warning",
});
await copyFile(join(root, "src/index.html"), join(out, "index.html"));
