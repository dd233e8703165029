// @ts-check
/**
 * Mutation testing, one layer per run: `MUTATION_LAYER=domain npx stryker run` (or `npm run test:mutation -- domain`).
 * Each layer mutates its own files and runs only the unit tests that load them (fast, no database), with per-test
 * coverage so that a mutant runs only the tests that reach it. Runs are incremental: the report of the last run
 * is committed under reports/mutation/, and a run after a change re-tests only the mutants whose code or tests
 * changed. See README "Testing".
 */
const layers = {
  domain: { mutate: ['src/domain/**/*.ts'], tests: ['test/unit/domain'], breakAt: 95 },
  // session-actor.ts and session-registry.ts run nact actors over a lease and Postgres: only the integration, cluster
  // and simulation suites reach them. protocol.ts holds types only.
  actors: {
    mutate: ['src/actors/group-committer.ts', 'src/actors/instance-committer.ts', 'src/actors/availability-document.ts'],
    tests: ['test/unit/actors'],
    breakAt: 85,
  },
  // The error and idempotency path of every route; the routes themselves are covered by the integration suite.
  http: {
    mutate: ['src/http/problem.ts', 'src/http/idempotency.ts', 'src/http/canonical-json.ts', 'src/http/reply.ts'],
    tests: ['test/unit/http'],
    breakAt: 85,
  },
  app: { mutate: ['src/app/cinema.ts', 'src/app/domain-errors.ts', 'src/app/view-mappers.ts'], tests: ['test/unit/app'], breakAt: 80 },
};

const name = process.env.MUTATION_LAYER ?? 'domain';
const layer = layers[/** @type {keyof typeof layers} */ (name)];
if (!layer) throw new Error(`MUTATION_LAYER must be one of ${Object.keys(layers).join(', ')}; got ${name}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: layer.mutate,
  testRunner: 'jest',
  // The flags of `npm test` (package.json): jest runs with ESM support enabled in every test runner process.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: { roots: layer.tests.map((dir) => `<rootDir>/${dir}`), reporters: [] },
    enableFindRelatedTests: false,
  },
  // Mutants that do not compile are refused before any test runs; only src/ is type-checked (tests run with @ts-nocheck).
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.build.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Code that runs only while a module loads (constants, tables) would need every test for each of its mutants;
  // Stryker reports those mutants as ignored instead. Keep such code trivial or cover it through the functions that use it.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/mutation/${name}.json`,
  reporters: ['clear-text', 'progress-append-only', 'html'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  thresholds: { high: Math.min(100, layer.breakAt + 3), low: layer.breakAt, break: layer.breakAt },
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 10_000,
  ignorePatterns: ['dist', 'coverage', 'reports', 'bench/results', 'data', '.stryker-tmp'],
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: 'always',
};

export { layers };
