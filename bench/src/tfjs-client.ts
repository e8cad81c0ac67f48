// Starts the TensorFlow.js peer for one backend in a process of its own
// (src/tfjs-child.ts, compiled beside this file).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildClient } from './child.js';
import type { TfInfo } from './tfjs.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'tfjs-child.js');

export function startTfjs(backend: 'wasm' | 'cpu'): Promise<{ client: ChildClient<TfInfo> | null; reason?: string }> {
  return ChildClient.start<TfInfo>(`tfjs-${backend}`, process.execPath, [CHILD, backend], process.env);
}
