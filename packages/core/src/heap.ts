/**
 * Keeps freed tensor buffers in the C heap for reuse (Node on Linux with glibc).
 *
 * The garbage collector frees tensor buffers in batches. glibc returns the top
 * of its heap to the OS whenever more than its trim threshold is free there;
 * that threshold is twice the largest mmap-ed chunk freed so far (256 KB by
 * default), so in a training loop each batch of freed 256 KB-1 MB buffers is
 * given back and the next allocations fault the same pages in again: one fault
 * per 4 KB page, a few microseconds each in a VM, about a third of a 256x256
 * matmul. Freeing one mmap-ed chunk just under glibc's 32 MB cap raises the
 * mmap threshold to 31 MB and the trim threshold to 62 MB for the rest of the
 * process, so up to 62 MB of freed heap stays mapped for reuse.
 *
 * The 31 MB buffer is never touched (no resident pages) and is freed at the
 * first garbage collection. NEURONE_MALLOC_TUNE=0 turns this off; it runs on
 * Linux only (with musl it is one short-lived allocation and changes nothing).
 */
export function tuneHeap(): boolean {
  const proc = (globalThis as { process?: { platform?: string; env?: Record<string, string | undefined> } }).process;
  if (proc?.platform !== 'linux' || proc.env?.NEURONE_MALLOC_TUNE === '0') return false;
  try {
    void new ArrayBuffer(31 << 20);
  } catch {
    // an address-space limit (ulimit -v, strict overcommit): leave glibc's defaults
    return false;
  }
  return true;
}
