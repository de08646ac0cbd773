/**
 * Every page's word tables (dashboard/src/*.messages.ts), beyond what TypeScript checks (the same
 * keys in every language): a translation keeps the English placeholders ({name}, {count}), and a
 * counted message has the plural forms its language needs (Russian one/few/many, Romanian
 * one/few/other), so "5 партий" is never written "5 партии".
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

type Message = string | Record<string, string>;
type Messages = Record<'en' | 'ru' | 'ro', Record<string, Message>>;

const SOURCE = join(import.meta.dirname, '..', '..', 'dashboard', 'src');
const NEEDED: Record<'ru' | 'ro', string[]> = { ru: ['one', 'few', 'many', 'other'], ro: ['one', 'few', 'other'] };

async function tables(): Promise<[string, Messages][]> {
  const files = (await readdir(SOURCE)).filter((name) => name.endsWith('.messages.ts'));
  const found: [string, Messages][] = [];
  for (const file of files) {
    const module = (await import(join(SOURCE, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (value && typeof value === 'object' && 'en' in value && 'ru' in value && 'ro' in value) found.push([`${file} ${name}`, value as Messages]);
    }
  }
  return found;
}

const placeholders = (message: Message) => [...new Set(Object.values(typeof message === 'string' ? { other: message } : message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

describe('dashboard word tables', () => {
  it('are found for the shell and the overview, logs and production pages', async () => {
    const names = (await tables()).map(([name]) => name.split(' ')[0]);
    expect(names).toEqual(expect.arrayContaining(['shell.messages.ts', 'sign-in.messages.ts', 'overview.messages.ts', 'logs.messages.ts', 'production.messages.ts', 'components.messages.ts', 'format.messages.ts']));
  });

  it('keep the English placeholders in Russian and Romanian, and give counted messages every plural form the language needs', async () => {
    const problems: string[] = [];
    for (const [table, messages] of await tables()) {
      for (const [key, english] of Object.entries(messages.en)) {
        for (const locale of ['ru', 'ro'] as const) {
          const message = messages[locale][key];
          if (message === undefined) {
            problems.push(`${table} ${locale}.${key}: missing`);
            continue;
          }
          // A plural form may leave the count out ("одна партия"), never bring a name English lacks.
          const extra = placeholders(message).filter((name) => !placeholders(english).includes(name));
          const lost = placeholders(english).filter((name) => name !== 'count' && !placeholders(message).includes(name));
          if (extra.length || lost.length) problems.push(`${table} ${locale}.${key}: placeholders ${placeholders(message)} vs English ${placeholders(english)}`);
          if (typeof english !== 'string') {
            const forms = typeof message === 'string' ? [] : Object.keys(message);
            const missing = NEEDED[locale].filter((form) => !forms.includes(form));
            if (missing.length) problems.push(`${table} ${locale}.${key}: no ${missing.join(', ')} form`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
