// vitest global setup: makes sure src/backend/wasm/generated/wasm.ts exists
// and matches asm/*.ts before any test imports the sources (a no-op after
// `pnpm build`, which runs asm/build.mjs itself).
import { buildWasm } from './build.mjs';

export async function setup() {
  await buildWasm({ quiet: true });
}
