// @ts-check
/**
 * ESLint flat config for erlangen.
 *
 * Besides typescript-eslint's (non type-aware, so fast) recommended rules, this file enforces the
 * module layering of docs/design/layering.md:
 *
 * - `no-restricted-imports` (static `import` / `export … from`) and `no-restricted-syntax`
 *   (`import('…')` expressions and `import('…').T` types) reject relative imports from one src
 *   module into a module it may not import, and the packages `three` (only src/io, src/three),
 *   `gpu.js` (only src/backend/gpu*) and `erlangen` itself (src uses relative imports).
 * - `no-restricted-properties` bans `Math.random` in src (all randomness goes through `Rng`).
 *
 * The patterns are generated from the LAYERS table below, one config object per module and per
 * directory depth, so that `../../group` is matched exactly where it leaves the module (a
 * subfolder that happens to be called `group` inside another module is not a false positive).
 */
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The module map: module → the src modules it may import (besides itself). */
const LAYERS = /** @type {const} */ ({
  util: [],
  linalg: ['util'],
  backend: ['util'],
  tensor: ['backend', 'util'],
  group: ['linalg', 'util'],
  rep: ['group', 'linalg', 'util'],
  solver: ['rep', 'group', 'linalg', 'util'],
  nn: ['tensor', 'rep', 'solver', 'group', 'util'],
  optim: ['tensor', 'util'],
  graph: ['nn', 'tensor', 'util'],
  grid: ['tensor', 'nn', 'rep', 'solver', 'group', 'linalg', 'util'],
  mesh: ['graph', 'nn', 'tensor', 'rep', 'solver', 'group', 'linalg', 'util'],
  data: ['tensor', 'graph', 'mesh', 'rep', 'group', 'util'],
  io: ['mesh', 'graph', 'nn', 'optim', 'tensor', 'util'],
  // the shipped harness: everything above it; nothing in src imports it (except cli)
  testing: [
    'util', 'linalg', 'backend', 'tensor', 'group', 'rep', 'solver', 'nn', 'optim', 'graph',
    'grid', 'mesh', 'data', 'io',
  ],
  // the command line may import everything
  cli: [
    'util', 'linalg', 'backend', 'tensor', 'group', 'rep', 'solver', 'nn', 'optim', 'graph',
    'grid', 'mesh', 'data', 'io', 'testing',
  ],
});

/** @type {string[]} */
const MODULES = Object.keys(LAYERS);

/**
 * Source roots that are not in the table: the package entry (src/index.ts, depth -1) and subpath
 * faces such as src/three (erlangen/three). They may import every module except testing and cli.
 */
const FACE_ALLOWED = MODULES.filter((m) => m !== 'testing' && m !== 'cli');

/** Directory depths below src/<module>/ that get an exact pattern; deeper files share one. */
const MAX_DEPTH = 4;

/** Packages allowed only in some places (for the messages; the configs below grant them). */
const PACKAGES = {
  three: ['src/io/**', 'src/three/**'],
  'gpu.js': ['src/backend/gpu*', 'src/backend/gpu*/**'],
};

const LAYERING_DOC = 'See docs/design/layering.md.';

/** Escape a string for use inside a RegExp source. */
const esc = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The `../` prefix that climbs from a file at `depth` (0 = directly in src/<module>/) to src/.
 * `depth === null` means "unknown, at least MAX_DEPTH + 1" and matches any number of `../`.
 * @param {number | null} depth
 */
const upToSrc = (depth) => (depth === null ? '(?:\\.\\./)+' : depth < 0 ? '\\./' : `(?:\\.\\./){${depth + 1}}`);

/**
 * One restriction: a regex on the import specifier and the message shown when it matches.
 * @typedef {{ regex: string, message: string }} Restriction
 */

/**
 * All restrictions for a file of module `self` at `depth`.
 * @param {string} from  where the file lives, for messages, e.g. 'src/group'
 * @param {string | null} self  its own module (may always import itself), null for faces
 * @param {readonly string[]} allowed  src modules it may import
 * @param {number | null} depth
 * @param {readonly string[]} allowedPackages  entries of PACKAGES it may import
 * @returns {Restriction[]}
 */
function restrictions(from, self, allowed, depth, allowedPackages) {
  /** @type {Restriction[]} */
  const out = [];
  const up = upToSrc(depth);
  const allowedText = allowed.length ? allowed.join(', ') : 'nothing';
  for (const m of MODULES) {
    if (m === self || allowed.includes(m)) continue;
    const why =
      m === 'testing'
        ? 'nothing in src imports src/testing (it is the harness shipped to users; only src/cli may use it).'
        : m === 'cli'
          ? 'nothing in src imports src/cli.'
          : `${from} may import only: ${allowedText}.`;
    out.push({
      regex: `^${up}${esc(m)}(?:/|$)`,
      message: `Layering: ${from} must not import src/${m}; ${why} ${LAYERING_DOC}`,
    });
  }
  if (depth !== -1) {
    // a module importing the package entry (src/index.ts) is a cycle waiting to happen
    const toSrc = depth === null ? '(?:\\.\\./)*\\.\\.' : `(?:\\.\\./){${depth}}\\.\\.`;
    out.push({
      regex: `^${toSrc}(?:/(?:index(?:\\.[cm]?[jt]s)?)?)?$`,
      message: `Layering: ${from} must not import the package entry src/index.ts; import the module's index.js instead. ${LAYERING_DOC}`,
    });
  }
  for (const [pkg, globs] of Object.entries(PACKAGES)) {
    if (allowedPackages.includes(pkg)) continue;
    out.push({
      regex: `^${esc(pkg)}(?:/|$)`,
      message: `'${pkg}' may be imported only in ${globs.join(', ')}. ${LAYERING_DOC}`,
    });
  }
  out.push({
    regex: '^erlangen(?:/|$)',
    message: `Inside src, import other modules by relative path ('../util/index.js'), not through the package name. ${LAYERING_DOC}`,
  });
  return out;
}

/**
 * The `rules` block that enforces a list of restrictions for static imports, dynamic imports and
 * `import('…')` types.
 * @param {Restriction[]} list
 * @returns {import('eslint').Linter.RulesRecord}
 */
function rulesFor(list) {
  // esquery regex literals may not contain '/', so spell it \x2F there.
  const q = (/** @type {string} */ re) => re.replace(/\//g, '\\x2F');
  return {
    'no-restricted-imports': ['error', { patterns: list.map(({ regex, message }) => ({ regex, message })) }],
    'no-restricted-syntax': [
      'error',
      ...list.flatMap(({ regex, message }) => [
        { selector: `ImportExpression[source.value=/${q(regex)}/]`, message },
        { selector: `TSImportType[source.value=/${q(regex)}/]`, message },
      ]),
    ],
  };
}

/** Globs for the files exactly `depth` directories below `base` (null: deeper than MAX_DEPTH). */
function globsAt(/** @type {string} */ base, /** @type {number | null} */ depth, first = '*') {
  if (depth === null) return [`${base}/${first}/${'*/'.repeat(MAX_DEPTH)}**/*`];
  if (depth === 0) return [`${base}/${first}`];
  return [`${base}/${first}/${'*/'.repeat(depth - 1)}*`];
}

/** @type {(number | null)[]} */
const DEPTHS = [...Array.from({ length: MAX_DEPTH + 1 }, (_, i) => i), null];

/** @type {import('eslint').Linter.Config[]} */
const layering = [];

// Default for anything in src that is not a known module (the entry src/index.ts, subpath faces
// like src/three/, new folders): no testing, no cli, packages only where allowed.
layering.push({
  name: 'erlangen/layering/src-root',
  files: ['src/*'],
  rules: rulesFor(restrictions('src/index.ts', null, FACE_ALLOWED, -1, [])),
});
for (const depth of DEPTHS) {
  layering.push({
    name: `erlangen/layering/other/depth-${depth ?? 'deep'}`,
    files: globsAt('src/*', depth),
    rules: rulesFor(restrictions('src/* (a folder outside the module map)', null, FACE_ALLOWED, depth, [])),
  });
}
for (const depth of DEPTHS) {
  layering.push({
    name: `erlangen/layering/three/depth-${depth ?? 'deep'}`,
    files: globsAt('src/three', depth),
    rules: rulesFor(restrictions('src/three', null, FACE_ALLOWED, depth, ['three'])),
  });
}
for (const m of MODULES) {
  const pkgs = m === 'io' ? ['three'] : [];
  for (const depth of DEPTHS) {
    layering.push({
      name: `erlangen/layering/${m}/depth-${depth ?? 'deep'}`,
      files: globsAt(`src/${m}`, depth),
      rules: rulesFor(restrictions(`src/${m}`, m, LAYERS[/** @type {keyof typeof LAYERS} */ (m)], depth, pkgs)),
    });
  }
}
// gpu.js only in src/backend/gpu* (a file src/backend/gpu*.ts or a folder src/backend/gpu*/).
for (const depth of DEPTHS) {
  layering.push({
    name: `erlangen/layering/backend-gpu/depth-${depth ?? 'deep'}`,
    files: globsAt('src/backend', depth, 'gpu*'),
    rules: rulesFor(restrictions('src/backend', 'backend', LAYERS.backend, depth, ['gpu.js'])),
  });
}

export default defineConfig(
  {
    name: 'erlangen/ignores',
    ignores: ['node_modules/**', 'dist/**', 'docs/api/**', 'coverage/**', '.tmp/**', 'demo/dist/**', 'test-artifacts/**'],
  },
  {
    name: 'erlangen/files',
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
  },
  tseslint.configs.recommended,
  {
    name: 'erlangen/lenient',
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/no-empty-object-type': 'off',
      // a few core rules (the full eslint:recommended set needs @eslint/js, not a dependency)
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': ['error', { destructuring: 'all' }],
      'no-dupe-keys': 'error',
      'no-unreachable': 'error',
    },
  },
  {
    name: 'erlangen/src',
    files: ['src/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use an explicit seeded Rng from src/util (reruns must be bit-identical).',
        },
      ],
    },
  },
  ...layering,
);
