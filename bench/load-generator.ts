/**
 * autocannon, the benchmarks' load generator. It lives in bench/peers (with the servers the
 * benchmarks compare Stockline with), outside the root install: only benchmarks drive load.
 * Importing this module installs bench/peers on first use.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Autocannon from 'autocannon';
import { ensurePackage } from '../src/cli/tool-package.js';

const peers = ensurePackage(join('bench', 'peers'), 'autocannon');

export const autocannon = createRequire(join(peers, 'package.json'))('autocannon') as typeof Autocannon;
