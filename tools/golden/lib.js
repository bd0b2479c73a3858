'use strict';
// Shared helpers for generate.js and check_upstream_decode.js.
// Everything here is deterministic: no clocks, no randomness, no environment lookups.

const fs = require('fs');
const path = require('path');
const protobuf = require('protobufjs');

const UPSTREAM_PKG = '@dcl/protocol';
const PROTO_BASE = path.join(path.dirname(require.resolve(`${UPSTREAM_PKG}/package.json`)), 'proto');
const PROTO_FILES = [
  'decentraland/kernel/comms/rfc4/comms.proto',
  'decentraland/kernel/comms/rfc5/ws_comms.proto',
];

const upstreamRfc4 = require(`${UPSTREAM_PKG}/out-js/decentraland/kernel/comms/rfc4/comms.gen`);
const upstreamRfc5 = require(`${UPSTREAM_PKG}/out-js/decentraland/kernel/comms/rfc5/ws_comms.gen`);

const SCHEMAS = {
  rfc4: { typeName: 'decentraland.kernel.comms.rfc4.Packet', upstream: upstreamRfc4.Packet },
  rfc5: { typeName: 'decentraland.kernel.comms.rfc5.WsPacket', upstream: upstreamRfc5.WsPacket },
};

function versions() {
  const up = JSON.parse(fs.readFileSync(require.resolve(`${UPSTREAM_PKG}/package.json`), 'utf8'));
  const pb = JSON.parse(fs.readFileSync(require.resolve('protobufjs/package.json'), 'utf8'));
  return { upstream: up.version, protobufjs: pb.version };
}

let cachedRoot = null;
function loadRoot() {
  if (cachedRoot) return cachedRoot;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_BASE, target));
  root.loadSync(PROTO_FILES, { keepCase: false });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

function reflectType(schema) {
  return loadRoot().lookupType(SCHEMAS[schema].typeName);
}

function upstreamType(schema) {
  return SCHEMAS[schema].upstream;
}

const TO_OBJECT_OPTS = { longs: String, enums: String, bytes: String, json: true };

// ---------------------------------------------------------------------------
// JSON serialisation: 2-space indent like JSON.stringify(v, null, 2), but a
// number that is -0 is written as the JSON literal -0.0 (JSON.stringify prints 0, and readers that
// keep integers apart from floats, like nlohmann/json, would read a bare -0 as the integer 0).
function stringify(value, indent = '') {
  const next = indent + '  ';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot serialise non-finite number ${value}`);
      return Object.is(value, -0) ? '-0.0' : JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        return '[\n' + value.map((v) => next + stringify(v, next)).join(',\n') + '\n' + indent + ']';
      }
      const keys = Object.keys(value).filter((k) => value[k] !== undefined);
      if (keys.length === 0) return '{}';
      return '{\n' + keys.map((k) => next + JSON.stringify(k) + ': ' + stringify(value[k], next)).join(',\n') + '\n' + indent + '}';
    }
    default:
      throw new Error(`cannot serialise ${typeof value}`);
  }
}

// ---------------------------------------------------------------------------
// Deep equality.  Numbers: NaN equals NaN; zeroSign=true distinguishes -0 from +0
// (Object.is), otherwise 0 === -0.  Long objects are compared by value with
// numbers/strings/Longs.  Uint8Array/Buffer compared bytewise.  Object key order
// is irrelevant.  Returns null when equal, else a string describing the first
// difference.
function isLong(v) {
  return v !== null && typeof v === 'object' && typeof v.low === 'number' && typeof v.high === 'number' && typeof v.unsigned === 'boolean';
}

function diff(a, b, opts = {}, where = '$') {
  const zeroSign = !!opts.zeroSign;
  if (isLong(a) || isLong(b)) {
    const sa = isLong(a) ? a.toString() : typeof a === 'number' ? protobuf.util.Long.fromNumber(a).toString() : String(a);
    const sb = isLong(b) ? b.toString() : typeof b === 'number' ? protobuf.util.Long.fromNumber(b).toString() : String(b);
    return sa === sb ? null : `${where}: ${sa} != ${sb}`;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return null;
    if (zeroSign ? Object.is(a, b) : a === b) return null;
    return `${where}: ${Object.is(a, -0) ? '-0' : a} != ${Object.is(b, -0) ? '-0' : b}`;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array)) return `${where}: bytes vs non-bytes`;
    return Buffer.from(a).equals(Buffer.from(b)) ? null : `${where}: bytes ${hex(a)} != ${hex(b)}`;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return a === b ? null : `${where}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${where}: array vs object`;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined).sort();
  const kb = Object.keys(b).filter((k) => b[k] !== undefined).sort();
  if (ka.join('\u0000') !== kb.join('\u0000')) return `${where}: keys [${ka}] != [${kb}]`;
  for (const k of ka) {
    const d = diff(a[k], b[k], opts, `${where}.${k}`);
    if (d) return d;
  }
  return null;
}

function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

function fromHex(h) {
  if (!/^([0-9a-f]{2})*$/.test(h)) throw new Error(`bad hex: ${h.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(h, 'hex'));
}

// Upstream ts-proto decode; returns {ok: value} or {error: message}.
function upstreamDecode(schema, bytes) {
  try {
    return { ok: upstreamType(schema).decode(bytes) };
  } catch (e) {
    return { error: String(e && e.message !== undefined ? e.message : e) };
  }
}

module.exports = {
  SCHEMAS,
  TO_OBJECT_OPTS,
  versions,
  loadRoot,
  reflectType,
  upstreamType,
  stringify,
  diff,
  hex,
  fromHex,
  upstreamDecode,
  protobuf,
};
