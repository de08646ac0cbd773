// npm run generate: the Prisma client and Pothos types into src/generated (committed), with the
// Prisma CLI from tools/prisma, installed there on first use (src/cli/generate-if-stale.ts).
import { generateClient } from '../src/cli/generate-if-stale.js';

generateClient();
