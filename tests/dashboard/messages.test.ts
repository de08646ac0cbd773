/**
 * Every page's word tables (English in dashboard/src/*.messages.ts, Russian and Romanian in
 * dashboard/src/locales/), beyond what TypeScript checks (the same keys in every language): each
 * English table has a name of its own, a translation keeps the English placeholders ({name},
 * {count}), and a counted message has the plural forms its language needs (Russian
 * one/few/many, Romanian one/few/other), so "5 партий" is never written "5 партии".
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

type Message = string | Record<string, string>;
type Table = Record<string, Message>;
type Messages = Record<'en' | 'ru' | 'ro', Table>;

const SOURCE = join(import.meta.dirname, '..', '..', 'dashboard', 'src');
const NEEDED: Record<'ru' | 'ro', string[]> = { ru: ['one', 'few', 'many', 'other'], ro: ['one', 'few', 'other'] };

/** The English tables by their name, with the file that defines each. */
async function englishTables(): Promise<[string, string, Table][]> {
  const files = (await readdir(SOURCE)).filter((name) => name.endsWith('.messages.ts'));
  const found: [string, string, Table][] = [];
  for (const file of files) {
    const module = (await import(join(SOURCE, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (value && typeof value === 'object' && 'name' in value && 'en' in value) found.push([`${file} ${name}`, (value as { name: string }).name, (value as { en: Table }).en]);
    }
  }
  return found;
}

async function tables(): Promise<[string, Messages][]> {
  const ru = ((await import(join(SOURCE, 'locales', 'ru.ts'))) as { default: Record<string, Table> }).default;
  const ro = ((await import(join(SOURCE, 'locales', 'ro.ts'))) as { default: Record<string, Table> }).default;
  return (await englishTables()).map(([where, name, en]) => [where, { en, ru: ru[name] ?? {}, ro: ro[name] ?? {} }]);
}

const placeholders = (message: Message) => [...new Set(Object.values(typeof message === 'string' ? { other: message } : message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

describe('dashboard word tables', () => {
  it('are found for the shell and the overview, logs and production pages', async () => {
    const names = (await tables()).map(([name]) => name.split(' ')[0]);
    expect(names).toEqual(expect.arrayContaining(['shell.messages.ts', 'sign-in.messages.ts', 'overview.messages.ts', 'logs.messages.ts', 'production.messages.ts', 'components.messages.ts', 'format.messages.ts']));
  });

  it('are named once each, and the Russian and Romanian files hold a table for every name and no other', async () => {
    const names = (await englishTables()).map(([, name]) => name);
    expect(new Set(names).size).toBe(names.length);
    for (const locale of ['ru', 'ro']) {
      const translated = ((await import(join(SOURCE, 'locales', `${locale}.ts`))) as { default: Record<string, Table> }).default;
      expect(Object.keys(translated).sort(), locale).toEqual([...names].sort());
    }
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

/** The values of an enum in schema.graphql (descriptions skipped). */
function enumValues(schema: string, name: string): string[] {
  const body = new RegExp(`^enum ${name} \\{([\\s\\S]*?)^\\}`, 'm').exec(schema)?.[1] ?? '';
  return body.replace(/"""[\s\S]*?"""/g, '').split('\n').map((line) => line.trim()).filter((line) => /^[A-Z_]+$/.test(line));
}

describe('status words', () => {
  it('Russian and Romanian say in words every status, alert kind and severity a badge can show', async () => {
    const schema = await readFile(join(SOURCE, '..', '..', 'schema.graphql'), 'utf8');
    // What StatusBadge is given: runs, deliveries, listings and alerts by their API enums; tokens by the page's own states.
    const shown = [...['SyncStatus', 'WebhookDeliveryStatus', 'ListingStatus', 'AlertKind', 'AlertSeverity'].flatMap((name) => enumValues(schema, name)), 'REVOKED', 'EXPIRED'];
    expect(shown.length).toBeGreaterThan(15);
    for (const locale of ['ru', 'ro'] as const) {
      const words = ((await import(join(SOURCE, 'locales', `${locale}.ts`))) as { default: { status: Record<string, string> } }).default.status;
      expect(shown.filter((code) => !words[code] || words[code] === code), locale).toEqual([]);
    }
  });
});
