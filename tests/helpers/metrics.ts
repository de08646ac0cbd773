import parsePrometheusTextFormat, { type PromFamily, type PromSample } from 'parse-prometheus-text-format';

/** One parsed /metrics answer, with lookups that sum the samples matching some labels. */
export interface Scrape {
  text: string;
  families: PromFamily[];
  family(name: string): PromFamily | undefined;
  /** Sum of the values (counters, gauges) whose labels include `labels`; 0 when none match. */
  value(name: string, labels?: Record<string, string>): number;
  /** Sum of the observation counts of a histogram's series whose labels include `labels`. */
  count(name: string, labels?: Record<string, string>): number;
  /** Whether any series of `name` has these labels. */
  has(name: string, labels?: Record<string, string>): boolean;
}

export function parseMetrics(text: string): Scrape {
  const families = parsePrometheusTextFormat(text);
  // The parser folds every series of a labelled histogram into one, losing its labels. Read as
  // untyped, a histogram's _count lines keep their labels (as one family per series, all named
  // `<name>_count`, hence the lookups over every family of a name).
  const series = parsePrometheusTextFormat(text.replace(/^(# TYPE \S+) histogram$/gm, '$1 untyped'));
  const matching = (from: PromFamily[], name: string, labels: Record<string, string>): PromSample[] =>
    from
      .filter((f) => f.name === name)
      .flatMap((f) => f.metrics)
      .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  const sum = (samples: PromSample[]) => samples.reduce((total, m) => total + Number(m.value), 0);
  return {
    text,
    families,
    family: (name) => families.find((f) => f.name === name),
    value: (name, labels = {}) => sum(matching(families, name, labels)),
    count: (name, labels = {}) => sum(matching(series, `${name}_count`, labels)),
    has: (name, labels = {}) => matching(families, name, labels).length > 0,
  };
}

/** GET /metrics of an app (with its METRICS_TOKEN when given); fails on anything but 200. */
export async function scrapeMetrics(baseUrl: string, token?: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text.slice(0, 200)}`);
  return parseMetrics(text);
}
