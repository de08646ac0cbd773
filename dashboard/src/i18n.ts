/**
 * The dashboard's languages: English, Russian (Ozon/Wildberries sellers) and Romanian (eMAG sellers).
 *
 * The platform's Intl is the library here: plural rules, dates, numbers and money come from
 * Intl.PluralRules / DateTimeFormat / NumberFormat in the chosen locale, so the bundle carries only
 * the words. Each page keeps its words beside it (`<page>.messages.ts`, defined with
 * `defineMessages`), English first; TypeScript refuses a Russian or Romanian table that misses a key.
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
type Table<K extends string> = Record<K, Message>;
export type Messages<K extends string> = Record<Locale, Table<K>>;
export type Vars = Record<string, string | number>;

export function defineMessages<const E extends Record<string, Message>>(en: E, rest: Record<Exclude<Locale, 'en'>, Table<keyof E & string>>): Messages<keyof E & string> {
  return { en, ...rest } as Messages<keyof E & string>;
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

export function translate<K extends string>(messages: Messages<K>, locale: Locale, key: K, vars?: Vars): string {
  const message = messages[locale][key] ?? messages.en[key];
  const text = typeof message === 'string' ? message : (message[new Intl.PluralRules(locale).select(Number(vars?.count ?? 0))] ?? message.other);
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
}

/** `const t = useT(messages); t('title')`, re-rendered in the new language when the user switches. */
export function useT<K extends string>(messages: Messages<K>): (key: K, vars?: Vars) => string {
  const locale = useLocale();
  return (key, vars) => translate(messages, locale, key, vars);
}
