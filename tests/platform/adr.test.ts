/**
 * The decision records in docs/adr/ are cited by number (`docs/adr/0008`) from the README, the
 * docs and code comments: each number names one record, and every citation names a record that
 * exists (a renumbered record leaves no citation pointing at the other one, or at nothing).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ADR_DIR = join(ROOT, 'docs', 'adr');
const records = readdirSync(ADR_DIR).filter((name) => /^\d{4}-.+\.md$/.test(name));
const numberOf = (name: string) => name.slice(0, 4);

it('gives each decision record its own number, the one in its title', () => {
  expect(records.length).toBeGreaterThan(10);
  const taken = new Map<string, string[]>();
  for (const name of records) taken.set(numberOf(name), [...(taken.get(numberOf(name)) ?? []), name]);
  expect([...taken.values()].filter((names) => names.length > 1)).toEqual([]);
  const mistitled = records.filter((name) => !new RegExp(`^# ${numberOf(name)}\\D`).test(readFileSync(join(ADR_DIR, name), 'utf8')));
  expect(mistitled).toEqual([]);
});

it('cites only records that exist, by number or by file name', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((path) => /\.(md|ts|tsx|js|sh|yml|yaml|json|jsonc)$|^Dockerfile$/.test(path) && !path.startsWith('src/generated/') && !path.endsWith('package-lock.json'));
  const dangling: string[] = [];
  for (const path of tracked) {
    const text = readFileSync(join(ROOT, path), 'utf8');
    for (const [citation, number, file] of text.matchAll(/docs\/adr\/(\d{4})(-[\w.-]+\.md)?/g)) {
      const ok = file ? records.includes(`${number}${file}`) : records.some((name) => numberOf(name) === number);
      if (!ok) dangling.push(`${path}: ${citation}`);
    }
  }
  expect(dangling).toEqual([]);
});
