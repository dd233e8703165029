#!/usr/bin/env node
/**
 * `npm start`: builds dist/ when something changed since the last build (scripts/build-if-stale.cjs), then runs
 * dist/main.js as the main module of this same process: one Node start-up instead of two (README, "Run it").
 */
'use strict';
const { join } = require('node:path');
const { runMain } = require('node:module');
const { buildIfStale } = require('./build-if-stale.cjs');

const code = buildIfStale();
if (code !== 0) process.exit(code);
runMain(join(__dirname, '..', 'dist', 'main.js'));
