// npm test pre-step: the Prisma client and the dashboard bundle, each only when stale (src/cli/prepare-sources.ts).
import { prepareSources } from '../src/cli/prepare-sources.js';

await prepareSources();
