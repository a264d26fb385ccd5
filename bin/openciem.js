#!/usr/bin/env node
'use strict';

const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'lib', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('error: the openciem CLI is not compiled (lib/cli/main.js is missing).\nRun: npm run build:cli');
  process.exit(1);
}

require(entry)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
