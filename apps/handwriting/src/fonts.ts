// The handwriting fonts: which ones train, which are kept for evaluation, and where their files are.
import { createRequire } from 'node:module';
import { GlobalFonts } from '@napi-rs/canvas';

/** The only fonts the recognizer is trained on (issue 8). */
export const TRAINING_FONTS = [
  'caveat', 'dancing-script', 'homemade-apple', 'indie-flower', 'kalam', 'patrick-hand', 'shadows-into-light',
  'gloria-hallelujah', 'reenie-beanie', 'rock-salt', 'cedarville-cursive', 'nothing-you-could-do', 'just-another-hand',
  'satisfy', 'sacramento', 'coming-soon', 'waiting-for-the-sunrise',
] as const;

/** Handwriting fonts reserved for evaluation: never rendered for training. */
export const EVAL_FONTS = [
  'architects-daughter', 'covered-by-your-grace', 'handlee', 'schoolbell', 'annie-use-your-telescope',
] as const;

export const ALL_FONTS: readonly string[] = [...TRAINING_FONTS, ...EVAL_FONTS];

const require = createRequire(import.meta.url);
const registered = new Set<string>();

/** Path of a font's Latin regular woff2 file inside its `@fontsource` package. */
export function fontPath(name: string): string {
  if (!ALL_FONTS.includes(name)) {
    throw new Error(`font: unknown font '${name}' (training: ${TRAINING_FONTS.join(', ')}; evaluation: ${EVAL_FONTS.join(', ')})`);
  }
  return require.resolve(`@fontsource/${name}/files/${name}-latin-400-normal.woff2`);
}

/** Registers a font with the canvas (once) and returns the family name to use in `ctx.font`. */
export function loadFont(name: string): string {
  const family = `hw-${name}`;
  if (!registered.has(name)) {
    const path = fontPath(name);
    if (GlobalFonts.registerFromPath(path, family) === null) throw new Error(`font: cannot load '${path}'`);
    registered.add(name);
  }
  return family;
}
