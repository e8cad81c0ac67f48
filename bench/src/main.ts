// `pnpm bench`: neurone against TensorFlow.js (wasm, cpu) and PyTorch, one
// table, bench/results/latest.json and bench/results/latest.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeChart } from './chart.js';
import { FULL, QUICK, measure, poolCells, type Context } from './harness.js';
import { memoryCheck, type MemoryResult } from './memory.js';
import { loadNeurone } from './neurone.js';
import { registry } from './registry.js';
import { makeRow, renderMemory, renderTable, type Row } from './report.js';
import type { ChildClient } from './child.js';
import type { TfInfo } from './tfjs.js';
import { startTfjs } from './tfjs-client.js';
import { startTorch, type TorchClient, type TorchInfo } from './torch.js';
import { PEERS, type PeerName } from './types.js';

const HELP = `Usage: pnpm bench [options]

Times each workload for neurone, TensorFlow.js (wasm and cpu backends) and
PyTorch (when /usr/bin/python3 can import torch), interleaved in one run,
and prints medians and the ratio of neurone's time to each peer's.

Options:
  --quick               short warm-up and few rounds; slow peers on big rows
                        and rows neurone cannot run yet are not timed (< 2 min)
  --only <regex>        rows whose id or title matches (case-insensitive);
                        "memory" selects the flat-memory check
  --peers <list>        comma-separated subset of ${PEERS.join(',')} (default: all)
  --backend <name>      neurone backend to use (setBackend), default: the default
  --repeat <n>          measure each row n times (fresh set-ups) and pool the
                        rounds: the medians then come from n times as many
                        rounds, so ratios near a target move less between runs
  --memory-steps <n>    steps of the flat-memory check (default 10000; --quick
                        stops it after 20 s and says so)
  --out <dir>           where latest.json and latest.png go (default bench/results)
  --list                list the rows and exit
  -h, --help            this help
`;

interface Options {
  quick: boolean;
  only: RegExp | null;
  peers: PeerName[];
  backend: string | null;
  memorySteps: number;
  repeat: number;
  out: string;
  list: boolean;
}

function parseArgs(argv: string[]): Options {
  const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
  const o: Options = { quick: false, only: null, peers: [...PEERS], backend: null, memorySteps: 10000, repeat: 1, out: join(benchDir, 'results'), list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v!;
    };
    if (a === '--') continue;
    else if (a === '--quick') o.quick = true;
    else if (a === '--only') o.only = new RegExp(value(), 'i');
    else if (a === '--peers') {
      const ps = value().split(',').map((s) => s.trim()).filter(Boolean);
      const bad = ps.filter((p) => !(PEERS as readonly string[]).includes(p));
      if (bad.length) fail(`--peers: unknown ${bad.join(', ')} (expected some of ${PEERS.join(', ')})`);
      o.peers = ps as PeerName[];
    } else if (a === '--backend') o.backend = value();
    else if (a === '--memory-steps') {
      o.memorySteps = Number(value());
      if (!Number.isInteger(o.memorySteps) || o.memorySteps < 100) fail('--memory-steps: expected an integer >= 100');
    } else if (a === '--repeat') {
      o.repeat = Number(value());
      if (!Number.isInteger(o.repeat) || o.repeat < 1) fail('--repeat: expected an integer >= 1');
    } else if (a === '--out') o.out = resolve(value());
    else if (a === '--list') o.list = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(HELP);
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  return o;
}

function fail(msg: string): never {
  process.stderr.write(`bench: ${msg}\n\n${HELP}`);
  process.exit(2);
}

/** --quick stops the flat-memory loop after this long (reported). */
const QUICK_MEMORY_MS = 20_000;

const log = (line: string) => process.stderr.write(line + '\n');
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const selected = registry.filter((w) => !opts.only || opts.only.test(w.id) || opts.only.test(w.title));
  const runMemory = !opts.only || opts.only.test('memory');
  if (opts.list) {
    for (const w of registry) process.stdout.write(`${w.id.padEnd(18)} ${w.spec}\n`);
    process.stdout.write(`${'memory'.padEnd(18)} flat-memory check: RSS and heap over a ${opts.memorySteps}-step small training loop (neurone)\n`);
    return;
  }
  if (selected.length === 0 && !runMemory) fail(`--only ${opts.only}: no row matches (see --list)`);

  const started = Date.now();
  const loadAtStart = os.loadavg()[0]!;
  const neurone = await loadNeurone();
  if (opts.backend) neurone.core.setBackend(opts.backend);
  const neuroneBackend = neurone.core.getBackend().name;
  const settings = opts.quick ? QUICK : FULL;
  log(`neurone backend: ${neuroneBackend}; mode: ${opts.quick ? 'quick' : 'full'}${opts.repeat > 1 ? ` x${opts.repeat}` : ''}; rows: ${selected.length}${runMemory ? ' + memory check' : ''}`);

  // Peers, each in a process of its own.
  const tfWanted = (['wasm', 'cpu'] as const).filter((b) => opts.peers.includes(`tfjs-${b}`));
  let tfInfo: TfInfo | null = null;
  const tfjs = new Map<'wasm' | 'cpu', ChildClient<TfInfo>>();
  if (tfWanted.length > 0 && selected.length > 0) {
    const started = await Promise.all(tfWanted.map((b) => startTfjs(b)));
    for (const [i, b] of tfWanted.entries()) {
      const { client, reason } = started[i]!;
      if (!client) {
        log(`warning: no tfjs-${b} column (${reason})`);
        continue;
      }
      tfjs.set(b, client);
      for (const e of client.hello.errors) log(`warning: ${e}`);
      const { ready: _ready, ...info } = client.hello as TfInfo & { ready?: boolean };
      const prev = tfInfo as TfInfo | null;
      tfInfo = { ...info, backends: [...(prev?.backends ?? []), b], errors: [...(prev?.errors ?? []), ...info.errors] };
    }
  }
  let torch: TorchClient | null = null;
  let torchInfo: TorchInfo | null = null;
  let torchNote: string | null = null;
  if (opts.peers.includes('torch') && selected.length > 0) {
    const t = await startTorch(opts.quick);
    torch = t.client;
    torchInfo = t.client?.hello ?? null;
    if (!torch) {
      torchNote = t.reason ?? 'unavailable';
      log(`note: no PyTorch column (${torchNote})`);
    } else log(`PyTorch ${torchInfo!.torch}, ${torchInfo!.threads} threads, BLAS ${torchInfo!.blas ?? '?'}`);
  }
  const peers = opts.peers.filter((p) => (p === 'torch' ? torch !== null : tfjs.has(p === 'tfjs-wasm' ? 'wasm' : 'cpu')));

  const ctx: Context = {
    settings,
    neurone,
    tfjs,
    torch,
    peers: new Set(peers),
    log,
  };

  const rows: Row[] = [];
  for (const w of selected) {
    gc?.();
    const t0 = Date.now();
    let cells = await measure(w, ctx);
    for (let r = 1; r < opts.repeat; r++) cells = poolCells(cells, await measure(w, ctx));
    const row = makeRow(w, cells);
    rows.push(row);
    const summary = (['neurone', ...peers] as const)
      .map((impl) => {
        const c = row.cells[impl];
        return `${impl} ${c ? (c.status === 'ok' ? `${c.ms!.toFixed(3)} ms` : c.status) : '-'}`;
      })
      .join(', ');
    log(`${w.id.padEnd(18)} ${summary}  [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
  }
  await Promise.all([torch?.close(), ...[...tfjs.values()].map((c) => c.close())]);

  let memory: MemoryResult | null = null;
  if (runMemory) {
    gc?.();
    log(`memory check: ${opts.memorySteps} steps...`);
    try {
      memory = memoryCheck(neurone, opts.memorySteps, opts.quick ? QUICK_MEMORY_MS : Infinity);
    } catch (e) {
      memory = { status: 'error', note: (e as Error).message } as MemoryResult;
    }
    log(renderMemory(memory));
  }

  const cores = os.cpus().length;
  const load = Math.max(loadAtStart, os.loadavg()[0]!);
  const busy = load > cores
    ? `\nwarning: the machine was busy (1-minute load ${load.toFixed(1)} on ${cores} cores): every time is inflated, and PyTorch's ` +
      `OpenMP threads, which spin while waiting, suffer most (its column then flatters the "vs torch" ratios); rerun on a quiet machine.`
    : '';
  const table = renderTable(rows, memory, peers) + busy;
  process.stdout.write('\n' + table + '\n');

  mkdirSync(opts.out, { recursive: true });
  const meta = {
    date: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    mode: opts.quick ? 'quick' : 'full',
    repeat: opts.repeat,
    only: opts.only?.source ?? null,
    settings,
    machine: { cpu: os.cpus()[0]?.model, cores, load1AtStart: loadAtStart, loadavgAtEnd: os.loadavg(), node: process.version, platform: `${process.platform}-${process.arch}` },
    neurone: { backend: neuroneBackend, domainPackages: { vision: !!neurone.vision, sequence: !!neurone.sequence, generative: !!neurone.generative } },
    tfjs: tfInfo,
    torch: torchInfo ?? (torchNote ? { unavailable: torchNote } : null),
    peers,
    ratio: 'neurone ms / peer ms (below 1: neurone is faster)',
  };
  const jsonPath = join(opts.out, 'latest.json');
  writeFileSync(jsonPath, JSON.stringify({ meta, rows, memory, table }, null, 1) + '\n');
  const pngPath = join(opts.out, 'latest.png');
  const subtitle = `${meta.date.slice(0, 16)}Z, ${meta.mode} run, node ${process.version}, neurone backend ${neuroneBackend}` +
    `${tfInfo ? `, tfjs ${tfInfo.version}` : ''}${torchInfo ? `, PyTorch ${torchInfo.torch} (${torchInfo.threads} threads)` : ''}, ${cores} cores, load ${load.toFixed(1)}`;
  const drawn = rows.length > 0 && (await writeChart(pngPath, rows, peers, subtitle));
  log(`\nwrote ${jsonPath}${drawn ? ` and ${pngPath}` : ''} in ${meta.seconds.toFixed(0)} s`);
}

main().then(
  // Exit even if a backend left a handle open (a worker pool): the run is over.
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
