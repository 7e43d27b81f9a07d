import cliProgress from 'cli-progress';
import type { StepInfo } from '../../../train/options.js';
import { formatSeconds } from '../../terminalReporter.js';

/**
 * The training progress display: on a terminal a bar with loss, steps/s, texts/s and ETA; otherwise a
 * plain line every few seconds (readable in CI logs). Both on stderr.
 */
export function trainProgress(
  quiet: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): {
  onStep: (i: StepInfo) => void;
  stop: () => void;
} {
  if (quiet) return { onStep() {}, stop() {} };
  const tty = Boolean(stream.isTTY) && process.env.CI === undefined;
  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          'train [{bar}] {value}/{total} steps | loss {loss} | {sps} steps/s | {tps} texts/s | dev {dev} | ETA {eta_formatted}',
        hideCursor: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    let dev = '-';
    return {
      onStep(i) {
        if (i.dev !== undefined) dev = i.dev.toFixed(4);
        const payload = {
          loss: i.loss.toFixed(4),
          sps: i.stepsPerSec.toFixed(1),
          tps: Math.round(i.textsPerSec).toLocaleString('en-US'),
          dev,
        };
        if (!started) {
          bar.start(i.totalSteps, i.step, payload);
          started = true;
        } else bar.update(i.step, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  return {
    onStep(i) {
      const now = performance.now();
      if (now - last < 5000 && i.dev === undefined && i.step !== i.totalSteps) return;
      last = now;
      const eta = (i.totalSteps - i.step) / Math.max(i.stepsPerSec, 1e-9);
      stream.write(
        `train: step ${i.step}/${i.totalSteps}, epoch ${i.epoch.toFixed(2)}, loss ${i.loss.toFixed(4)}, lr ${i.lr.toExponential(2)}, ${i.stepsPerSec.toFixed(1)} steps/s, ${Math.round(i.textsPerSec)} texts/s${i.dev !== undefined ? `, dev ${i.dev.toFixed(4)}` : ''}, ETA ${formatSeconds(eta)}\n`,
      );
    },
    stop() {},
  };
}
