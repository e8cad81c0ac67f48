/**
 * Datasets and batching: `Dataset`, `TensorDataset`, `Subset`, `randomSplit`
 * and `DataLoader`, with seeded shuffling (the same seed gives the same run).
 *
 * Example:
 *   const ds = new data.TensorDataset(x, y);
 *   const [train, val] = data.randomSplit(ds, [0.8, 0.2], { generator: new Generator(0) });
 *   for (const [xb, yb] of new data.DataLoader(train, { batchSize: 64, shuffle: true, seed: 1 })) { ... }
 */
export { Dataset, type DatasetLike } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { Subset } from './subset.js';
export { randomSplit, type RandomSplitOptions } from './random-split.js';
export { defaultCollate, type Collated } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
