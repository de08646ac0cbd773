/** Entry point of the operator dashboard (bundled by scripts/build-dashboard.ts). */
import { render } from 'preact';
import { App } from './app';
import { initialLocale, loadLocale } from './i18n';

// The first screen in the chosen language: its words are fetched first (English is in the bundle;
// if they cannot be had, the dashboard starts in English words and the user may pick again).
void loadLocale(initialLocale())
  .catch(() => undefined)
  .then(() => render(<App />, document.getElementById('app')!));
