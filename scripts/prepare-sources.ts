// npm test pre-step: the Prisma client and the dashboard bundle, each only when stale (src/cli/prepare-sources.ts),
// and the packages the tests load from outside the root install (installed once).
import { prepareSources } from '../src/cli/prepare-sources.js';
import { ensureTestPackages } from '../src/cli/tool-package.js';

ensureTestPackages();
await prepareSources();
