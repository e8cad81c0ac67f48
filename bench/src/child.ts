// A peer that runs in a process of its own and times the workloads on
// request over JSON lines (stdin/stdout): PyTorch (bench/py/bench_torch.py)
// and TensorFlow.js (src/tfjs-child.ts). A library loaded beside neurone
// slows it (loading tfjs-core alone costs neurone ~13% on the MLP row), so
// every implementation gets a process of its own, as a user's program would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export type SetupResult = { ok: true } | { ok: false; status: 'none' | 'cannot' | 'skipped' | 'error'; note: string };

/** Thrown by `run` with the child's message and, when it said, the cell status (a missing kernel: `cannot`). */
export class ChildError extends Error {
  constructor(message: string, readonly status: 'cannot' | 'skipped' | 'error' = 'error') {
    super(message);
  }
}

export class ChildClient<Hello> {
  private pending: Array<(msg: any) => void> = [];
  private dead: string | null = null;

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    readonly hello: Hello,
    lines: AsyncIterator<string>,
    private readonly name: string,
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
      this.dead = `the ${name} process ended`;
      for (const p of this.pending.splice(0)) p({ error: this.dead });
    })();
  }

  /**
   * Starts `command args`; its first line must be JSON with `ready: true`
   * (the rest of it is the hello). Null, with the reason, otherwise.
   */
  static async start<H>(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ client: ChildClient<H> | null; reason?: string }> {
    const proc = spawn(command, args, { env });
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
      const why = hello?.error ?? (stderr.trim().split('\n').pop() || `${command} did not start`);
      return { client: null, reason: why };
    }
    return { client: new ChildClient<H>(proc, hello as H, lines, name) };
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
    const status = ['none', 'cannot', 'skipped'].includes(r.status) ? r.status : 'error';
    return { ok: false, status, note: r.error ?? 'unknown error' };
  }

  /** Runs `steps` steps of the workload set up last; the total ms as timed in the child. */
  async run(id: string, steps: number): Promise<number> {
    const r = await this.request({ op: 'run', id, steps });
    if (typeof r.ms !== 'number') {
      throw new ChildError(r.error ?? `${this.name}: no timing`, r.status === 'cannot' || r.status === 'skipped' ? r.status : 'error');
    }
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
