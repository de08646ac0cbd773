/**
 * A CommonJS package required on its first use rather than imported at start. exceljs, pdfkit and
 * nodemailer together cost about a second of CPU to load, and most runs of the service never
 * export, report or mail (tests/platform/start-imports.test.ts keeps them out of the start).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function onFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
