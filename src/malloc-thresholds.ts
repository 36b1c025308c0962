// Keeps glibc's malloc from handing freed memory back to the kernel after
// every garbage collection. The HTTP parser copies each 64 KiB of a request
// body into a fresh malloc'd Buffer; a collection frees thousands of them at
// once, and with glibc's default 128 KiB trim threshold the freed top of the
// heap is returned to the kernel and faulted in again for the next bodies.
// On a VM that reports freed guest memory to its host, each of those pages
// costs a fault in the host: after a burst of small requests, a 1 GiB PUT
// spent twice the CPU copying its body (curl PUT 169-220 MB/s, against
// 272-313 MB/s with this).
//
// Node has no mallopt(), and the MALLOC_* variables are read only when a
// process starts. glibc adjusts its thresholds by itself, though: freeing a
// chunk it had mmap'd, of at most 32 MiB (DEFAULT_MMAP_THRESHOLD_MAX), raises
// the mmap threshold to that chunk's size and the trim threshold to twice it
// (mallopt(3), "M_MMAP_THRESHOLD"). One such Buffer, dropped at start and
// freed by the first collection, sets them to about 32 and 64 MiB. Other
// allocators ignore it, at the cost of one short-lived allocation.

/** Just under 32 MiB, so that glibc's chunk (size, header, page rounding) stays within DEFAULT_MMAP_THRESHOLD_MAX. */
const THRESHOLD_CHUNK_BYTES = 32 * 1024 * 1024 - 64 * 1024;

export function raiseMallocThresholds(): void {
  // Allocated outside V8's heap with malloc (which mmaps a chunk this large) and freed when collected.
  Buffer.allocUnsafeSlow(THRESHOLD_CHUNK_BYTES);
}
