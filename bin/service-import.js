#!/usr/bin/env node
'use strict';
// The compiled CLI (src/cli/main.ts → dist/cli/main.js, built by `npm run build`).
const path = require('node:path');

const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
let cli;
try {
  cli = require(main);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(main)) {
    process.stderr.write(
      'service-import: the CLI is not built; run `npm run build` in the service-import package.\n',
    );
    process.exit(1);
  }
  throw error;
}
cli.run(process.argv.slice(2)).then(cli.exitWhenFlushed);
