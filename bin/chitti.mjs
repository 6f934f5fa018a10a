#!/usr/bin/env node
// Runs the Chitti CLI from its TypeScript sources (tsx compiles on the fly and caches).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/headless/cli.ts');
process.exitCode = await main(process.argv.slice(2));
