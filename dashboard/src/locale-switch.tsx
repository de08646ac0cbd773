/** The language menu: every page's words, dates and money follow it; the choice is remembered (i18n.ts). */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { LOCALES, LocaleContext, useT, type Locale } from './i18n';
import { shellMessages } from './shell.messages';

/** Switches the language (provided by the App, which holds the choice). */
export const LocaleSwitchContext = createContext<(locale: Locale) => void>(() => {});

export function LocaleSwitch() {
  const t = useT(shellMessages);
  const locale = useContext(LocaleContext);
  const switchLocale = useContext(LocaleSwitchContext);
  return (
    <select class="locale-switch" aria-label={t('language')} value={locale} onChange={(e) => switchLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
      {LOCALES.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>
          {l.label}
        </option>
      ))}
    </select>
  );
}
