/**
 * @neurone/core/testing: helpers for the tests of neurone's packages and of
 * code built on them, with no test framework dependency (failures throw plain
 * Errors, which every runner reports) and no runtime import of the core
 * itself: `expectClose` compares tensors, `{ shape, data }` fixtures, nested
 * arrays and numbers within a tolerance; `readJsonFixture`/`parseJsonFixture`
 * load the JSON that the PyTorch fixture scripts write.
 *
 * Example:
 *   import { expectClose, readJsonFixture } from '@neurone/core/testing';
 *   const fx = readJsonFixture(new URL('./fixtures/lstm.json', import.meta.url));
 *   expectClose(lstm.forward(t(fx.input))[0], fx.output, 1e-6, 'output');
 */
export { expectClose, type Closeable, type NestedNumbers, type TensorLike, type Tolerance } from './close.js';
export { parseJsonFixture, readJsonFixture } from './fixture.js';
