// Progress on a terminal: one cli-progress bar per transfer, with speed and
// ETA. A module of its own so that runs whose output is not a terminal never
// load cli-progress.

import cliProgress from 'cli-progress';
import { formatSize, formatSpeed } from './output.js';
import type { Progress, ProgressHandle, TransferLabels } from './progress.js';

/** cli-progress bars on a terminal: one per transfer, with speed and ETA. */
export class BarProgress implements Progress {
  private readonly bars = new cliProgress.MultiBar(
    {
      format: ' {bar} {percentage}% | {size} | {speed} | ETA {eta_formatted} | {label}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );

  start(labels: TransferLabels, total: number): ProgressHandle {
    const startedAt = Date.now();
    const label = `${labels.action}: '${labels.source}' -> '${labels.destination}' ${labels.extra}`;
    const [size, unit] = formatSize(total, true);
    const payload = { label, size: `${size}${unit}B`, speed: '' };
    const bar = this.bars.create(Math.max(total, 1), 0, payload);
    let current = 0;
    return {
      update: (delta) => {
        current += delta;
        const seconds = (Date.now() - startedAt) / 1000;
        bar.update(current, { ...payload, speed: seconds > 0 ? formatSpeed(current / seconds) : '' });
      },
      done: (message) => {
        const seconds = (Date.now() - startedAt) / 1000;
        bar.update(message === 'done' ? Math.max(total, 1) : current, { ...payload, speed: seconds > 0 ? formatSpeed(current / seconds) : '', label: `${label} ${message}` });
        bar.stop();
      },
    };
  }

  stop(): void {
    this.bars.stop();
  }
}
