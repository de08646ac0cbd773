/**
 * The progress view on a terminal: cli-progress bars redrawn in place (the child-process tests pipe
 * stdout, so they see only the plain-lines view). A fake TTY stream records what a terminal gets.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressView, type ProgressSnapshot } from '../../src/cli/progress-view.js';

function fakeTerminal() {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: true, columns: 160, rows: 40 });
  return { stream, output: () => out };
}

const snapshot = (over: Partial<ProgressSnapshot>): ProgressSnapshot => ({
  status: 'RUNNING', phase: 'PRODUCTS', pagesDone: 0, pagesTotal: 10, percent: 0, itemsDone: 0, itemsTotal: 1000, itemsPerSecond: 0, etaSeconds: null, ...over,
});

describe('progress view on a terminal', () => {
  it('draws one bar per run, redrawn in place, ending with the final status', async () => {
    const terminal = fakeTerminal();
    const view = createProgressView(['shop', 'warehouse'], terminal.stream);
    view.update('run-1', 'shop', snapshot({ pagesDone: 4, percent: 45.5, itemsDone: 450, itemsPerSecond: 120, etaSeconds: 4.2 }));
    view.update('run-2', 'warehouse', snapshot({ pagesDone: 1, percent: 10, itemsDone: 100 }));
    await new Promise((resolve) => setTimeout(resolve, 150)); // cli-progress redraws on its own timer
    view.update('run-1', 'shop', snapshot({ status: 'SUCCESS', pagesDone: 10, percent: 100, itemsDone: 1000 }));
    view.stop();
    const out = terminal.output();
    // Redrawn in place: cursor movements, not appended lines per update.
    expect(out).toMatch(/\x1b\[/);
    expect(out).toContain('shop      ');
    expect(out).toMatch(/shop\s+[█░]{30}\s+45% \| page 4\/10 \| 450\/1000 items \| 120\/s \| ETA 5 s/);
    expect(out).toMatch(/warehouse [█░]{30}\s+10% \| page 1\/10 \| 100\/1000 items/);
    expect(out).toMatch(/shop\s+█{30}\s+100% \| page 10\/10 \| 1000\/1000 items \| 0\/s \| SUCCESS/);
  });

  it('prints plain lines, each change once, when the output is not a terminal', () => {
    let out = '';
    const pipe = new Writable({ write: (chunk, _enc, cb) => ((out += String(chunk)), cb()) }) as unknown as NodeJS.WriteStream;
    const view = createProgressView(['shop'], pipe);
    view.update('run-1', 'shop', snapshot({ pagesDone: 4, percent: 45.5, itemsDone: 450 }));
    view.update('run-1', 'shop', snapshot({ pagesDone: 4, percent: 45.5, itemsDone: 450 }));
    view.update('run-1', 'shop', snapshot({ status: 'SUCCESS', pagesDone: 10, percent: 100, itemsDone: 1000 }));
    view.stop();
    expect(out).toBe('shop   45%  page 4/10  450/1000 items  products\nshop  100%  page 10/10  1000/1000 items  SUCCESS\n');
  });
});
