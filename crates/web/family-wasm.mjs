// The family portal's wasm, cut at its lazy pages. Trunk builds the staff bundle's wasm itself,
// but it cannot split one (it runs wasm-bindgen straight after cargo). Leptos' `#[lazy]`
// functions (crates/web/src/lib.rs: one per area — Start, Dossier, Berichten, Agenda,
// Gegevens, the account pages) mark where the code may be cut; this step does what
// cargo-leptos does for them, as a trunk post-build hook:
//
//   cargo rustc (wasm-release; the linker keeps its relocations, `--emit-relocs`, which wasm-split
//     needs — for this binary only: the staff bundle's wasm-opt cannot read such a file)
//   → wasm-split-cli (crates.io `wasm_split_cli_support`): the main module, one module per
//     area, the chunks areas share, and `__wasm_split.js`, the loader
//   → wasm-bindgen --keep-lld-exports (the areas link against the main module's exports)
//   → wasm-opt on every module (npm's binaryen 132, the flags the staff bundle gets)
//   → content-hashed names, so every file can be cached for a year
//   → the bootstrap written into the staged index.html where `<!-- kring:family-wasm -->` is.
//
// The staff page has no marker: for it this step does nothing. The family portal is always the
// release build at the site's root (`scripts/build-web`); trunk's profile and public URL are
// not read.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const MARKER = "<!-- kring:family-wasm -->";
const BIN = "kring-web";
const PROFILE = "wasm-release";
const WASM_OPT_FLAGS = [
  "-O2",
  "--enable-bulk-memory",
  "--enable-bulk-memory-opt",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-reference-types",
  "--enable-multivalue",
];

function run(command, args) {
  execFileSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });
}

/** wasm-opt, without its warning for each module's name section (wasm-split writes a name
 * subsection binaryen does not know; the names are dropped from the output anyway). */
function wasmOpt(path) {
  const result = spawnSync("wasm-opt", [...WASM_OPT_FLAGS, path, "-o", path], { encoding: "utf8" });
  const warnings = result.stderr
    .split("\n")
    .filter((line) => line && !line.startsWith("warning: unknown name subsection"));
  if (warnings.length) console.error(warnings.join("\n"));
  if (result.status !== 0) throw new Error(`wasm-opt failed on ${path}`);
}

/** Builds the family wasm with cargo and returns the path of the linked `.wasm`. */
function cargoBuild(sourceDir) {
  const output = execFileSync(
    "cargo",
    [
      "rustc",
      "--target=wasm32-unknown-unknown",
      `--profile=${PROFILE}`,
      `--bin=${BIN}`,
      "--message-format=json-render-diagnostics",
      "--",
      "-Clink-arg=--emit-relocs",
    ],
    { cwd: sourceDir, stdio: ["ignore", "pipe", "inherit"], maxBuffer: 256 * 1024 * 1024 },
  ).toString();
  for (const line of output.split("\n").reverse()) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line);
    if (message.reason === "compiler-artifact" && message.target?.name === BIN) {
      const wasm = message.filenames.find((file) => file.endsWith(".wasm"));
      if (wasm) return wasm;
    }
  }
  throw new Error(`cargo did not report the ${BIN} wasm`);
}

/** Renames `file` in `dir` to carry `hash`: `a.js` → `a-<hash>.js`, `a_bg.wasm` → `a-<hash>_bg.wasm`. */
function hashedName(file, hash) {
  const bindgen = file.match(/^(.*)_bg\.wasm$/);
  if (bindgen) return `${bindgen[1]}-${hash}_bg.wasm`;
  const dot = file.lastIndexOf(".");
  return `${file.slice(0, dot)}-${hash}${file.slice(dot)}`;
}

export function buildFamilyWasm(staging, sourceDir) {
  const indexPath = join(staging, "index.html");
  const index = readFileSync(indexPath, "utf8");
  if (!index.includes(MARKER)) return false;

  const linked = cargoBuild(sourceDir);
  const work = join(staging, ".family-wasm");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  const split = join(work, "split");
  const out = join(work, "out");
  run("wasm-split-cli", [linked, split, "--target", "web", "--out-name", BIN]);
  run("wasm-bindgen", [
    "--target=web",
    "--keep-lld-exports",
    "--no-demangle",
    `--out-dir=${out}`,
    `--out-name=${BIN}`,
    "--no-typescript",
    join(split, `${BIN}.wasm`),
  ]);
  rmSync(join(split, `${BIN}.wasm`));
  // The split modules and the loader go next to wasm-bindgen's output.
  for (const file of readdirSync(split)) renameSync(join(split, file), join(out, file));
  const files = readdirSync(out).sort();
  for (const file of files.filter((name) => name.endsWith(".wasm"))) {
    wasmOpt(join(out, file));
  }

  // One hash over every file: any change renames them all, so a browser never mixes a main
  // module with an area of another build.
  const digest = createHash("sha256");
  for (const file of files) digest.update(file).update(readFileSync(join(out, file)));
  const hash = digest.digest("hex").slice(0, 16);
  const renamed = new Map(files.map((file) => [file, hashedName(file, hash)]));
  const loader = renamed.get("__wasm_split.js");
  for (const file of files) {
    let body = readFileSync(join(out, file));
    if (file === `${BIN}.js`) {
      // Only the ES imports name the loader's file; the import object keeps the module name
      // the wasm itself asks for.
      body = Buffer.from(
        body.toString().replaceAll(/from "\.\/__wasm_split\.js"/g, `from "./${loader}"`),
      );
    } else if (file === "__wasm_split.js") {
      let text = body.toString();
      for (const [from, to] of renamed) text = text.replaceAll(`"./${from}"`, `"./${to}"`);
      body = Buffer.from(text);
    }
    writeFileSync(join(staging, renamed.get(file)), body);
  }
  rmSync(work, { recursive: true, force: true });

  const js = renamed.get(`${BIN}.js`);
  const wasm = renamed.get(`${BIN}_bg.wasm`);
  const bootstrap = [
    `<link rel="modulepreload" href="/${js}" crossorigin="anonymous">`,
    `<link rel="modulepreload" href="/${loader}" crossorigin="anonymous">`,
    `<link rel="preload" href="/${wasm}" crossorigin="anonymous" as="fetch" type="application/wasm">`,
    `<script type="module">import init from '/${js}'; await init({ module_or_path: '/${wasm}' });</script>`,
  ].join("\n    ");
  writeFileSync(indexPath, index.replace(MARKER, bootstrap));
  const areas = files.filter((file) => file.startsWith("split_")).length;
  const chunks = files.filter((file) => file.startsWith("chunk_")).length;
  console.log(`family-wasm: ${js}, ${wasm}, ${areas} lazy areas, ${chunks} shared chunks`);
  return true;
}
