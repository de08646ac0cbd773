#!/usr/bin/env node
// The `stockline` command (package.json "bin"), also `npm start`. There is no build step to run:
// the TypeScript sources are bundled on the first run after they change (bin/bundle.js, about a
// second) and the bundle runs. Stack traces point into src/ through its source map.
import { pathToFileURL } from 'node:url';
import { bundledCli } from './bundle.js';

process.setSourceMapsEnabled(true);
await import(pathToFileURL(await bundledCli()).href);
