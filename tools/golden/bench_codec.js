#!/usr/bin/env node
'use strict';
// The upstream side of `dclcomms packet bench`: encodes and decodes the same RFC-4 Packets with the
// upstream @dcl/protocol codec (ts-proto over protobufjs), timed per message type.
//
//   node tools/golden/bench_codec.js CORPUS_JSON ITERATIONS
//
// CORPUS_JSON: [{"type": "chat", "hex": "…"}, …]. Prints one line:
// {"results": {"<type>": {"packets": n, "encode_ns": ns_per_packet, "decode_ns": ns_per_packet}}}

const fs = require('fs');
const lib = require('./lib');

const [corpusPath, iterationsText] = process.argv.slice(2);
const iterations = Number(iterationsText);
if (!corpusPath || !(iterations > 0)) {
  console.error('usage: node tools/golden/bench_codec.js CORPUS_JSON ITERATIONS');
  process.exit(2);
}
const Packet = lib.SCHEMAS.rfc4.upstream;
const byType = new Map();
for (const { type, hex } of JSON.parse(fs.readFileSync(corpusPath, 'utf8'))) {
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (!byType.has(type)) byType.set(type, []);
  byType.get(type).push({ bytes, message: Packet.decode(bytes) });
}

let sink = 0;  // keeps the work from being optimised away
function timeNsPerPacket(packets, work) {
  for (let i = 0; i < Math.min(iterations, 1000); i++) for (const p of packets) sink += work(p);  // warm-up (JIT)
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) for (const p of packets) sink += work(p);
  return Number(process.hrtime.bigint() - start) / (iterations * packets.length);
}

const results = {};
for (const [type, packets] of byType) {
  results[type] = {
    packets: packets.length,
    encode_ns: timeNsPerPacket(packets, (p) => Packet.encode(p.message).finish().length),
    decode_ns: timeNsPerPacket(packets, (p) => (Packet.decode(p.bytes).message ? 1 : 0))
  };
}
process.stdout.write(JSON.stringify({ results, sink: sink > 0 }) + '\n');
