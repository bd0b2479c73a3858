#!/usr/bin/env node
'use strict';
// Checks that our encoder produces bytes the upstream @dcl/protocol (ts-proto) decoder
// accepts, and that they equal the canonical encoding recorded in the golden files.
//
//   node tools/golden/check_upstream_decode.js --dclcomms <path-to-dclcomms> [--golden DIR]
//
// For every fixtures/golden/{rfc4,rfc5}/*.json case it runs
//   <dclcomms> packet encode --schema <rfc4|rfc5> -
// with the case's "json" member (the exact JSON text as written in the file, so a -0
// stays -0) on stdin, expects the hex of the encoding on stdout and exit status 0, then:
//   1. our hex == canonical_hex (canonical_hex_without_unknown for unknown-field cases:
//      the JSON does not carry unknown fields);
//   2. upstream decode(our bytes) deep-equals upstream decode(upstream_hex) (NaN == NaN,
//      0 == -0), or throws the same error when decoding upstream_hex throws;
//   3. upstream decode(our bytes) deep-equals upstream decode(canonical_hex) with the sign
//      of zero compared (Object.is), which is where an explicitly-set -0.0 survives.
// Prints `ok <name>` / `FAIL <name>: <why>` per case, then `N passed, M failed`.
// Exit status: 0 all passed, 1 any failed, 2 usage error.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const lib = require('./lib');

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node tools/golden/check_upstream_decode.js --dclcomms <path-to-dclcomms-binary> [--golden DIR]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { dclcomms: null, golden: path.resolve(__dirname, '../../fixtures/golden') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dclcomms' && i + 1 < argv.length) opts.dclcomms = argv[++i];
    else if (a === '--golden' && i + 1 < argv.length) opts.golden = path.resolve(argv[++i]);
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument: ${a}`);
  }
  if (!opts.dclcomms) usage('--dclcomms is required');
  return opts;
}

function loadCases(dir) {
  const cases = [];
  for (const schema of ['rfc4', 'rfc5']) {
    const sub = path.join(dir, schema);
    if (!fs.existsSync(sub)) continue;
    for (const f of fs.readdirSync(sub).filter((n) => n.endsWith('.json')).sort()) {
      const file = path.join(sub, f);
      cases.push({ file, text: fs.readFileSync(file, 'utf8') });
    }
  }
  return cases;
}

function checkCase(opts, golden) {
  const schema = golden.schema;
  if (!lib.SCHEMAS[schema]) return `unknown schema ${JSON.stringify(schema)}`;
  // JSON.parse keeps -0 and lib.stringify writes it back as -0: this is the JSON text
  // of the "json" member exactly as the generator wrote it into the file.
  const input = lib.stringify(golden.json) + '\n';
  const r = spawnSync(opts.dclcomms, ['packet', 'encode', '--schema', schema, '-'], {
    input,
    encoding: 'utf8',
    timeout: 30000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return `cannot run ${opts.dclcomms}: ${r.error.message}`;
  if (r.status !== 0) return `encoder exited with ${r.status === null ? `signal ${r.signal}` : `status ${r.status}`}: ${(r.stderr || '').trim().split('\n')[0]}`;
  const ours = r.stdout.trim().toLowerCase();
  if (!/^([0-9a-f]{2})*$/.test(ours)) return `encoder output is not hex: ${JSON.stringify(r.stdout.slice(0, 80))}`;

  const why = [];
  const expectedHex = golden.canonical_hex_without_unknown !== undefined ? golden.canonical_hex_without_unknown : golden.canonical_hex;
  if (ours !== expectedHex) why.push(`hex ${ours.length > 200 ? ours.slice(0, 200) + '…' : ours} != canonical ${expectedHex.length > 200 ? expectedHex.slice(0, 200) + '…' : expectedHex}`);

  const decOurs = lib.upstreamDecode(schema, lib.fromHex(ours));
  const decUp = lib.upstreamDecode(schema, lib.fromHex(golden.upstream_hex));
  const decCan = lib.upstreamDecode(schema, lib.fromHex(golden.canonical_hex));
  if (decUp.error) {
    if (decOurs.error !== decUp.error)
      why.push(`upstream decode of upstream_hex throws "${decUp.error}" but of ours ${decOurs.error ? `throws "${decOurs.error}"` : 'succeeds'}`);
  } else if (decOurs.error) {
    why.push(`upstream decode of ours throws: ${decOurs.error}`);
  } else {
    const d = lib.diff(decOurs.ok, decUp.ok);
    if (d) why.push(`upstream decode differs from decode(upstream_hex): ${d}`);
    if (decCan.error) why.push(`upstream decode of canonical_hex throws: ${decCan.error}`);
    else {
      const d2 = lib.diff(decOurs.ok, decCan.ok, { zeroSign: true });
      if (d2) why.push(`upstream decode differs from decode(canonical_hex) (sign of zero checked): ${d2}`);
    }
  }
  return why.length ? why.join('; ') : null;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cases = loadCases(opts.golden);
  if (cases.length === 0) usage(`no golden cases under ${opts.golden}/{rfc4,rfc5}`);
  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    let name = path.basename(c.file, '.json');
    let why;
    try {
      const golden = JSON.parse(c.text);
      if (typeof golden.name === 'string') name = golden.name;
      why = checkCase(opts, golden);
    } catch (e) {
      why = `exception: ${e && e.message ? e.message : e}`;
    }
    if (why) {
      failed++;
      console.log(`FAIL ${name}: ${why}`);
    } else {
      passed++;
      console.log(`ok ${name}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
