// Byte sizes as people write them on command lines ("10TiB", "500G",
// "64MiB", "4096"; units binary, the B and the i optional), and as the
// client prints them back ("4 KiB", "1.5 GiB").

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

/** Bytes, or undefined for text that is no size (or one too large to count exactly). */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGTP]?)(?:i?B)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * UNITS[match[2]!.toUpperCase()]!);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** "4 KiB", "1 GiB", "1.5 MiB", "100 B". */
export function formatByteSize(bytes: number): string {
  for (const unit of ['PiB', 'TiB', 'GiB', 'MiB', 'KiB'] as const) {
    const size = UNITS[unit[0]!]!;
    if (bytes >= size) return `${+(bytes / size).toFixed(2)} ${unit}`;
  }
  return `${bytes} B`;
}
