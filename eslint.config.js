// @ts-check
/**
 * Lint for Chitti. Besides the usual type-aware checks, this file is where the
 * layering in docs/ARCHITECTURE.md is enforced (tests/unit/boundaries.test.ts
 * proves each rule fires):
 *
 *   src/core      plain Node: no electron, react, react-dom; no main/preload/renderer/headless
 *   src/shared    no Node builtins, no DOM globals; imports nothing else under src/
 *   src/renderer  browser code: no core/main/preload/headless, no Node builtins, no electron
 *   src/preload   sandboxed: electron and src/shared only
 *   src/headless  no electron, react, main/preload/renderer (the CLI runs without Electron)
 *   everywhere    no import cycles
 *
 * tests/ and tools/ are linted but exempt from the layer rules.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
const JS = ['**/*.js', '**/*.mjs', '**/*.cjs'];

const layer = (name) => `./src/${name}`;
const pkg = (name) => `./node_modules/${name}`;

/** One zone: files under `target` may not import anything resolving under `from`. */
const zone = (target, from, message) => ({ target, from, message });

/** Bare-name restrictions (also catches names that would not resolve, e.g. `electron/main`). */
const NO_ELECTRON = [
  { name: 'electron', message: 'This layer must not depend on Electron.' },
];
const NO_ELECTRON_PATTERN = { regex: '^electron/', message: 'This layer must not depend on Electron.' };
const NO_REACT = [
  { name: 'react', message: 'This layer must not depend on React.' },
  { name: 'react-dom', message: 'This layer must not depend on React.' },
];
const NO_REACT_PATTERN = { regex: '^react(-dom)?/', message: 'This layer must not depend on React.' };
const NO_NODE_PATTERN = { regex: '^node:', message: 'This layer runs outside Node: Node builtins are not available.' };

const DOM_GLOBALS = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'self'].map(
  (name) => ({ name, message: 'src/shared runs in every process: it must not use DOM globals.' }),
);
const NODE_GLOBALS = ['process', 'Buffer', 'require', '__dirname', '__filename'].map(
  (name) => ({ name, message: 'src/shared runs in every process: it must not use Node globals.' }),
);

export default defineConfig([
  globalIgnores([
    'out/',
    'dist/',
    'release/',
    'node_modules/',
    'coverage/',
    'test-results/',
    'playwright-report/',
    '.chitti-dev/',
    'models/',
    'resources/',
  ]),

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,

  {
    name: 'chitti/base',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      parserOptions: {
        // The root tsconfig.json is a solution file referencing tsconfig.node.json
        // and tsconfig.web.json; the project service picks the one that includes each file.
        projectService: true,
        tsconfigRootDir: root,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts', '.cts'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          alwaysTryTypes: true,
          // The solution tsconfig.json; its references (node, web) are followed.
          project: `${root}/tsconfig.json`,
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-absolute-path': 'error',
      'import-x/no-mutable-exports': 'error',
      'import-x/first': 'error',

      '@typescript-eslint/no-unused-vars': ['error', {
        args: 'after-used',
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
        ignoreRestSiblings: true,
      }],
      // A floating promise is a bug unless it is marked deliberate with `void`.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // async handlers on JSX attributes (onClick={async () => …}) are fine.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // Ports and handlers are async by contract even when an implementation is synchronous.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },

  {
    name: 'chitti/js',
    files: JS,
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },

  // ---------------------------------------------------------------- layers

  {
    name: 'chitti/layer/core',
    files: ['src/core/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...NO_ELECTRON, ...NO_REACT],
        patterns: [NO_ELECTRON_PATTERN, NO_REACT_PATTERN],
      }],
      'import-x/no-restricted-paths': ['error', {
        basePath: root,
        zones: [
          zone(layer('core'), [layer('main'), layer('preload'), layer('renderer'), layer('headless')],
            'src/core is host-independent: it must not import the Electron shell, preload, renderer or headless hosts.'),
          zone(layer('core'), [pkg('electron'), pkg('react'), pkg('react-dom')],
            'src/core is plain Node: it must not import electron or React.'),
        ],
      }],
    },
  },

  {
    name: 'chitti/layer/shared',
    files: ['src/shared/**'],
    // No environment at all: shared code runs in Node, the renderer and the preload.
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': ['error', ...DOM_GLOBALS, ...NODE_GLOBALS],
      'no-restricted-imports': ['error', {
        paths: [...NO_ELECTRON, ...NO_REACT],
        patterns: [NO_NODE_PATTERN, NO_ELECTRON_PATTERN, NO_REACT_PATTERN],
      }],
      'import-x/no-nodejs-modules': 'error',
      'import-x/no-restricted-paths': ['error', {
        basePath: root,
        zones: [
          zone(layer('shared'), [layer('core'), layer('main'), layer('preload'), layer('renderer'), layer('headless')],
            'src/shared is the contract every layer depends on: it must not import any other layer.'),
        ],
      }],
    },
  },

  {
    name: 'chitti/layer/renderer',
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...NO_ELECTRON],
        patterns: [NO_NODE_PATTERN, NO_ELECTRON_PATTERN],
      }],
      'import-x/no-nodejs-modules': 'error',
      'import-x/no-restricted-paths': ['error', {
        basePath: root,
        zones: [
          zone(layer('renderer'), [layer('core'), layer('main'), layer('preload'), layer('headless')],
            'src/renderer talks to the core only through the ApiClient (src/shared/contract).'),
          zone(layer('renderer'), [pkg('electron')], 'src/renderer must not import electron; use window.api through the ApiClient.'),
        ],
      }],
    },
  },

  {
    name: 'chitti/layer/preload',
    files: ['src/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          NO_NODE_PATTERN,
          { regex: '^(?!electron$|node:)[^./]', message: 'src/preload may import only electron and src/shared (a sandboxed preload cannot load packages).' },
        ],
      }],
      'import-x/no-nodejs-modules': 'error',
      'import-x/no-restricted-paths': ['error', {
        basePath: root,
        zones: [
          {
            target: layer('preload'),
            from: '.',
            except: ['./src/preload', './src/shared', './node_modules/electron'],
            message: 'src/preload may import only electron and src/shared.',
          },
        ],
      }],
    },
  },

  {
    name: 'chitti/layer/headless',
    files: ['src/headless/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...NO_ELECTRON, ...NO_REACT],
        patterns: [NO_ELECTRON_PATTERN, NO_REACT_PATTERN],
      }],
      'import-x/no-restricted-paths': ['error', {
        basePath: root,
        zones: [
          zone(layer('headless'), [layer('main'), layer('preload'), layer('renderer')],
            'src/headless runs without Electron: it must not import the shell, preload or renderer sources.'),
          zone(layer('headless'), [pkg('electron'), pkg('react'), pkg('react-dom')],
            'src/headless runs without Electron: it must not import electron or React.'),
        ],
      }],
    },
  },

  {
    name: 'chitti/layer/main',
    files: ['src/main/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'import-x/no-restricted-paths': ['error', {
        basePath: root,
        zones: [
          zone(layer('main'), [layer('renderer'), layer('preload')],
            'src/main must not import renderer or preload sources (they run in other processes).'),
        ],
      }],
    },
  },

  // ---------------------------------------------------------------- outside src

  {
    name: 'chitti/tests-and-tools',
    files: ['tests/**', 'tools/**', 'scripts/**', 'bin/**', '*.config.*'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Mocks and fixtures are loosely typed by nature.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // expect(obj.method).toHaveBeenCalled() is the idiom, not a bug.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
]);
