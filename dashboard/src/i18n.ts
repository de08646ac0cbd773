/**
 * The dashboard's languages: English, Russian (Ozon/Wildberries sellers) and Romanian (eMAG sellers).
 *
 * The platform's Intl is the library here: plural rules, dates, numbers and money come from
 * Intl.PluralRules / DateTimeFormat / NumberFormat in the chosen locale, so the bundle carries only
 * the words. Each page keeps its English words beside it (`<page>.messages.ts`, defined with
 * `defineMessages(name, english)`): English is in the bundle, the fallback and the source of the
 * keys. Russian and Romanian live in locales/ru.ts and locales/ro.ts, typed against the English
 * keys (TypeScript refuses a table that misses one), and reach the browser as content-hashed JSON
 * assets the build emits (src/http/dashboard.build.ts), fetched only when that language is chosen:
 * a user who reads one language does not download the other two.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const LOCALES = [
  { code: 'en', label: 'English' },
  { code: 'ru', label: 'Русский' },
  { code: 'ro', label: 'Română' },
] as const;
export type Locale = (typeof LOCALES)[number]['code'];

/** A message: text with `{name}` placeholders, or plural forms chosen by the `count` variable. */
export type Message = string | Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Table<K extends string> = Record<K, Message>;
/** A page's words: its table's name in the other languages' files, and the English table. */
export interface Messages<N extends string, K extends string> {
  readonly name: N;
  readonly en: Table<K>;
}
export type Vars = Record<string, string | number>;

export function defineMessages<const N extends string, const E extends Record<string, Message>>(name: N, en: E): Messages<N, keyof E & string> {
  return { name, en };
}

/** Where the build put each language's words (src/http/dashboard.build.ts defines it). */
declare const __LOCALE_ASSETS__: Record<Exclude<Locale, 'en'>, string>;
type Loaded = Record<string, Partial<Table<string>> | undefined>;
const loaded: Partial<Record<Locale, Loaded>> = {};
const loading = new Map<Locale, Promise<void>>();

/**
 * Fetches a language's words once (English is in the bundle). Rejects when they could not be had;
 * a later call tries again. Until they are here, `translate` answers in English.
 */
export function loadLocale(locale: Locale): Promise<void> {
  if (locale === 'en' || loaded[locale]) return Promise.resolve();
  let pending = loading.get(locale);
  if (!pending) {
    pending = fetch(__LOCALE_ASSETS__[locale])
      .then(async (response) => {
        if (!response.ok) throw new Error(`${locale} words: HTTP ${response.status}`);
        loaded[locale] = (await response.json()) as Loaded;
      })
      .finally(() => loading.delete(locale));
    loading.set(locale, pending);
  }
  return pending;
}

const STORAGE_KEY = 'stockline.locale';

function isLocale(value: unknown): value is Locale {
  return LOCALES.some((l) => l.code === value);
}

/** The saved choice, else the browser's first language we speak, else English. */
export function initialLocale(): Locale {
  const saved = safeStorage()?.getItem(STORAGE_KEY);
  if (isLocale(saved)) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.slice(0, 2).toLowerCase();
    if (isLocale(base)) return base;
  }
  return 'en';
}

export function saveLocale(locale: Locale): void {
  safeStorage()?.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the choice lasts for this page only
  }
}

let current: Locale = 'en';
/** The locale the formatters below use; set by the shell when the user switches. */
export function setCurrentLocale(locale: Locale): void {
  current = locale;
}
export const currentLocale = (): Locale => current;

export const LocaleContext = createContext<Locale>('en');
export const useLocale = () => useContext(LocaleContext);

export function translate<K extends string>(messages: Messages<string, K>, locale: Locale, key: K, vars?: Vars): string {
  const message = (locale === 'en' ? undefined : loaded[locale]?.[messages.name]?.[key]) ?? messages.en[key];
  const text = typeof message === 'string' ? message : (message[new Intl.PluralRules(locale).select(Number(vars?.count ?? 0))] ?? message.other);
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
}

/** `const t = useT(messages); t('title')`, re-rendered in the new language when the user switches. */
export function useT<K extends string>(messages: Messages<string, K>): (key: K, vars?: Vars) => string {
  const locale = useLocale();
  return (key, vars) => translate(messages, locale, key, vars);
}
