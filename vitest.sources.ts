// For the packages' vitest configs: their tests import the workspace packages
// they depend on from those packages' sources, so that no build is needed while
// working and no test runs against a stale or half-built dist.
import { fileURLToPath } from 'node:url';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Vite aliases from `@neurone/<name>` to packages/<name>/src/index.ts for each
 * name given, and from `@neurone/core/testing` to its source (listed first: an
 * alias also matches the subpaths of its name).
 *
 * Example (packages/generative/vitest.config.ts):
 *   resolve: { alias: sourceAliases('core', 'vision') },
 */
export function sourceAliases(...names: string[]): Record<string, string> {
  const alias: Record<string, string> = { '@neurone/core/testing': src('./packages/core/src/testing/index.ts') };
  for (const name of names) alias[`@neurone/${name}`] = src(`./packages/${name}/src/index.ts`);
  return alias;
}
