/**
 * Charts of days (the history page's runs and items, a product's units sold), drawn by uPlot (a
 * small, well-kept canvas chart library, ~50 KB minified). It is imported on first use, so a build
 * with code splitting keeps it out of the pages without a chart. Colours come from the stylesheet's variables, so the charts follow the theme.
 * A canvas says nothing to a screen reader: each chart carries a one-line summary as its label,
 * and the page shows the same figures as a table.
 */
import type uPlotType from 'uplot';
import { useEffect, useRef } from 'preact/hooks';

export interface ChartSeries {
  label: string;
  /** A CSS colour, or a `var(--name)` read from the stylesheet. */
  color: string;
  values: number[];
}

const cssColor = (color: string) => {
  const name = /^var\((--[\w-]+)\)$/.exec(color)?.[1];
  return name ? getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888' : color;
};

/**
 * Days on the x axis (unix seconds of each UTC midnight), one series per entry. `stacked` draws
 * bars stacked in the order given (the legend and the cursor still show each series' own value).
 */
export function DayChart({ days, series, stacked, label, dayLabel, height = 240 }: { days: string[]; series: ChartSeries[]; stacked: boolean; label: string; dayLabel: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlotType | null = null;
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    void import('uplot').then(({ default: uPlot }) => {
      if (cancelled) return;
      const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
      // Stacked: each series drawn at the sum of itself and those before it, tallest first.
      const drawn = stacked ? series.map((_, i) => days.map((__, d) => series.slice(0, i + 1).reduce((n, s) => n + (s.values[d] ?? 0), 0))) : series.map((s) => s.values);
      const bars = uPlot.paths.bars!({ size: [0.7, 48] });
      const order = stacked ? series.map((_, i) => series.length - 1 - i) : series.map((_, i) => i);
      const opts: uPlotType.Options = {
        width: Math.max(280, el.clientWidth),
        height,
        // Days are UTC dates: label them so, whatever the browser's zone.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
        axes: [{ stroke: cssColor('var(--muted)'), grid: { show: false } }, { stroke: cssColor('var(--muted)'), grid: { stroke: cssColor('var(--line)') } }],
        legend: { live: true },
        series: [
          { label: dayLabel, value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
          ...order.map((i) => {
            const s = series[i]!;
            const color = cssColor(s.color);
            return stacked
              ? { label: s.label, fill: color, stroke: color, paths: bars, points: { show: false }, value: (_u: uPlotType, _v: number | null, _si: number, idx: number | null) => (idx == null ? '—' : String(s.values[idx] ?? 0)) }
              : { label: s.label, stroke: color, width: 2, points: { show: true, size: 5, fill: color } };
          }),
        ],
      };
      plot = new uPlot(opts, [xs, ...order.map((i) => drawn[i]!)], el);
      observer = new ResizeObserver(() => plot?.setSize({ width: Math.max(280, el.clientWidth), height }));
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [days.join(), JSON.stringify(series), stacked, height, dayLabel]);
  return <div class="day-chart" ref={box} role="img" aria-label={label} />;
}
