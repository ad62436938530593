// Trunk's post-build hook (Trunk.toml). Trunk runs the hooks of one stage at the same time, so
// the steps that must follow each other are one hook: the family portal's split wasm first
// (family-wasm.mjs; nothing for the staff page), then the brotli and gzip copies of every file.
import { buildFamilyWasm } from "./family-wasm.mjs";
import { precompress } from "./precompress.mjs";

const staging = process.env.TRUNK_STAGING_DIR;
const source = process.env.TRUNK_SOURCE_DIR;
if (!staging || !source) {
  console.error("post-build.mjs runs as a trunk hook (TRUNK_STAGING_DIR is not set)");
  process.exit(1);
}
buildFamilyWasm(staging, source);
precompress(staging);
