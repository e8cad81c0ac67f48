// Atomic file replacement (Node only): temp file in the same directory, fsync, rename.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { NeuroneError } from '../errors.js';

/**
 * Writes `bytes` to `path` so that readers see either the old file or the
 * complete new one, never a partial write: the bytes go to a temp file in the
 * same directory, are fsynced, and the temp file is renamed over `path`. On
 * failure the old file is untouched, the temp file is removed, and a
 * NeuroneError naming `op` and `path` is thrown.
 *
 * Example:
 *   writeFileAtomic('model.safetensors', bytes, 'saveFile');
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, op: string): void {
  const dir = nodePath.dirname(path);
  const tmp = nodePath.join(dir, `.${nodePath.basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', existingMode(path));
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: the original error is the one to report
      }
    }
    fs.rmSync(tmp, { force: true });
    const err = new NeuroneError(`${op}: cannot write ${path}: ${(e as Error).message}`);
    (err as Error & { cause?: unknown }).cause = e;
    throw err;
  }
  syncDirectory(dir);
}

/** The permission bits of an existing file, so replacing it keeps them. */
function existingMode(path: string): number {
  try {
    return fs.statSync(path).mode & 0o777;
  } catch {
    return 0o666;
  }
}

/** Makes the rename durable; some platforms cannot open or fsync a directory, which is harmless. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort (Windows, some network file systems)
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
