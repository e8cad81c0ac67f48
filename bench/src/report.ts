// The table printed at the end and the rows of the JSON file.
import { FLAT_LIMITS, type MemoryResult } from './memory.js';
import { PEERS, type Cell, type ImplName, type PeerName, type Target, type Workload } from './types.js';

export interface Row {
  id: string;
  title: string;
  spec: string;
  flops?: number;
  cells: Partial<Record<ImplName, Cell>>;
  /** neurone ms / peer ms (below 1: neurone is faster). */
  ratios: Partial<Record<PeerName, number>>;
  /** GFLOP/s per implementation, for rows with a known FLOP count. */
  gflops?: Partial<Record<ImplName, number>>;
  target?: Target & { met: boolean | null; detail: string };
}

export function makeRow(w: Workload, cells: Partial<Record<ImplName, Cell>>): Row {
  const n = cells.neurone?.status === 'ok' ? cells.neurone.ms! : undefined;
  const ratios: Row['ratios'] = {};
  for (const p of PEERS) {
    const c = cells[p];
    if (n !== undefined && c?.status === 'ok') ratios[p] = n / c.ms!;
  }
  let gflops: Row['gflops'];
  if (w.flops) {
    gflops = {};
    for (const [impl, c] of Object.entries(cells) as Array<[ImplName, Cell]>) {
      if (c.status === 'ok') gflops[impl] = w.flops / (c.ms! * 1e6);
    }
  }
  const row: Row = { id: w.id, title: w.title, spec: w.spec, flops: w.flops, cells, ratios, gflops };
  if (w.target) row.target = judge(w.target, ratios);
  return row;
}

function judge(t: Target, ratios: Row['ratios']): NonNullable<Row['target']> {
  if (t.kind === 'gflops-vs-wasm') {
    const r = ratios['tfjs-wasm'];
    if (r === undefined) return { ...t, met: null, detail: `needs >= ${t.factor}x tfjs-wasm GFLOP/s` };
    const speedup = 1 / r;
    return { ...t, met: speedup >= t.factor, detail: `${fmtX(speedup)} tfjs-wasm GFLOP/s (need >= ${t.factor}x)` };
  }
  const r = ratios.torch;
  if (r === undefined) return { ...t, met: null, detail: `needs <= ${t.factor}x PyTorch time` };
  return { ...t, met: r <= t.factor, detail: `${fmtX(r)} PyTorch time (need <= ${t.factor}x)` };
}

export function fmtMs(ms: number): string {
  if (ms >= 1000) return ms.toFixed(0);
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

export function fmtX(x: number): string {
  if (x >= 100) return `${x.toFixed(0)}x`;
  if (x >= 10) return `${x.toFixed(1)}x`;
  if (x >= 0.1) return `${x.toFixed(2)}x`;
  return `${x.toPrecision(2)}x`;
}

const LABEL: Record<Cell['status'], string> = { ok: '', skipped: 'skipped', cannot: 'cannot', none: 'n/a', error: 'error' };

function cellText(row: Row, impl: ImplName): string {
  const c = row.cells[impl];
  if (!c) return '-';
  if (c.status !== 'ok') return LABEL[c.status];
  const approx = (c.samples?.length ?? 0) < 3 ? '~' : '';
  const gf = row.gflops?.[impl];
  return `${approx}${fmtMs(c.ms!)}${gf !== undefined ? ` (${gf >= 10 ? gf.toFixed(0) : gf.toFixed(1)})` : ''}`;
}

/** The whole report as text: the table, then the notes, then the memory check. */
export function renderTable(rows: Row[], memory: MemoryResult | null, peers: readonly PeerName[]): string {
  const head = ['workload', 'neurone ms', ...peers.map((p) => `${p} ms`), ...peers.map((p) => `vs ${p.replace('tfjs-', '')}`), 'target (issue 3)'];
  const body = rows.map((r) => [
    r.title,
    cellText(r, 'neurone'),
    ...peers.map((p) => cellText(r, p)),
    ...peers.map((p) => (r.ratios[p] !== undefined ? fmtX(r.ratios[p]!) : '-')),
    r.target ? `${r.target.met === null ? '?' : r.target.met ? 'ok' : 'MISSED'} ${r.target.met === null ? r.target.detail : r.target.detail.replace(/ \(need.*\)/, '')}` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const numeric = (i: number) => i > 0 && i < head.length - 1;
  const line = (cols: string[]) => '| ' + cols.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ') + ' |';
  const out = [line(head), '|' + widths.map((w, i) => (numeric(i) ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|'];
  for (const b of body) out.push(line(b));
  out.push('');
  out.push('ms: median per step; "~": fewer than 3 measured rounds. (n): GFLOP/s. vs X: neurone time / X time (below 1x neurone is faster).');

  // Notes: one line per distinct (status, note), listing the rows it applies to.
  const notes = new Map<string, string[]>();
  for (const r of rows) {
    for (const [impl, c] of Object.entries(r.cells) as Array<[ImplName, Cell]>) {
      if (c.status === 'ok' || !c.note) continue;
      const key = `${impl} ${LABEL[c.status]}: ${c.note}`;
      notes.set(key, [...(notes.get(key) ?? []), r.id]);
    }
  }
  if (notes.size > 0) {
    out.push('');
    for (const [k, ids] of notes) out.push(`- ${k} [${ids.join(', ')}]`);
  }
  if (memory) {
    out.push('');
    out.push(renderMemory(memory));
  }
  return out.join('\n');
}

export function renderMemory(m: MemoryResult): string {
  if (m.status !== 'ok') return `flat-memory check: error: ${m.note}`;
  const f = (x: number) => x.toFixed(1);
  return [
    `flat-memory check (${m.steps} steps, ${fmtMs(m.ms / m.steps)} ms/step, backend ${m.backend}): ${m.flat ? 'FLAT' : 'GROWING'}`,
    `  ${m.model}`,
    ...(m.note ? [`  ${m.note}`] : []),
    `  after step ${m.warmup}: RSS ${f(m.rss.start)} -> ${f(m.rss.end)} MB (peak ${f(m.rss.peak)}, fitted growth ${f(m.rss.growth)} MB, limit ${FLAT_LIMITS.rssMB})`,
    `  V8 heap ${f(m.heap.start)} -> ${f(m.heap.end)} MB (peak ${f(m.heap.peak)}, fitted growth ${f(m.heap.growth)} MB, limit ${FLAT_LIMITS.heapMB}); external+ArrayBuffers ${f(m.external.start)} -> ${f(m.external.end)} MB (peak ${f(m.external.peak)})`,
  ].join('\n');
}
