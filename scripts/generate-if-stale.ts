// npm start / npm test pre-step: `prisma generate` only when the Prisma schema changed (src/cli/generate-if-stale.ts).
import { generateIfStale } from '../src/cli/generate-if-stale.js';

generateIfStale();
