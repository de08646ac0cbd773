import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { channelRegistry, channels } from '../../src/connectors/channels.js';
import { credentialFields, optionFieldsOf } from '../../src/modules/accounts/channel-fields.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** README's table of one channel: from its `### … (`CHANNEL`)` heading to the next heading. */
function sectionOf(channel: string) {
  const start = readme.indexOf(`(\`${channel}\`)`);
  if (start < 0) return '';
  const rest = readme.slice(start);
  const end = rest.slice(1).search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

describe('channel fields', () => {
  it('every credential and option field has a type and a description', () => {
    for (const channel of channels) {
      for (const field of [...credentialFields(channel), ...optionFieldsOf(channel)]) {
        expect(field.description.length, `${channel} ${field.name}`).toBeGreaterThan(10);
      }
      expect(credentialFields(channel).every((f) => f.required), channel).toBe(true);
      expect(optionFieldsOf(channel).every((f) => !f.required), channel).toBe(true);
    }
    expect(optionFieldsOf('WILDBERRIES').filter((f) => f.name.startsWith('hosts.')).map((f) => [f.name, f.type])).toEqual([
      ['hosts.content', 'URL'],
      ['hosts.prices', 'URL'],
      ['hosts.marketplace', 'URL'],
      ['hosts.statistics', 'URL'],
    ]);
  });

  it('README lists every field and environment variable of every channel', () => {
    for (const channel of channels) {
      const section = sectionOf(channel);
      expect(section, `README has no table for ${channel}`).not.toBe('');
      const names = [...credentialFields(channel), ...optionFieldsOf(channel)].map((f) => `\`${f.name}\``);
      const variables = channelRegistry[channel].declared.flatMap((spec) => [
        ...Object.values(spec.credentials),
        spec.baseUrlEnv,
        ...Object.values(spec.options ?? {}),
      ]);
      for (const name of [...names, ...variables.map((v) => `\`${v}\``)]) expect(section, `${channel}: README misses ${name}`).toContain(name);
    }
  });
});
