// The PyTorch column: bench/py/bench_torch.py in serve mode, one long-lived
// /usr/bin/python3 process that sets up and times the same workloads on
// request (JSON lines over stdin/stdout), so its rounds interleave with the
// JavaScript ones. Absent (with a note) when torch cannot be imported.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'py', 'bench_torch.py');
export const PYTHON = process.env.NEURONE_BENCH_PYTHON ?? '/usr/bin/python3';

export interface TorchInfo {
  torch: string;
  threads: number;
  python: string;
  blas?: string;
}

type SetupResult = { ok: true } | { ok: false; status: 'none' | 'error'; note: string };

export class TorchClient {
  private pending: Array<(msg: any) => void> = [];
  private dead: string | null = null;

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    readonly info: TorchInfo,
    lines: AsyncIterator<string>,
  ) {
    void (async () => {
      for (;;) {
        const { value, done } = await lines.next();
        if (done) break;
        let msg: unknown;
        try {
          msg = JSON.parse(value);
        } catch {
          continue; // a stray print
        }
        this.pending.shift()?.(msg);
      }
      this.dead = 'the Python process ended';
      for (const p of this.pending.splice(0)) p({ error: this.dead });
    })();
  }

  /** Starts the server; null (with the reason) when python3 or torch is missing. */
  static async start(quick: boolean): Promise<{ client: TorchClient | null; reason?: string }> {
    // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this kind of machine for old OpenBLAS builds;
    // they slow a current one, so the peer runs without them (and with one OpenBLAS thread: torch owns the threads)
    const { OPENBLAS_CORETYPE: _core, OPENBLAS_L2_SIZE: _l2, ...env } = process.env;
    const proc = spawn(PYTHON, [SCRIPT, '--serve', ...(quick ? ['--quick'] : [])], {
      env: { ...env, OPENBLAS_NUM_THREADS: '1', PYTHONUNBUFFERED: '1' },
    });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += String(d)));
    const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([
      lines.next().then((r) => (r.done ? null : r.value)),
      new Promise<null>((resolve) => proc.once('error', () => resolve(null))),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 120_000)),
    ]);
    let hello: any = null;
    try {
      hello = first ? JSON.parse(first) : null;
    } catch {
      /* not JSON */
    }
    if (!hello?.ready) {
      proc.kill();
      const why = hello?.error ?? (stderr.trim().split('\n').pop() || `${PYTHON} did not start`);
      return { client: null, reason: why };
    }
    return { client: new TorchClient(proc, { torch: hello.torch, threads: hello.threads, python: hello.python, blas: hello.blas }, lines) };
  }

  private request(msg: object): Promise<any> {
    if (this.dead) return Promise.resolve({ error: this.dead });
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.proc.stdin.write(JSON.stringify(msg) + '\n');
    });
  }

  async setup(id: string): Promise<SetupResult> {
    const r = await this.request({ op: 'setup', id });
    if (r.ok) return { ok: true };
    return { ok: false, status: r.status === 'none' ? 'none' : 'error', note: r.error ?? 'unknown error' };
  }

  /** Runs `steps` steps of the workload set up last; the total ms as timed in Python. */
  async run(id: string, steps: number): Promise<number> {
    const r = await this.request({ op: 'run', id, steps });
    if (typeof r.ms !== 'number') throw new Error(`torch: ${r.error ?? 'no timing'}`);
    return r.ms;
  }

  async dispose(id: string): Promise<void> {
    await this.request({ op: 'dispose', id });
  }

  async close(): Promise<void> {
    if (!this.dead) this.proc.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (this.proc.exitCode === null) this.proc.kill();
  }
}
