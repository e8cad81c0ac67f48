// The neurone-caption command line: train, eval, describe, render.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listBackends, setBackend } from '@neurone/core';
import { loadImage } from '@neurone/vision';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadCaptionCheckpoint, shippedCheckpoint, type LoadedCheckpoint, type Metrics } from './checkpoint.js';
import { SceneSet } from './data.js';
import { captionSet, scoreCaptions } from './evaluate.js';
import { DEFAULT_CONFIG, beamDecode, greedyDecode, type ModelConfig } from './model.js';
import { attentionOverlay, toModelInput } from './overlay.js';
import { captions, makeScene, renderPNG, SPLITS, type Split } from './scene.js';
import { DEFAULT_TRAIN, train } from './train.js';
import { Vocabulary } from './vocab.js';

const int = (name: string, min = 0) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name}: expected an integer >= ${min}, got '${v}'`);
  return n;
};
const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || v.trim() === '') throw new InvalidArgumentError(`${name}: expected a number >= 0, got '${v}'`);
  return n;
};

const backendOption = () => new Option('--backend <name>', "compute backend (default: @neurone/core's)").choices(listBackends());
const useBackend = (b?: string): void => {
  if (b) setBackend(b);
};

function loadModel(file: string | undefined): LoadedCheckpoint {
  const f = file ?? shippedCheckpoint();
  if (file === undefined && !fs.existsSync(f)) throw new Error(`the shipped model ${f} is missing; train one with 'neurone-caption train' and pass --checkpoint`);
  return loadCaptionCheckpoint(f);
}

const fmt = (m: Metrics): string =>
  `${m.split} (${m.scenes} scenes): BLEU-1 ${m.bleu[0].toFixed(3)}  BLEU-2 ${m.bleu[1].toFixed(3)}  BLEU-3 ${m.bleu[2].toFixed(3)}  BLEU-4 ${m.bleu[3].toFixed(3)}  CIDEr ${m.cider.toFixed(3)}  every object named ${(100 * m.objectAccuracy).toFixed(1)}%`;

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

export function buildProgram(argv: readonly string[] = process.argv.slice(2)): Command {
  const program = new Command();
  program
    .name('neurone-caption')
    .description(
      'An image caption generator with visual attention (after "Show, Attend and Tell"): a VGG-style CNN encoder ' +
        'gives a grid of features, an LSTM decoder attends over it at every word. Trained on scenes of coloured ' +
        'shapes that the app renders itself.',
    )
    .version('0.0.0')
    .showHelpAfterError('(add --help for usage)');

  program
    .command('train')
    .summary('train a captioner (pre-train, frozen, fine-tune), with validation, checkpoints and resume')
    .description(
      'Train a captioner in three phases: the encoder pre-trained on presence classification (which colours and ' +
        'shapes are in the image), the decoder trained with the encoder frozen, then everything fine-tuned. ' +
        'Teacher forcing, the doubly stochastic attention penalty, dropout, Adam with gradient clipping. ' +
        'Validates (BLEU, CIDEr, objects named) and writes the checkpoint atomically every --val-every steps.',
    )
    .option('--checkpoint <path>', 'where to write the model (with --resume: the resumed file)', 'captioner.safetensors')
    .option('--resume <ckpt>', 'continue a run from its checkpoint (model, optimizer, phase and progress)')
    .option('--minutes <m>', 'wall-clock budget of the whole run, shared 15/20/65 by the phases (replaces the step counts)', num('--minutes'))
    .option('--pretrain-steps <n>', 'steps of presence pre-training', int('--pretrain-steps'), DEFAULT_TRAIN.pretrainSteps)
    .option('--frozen-steps <n>', 'captioning steps with the encoder frozen', int('--frozen-steps'), DEFAULT_TRAIN.frozenSteps)
    .option('--steps <n>', 'captioning steps with the encoder unfrozen', int('--steps'), DEFAULT_TRAIN.finetuneSteps)
    .option('--batch <n>', 'images per step', int('--batch', 1), DEFAULT_TRAIN.batch)
    .option('--lr <rate>', "Adam's learning rate", num('--lr'), DEFAULT_TRAIN.lr)
    .option('--encoder-lr <rate>', 'learning rate of the encoder once unfrozen', num('--encoder-lr'), DEFAULT_TRAIN.encoderLr)
    .option('--alpha-c <w>', 'weight of the doubly stochastic attention penalty', num('--alpha-c'), DEFAULT_TRAIN.alphaC)
    .option('--clip <norm>', 'largest gradient norm', num('--clip'), DEFAULT_TRAIN.clip)
    .option('--train-scenes <n>', 'training scenes (seeds of the train split)', int('--train-scenes', 1), DEFAULT_TRAIN.trainScenes)
    .option('--val-scenes <n>', 'validation scenes', int('--val-scenes', 1), DEFAULT_TRAIN.valScenes)
    .option('--val-every <n>', 'validate and save every n steps', int('--val-every', 1), DEFAULT_TRAIN.valEvery)
    .option('--seed <n>', 'seed of the weights, the batches and dropout', int('--seed'), DEFAULT_TRAIN.seed)
    .option('--encoder <config>', "VGG config of the encoder, e.g. '16,M,32,M,64,M'", DEFAULT_CONFIG.encoder.join(','))
    .option('--embedding <n>', 'word embedding size', int('--embedding', 1), DEFAULT_CONFIG.embedding)
    .option('--hidden <n>', 'LSTM hidden size', int('--hidden', 1), DEFAULT_CONFIG.hidden)
    .option('--attention <n>', 'additive attention size', int('--attention', 1), DEFAULT_CONFIG.attention)
    .option('--dropout <p>', 'dropout before the output layer', num('--dropout'), DEFAULT_CONFIG.dropout)
    .option('--quiet', 'no progress bar')
    .addOption(backendOption())
    .addHelpText('after', '\nExample:\n  neurone-caption train --minutes 20 --checkpoint run/captioner.safetensors\n  neurone-caption train --resume run/captioner.safetensors --steps 2000\n')
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      useBackend(o.backend as string | undefined);
      const explicit = (k: string) => cmd.getOptionValueSource(k) === 'cli';
      const resume = o.resume ? loadCaptionCheckpoint(o.resume as string) : undefined;
      const keys = ['batch', 'lr', 'encoderLr', 'alphaC', 'clip', 'trainScenes', 'valScenes', 'valEvery', 'seed'] as const;
      const tc = { ...(resume?.meta.train ?? DEFAULT_TRAIN) };
      for (const k of keys) if (!resume || explicit(k)) (tc as Record<string, number>)[k] = o[k] as number;
      if (!resume || explicit('pretrainSteps')) tc.pretrainSteps = o.pretrainSteps as number;
      if (!resume || explicit('frozenSteps')) tc.frozenSteps = o.frozenSteps as number;
      if (!resume || explicit('steps')) tc.finetuneSteps = o.steps as number;
      const vocab = new Vocabulary();
      const encoder = String(o.encoder).split(',').map((s) => (s.trim() === 'M' ? 'M' : Number(s))) as Array<number | 'M'>;
      if (encoder.some((v) => v !== 'M' && !(Number.isInteger(v) && v > 0))) throw new InvalidArgumentError(`--encoder: expected channel counts and M, got '${String(o.encoder)}'`);
      const mc: ModelConfig = resume?.model.config ?? {
        encoder, embedding: o.embedding as number, hidden: o.hidden as number, attention: o.attention as number, dropout: o.dropout as number, vocabSize: vocab.size,
      };
      const checkpoint = resume && !explicit('checkpoint') ? resume.path : (o.checkpoint as string);
      const quiet = Boolean(o.quiet) || !process.stderr.isTTY;
      const bar = new cliProgress.SingleBar(
        { format: '{phase} |{bar}| {value}/{total} loss {loss} {ips} img/s', hideCursor: true, stream: process.stderr, noTTYOutput: false },
        cliProgress.Presets.shades_classic,
      );
      let barPhase = '';
      let lastLog = 0;
      let stop = false;
      const onSig = (): void => {
        stop = true;
      };
      process.once('SIGINT', onSig);
      const t0 = Date.now();
      const res = await train({
        model: mc, train: tc, checkpoint, minutes: o.minutes as number | undefined,
        command: ['neurone-caption', ...argv].join(' '),
        resume: resume ? { model: resume.model, vocab: resume.vocab, meta: resume.meta, optimizer: resume.optimizer } : undefined,
        log: (m) => {
          if (!quiet && barPhase) bar.stop();
          barPhase = '';
          console.error(m);
        },
        onStep: (s) => {
          const total = o.minutes !== undefined ? 0 : s.phaseSteps;
          if (!quiet) {
            if (barPhase !== s.phase) {
              bar.start(total || s.phaseStep, 0, { phase: s.phase, loss: '-', ips: '-' });
              barPhase = s.phase;
            }
            if (!total) bar.setTotal(s.phaseStep);
            bar.update(s.phaseStep, { phase: s.phase, loss: s.loss.toFixed(3), ips: s.imagesPerSec.toFixed(0) });
          } else if (Date.now() - lastLog > 15_000) {
            lastLog = Date.now();
            console.error(`${s.phase} step ${s.phaseStep} (total ${s.step}): loss ${s.loss.toFixed(3)}, ${s.imagesPerSec.toFixed(0)} img/s`);
          }
        },
        onValidate: (m, step) => {
          if (!quiet && barPhase) bar.stop();
          barPhase = '';
          console.error(`step ${step}: validation ${fmt(m)}`);
        },
        shouldStop: () => stop,
      });
      if (!quiet && barPhase) bar.stop();
      process.off('SIGINT', onSig);
      console.error(`wrote ${checkpoint} (${res.meta.progress.step} steps, ${Math.round((Date.now() - t0) / 1000)} s this run)`);
      if (res.val) console.log(fmt(res.val));
    });

  program
    .command('eval')
    .description('caption scenes of a split and print BLEU-1..4, CIDEr and the share of captions naming every object (colour and shape)')
    .addOption(new Option('--split <name>', 'which scenes').choices(Object.keys(SPLITS)).default('test'))
    .option('--count <n>', 'how many scenes (the first n of the split)', int('--count', 1), 500)
    .option('--beam <n>', 'beam search with this width (default: greedy)', int('--beam', 1), 1)
    .option('--checkpoint <path>', 'model file (default: the shipped models/captioner.safetensors)')
    .option('--json', 'print JSON')
    .addOption(backendOption())
    .action((o: { split: Split; count: number; beam: number; checkpoint?: string; json?: boolean; backend?: string }) => {
      useBackend(o.backend);
      const { model, vocab } = loadModel(o.checkpoint);
      const set = new SceneSet(o.split, o.count);
      const bar = new cliProgress.SingleBar({ format: 'eval |{bar}| {value}/{total}', stream: process.stderr }, cliProgress.Presets.shades_classic);
      const showBar = !o.json && process.stderr.isTTY;
      if (showBar) bar.start(set.length, 0);
      const t0 = Date.now();
      const caps = captionSet(model, vocab, set, { beam: o.beam, batch: 50, onProgress: (d) => showBar && bar.update(d) });
      if (showBar) bar.stop();
      const m = scoreCaptions(caps, set, o.split);
      if (o.json) {
        console.log(JSON.stringify({ split: m.split, scenes: m.scenes, beam: o.beam, bleu1: round(m.bleu[0]), bleu2: round(m.bleu[1]), bleu3: round(m.bleu[2]), bleu4: round(m.bleu[3]), cider: round(m.cider), objectAccuracy: round(m.objectAccuracy), seconds: round((Date.now() - t0) / 1000, 1) }, null, 2));
      } else {
        console.log(fmt(m));
        console.log(`(${o.beam > 1 ? `beam ${o.beam}` : 'greedy'}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
    });

  program
    .command('describe')
    .description('print a caption for each image (any PNG/JPEG/WebP; resized to 64x64)')
    .argument('<images...>', 'image files')
    .option('--attention <out.png>', 'write, for each generated word, the image with its attention map overlaid (several images: out-1.png, out-2.png, ...)')
    .option('--beam <n>', 'beam search with this width (default: greedy)', int('--beam', 1), 1)
    .option('--checkpoint <path>', 'model file (default: the shipped models/captioner.safetensors)')
    .option('--json', 'print JSON: one entry per file with file and caption')
    .addOption(backendOption())
    .action(async (images: string[], o: { attention?: string; beam: number; checkpoint?: string; json?: boolean; backend?: string }) => {
      useBackend(o.backend);
      const { model, vocab } = loadModel(o.checkpoint);
      model.eval();
      const results: Array<Record<string, unknown>> = [];
      for (const [i, file] of images.entries()) {
        try {
          const input = toModelInput(await loadImage(file, { mode: 'rgb' }));
          const r = o.beam > 1 ? beamDecode(model, input, o.beam) : greedyDecode(model, input.unsqueeze(0))[0]!;
          const caption = vocab.decode(r.ids);
          const entry: Record<string, unknown> = { file, caption };
          if (o.attention) {
            const out = images.length === 1 ? o.attention : o.attention.replace(/(\.png)?$/i, `-${i + 1}.png`);
            fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
            fs.writeFileSync(out, attentionOverlay(input, caption.split(' '), r.alphas));
            entry.attention = out;
          }
          results.push(entry);
          if (!o.json) console.log(`${file}: ${caption}${entry.attention ? `    (attention: ${String(entry.attention)})` : ''}`);
        } catch (e) {
          results.push({ file, error: (e as Error).message });
          console.error(`neurone-caption describe: ${(e as Error).message}`);
          process.exitCode = 1;
        }
      }
      if (o.json) console.log(JSON.stringify(results, null, 2));
    });

  program
    .command('render')
    .summary('render the scene of a seed to a PNG and print its reference captions')
    .description('render the scene of a seed to a PNG and print its reference captions (train seeds: 0-999999, val: 1000000-1099999, test: 2000000-2099999)')
    .argument('<out.png>', 'output file')
    .requiredOption('--seed <s>', 'scene seed', int('--seed'))
    .option('--scale <k>', 'pixels per scene pixel (the scene is 64x64)', int('--scale', 1), 1)
    .option('--json', 'print JSON: the file, the seed, the objects and the reference captions')
    .action((out: string, o: { seed: number; scale: number; json?: boolean }) => {
      const scene = makeScene(o.seed);
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, renderPNG(scene, o.scale));
      const refs = captions(scene);
      if (o.json) {
        console.log(JSON.stringify({ file: out, seed: o.seed, captions: refs, objects: scene.objects.map((x) => ({ shape: x.shape, colour: x.colour, size: x.size, x: round(x.x, 1), y: round(x.y, 1) })) }, null, 2));
      } else {
        console.log(`wrote ${out} (seed ${o.seed}); reference captions:`);
        for (const c of refs) console.log(`  ${c}`);
      }
    });

  return program;
}

export async function run(argv: string[]): Promise<void> {
  await buildProgram(argv).parseAsync(argv, { from: 'user' });
}
