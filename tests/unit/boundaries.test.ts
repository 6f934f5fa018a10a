/**
 * Proof that lint enforces the layering of docs/ARCHITECTURE.md: snippets are
 * linted as if they lived in each layer (only their path is virtual; what they
 * import is real) and every forbidden import must be reported, every allowed
 * one must not.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const BOUNDARY_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-globals',
  'import-x/no-restricted-paths',
  'import-x/no-nodejs-modules',
  'import-x/no-cycle',
]);

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: root,
    // The project's own eslint.config.js, minus type information: the probe
    // files do not exist on disk, so no tsconfig can include them, and none of
    // the boundary rules needs types.
    overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }],
    ruleFilter: ({ ruleId }) => BOUNDARY_RULES.has(ruleId),
  });
});

/** Boundary errors for `code` linted as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  if (!result) throw new Error('ESLint returned no result');
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`cannot lint ${filePath}: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

const importOf = (spec: string) => `import * as probe from '${spec}';\nexport { probe };\n`;

interface Layer {
  file: string;
  forbidden: string[];
  allowed: string[];
}

const layers: Record<string, Layer> = {
  core: {
    file: 'src/core/__probe.ts',
    forbidden: [
      'electron', 'electron/main', 'react', 'react-dom', 'react-dom/client',
      '../main/ipc.ts', '../preload/index.ts', '../renderer/src/App.tsx', '../headless/cli.ts',
    ],
    allowed: ['node:fs', 'node:worker_threads', 'zod', '../shared/contract/index.ts', './ports.ts'],
  },
  shared: {
    file: 'src/shared/contract/__probe.ts',
    forbidden: [
      'node:fs', 'node:path', 'fs', 'crypto', 'electron', 'react',
      '../../core/ports.ts', '../../main/ipc.ts', '../../preload/index.ts',
      '../../renderer/src/App.tsx', '../../headless/cli.ts',
    ],
    allowed: ['zod', './ids.ts', './errors.ts'],
  },
  renderer: {
    file: 'src/renderer/src/__probe.tsx',
    forbidden: [
      '../../core/ports.ts', '../../core/index.ts', '../../main/ipc.ts', '../../headless/cli.ts',
      '../../preload/index.ts', 'node:path', 'path', 'node:fs/promises', 'electron', 'electron/renderer',
    ],
    allowed: ['react', 'react-dom/client', 'zustand', '../../shared/contract/index.ts', './api/client.ts'],
  },
  preload: {
    file: 'src/preload/__probe.ts',
    forbidden: [
      'node:fs', 'fs', 'zod', 'react', '../core/ports.ts', '../main/ipc.ts',
      '../renderer/src/App.tsx', '../headless/cli.ts', '../../package.json',
    ],
    allowed: ['electron', '../shared/contract/index.ts', '../shared/contract/procedures.ts', './index.ts'],
  },
};

describe.each(Object.entries(layers))('layer %s', (_name, layer) => {
  it.each(layer.forbidden)('reports an import of %s', async (spec) => {
    expect(await boundaryErrors(layer.file, importOf(spec))).not.toEqual([]);
  });

  it.each(layer.allowed)('allows an import of %s', async (spec) => {
    expect(await boundaryErrors(layer.file, importOf(spec))).toEqual([]);
  });

  it('also sees type-only and dynamic imports of a forbidden module', async () => {
    const spec = layer.forbidden[0]!;
    expect(await boundaryErrors(layer.file, `import type * as T from '${spec}';\nexport type { T };\n`)).not.toEqual([]);
    expect(await boundaryErrors(layer.file, `export const load = () => import('${spec}');\n`)).not.toEqual([]);
  });
});

describe('src/shared globals', () => {
  it.each(['window.location.href', 'document.title', 'navigator.userAgent', 'localStorage.length', 'process.env', "Buffer.from('')"])(
    'reports %s',
    async (expr) => {
      expect(await boundaryErrors('src/shared/contract/__probe.ts', `export const x = () => ${expr};\n`)).not.toEqual([]);
    },
  );

  it('allows language globals', async () => {
    const code = "export const x = () => [globalThis.crypto, new URL('a:b'), JSON.stringify({}), new TextEncoder(), Math.max(1, 2)];\n";
    expect(await boundaryErrors('src/shared/contract/__probe.ts', code)).toEqual([]);
  });

  it('leaves the renderer free to use the DOM', async () => {
    const code = 'export const x = () => [window.location.href, document.title, navigator.userAgent];\n';
    expect(await boundaryErrors('src/renderer/src/__probe.ts', code)).toEqual([]);
  });
});

describe('exempt folders', () => {
  it.each(['tests/unit/__probe.ts', 'tools/eval/__probe.ts'])('%s may import any layer', async (file) => {
    const depth = file.split('/').length - 1;
    const up = '../'.repeat(depth);
    const code = [
      "import * as a from 'electron';",
      "import * as b from 'node:fs';",
      `import * as c from '${up}src/core/ports.ts';`,
      `import * as d from '${up}src/main/ipc.ts';`,
      `import * as e from '${up}src/renderer/src/App.tsx';`,
      'export { a, b, c, d, e };',
      '',
    ].join('\n');
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});

describe('cycles', () => {
  it('reports an import cycle', async () => {
    // contract/domain.ts imports contract/ids.ts, so ids.ts importing domain.ts closes a loop.
    const errors = await boundaryErrors('src/shared/contract/ids.ts', "import { JobSchema } from './domain.ts';\nexport const x = JobSchema;\n");
    expect(errors.some((e) => e.startsWith('import-x/no-cycle'))).toBe(true);
  });

  it('is an error everywhere, tests included', async () => {
    for (const file of ['src/core/x.ts', 'src/renderer/src/x.tsx', 'src/main/x.ts', 'tests/unit/x.test.ts', 'tools/x.ts']) {
      const config = (await eslint.calculateConfigForFile(path.join(root, file))) as { rules: Record<string, unknown[]> };
      expect(config.rules['import-x/no-cycle']?.[0], file).toBe(2);
    }
  });
});
