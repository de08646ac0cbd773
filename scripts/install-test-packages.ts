// Installs the packages the tests and the type check load from outside the root install (client-examples'
// Apollo Client, tools/knip), once; `npm test` does the same before the suite (.ci/run: before `tsc`).
import { ensureTestPackages } from '../src/cli/tool-package.js';

ensureTestPackages();
