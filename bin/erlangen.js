#!/usr/bin/env node
// The `erlangen` command: plain Node running the compiled CLI in dist/ (see src/cli/main.ts for the
// commands). A checkout builds dist/ on `npm ci` (the `prepare` script) or with `npm run build`;
// `npm run erlangen` runs the TypeScript sources through tsx instead.
const entry = new URL('../dist/cli/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    process.stderr.write('erlangen: dist/ is missing; run `npm run build` first (or `npm run erlangen -- <args>` from a checkout).\n');
    process.exit(1);
  }
  throw e;
}
process.exitCode = await cli.main(process.argv.slice(2));
