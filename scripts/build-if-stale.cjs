#!/usr/bin/env node
/**
 * Compiles src/ to dist/ (and the seat picker's web/src to web/public/js) only when something changed since the last build, so that `npm start` does not pay a full
 * TypeScript build on every start. Runs as `prepare` (at `npm ci` / `npm install`) and, in-process, at the start of
 * `npm start` (scripts/start.cjs).
 *
 * Stale means: no dist/.build-stamp yet, or a file under src/ or web/src/, a tsconfig or package-lock.json modified after the
 * build that wrote the stamp had started. Without src/ (e.g. Docker's dependency layer) there is nothing to build.
 */
'use strict';
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const stampFile = join(root, 'dist', '.build-stamp');
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'web/tsconfig.json', 'package-lock.json'].map((f) => join(root, f));
const sourceDirs = ['src', 'web/src'].map((d) => join(root, d)).filter(existsSync);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds when stale; answers the exit code (0: dist/ is up to date). */
function buildIfStale() {
  if (!existsSync(join(root, 'src')) || !existsSync(join(root, 'tsconfig.build.json'))) return 0;
  const webBuilt = !existsSync(join(root, 'web', 'src')) || existsSync(join(root, 'web', 'public', 'js'));
  const builtAt = webBuilt && existsSync(stampFile) && existsSync(join(root, 'dist', 'main.js')) ? Number(readFileSync(stampFile, 'utf8')) : 0;
  const changedAt = Math.max(...sourceDirs.map(newestMtime), ...inputs.filter(existsSync).map((f) => statSync(f).mtimeMs));
  if (builtAt > changedAt) return 0;

  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    process.stderr.write('build-if-stale: dist/ is out of date and TypeScript is not installed (npm ci installs it)\n');
    return existsSync(join(root, 'dist', 'main.js')) ? 0 : 1;
  }
  const startedAt = Date.now();
  process.stdout.write('compiling TypeScript (src/ changed since the last build)\n');
  for (const project of ['tsconfig.build.json', 'web/tsconfig.json'].filter((p) => existsSync(join(root, p)))) {
    const result = spawnSync(process.execPath, [tsc, '-p', join(root, project)], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) return result.status ?? 1;
  }
  writeFileSync(stampFile, String(startedAt));
  return 0;
}

if (require.main === module) process.exitCode = buildIfStale();
else module.exports = { buildIfStale };
