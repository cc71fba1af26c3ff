// Bundles src/ (with socket.io-client) into dist/chat-widget.js, the one file a page embeds,
// and prints its gzipped size: the widget must stay small enough for every page of the site
// (goal: under 60 KB gzipped, socket.io included).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const OUTFILE = new URL('./dist/chat-widget.js', import.meta.url).pathname;
const GZIP_BUDGET_BYTES = 60 * 1024;

await build({
  entryPoints: [new URL('./src/index.ts', import.meta.url).pathname],
  outfile: OUTFILE,
  bundle: true,
  minify: true,
  format: 'iife',
  // Browsers of the last few years; socket.io-client itself needs nothing newer.
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
});

const bytes = readFileSync(OUTFILE);
const gzipped = gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`dist/chat-widget.js: ${kb(bytes.length)} minified, ${kb(gzipped)} gzipped`);
if (gzipped > GZIP_BUDGET_BYTES) {
  console.error(`the widget is over its ${kb(GZIP_BUDGET_BYTES)} gzipped budget`);
  process.exit(1);
}
