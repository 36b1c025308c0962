// Peak resident memory of a server process, and of any processes it forks,
// sampled from /proc every 100 ms. For a single process the kernel's own
// high-water mark (VmHWM) is used too, so a spike between samples still counts.

import { readFileSync, readdirSync } from "node:fs";

const SAMPLE_MS = 100;
const MAX_TREE = 64;

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The process and its descendants, through /proc/PID/task/TID/children. */
function processTree(root: number): number[] {
  const out = [root];
  for (let i = 0; i < out.length && out.length < MAX_TREE; i++) {
    const pid = out[i]!;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ")) {
          if (c.trim() && out.length < MAX_TREE) out.push(Number(c));
        }
      } catch {
        // the task ended between listing and reading
      }
    }
  }
  return out;
}

export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peakKb = 0;

  constructor(private readonly pid: number) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  private sample(): void {
    const tree = processTree(this.pid);
    let kb = 0;
    for (const p of tree) kb += statusKb(p, "VmRSS");
    if (tree.length === 1) this.peakKb = Math.max(this.peakKb, statusKb(this.pid, "VmHWM"));
    this.peakKb = Math.max(this.peakKb, kb);
  }

  /** Peak MB (10^6 bytes) over the whole life of the sampler. */
  peakMb(): number {
    this.sample();
    return (this.peakKb * 1024) / 1e6;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}
