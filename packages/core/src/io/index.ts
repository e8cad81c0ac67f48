/**
 * Saving and loading tensors in the safetensors format (byte-compatible with
 * Hugging Face's), state dicts and training checkpoints.
 *
 * `serialize`/`deserialize` and the checkpoint buffer forms work anywhere
 * (browser included); `saveFile`, `loadFile`, `save`, `load`,
 * `saveCheckpoint` and `loadCheckpoint` use Node's file system.
 *
 * Example:
 *   io.save(model.stateDict(), 'mlp.safetensors');
 *   model.loadStateDict(io.load('mlp.safetensors'));
 */
export {
  serialize, deserialize, compareCodePoints,
  type SerializeOptions, type SafetensorsContent, type TensorMap,
} from './safetensors.js';
export { type SafetensorsDType, type WritableDType } from './dtypes.js';
export { MAX_HEADER_BYTES } from './header.js';
export { f16ToNumber, bf16ToNumber } from './half.js';
export {
  serializeCheckpoint, deserializeCheckpoint,
  type Checkpoint, type CheckpointInput, type OptimizerStateDict, type OptimizerStateLike, type HyperparameterValue,
} from './checkpoint.js';
export { type JsonValue } from './json.js';
export { saveFile, loadFile, save, load, type SaveOptions } from './file.js';
export { saveCheckpoint, loadCheckpoint, type CheckpointExpectation } from './checkpoint-file.js';
