// The PyTorch column: bench/py/bench_torch.py in serve mode, one long-lived
// /usr/bin/python3 process that sets up and times the same workloads on
// request (src/child.ts), so its rounds interleave with the JavaScript ones.
// Absent (with a note) when torch cannot be imported.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildClient } from './child.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'py', 'bench_torch.py');
export const PYTHON = process.env.NEURONE_BENCH_PYTHON ?? '/usr/bin/python3';

export interface TorchInfo {
  torch: string;
  threads: number;
  python: string;
  blas?: string;
}

export type TorchClient = ChildClient<TorchInfo>;

/** Starts the server; null (with the reason) when python3 or torch is missing. */
export function startTorch(quick: boolean): Promise<{ client: TorchClient | null; reason?: string }> {
  // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this kind of machine for old OpenBLAS builds;
  // they slow a current one, so the peer runs without them (and with one OpenBLAS thread: torch owns the threads)
  const { OPENBLAS_CORETYPE: _core, OPENBLAS_L2_SIZE: _l2, ...env } = process.env;
  return ChildClient.start<TorchInfo>('Python', PYTHON, [SCRIPT, '--serve', ...(quick ? ['--quick'] : [])], {
    ...env, OPENBLAS_NUM_THREADS: '1', PYTHONUNBUFFERED: '1',
  });
}
