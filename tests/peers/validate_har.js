#!/usr/bin/env node
// Validates a HAR file against the HAR 1.2 JSON schema (Debian's
// node-har-validator). Prints "valid" and exits 0, or prints each schema
// error and exits 1.
'use strict';

const fs = require('fs');
const validator = require('har-validator');

let data;
try {
  data = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
} catch (error) {
  console.log('not JSON: ' + error.message);
  process.exit(1);
}
validator.har(data).then(() => {
  console.log('valid');
}).catch((error) => {
  for (const problem of error.errors || [error]) {
    console.log((problem.dataPath || '') + ' ' + (problem.message || String(problem)));
  }
  process.exit(1);
});
