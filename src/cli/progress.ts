// Progress of transfers. On a terminal: one cli-progress bar per transfer
// with speed and ETA (bar-progress.ts, loaded only there). With --progress
// (or progress_meter) when stdout is not a terminal: s3cmd's ProgressCR lines ("upload: 'a' -> 's3://b/a'  [1 of 1]"
// then " 1000 of 1000   100% in    0s   565.59 KB/s  done"). Transfers run in
// parallel but their lines come out in the order the transfers were
// started, as s3cmd (which runs them one after another) prints them.

import { formatSize, type Printer } from './output.js';

export interface TransferLabels {
  action: 'upload' | 'download';
  source: string;
  destination: string;
  /** "[1 of 2]", "[part 1 of 3, 15MB] [1 of 1]". */
  extra: string;
}

export interface ProgressHandle {
  update(deltaBytes: number): void;
  done(message: 'done' | 'failed'): void;
}

export interface Progress {
  start(labels: TransferLabels, totalBytes: number): ProgressHandle;
  stop(): void;
}

const NO_PROGRESS: ProgressHandle = { update() {}, done() {} };

export const noProgress: Progress = { start: () => NO_PROGRESS, stop() {} };

function crLine(current: number, total: number, startedAt: number, now: number): string {
  const seconds = (now - startedAt) / 1000;
  const percent = total ? Math.floor((current * 100) / total) : 0;
  const [speed, unit] = seconds > 0 ? formatSize(current / seconds, true, true) : [0, ''];
  return ` ${String(current).padStart(String(total).length)} of ${total}   ${String(percent).padStart(3)}% in ${String(Math.trunc(seconds)).padStart(4)}s  ${speed.toFixed(2).padStart(7)} ${unit}B/s`;
}

interface LineTransfer {
  text: string;
  finished: boolean;
  current: number;
  lastShown: number;
}

/** s3cmd's ProgressCR, kept in start order; only the oldest unfinished transfer writes live. */
export class LineProgress implements Progress {
  private readonly queue: LineTransfer[] = [];

  constructor(private readonly printer: Printer) {}

  start(labels: TransferLabels, total: number): ProgressHandle {
    const startedAt = Date.now();
    const transfer: LineTransfer = {
      text: `${labels.action}: '${labels.source}' -> '${labels.destination}'  ${labels.extra}\n`,
      finished: false,
      current: 0,
      lastShown: 0,
    };
    this.queue.push(transfer);
    this.flush();
    return {
      update: (delta) => {
        transfer.current += delta;
        const now = Date.now();
        if (this.queue[0] === transfer && now - transfer.lastShown > 1000) {
          transfer.lastShown = now;
          this.printer.write('\r' + crLine(transfer.current, total, startedAt, now));
        }
      },
      done: (message) => {
        transfer.text += `\r${crLine(transfer.current, total, startedAt, Date.now())}  ${message}\n`;
        transfer.finished = true;
        this.flush();
      },
    };
  }

  private flush(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.text) {
        this.printer.write(head.text);
        head.text = '';
      }
      if (!head.finished) return;
      this.queue.shift();
    }
  }

  stop(): void {}
}
