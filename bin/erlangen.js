#!/usr/bin/env node
// The `erlangen` command. The package ships TypeScript sources, so register tsx's ESM loader
// first, then run src/cli/main.ts (see that file for the commands).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
