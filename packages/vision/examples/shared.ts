// Helpers shared by the examples: batching, evaluation, a progress bar, timing.
import cliProgress from 'cli-progress';
import { F, noGrad, type Generator as RNG, type Tensor, type nn } from '@neurone/core';

/** Accuracy and mean loss of `model` on (images, labels), in evaluation mode, in batches. */
export function evaluate(model: nn.Module, images: Tensor, labels: Tensor, batchSize = 500): { accuracy: number; loss: number } {
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  let lossSum = 0;
  const n = images.shape[0]!;
  noGrad(() => {
    for (let s = 0; s < n; s += batchSize) {
      const len = Math.min(batchSize, n - s);
      const logits = model.forward(images.narrow(0, s, len)) as Tensor;
      const y = labels.narrow(0, s, len);
      lossSum += F.crossEntropy(logits, y, { reduction: 'sum' }).item();
      const pred = logits.argmax(1);
      for (let i = 0; i < len; i++) if (pred.data[i] === y.data[i]) correct++;
    }
  });
  model.train(wasTraining);
  return { accuracy: correct / n, loss: lossSum / n };
}

/** Shuffled (images, labels) batches of one epoch, drawn from `gen`. */
export function* batches(images: Tensor, labels: Tensor, batchSize: number, gen: RNG): IterableIterator<[Tensor, Tensor]> {
  const n = images.shape[0]!;
  const order = gen.permutation(n);
  for (let s = 0; s < n; s += batchSize) {
    const idx = order.slice(s, s + batchSize);
    yield [images.indexSelect(0, idx), labels.indexSelect(0, idx)];
  }
}

/** A cli-progress bar for one epoch (plain lines when stdout is not a terminal). */
export function epochBar(label: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} batches | loss {loss} | {speed} img/s | ETA {eta_formatted}`,
      barCompleteChar: '#',
      barIncompleteChar: '-',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      etaBuffer: 20,
    },
    cliProgress.Presets.legacy,
  );
}

export function fmtTime(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
