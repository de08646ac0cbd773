/**
 * Live progress of sync runs: a redrawn cli-progress bar per run on a terminal, and plain
 * appended lines ("shop   45%  page 5/11  500/1100 items") when stdout is a pipe or a file, where
 * redrawing would only leave escape codes behind (logs, CI, tests).
 */
import cliProgress from 'cli-progress';

export interface ProgressSnapshot {
  status: string;
  phase: string | null;
  pagesDone: number;
  pagesTotal: number | null;
  percent: number;
  itemsDone: number;
  itemsTotal: number | null;
  itemsPerSecond: number;
  etaSeconds: number | null;
}

export interface ProgressView {
  update(runId: string, label: string, progress: ProgressSnapshot): void;
  stop(): void;
}

/** A view for runs labelled `labels` (for alignment), on `stream`. */
export function createProgressView(labels: string[], stream: NodeJS.WriteStream = process.stdout): ProgressView {
  const width = Math.max(0, ...labels.map((l) => l.length));
  return stream.isTTY ? barsView(width, stream) : linesView(width, stream);
}

/** The server never reports 100 before the end (it caps at 99.9), and neither does this. */
const percentText = (p: ProgressSnapshot) => `${Math.floor(p.percent)}%`;
const pagesText = (p: ProgressSnapshot) => `page ${p.pagesDone}/${p.pagesTotal ?? '?'}`;
const itemsText = (p: ProgressSnapshot) => `${p.itemsDone}${p.itemsTotal ? `/${p.itemsTotal}` : ''} items`;
const phaseText = (p: ProgressSnapshot) => (p.status === 'RUNNING' ? (p.phase ? p.phase.toLowerCase() : '') : p.status);

function linesView(width: number, stream: NodeJS.WritableStream): ProgressView {
  const last = new Map<string, string>();
  return {
    update(runId, label, p) {
      const line = [label.padEnd(width), percentText(p).padStart(4), pagesText(p), itemsText(p), phaseText(p)].filter(Boolean).join('  ');
      // Only what changed: the same page reported twice (snapshot, then event) prints once.
      if (last.get(runId) === line) return;
      last.set(runId, line);
      stream.write(`${line}\n`);
    },
    stop() {},
  };
}

function barsView(width: number, stream: NodeJS.WritableStream): ProgressView {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      format: '{label} {bar} {pct} | {pages} | {items} | {rate} | {state}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(runId, label, p) {
      const payload = {
        label: label.padEnd(width),
        pct: percentText(p).padStart(4),
        pages: pagesText(p),
        items: itemsText(p),
        rate: `${p.itemsPerSecond.toFixed(0)}/s`,
        state: p.status === 'RUNNING' ? `ETA ${p.etaSeconds === null ? '?' : `${Math.ceil(p.etaSeconds)} s`}` : p.status,
      };
      const value = Math.min(100, p.percent);
      const bar = bars.get(runId);
      if (bar) bar.update(value, payload);
      else bars.set(runId, multibar.create(100, value, payload));
    },
    stop() {
      multibar.stop();
    },
  };
}
