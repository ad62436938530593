// Part of the trunk post-build hook (post-build.mjs): writes a brotli (.br) and a gzip (.gz) copy next to every text and
// wasm asset in trunk's staging dir, so `kring serve` sends them as they are to browsers that
// accept them (`Content-Encoding`, `Vary: Accept-Encoding`) without compressing per request.
// Node's own zlib, maximum quality: this runs once per build, not per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const compressible = /\.(wasm|js|css|html|svg|json|txt)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (compressible.test(name)) {
      const body = readFileSync(path);
      const brotli = brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      });
      writeFileSync(`${path}.br`, brotli);
      writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      console.log(`precompress: ${name} ${body.length} B, br ${brotli.length} B`);
    }
  }
}

export function precompress(staging) {
  walk(staging);
}
