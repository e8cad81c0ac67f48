// The command-line program: train, eval, recognize and render.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Generator, Tensor, listBackends, setBackend } from '@neurone/core';
import { saveImage } from '@neurone/vision';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CHECKPOINT, loadModel } from './checkpoint.js';
import { normalizeText } from './charset.js';
import { digitString } from './digits.js';
import { EVAL_SETS, type EvalResult, type EvalSet, evaluate } from './evaluate.js';
import { ALL_FONTS, EVAL_FONTS, TRAINING_FONTS } from './fonts.js';
import { recognizeFile } from './recognize.js';
import type { RGBImage } from './imageops.js';
import { ErrorRate } from './metrics.js';
import { inkOnPaper, renderLine, renderPage } from './render.js';
import { train } from './train.js';
import { type Arch, DEFAULT_CONFIGS } from './model.js';
import { LINE_HEIGHT } from './preprocess.js';

const int = (name: string, min = 0) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};
const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};
const backendOption = () =>
  new Option('--backend <name>', 'compute backend (default: @neurone/core\'s, NEURONE_BACKEND)').choices(listBackends());
const useBackend = (name?: string) => {
  if (name) setBackend(name);
};
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * Builds the `neurone-handwriting` program (commander). Output goes to the
 * console; failures set `process.exitCode` to 1.
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('neurone-handwriting')
    .description('Handwritten text line recognizer (CNN + BLSTM + CTC, or MDLSTM), built on neurone')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (s, write) => write(s) })
    .exitOverride();

  program
    .command('recognize')
    .description('print the text of each image (a line, or a page split into lines) and a confidence')
    .argument('<images...>', 'PNG or JPEG files, any size, colour or grayscale')
    .option('--beam <n>', 'beam search with this width (default: greedy)', int('--beam', 1))
    .option('--checkpoint <path>', 'model file (default: the shipped models/handwriting.safetensors)')
    .option('--json', 'print JSON: one entry per file with file, text, confidence and lines')
    .addOption(backendOption())
    .action(async (images: string[], o: { beam?: number; checkpoint?: string; json?: boolean; backend?: string }) => {
      useBackend(o.backend);
      const { model } = loadModel(o.checkpoint === undefined ? DEFAULT_CHECKPOINT : resolve(o.checkpoint));
      const results: Array<Record<string, unknown>> = [];
      let failed = 0;
      for (const file of images) {
        try {
          const r = await recognizeFile(model, file, { beam: o.beam });
          results.push({ file, text: r.text, confidence: round(r.confidence), lines: r.lines.map((l) => ({ ...l, confidence: round(l.confidence) })) });
          if (!o.json) {
            if (r.lines.length > 1) {
              console.log(`${file} (${r.lines.length} lines, confidence ${r.confidence.toFixed(2)}):`);
              for (const l of r.lines) console.log(`  ${l.text}    [${l.confidence.toFixed(2)}]`);
            } else console.log(`${file}: ${r.text}    [confidence ${r.confidence.toFixed(2)}]`);
          }
        } catch (e) {
          failed++;
          const error = (e as Error).message;
          results.push({ file, error });
          console.error(`neurone-handwriting recognize: ${error}`);
        }
      }
      if (o.json) console.log(JSON.stringify(results, null, 2));
      if (failed > 0) process.exitCode = 1;
    });

  program
    .command('eval')
    .description('print CER and WER on freshly rendered evaluation sets')
    .addOption(new Option('--set <name>', 'fonts: training fonts, unseen text; reserved-fonts: fonts never trained on; mnist: digit strings from the reserved 20% of MNIST; all')
      .choices([...Object.keys(EVAL_SETS), 'all']).default('all'))
    .option('--count <n>', 'lines per set', int('--count', 1), 200)
    .option('--seed <n>', 'which evaluation lines (each seed is another fixed sample)', int('--seed'), 0)
    .option('--beam <n>', 'beam search with this width (default: greedy)', int('--beam', 1))
    .option('--checkpoint <path>', 'model file (default: the shipped models/handwriting.safetensors)')
    .option('--json', 'print JSON')
    .addOption(backendOption())
    .action((o: { set: string; count: number; seed: number; beam?: number; checkpoint?: string; json?: boolean; backend?: string }) => {
      useBackend(o.backend);
      const { model } = loadModel(o.checkpoint === undefined ? DEFAULT_CHECKPOINT : resolve(o.checkpoint));
      const sets = (o.set === 'all' ? Object.keys(EVAL_SETS) : [o.set]) as EvalSet[];
      const results: EvalResult[] = [];
      for (const set of sets) {
        const t0 = performance.now();
        const r = evaluate(model, set, o.count, { seed: o.seed, beam: o.beam });
        results.push(r);
        if (!o.json) {
          console.log(`${set.padEnd(15)} CER ${pct(r.cer).padStart(7)}  WER ${pct(r.wer).padStart(7)}  lines read exactly ${pct(r.lineAccuracy).padStart(7)}  (${r.lines} lines, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
          for (const e of r.examples.slice(0, 3)) console.log(`    ${JSON.stringify(e.text)} -> ${JSON.stringify(e.prediction)}`);
        }
      }
      if (o.json) console.log(JSON.stringify(results.map((r) => ({ ...r, cer: round(r.cer), wer: round(r.wer), lineAccuracy: round(r.lineAccuracy) })), null, 2));
    });

  program
    .command('render')
    .description('write a test image of handwritten text (a page when the text has several lines)')
    .argument('<text>', 'the text; "\\n" starts a new line')
    .argument('<out>', 'output image (.png or .jpg)')
    .addOption(new Option('--font <name>', `a handwriting font (the model trains on the first ${TRAINING_FONTS.length}; ${EVAL_FONTS.join(', ')} are reserved for evaluation), or "mnist" for a string of real MNIST digits from the reserved split`)
      .choices([...ALL_FONTS, 'mnist']).makeOptionMandatory())
    .option('--seed <n>', 'seed of the random distortions', int('--seed'), 1)
    .option('--clean', 'no distortion: black ink on white paper')
    .option('--size <px>', 'font size in pixels', num('--size'))
    .action(async (text: string, out: string, o: { font: string; seed: number; clean?: boolean; size?: number }) => {
      const lines = text.split(/\n|\\n/).map(normalizeText).filter((l) => l.length > 0);
      if (lines.length === 0) throw new Error(`render: nothing to write in ${JSON.stringify(text)} (after mapping it onto the charset)`);
      let img;
      if (o.font === 'mnist') {
        const digits = lines.join('');
        if (!/^[0-9]{1,40}$/.test(digits)) throw new Error('render: --font mnist writes digits only (1 to 40 of them)');
        const rng = new Generator(o.seed);
        img = inkOnPaper(digitStringOf(digits, rng), rng, o.clean ?? false);
      } else {
        const opts = { clean: o.clean, size: o.size ?? 48 };
        img = lines.length > 1 ? renderPage(lines, o.font, o.seed, opts) : renderLine(lines[0]!, o.font, o.seed, opts);
      }
      await saveImage(new Tensor(img.data, [3, img.height, img.width]), out);
      console.log(`wrote ${out} (${img.width}x${img.height}): ${JSON.stringify(lines.join('\n'))}`);
    });

  program
    .command('demo')
    .description('render a few images (a line, a line in a font never trained on, MNIST digits, a page), read them and print each beside its text')
    .option('--checkpoint <path>', 'model file (default: the shipped models/handwriting.safetensors)')
    .option('--dir <path>', 'where to write the images (default: a temporary directory)')
    .addOption(backendOption())
    .action(async (o: { checkpoint?: string; dir?: string; backend?: string }) => {
      useBackend(o.backend);
      const { model } = loadModel(o.checkpoint === undefined ? DEFAULT_CHECKPOINT : resolve(o.checkpoint));
      const dir = o.dir === undefined ? mkdtempSync(join(tmpdir(), 'neurone-handwriting-')) : resolve(o.dir);
      mkdirSync(dir, { recursive: true });
      const cases: Array<{ name: string; what: string; text: string; img: RGBImage }> = [
        { name: 'line.png', what: 'training font (kalam), unseen text', text: 'The whale was seen at noon, 1851.', img: renderLine('The whale was seen at noon, 1851.', 'kalam', 11, { size: 44 }) },
        { name: 'reserved-font.png', what: 'font never trained on (handlee)', text: 'Call me Ishmael.', img: renderLine('Call me Ishmael.', 'handlee', 5, { size: 44 }) },
        { name: 'mnist.png', what: 'MNIST digits, reserved split', text: '4081927', img: (() => { const rng = new Generator(3); return inkOnPaper(digitStringOf('4081927', rng), rng); })() },
        { name: 'page.png', what: 'a page of two lines (caveat)', text: 'It was the best of times,\nit was the worst of times.', img: renderPage(['It was the best of times,', 'it was the worst of times.'], 'caveat', 2, { size: 44 }) },
      ];
      for (const c of cases) {
        const file = join(dir, c.name);
        await saveImage(new Tensor(c.img.data, [3, c.img.height, c.img.width]), file);
        const t0 = performance.now();
        const r = await recognizeFile(model, file);
        const ms = performance.now() - t0;
        const err = new ErrorRate().add(r.text, c.text);
        console.log(`${c.what}: ${file}`);
        console.log(`  expected: ${c.text.split('\n').join(' / ')}`);
        console.log(`  read:     ${r.text.split('\n').join(' / ')}    [confidence ${r.confidence.toFixed(2)}, CER ${pct(err.cer)}, ${ms.toFixed(0)} ms]`);
      }
    });

  program
    .command('train')
    .description('train a recognizer on synthetic lines and MNIST digit strings (training splits only)')
    .addOption(new Option('--arch <name>', 'crnn: conv blocks + BLSTM; mdlstm: multi-dimensional LSTM').choices(['crnn', 'mdlstm']).default('crnn'))
    .option('--steps <n>', 'optimizer steps', int('--steps', 1), 3000)
    .option('--minutes <n>', 'wall-time budget: stop when spent (the learning rate decays over it)', num('--minutes'))
    .option('--batch-size <n>', 'lines per step', int('--batch-size', 1), 16)
    .option('--lr <x>', 'peak learning rate (Adam, warm-up then cosine decay)', num('--lr'), 1e-3)
    .option('--seed <n>', 'seed of the data stream', int('--seed'), 1)
    .option('--val-every <n>', 'steps between validations and checkpoints', int('--val-every', 1), 250)
    .option('--val-size <n>', 'lines per validation set', int('--val-size', 1), 100)
    .option('--out <path>', 'checkpoint (weights, optimizer, progress), written atomically', 'runs/handwriting.safetensors')
    .option('--export <path>', 'at the end, also write the weights alone here (e.g. models/handwriting.safetensors)')
    .option('--resume', 'continue from --out if it exists')
    .option('--init <path>', 'start from this model\'s weights with a fresh optimizer and schedule (fine-tuning; --pools may change, shapes may not)')
    .option('--max-chars <n>', 'longest training line', int('--max-chars', 1), 40)
    .option('--digits-fraction <x>', 'share of MNIST digit strings in the stream', num('--digits-fraction'), 0.25)
    .option('--channels <list>', 'channels of each block, e.g. 16,32,48,64')
    .option('--pools <list>', 'max-pool of each block as HxW, e.g. 2x2,2x1,2x1,2x1 (the widths multiply to the input columns per output frame)')
    .option('--hidden <n>', 'BLSTM units per direction', int('--hidden', 1))
    .option('--layers <n>', 'BLSTM layers', int('--layers', 1))
    .option('--no-progress', 'no progress bar: log a line at each validation')
    .addOption(backendOption())
    .action(async (o: Record<string, string | number | boolean | undefined>) => {
      useBackend(o.backend as string | undefined);
      const config: Record<string, unknown> = {};
      if (o.channels !== undefined) {
        const ch = String(o.channels).split(',').map(Number);
        if (ch.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('train: --channels must be positive integers separated by commas');
        config.channels = ch;
        const pools = (o.arch === 'mdlstm' ? [[2, 2], [2, 2], [2, 1], [2, 1]] : [[2, 2], [2, 1], [2, 1], [2, 1], [2, 1]]).slice(0, ch.length);
        if (ch.length > pools.length) throw new Error(`train: at most ${pools.length} blocks`);
        config.pools = pools;
      }
      if (o.pools !== undefined) {
        const pools = String(o.pools).split(',').map((p) => p.trim().split('x').map(Number));
        if (pools.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 1))) {
          throw new Error(`train: --pools must be HxW pairs separated by commas, e.g. 2x2,2x1; got '${String(o.pools)}'`);
        }
        const blocks = ((config.channels as number[] | undefined) ?? DEFAULT_CONFIGS[o.arch as Arch].channels).length;
        if (pools.length !== blocks) throw new Error(`train: --pools gives ${pools.length} pools for ${blocks} blocks (see --channels)`);
        const height = pools.reduce((h, [ph]) => h * ph!, 1);
        if (height > LINE_HEIGHT) throw new Error(`train: --pools divides the height by ${height}, more than the ${LINE_HEIGHT}-pixel input`);
        config.pools = pools;
      }
      if (o.hidden !== undefined) config.hidden = o.hidden;
      if (o.layers !== undefined) config.layers = o.layers;
      // Ctrl-C: finish the step, validate, write the checkpoint (and the weights), exit normally; twice: quit now
      let stop = false;
      const onSigint = (): void => {
        if (stop) process.exit(130);
        stop = true;
        console.error('stopping: saving after this step (Ctrl-C again to quit now)');
      };
      process.on('SIGINT', onSigint);
      const r = await train({
        arch: o.arch as 'crnn' | 'mdlstm', steps: o.steps as number, minutes: o.minutes as number | undefined, batchSize: o.batchSize as number, lr: o.lr as number,
        seed: o.seed as number, valEvery: o.valEvery as number, valSize: o.valSize as number, out: resolve(String(o.out)),
        export: o.export === undefined ? undefined : resolve(String(o.export)), resume: Boolean(o.resume),
        init: o.init === undefined ? undefined : resolve(String(o.init)),
        maxChars: o.maxChars as number, digitsFraction: o.digitsFraction as number, config, progress: o.progress === false ? false : undefined,
        command: `neurone-handwriting ${process.argv.slice(2).join(' ')}`,
        log: (s) => console.error(s),
        shouldStop: () => stop,
      }).finally(() => process.off('SIGINT', onSigint));
      console.log(`trained ${r.steps} steps in ${(r.seconds / 60).toFixed(1)} min: val CER lines ${pct(r.metrics.valLinesCER ?? NaN)}, digits ${pct(r.metrics.valDigitsCER ?? NaN)}; checkpoint ${o.out}${o.export ? `, weights ${o.export}` : ''}`);
    });

  return program;
}

/** The digits of `text` as one MNIST string (reserved split). */
function digitStringOf(text: string, rng: Generator) {
  const { ink } = digitString(rng, 'reserved', text.length, [...text].map(Number));
  return ink;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/**
 * Runs the program on `args` (without node and the script), e.g.
 * `await run(['recognize', 'line.png'])`. Errors are printed, not thrown.
 */
export async function run(args: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number };
    if (err.code?.startsWith('commander.')) {
      // commander has printed its message (or the help) already
      if (err.exitCode) process.exitCode = err.exitCode;
      return;
    }
    console.error(`neurone-handwriting: ${err.message}`);
    process.exitCode = 1;
  }
}
