// Memory for direct (O_DIRECT) writes. Direct I/O takes only buffers whose
// address is aligned to the device's logical block, and Node gives no way to
// ask for one or to learn a Buffer's address. A WebAssembly memory's base is
// page-aligned, so its slices at page-multiple offsets are aligned too. One
// memory is made on first use and never grown (growing would detach the
// slices in use); when every slice is taken, the caller writes without them.

/** Bytes per slice: one direct write. */
export const ALIGNED_SLICE_BYTES = 1024 * 1024;
/** Slices in the memory: 64 MiB, its pages touched only as slices are used (V8 reserves more address space around it). */
const SLICES = 64;
const WASM_PAGE_BYTES = 64 * 1024;

let free: Buffer[] | undefined;

function slices(): Buffer[] {
  if (free !== undefined) return free;
  free = [];
  // Without WebAssembly (node --jitless), or with too little address space
  // for its reservation (ulimit -v), there is no aligned memory: every write is buffered.
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: (SLICES * ALIGNED_SLICE_BYTES) / WASM_PAGE_BYTES });
  } catch {
    return free;
  }
  for (let i = SLICES - 1; i >= 0; i--) free.push(Buffer.from(memory.buffer, i * ALIGNED_SLICE_BYTES, ALIGNED_SLICE_BYTES));
  return free;
}

/** `count` aligned slices, or undefined when fewer are free. */
export function takeAlignedSlices(count: number): Buffer[] | undefined {
  const pool = slices();
  return pool.length < count ? undefined : pool.splice(pool.length - count, count);
}

/** Returns slices taken with takeAlignedSlices; no I/O may still be using them. */
export function returnAlignedSlices(buffers: Buffer[]): void {
  slices().push(...buffers);
}
