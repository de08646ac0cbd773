import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../env.js';

// Marketplace credentials at rest: AES-256-GCM, stored as base64(iv).base64(tag).base64(ciphertext).

const IV_BYTES = 12;
const KEY_FILE = 'credentials.key';

export const KEY_MISMATCH_MESSAGE =
  'credentials cannot be decrypted: CREDENTIALS_KEY differs from the one they were encrypted with';

/** Stored credentials that this key cannot open (another key, or a damaged value). */
export class CredentialsDecryptError extends Error {
  constructor() {
    super(KEY_MISMATCH_MESSAGE);
    this.name = 'CredentialsDecryptError';
  }
}

export interface CredentialsCipher {
  encrypt(credentials: Record<string, string>): string;
  decrypt(sealed: string): Record<string, string>;
  /**
   * A 32-byte key for another purpose (e.g. signing download links), derived from the same
   * CREDENTIALS_KEY by HKDF-SHA256: every instance of a deployment derives the same one, and it
   * reveals nothing about the encryption key.
   */
  deriveKey(purpose: string): Buffer;
}

/** A 32-byte key written as 64 hex characters or as base64; null when it is neither. */
export function decodeCredentialsKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const key = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    if (key.length === 32) return key;
  }
  return null;
}

export function createCredentialsCipher(key: Buffer): CredentialsCipher {
  if (key.length !== 32) throw new ConfigError('CREDENTIALS_KEY must be 32 bytes');
  return {
    deriveKey: (purpose) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `stockline ${purpose}`, 32)),
    encrypt(credentials) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64')).join('.');
    },
    decrypt(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 3) throw new CredentialsDecryptError();
      const [iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, 'base64')) as [Buffer, Buffer, Buffer];
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
        return JSON.parse(plain) as Record<string, string>;
      } catch {
        throw new CredentialsDecryptError();
      }
    },
  };
}

type KeyEnv = { CREDENTIALS_KEY?: string; DATA_DIR: string; NODE_ENV: string };

/**
 * The key of this instance: CREDENTIALS_KEY when set; otherwise (outside production) one kept in
 * DATA_DIR/credentials.key, generated on first start (mode 0600), so zero-configuration start works.
 * With the in-memory database the key is in memory too: nothing it protects outlives the process.
 */
export function loadCredentialsKey(env: KeyEnv): Promise<Buffer>;
/** `create: false`: null where a key would be generated, writing nothing (a start checks its configuration before taking DATA_DIR). */
export function loadCredentialsKey(env: KeyEnv, options: { create: false }): Promise<Buffer | null>;
export async function loadCredentialsKey(env: KeyEnv, options: { create?: boolean } = {}): Promise<Buffer | null> {
  if (env.CREDENTIALS_KEY) {
    const key = decodeCredentialsKey(env.CREDENTIALS_KEY);
    if (!key) throw new ConfigError('Invalid configuration:\n  CREDENTIALS_KEY: must be 32 bytes, as 64 hex characters or base64');
    return key;
  }
  if (env.DATA_DIR === 'memory://') return randomBytes(32);
  if (env.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid configuration:\n  CREDENTIALS_KEY: required when NODE_ENV=production (32 bytes as 64 hex characters or base64, e.g. `openssl rand -base64 32`)',
    );
  }
  const dir = resolve(env.DATA_DIR);
  const file = join(dir, KEY_FILE);
  let text: string | null = null;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== null) {
    const key = decodeCredentialsKey(text);
    if (!key) throw new ConfigError(`Invalid configuration:\n  ${file}: must hold a 32-byte key (64 hex characters or base64); fix it or set CREDENTIALS_KEY`);
    return key;
  }
  if (options.create === false) return null;
  const key = randomBytes(32);
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another instance wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadCredentialsKey(env);
    throw error;
  }
  await chmod(file, 0o600);
  return key;
}
