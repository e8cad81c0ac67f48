#!/usr/bin/env node
// neurone-textgen: train, evaluate and sample a character-level recurrent language model.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getBackend, listBackends, setBackend } from '@neurone/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadTextgenCheckpoint, shippedCheckpoint, type LoadedCheckpoint } from './checkpoint.js';
import { NAMED_CORPORA, loadCorpus, validationStart } from './corpus.js';
import { generate } from './generate.js';
import { evaluate } from './streams.js';
import { DEFAULT_MODEL, DEFAULT_TRAIN, describeModel, train, type TrainRequest } from './train.js';
import { UnknownCharacterError } from './vocab.js';

const LN2 = Math.log(2);

// ---- argument parsers ----

function intArg(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got '${v}'`);
    return n;
  };
}

function numArg(min: number, opts: { exclusive?: boolean; max?: number } = {}) {
  return (v: string): number => {
    const n = Number(v);
    const ok = Number.isFinite(n) && (opts.exclusive ? n > min : n >= min) && (opts.max === undefined || n < opts.max);
    if (!ok || v.trim() === '') {
      throw new InvalidArgumentError(`expected a number ${opts.exclusive ? '>' : '>='} ${min}${opts.max !== undefined ? ` and < ${opts.max}` : ''}, got '${v}'`);
    }
    return n;
  };
}

/** `--checkpoint`: a file, or `speeches` / `moby-dick` for the shipped models. */
function resolveCheckpoint(value: string | undefined): string {
  if (value === undefined) return shippedCheckpoint('speeches');
  if (!fs.existsSync(value) && (NAMED_CORPORA as readonly string[]).includes(value)) return shippedCheckpoint(value as 'speeches' | 'moby-dick');
  return value;
}

function loadModel(value: string | undefined): LoadedCheckpoint {
  const file = resolveCheckpoint(value);
  if (value === undefined && !fs.existsSync(file)) {
    throw new Error(`the shipped model ${file} is missing; train one with 'neurone-textgen train' and pass --checkpoint`);
  }
  return loadTextgenCheckpoint(file);
}

// ---- formatting ----

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

const int = (n: number) => n.toLocaleString('en-US');

// ---- the program ----

const program = new Command();
program
  .name('neurone-textgen')
  .description(
    'A character-level LSTM/GRU language model: train it on the State of the Union addresses (speeches),\n' +
      'Moby-Dick or any UTF-8 text, measure it, and sample new text from it.',
  )
  .version('0.0.0')
  .addOption(new Option('--backend <name>', `compute backend (${listBackends().join(', ')}); default: neurone's default`))
  .showHelpAfterError('(add --help for usage)')
  .hook('preAction', (cmd) => {
    const backend = cmd.opts().backend as string | undefined;
    if (backend) setBackend(backend);
  });

program
  .command('train')
  .description(
    'Train a model by stateful truncated backpropagation through time: --batch parallel streams through the\n' +
      'training text (the first 90% of the corpus), chunks of --seq characters, hidden state carried from one\n' +
      'chunk to the next with the graph cut between them. Adam with linear warmup and cosine decay, gradient-norm\n' +
      'clipping, dropout between layers. Validates on the last 10% every --val-every steps, writing the checkpoint\n' +
      '(atomically) and a loss-curve PNG each time; Ctrl-C stops after the current step and saves.',
  )
  .option('--corpus <name|path>', `speeches, moby-dick, or a UTF-8 text file`, 'speeches')
  .addOption(new Option('--cell <type>', 'recurrent cell').choices(['lstm', 'gru']).default(DEFAULT_MODEL.cell))
  .option('--hidden <n>', 'hidden units per layer', intArg(1), DEFAULT_MODEL.hidden)
  .option('--layers <n>', 'stacked recurrent layers', intArg(1), DEFAULT_MODEL.layers)
  .option('--embedding <n>', 'character embedding size', intArg(1), DEFAULT_MODEL.embedding)
  .option('--dropout <p>', 'dropout between layers and before the output layer', numArg(0, { max: 1 }), DEFAULT_MODEL.dropout)
  .option('--seq <k>', 'characters per BPTT chunk (T)', intArg(1), DEFAULT_TRAIN.seq)
  .option('--batch <b>', 'parallel streams through the text (B)', intArg(1), DEFAULT_TRAIN.batch)
  .option('--lr <rate>', "Adam's peak learning rate", numArg(0, { exclusive: true }), DEFAULT_TRAIN.lr)
  .option('--min-lr <rate>', 'learning rate at the end of the cosine decay', numArg(0), DEFAULT_TRAIN.minLr)
  .option('--warmup <steps>', 'steps of linear warmup from lr/10', intArg(0), DEFAULT_TRAIN.warmup)
  .option('--clip <norm>', 'largest gradient norm', numArg(0, { exclusive: true }), DEFAULT_TRAIN.clip)
  .option('--minutes <m>', 'training budget in minutes of training (validation excluded; counts time already in a resumed checkpoint)', numArg(0, { exclusive: true }))
  .option('--steps <s>', 'training budget in optimizer steps (total, counting a resumed checkpoint\'s)', intArg(1))
  .option('--val-every <steps>', 'validate and save every this many steps', intArg(1), DEFAULT_TRAIN.valEvery)
  .option('--val-chars <n>', 'validate on the first n validation characters', intArg(2), DEFAULT_TRAIN.valChars)
  .option('--seed <n>', 'seed of the initial weights and the dropout masks', intArg(0), DEFAULT_TRAIN.seed)
  .option('--checkpoint <path>', 'where to write the checkpoint (default: textgen-<corpus>.safetensors; with --resume, the resumed file)')
  .option('--plot <path>', 'the loss-curve PNG (default: the checkpoint path with .png)')
  .option('--no-plot', 'write no loss-curve PNG')
  .option('--resume <ckpt>', "continue from a checkpoint (its model, vocabulary, corpus and progress; options given here override its training options, except --seq and --batch)")
  .addHelpText('after', '\nBudget: 10 minutes unless --minutes or --steps is given.\n\nExample:\n  neurone-textgen train --corpus moby-dick --minutes 10\n  neurone-textgen train --resume textgen-moby-dick.safetensors --minutes 20\n')
  .action(async (o: Record<string, unknown>, cmd: Command) => {
    const explicit = (k: string) => cmd.getOptionValueSource(k) === 'cli';
    const pick = <T>(k: string): T | undefined => (explicit(k) ? (o[k] as T) : undefined);
    const resume = o.resume as string | undefined;
    const corpusName = o.corpus as string;
    if (!resume && !(NAMED_CORPORA as readonly string[]).includes(corpusName) && !fs.existsSync(corpusName)) {
      throw new Error(`--corpus: '${corpusName}' is neither ${NAMED_CORPORA.join(' nor ')} nor an existing file`);
    }
    const out = (o.checkpoint as string | undefined) ?? resume ?? `textgen-${path.basename(corpusName).replace(/\.[^.]*$/, '')}.safetensors`;
    // fresh runs take every option; a resumed run keeps its model and takes only what is given here
    const take = <T>(k: string): T | undefined => (resume ? pick<T>(k) : (o[k] as T));
    const req: TrainRequest = {
      out,
      plot: o.plot === false ? null : typeof o.plot === 'string' ? o.plot : undefined,
      resume: resume ?? null,
      corpus: corpusName,
      model: { cell: o.cell as 'lstm' | 'gru', hidden: o.hidden as number, layers: o.layers as number, embedding: o.embedding as number, dropout: o.dropout as number },
      train: {
        seq: take('seq'), batch: take('batch'), lr: take('lr'), minLr: take('minLr'), warmup: take('warmup'), clip: take('clip'),
        steps: o.steps as number | undefined, minutes: o.minutes as number | undefined,
        valEvery: take('valEvery'), valChars: take('valChars'), seed: take('seed'),
      },
      command: ['neurone-textgen', ...process.argv.slice(2)].map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' '),
    };
    if (resume) {
      for (const k of ['cell', 'hidden', 'layers', 'embedding', 'dropout', 'corpus']) {
        if (explicit(k)) process.stderr.write(`note: --${k} is ignored with --resume (the checkpoint defines the model and corpus)\n`);
      }
    }
    return runTraining(req);
  });

async function runTraining(req: TrainRequest): Promise<void> {
  const err = process.stderr;
  const tty = Boolean(err.isTTY);
  const bar = new cliProgress.SingleBar(
    {
      format: 'train |{bar}| {percentage}% | step {step} | loss {loss} | val {val} | {cps} chars/s | lr {lr} | {status}',
      barsize: 24,
      hideCursor: tty,
      stream: err,
      noTTYOutput: true,
      notTTYSchedule: 15_000,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let stop = false;
  let lastVal = '-';
  let cps = 0;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    bar.update({ status: 'stopping: saving after this step (Ctrl-C again to quit now)' });
  };
  process.on('SIGINT', onSigint);
  let started = false;
  let budgetMinutes: number | null = null;
  let budgetSteps: number | null = null;
  let startStep = 0;
  let t0 = Date.now();
  try {
    const r = await train({
      ...req,
      shouldStop: () => stop,
      onStart: (s) => {
        budgetMinutes = s.train.minutes;
        budgetSteps = s.train.steps;
        startStep = s.startStep;
        t0 = Date.now();
        err.write(
          `corpus ${path.basename(s.corpus)} (${s.source}): ${int(s.trainChars)} training + ${int(s.valChars)} validation characters, ${s.vocabSize} distinct\n` +
            `model ${describeModel(s.model)}: ${int(s.parameters)} parameters; backend ${getBackend().name}\n` +
            `training: T=${s.train.seq}, B=${s.train.batch}, Adam ${s.train.lr} -> ${s.train.minLr} (warmup ${s.train.warmup}), clip ${s.train.clip}, ` +
            `budget ${s.train.steps != null ? `${s.train.steps} steps` : `${s.train.minutes} minutes`}, ${s.chunksPerEpoch} steps per epoch\n` +
            (s.resumedFrom ? `resuming ${s.resumedFrom} at step ${s.startStep}\n` : '') +
            `checkpoint ${req.out}\n`,
        );
        bar.start(1000, 0, { step: s.startStep, loss: '-', val: lastVal, cps: '-', lr: '-', status: '' });
        started = true;
      },
      onStep: (s) => {
        cps = cps === 0 ? s.charsPerSec : 0.9 * cps + 0.1 * s.charsPerSec;
        // steps: at this session's pace (validation included); minutes: the training time left
        const eta = budgetSteps != null
          ? ((Date.now() - t0) / Math.max(1, s.step - startStep)) * (budgetSteps - s.step)
          : budgetMinutes! * 60_000 - s.trainMs;
        bar.update(Math.round(s.progress * 1000), {
          step: s.step, loss: s.smoothLoss.toFixed(3), val: lastVal, cps: int(Math.round(cps)), lr: s.lr.toExponential(1),
          status: stop ? 'stopping after this step' : `epoch ${s.epoch + 1} | ETA ${duration(eta)}`,
        });
      },
      onValidateProgress: (done, total) => {
        bar.update({ status: `validating ${Math.round((100 * done) / total)}%` });
      },
      onValidate: (v) => {
        lastVal = v.loss.toFixed(3);
        bar.update({ val: lastVal, status: 'saved' });
        if (!tty) err.write(`step ${v.step}: validation ${v.loss.toFixed(4)} nats/char on ${int(v.chars)} characters after ${duration(v.seconds * 1000)} of training\n`);
      },
    });
    if (started) bar.stop();
    err.write(
      `${r.stopped ? 'stopped' : 'done'} at step ${r.step}: validation ${r.valLoss.toFixed(4)} nats/char (${(r.valLoss / LN2).toFixed(4)} bits/char) on ${int(r.valChars)} characters\n` +
        `training time ${duration(r.trainMs)}, wall time ${duration(r.wallMs)}\n` +
        `checkpoint ${r.checkpoint}${r.plot ? `\nloss curve ${r.plot}` : ''}\n`,
    );
  } finally {
    if (started) bar.stop();
    process.off('SIGINT', onSigint);
  }
}

program
  .command('eval')
  .description('Measure a model on the validation text (the last 10% of its corpus): nats and bits per character, perplexity.')
  .option('--checkpoint <path>', 'the model: a checkpoint file, or speeches / moby-dick for a shipped one (default: speeches)')
  .option('--corpus <name|path>', "the corpus to validate on (default: the checkpoint's)")
  .option('--max-chars <n>', 'only the first n validation characters (default: all)', intArg(2))
  .option('--batch <b>', 'parallel streams', intArg(1), 32)
  .option('--seq <k>', 'characters per forward call', intArg(1), 100)
  .option('--json', 'print one JSON object instead of text')
  .action((o: { checkpoint?: string; corpus?: string; maxChars?: number; batch: number; seq: number; json?: boolean }) => {
    const ck = loadModel(o.checkpoint);
    const corpus = loadCorpus(o.corpus ?? ck.meta.train.corpus);
    let ids: Int32Array;
    try {
      ids = ck.vocab.encode(corpus.text, 'eval');
    } catch (e) {
      if (e instanceof UnknownCharacterError) throw new Error(`eval: corpus ${corpus.name} does not fit this model: ${e.message}`);
      throw e;
    }
    const val = ids.subarray(validationStart(ids.length));
    const showBar = !o.json && process.stderr.isTTY;
    const bar = new cliProgress.SingleBar({ format: 'eval |{bar}| {percentage}% | {value}/{total} characters | ETA {eta_formatted}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    const t0 = Date.now();
    const r = evaluate(ck.model, val, {
      batch: o.batch, seq: o.seq, maxChars: o.maxChars,
      onProgress: (done, total) => {
        if (!showBar) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
    });
    if (started) bar.stop();
    const result = {
      checkpoint: ck.path, corpus: corpus.name, characters: r.chars, validationCharacters: val.length,
      natsPerChar: r.loss, bitsPerChar: r.loss / LN2, perplexity: Math.exp(r.loss), seconds: (Date.now() - t0) / 1000,
    };
    if (o.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return;
    }
    process.stdout.write(
      `model ${describeModel(ck.model.config)} (${ck.path})\n` +
        `validation: ${int(r.chars)} characters of ${path.basename(corpus.name)}\n` +
        `loss ${r.loss.toFixed(4)} nats/char | ${result.bitsPerChar.toFixed(4)} bits/char | perplexity ${result.perplexity.toFixed(3)}\n`,
    );
  });

program
  .command('generate')
  .description('Sample text from a model, printing each character as it is sampled. The same seed gives the same text.')
  .option('--checkpoint <path>', 'the model: a checkpoint file, or speeches / moby-dick for a shipped one (default: speeches)')
  .option('--prompt <text>', 'text the sample continues (empty: start as after a blank line)', 'The')
  .option('--length <n>', 'characters to sample', intArg(0), 500)
  .option('--temperature <t>', 'sampling temperature: lower is safer, higher wilder, 0 always takes the likeliest', numArg(0), 0.8)
  .option('--top-k <k>', 'sample only among the k likeliest characters', intArg(1))
  .option('--seed <n>', 'seed of the sampling (default: random, printed with --json)', intArg(0))
  .option('--skip-unknown', "drop prompt characters the model's vocabulary lacks (default: refuse them with an error)")
  .option('--json', 'print one JSON object instead of streaming text')
  .addHelpText('after', '\nExample:\n  neurone-textgen generate --prompt "Fellow citizens" --length 300 --temperature 0.7 --seed 1\n')
  .action((o: { checkpoint?: string; prompt: string; length: number; temperature: number; topK?: number; seed?: number; skipUnknown?: boolean; json?: boolean }) => {
    const ck = loadModel(o.checkpoint);
    const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
    const out = process.stdout;
    const opts = { prompt: o.prompt, length: o.length, temperature: o.temperature, topK: o.topK ?? null, seed, skipUnknown: o.skipUnknown };
    if (o.json) {
      const r = generate(ck.model, ck.vocab, opts);
      out.write(JSON.stringify({ checkpoint: ck.path, prompt: r.prompt, text: r.text, seed, length: o.length, temperature: o.temperature, topK: o.topK ?? null, dropped: r.dropped }) + '\n');
      return;
    }
    // check the prompt before printing it
    const unknown = ck.vocab.unknown(o.prompt);
    if (unknown.length > 0 && !o.skipUnknown) throw new UnknownCharacterError('generate', unknown, 'prompt');
    if (unknown.length > 0) process.stderr.write(`note: dropped from the prompt: ${unknown.map((c) => JSON.stringify(c)).join(' ')}\n`);
    out.write([...o.prompt].filter((c) => ck.vocab.has(c)).join(''));
    generate(ck.model, ck.vocab, { ...opts, onChar: (ch) => out.write(ch) });
    out.write('\n');
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`neurone-textgen: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
