/**
 * The handwriting app's building blocks, for tests and scripts: the
 * synthetic line generator, the line splitter, CER/WER, the models and the
 * training, evaluation and recognition functions behind the CLI.
 */
export { CHARSET, BLANK, NUM_CLASSES, normalizeText, encodeText, decodeLabels } from './charset.js';
export { TRAINING_FONTS, EVAL_FONTS, ALL_FONTS, fontPath, loadFont } from './fonts.js';
export { sampleText, generatedText, type TextSplit } from './corpus.js';
export { type Plane, type RGBImage, toGray, resize } from './imageops.js';
export { renderInk, inkOnPaper, renderLine, renderPage, type RenderOptions } from './render.js';
export { digitString, digitCounts, type DigitSplit } from './digits.js';
export { LINE_HEIGHT, inkMap, inkBox, lineInput } from './preprocess.js';
export { splitLines, cropRows, type LineBox } from './lines.js';
export { ErrorRate, cer, wer, words } from './metrics.js';
export { type Arch, type ModelConfig, DEFAULT_CONFIGS, Recognizer, CRNN, MDLSTMRecognizer, buildModel } from './model.js';
export { type Sample, type SampleKind, type Batch, makeSample, collate, widthBuckets } from './data.js';
export { decode, readLines, type Reading, type DecodeOptions } from './decode.js';
export { DEFAULT_CHECKPOINT, saveModel, loadModel, type LoadedModel } from './checkpoint.js';
export { train, scoreSamples, type TrainOptions, type TrainResult } from './train.js';
export { EVAL_SETS, evaluate, evalSamples, type EvalSet, type EvalResult } from './evaluate.js';
export { recognizeFile, readGray, pageLines, type FileReading } from './recognize.js';
