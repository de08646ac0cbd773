/** Entry point of the operator dashboard (bundled by scripts/build-dashboard.ts). */
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('app')!);
