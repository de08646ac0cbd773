/**
 * Batch transfer memory benchmark: peak memory of an XLSX export and import of 100,000 batches
 * against 10,000, each size in a fresh child process (so one run's garbage never counts in the
 * other's).
 *
 *   npx tsx bench/batch-transfer.bench.ts [small] [large]     (default 10000 100000)
 *
 * Each child makes a scratch PostgreSQL database (BENCH_DATABASE_URL names the server; default
 * postgres://postgres@127.0.0.1:5432/postgres), seeds the batches, then — measuring from a
 * baseline taken after a forced GC — runs the real `exportBatches` task (keyset pages into the
 * exceljs streaming writer, to the file store), deletes the batches, and runs the real
 * `importBatches` task on that file (exceljs streaming reader, chunked writes). The heap and RSS
 * are sampled every 100 ms, each sample after a forced GC (live memory, not garbage
 * awaiting collection); the peaks above the baseline are reported per phase.
 *
 * Prints both sizes, the ratios large/small (rows grow 10x; streaming keeps memory well under
 * that), one summary line and one JSON line. Nothing is asserted.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { createScratchDatabase } from './scratch-db.js';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Phase {
  seconds: number;
  peakHeapMB: number;
  peakRssMB: number;
}
interface ChildResult {
  rows: number;
  fileMB: number;
  export: Phase;
  import: Phase;
  imported: number;
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

async function child(rows: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the child with --expose-gc');
  const { buildApp } = await import('../src/app.js');
  const { parseEnv } = await import('../src/env.js');
  const { createTask } = await import('../src/modules/tasks/task.service.js');
  const scratch = await createScratchDatabase(ADMIN_URL);
  const env = parseEnv({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DATABASE_URL: scratch.url, LOG_LEVEL: 'warn', SCHEDULER_ENABLED: 'false', TASK_CONCURRENCY: '1' });
  const app = await buildApp(env, { logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  try {
    await app.start();
    const { prisma } = app.services;
    const centers = await Promise.all([1, 2, 3].map((i) => prisma.workCenter.create({ data: { identifier: `WC-${i}`, name: `Line ${i}` } })));
    for (let i = 0; i < rows; i += 5000) {
      await prisma.batch.createMany({
        data: Array.from({ length: Math.min(5000, rows - i) }, (_, k) => {
          const n = i + k + 1;
          const day = new Date(Date.UTC(2026, 0, 1 + (n % 365)));
          return {
            taskDescription: `Bottling task ${n}, shift plan with a longer description`,
            shift: n % 2 ? 'Day' : 'Night',
            team: `Team ${n % 7}`,
            batchNumber: n,
            batchDate: day,
            nomenclature: `Water ${n % 13}.5 l`,
            eknCode: `EKN-${n % 1000}`,
            shiftStart: new Date(day.getTime() + 8 * 3_600_000),
            shiftEnd: new Date(day.getTime() + 16 * 3_600_000),
            workCenterId: centers[n % 3]!.id,
            closed: n % 4 === 0,
            closedAt: n % 4 === 0 ? new Date(day.getTime() + 17 * 3_600_000) : null,
          };
        }),
      });
    }
    const actor = { tokenId: 'bench', name: 'bench', role: 'OPERATOR' as const };

    async function measure(work: () => Promise<void>): Promise<Phase> {
      gc!();
      await new Promise((r) => setTimeout(r, 100));
      gc!();
      const base = process.memoryUsage();
      let heap = base.heapUsed;
      let rss = base.rss;
      // Live heap: a forced GC before each sample, so garbage not yet collected does not count
      // (V8 lets a busy heap grow long before it collects; that is allocation rate, not retention).
      const sampler = setInterval(() => {
        gc!();
        const m = process.memoryUsage();
        heap = Math.max(heap, m.heapUsed);
        rss = Math.max(rss, m.rss);
      }, 100);
      const started = performance.now();
      await work();
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      return { seconds: Math.round(seconds * 10) / 10, peakHeapMB: mb(heap - base.heapUsed), peakRssMB: mb(rss - base.rss) };
    }
    async function runTask(kind: string, input: Record<string, unknown>) {
      const task = await createTask(app.services, actor, { kind, input });
      for (;;) {
        const t = await prisma.backgroundTask.findUniqueOrThrow({ where: { id: task.id } });
        if (t.status === 'SUCCESS') return t.result as Record<string, unknown>;
        if (t.status === 'FAILURE') throw new Error(`${kind} failed: ${t.error}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    let fileId = '';
    const exportPhase = await measure(async () => {
      const result = await runTask('exportBatches', { format: 'XLSX', filter: null, orderBy: null });
      fileId = String(result.fileId);
    });
    const file = await prisma.storedFile.findUniqueOrThrow({ where: { id: fileId } });
    await prisma.batch.deleteMany();
    let imported = 0;
    const importPhase = await measure(async () => {
      const result = await runTask('importBatches', { fileId, format: 'XLSX', updateExisting: false, atomic: false });
      imported = Number(result.created);
    });
    const out: ChildResult = { rows, fileMB: mb(file.size), export: exportPhase, import: importPhase, imported };
    process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  } finally {
    await app.stop();
    await scratch.drop();
  }
}

function runChild(rows: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(rows)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    proc.stdout.on('data', (d) => (output += d));
    proc.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)));
      else reject(new Error(`child for ${rows} rows exited with ${code}\n${output}`));
    });
  });
}

async function main() {
  if (process.argv[2] === '--child') return child(Number(process.argv[3]));
  const small = Number(process.argv[2] ?? 10_000);
  const large = Number(process.argv[3] ?? 100_000);
  const a = await runChild(small);
  const b = await runChild(large);
  const ratio = (x: number, y: number) => Math.round((x / Math.max(y, 0.1)) * 100) / 100;
  for (const r of [a, b]) {
    console.log(
      `${String(r.rows).padStart(7)} rows (XLSX ${r.fileMB} MB): export ${r.export.seconds}s peak heap +${r.export.peakHeapMB} MB rss +${r.export.peakRssMB} MB | import ${r.import.seconds}s peak heap +${r.import.peakHeapMB} MB rss +${r.import.peakRssMB} MB (${r.imported} created)`,
    );
  }
  const ratios = {
    exportHeap: ratio(b.export.peakHeapMB, a.export.peakHeapMB),
    exportRss: ratio(b.export.peakRssMB, a.export.peakRssMB),
    importHeap: ratio(b.import.peakHeapMB, a.import.peakHeapMB),
    importRss: ratio(b.import.peakRssMB, a.import.peakRssMB),
  };
  console.log(
    `summary: ${large}/${small} rows = ${large / small}x rows; peak heap ratio export ${ratios.exportHeap}x, import ${ratios.importHeap}x; peak RSS ratio export ${ratios.exportRss}x, import ${ratios.importRss}x (target: well under ${large / small}x)`,
  );
  console.log(JSON.stringify({ bench: 'batch-transfer', small: a, large: b, ratios }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
