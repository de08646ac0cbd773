#!/usr/bin/env node
// The `stockline` command (package.json "bin"). There is no build step: tsx compiles the
// TypeScript sources as they load, as it does for `npm start`.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/main.ts');
