/**
 * Where a V8 CPU profile (node --cpu-prof) spent its time.
 *
 *   npx tsx bench/profile/cpuprofile-summary.ts <file.cpuprofile> [top=15] [requests]
 *
 * Only the serving phase counts: samples from the first one inside the HTTP handler (app.ts's
 * handleRequest) on, so module loading and migrations at start-up stay out. With `requests` (how
 * many the load generator completed) it also prints the busy CPU time per request.
 * Self time is each sample's time delta given to the frame on top of its stack; inclusive time gives
 * it to every distinct function, file and package on the stack once (recursion is not counted
 * twice). Files are this repo's paths; dependencies are grouped by package; Node's own code is
 * "node:…". Times in ms and as a share of the busy (non-idle) time.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, requestsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-summary.ts <file.cpuprofile> [top]');
const TOP = Number(topArg ?? 15);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

/** A repo file (src/graphql/yoga.ts), a package (graphql-yoga, @envelop/core), node:internal, or a V8 pseudo-frame ((garbage collector)). */
function unitOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const repo = /\/(src|bench|tests)\/(.*)$/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url;
}
const fnOf = (frame: CallFrame) => `${frame.functionName || '(anonymous)'} ${unitOf(frame)}:${frame.lineNumber + 1}`;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfFn = new Map<string, number>();
const selfUnit = new Map<string, number>();
const inclFn = new Map<string, number>();
const inclUnit = new Map<string, number>();
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const servingFrom = profile.samples.findIndex((id) => {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)!.callFrame;
    if (frame.functionName === 'handleRequest' && frame.url.endsWith('/src/app.ts')) return true;
    if (frame.functionName === 'handleNodeRequestAndResponse') return true; // the bare Yoga
  }
  return false;
});
let total = 0;
let idle = 0;
for (let i = Math.max(0, servingFrom); i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // time until the next sample, ms
  const node = byId.get(profile.samples[i]!)!;
  total += dt;
  if (node.callFrame.functionName === '(idle)') {
    idle += dt;
    continue;
  }
  add(selfFn, fnOf(node.callFrame), dt);
  add(selfUnit, unitOf(node.callFrame), dt);
  const fns = new Set<string>();
  const units = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(root)') continue;
    fns.add(fnOf(frame));
    units.add(unitOf(frame));
  }
  for (const f of fns) add(inclFn, f, dt);
  for (const u of units) add(inclUnit, u, dt);
}
const busy = total - idle;
const table = (title: string, m: Map<string, number>, filter: (k: string) => boolean = () => true) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`  ${v.toFixed(0).padStart(7)} ms ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
};
const perRequest = requestsArg ? `, ${((busy * 1000) / Number(requestsArg)).toFixed(0)} µs busy per request (${requestsArg} requests)` : '';
console.log(`${file}: ${(total / 1000).toFixed(1)} s sampled while serving, ${(busy / 1000).toFixed(1)} s busy (${((busy / total) * 100).toFixed(0)}%)${perRequest}`);
table('Self time by function', selfFn);
table('Self time by file / package', selfUnit);
table('Inclusive time by repo file (src/)', inclUnit, (k) => k.startsWith('src/'));
table('Inclusive time by package', inclUnit, (k) => !k.startsWith('src/') && !k.startsWith('bench/'));
