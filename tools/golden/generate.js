#!/usr/bin/env node
'use strict';
// Generates fixtures/golden/{rfc4,rfc5}/<case>.json with the upstream @dcl/protocol
// codecs (ts-proto, "upstream_hex") and protobufjs reflection over the package's own
// .proto files ("canonical_hex": field-number order, unknown fields last).
//
//   cd tools/golden && npm ci && node generate.js [--out DIR]
//
// Output is deterministic: fixed key order, 2-space indent, trailing newline, no
// timestamps.  Stale *.json files in the output directories are removed.  Any failed
// self-check aborts with exit status 1 before anything is written.

const fs = require('fs');
const path = require('path');
const lib = require('./lib');

const { protobuf, hex, fromHex, stringify, diff, TO_OBJECT_OPTS } = lib;
const Long = protobuf.util.Long;

// ---------------------------------------------------------------------------
// Small wire-format helpers (only used to build unknown-field bytes and to splice
// them into an encoded message).
function varint(n) {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Buffer.from(out);
}
function tag(field, wire) {
  return varint(field * 8 + wire);
}
const UF = {
  varint: (field, value) => Buffer.concat([tag(field, 0), varint(value)]),
  fixed64: (field, bytesHex) => Buffer.concat([tag(field, 1), Buffer.from(bytesHex, 'hex')]),
  len: (field, bytesHex) => {
    const b = Buffer.from(bytesHex, 'hex');
    return Buffer.concat([tag(field, 2), varint(b.length), b]);
  },
  fixed32: (field, bytesHex) => Buffer.concat([tag(field, 5), Buffer.from(bytesHex, 'hex')]),
};

function readVarint(buf, pos) {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) return [result, pos];
  }
}

// Split an encoded message into its top-level fields: [{field, wire, start, end, payloadStart}].
function splitFields(buf) {
  const fields = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    let t;
    [t, pos] = readVarint(buf, pos);
    const field = Number(t >> 3n);
    const wire = Number(t & 7n);
    let payloadStart = pos;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      payloadStart = pos;
      pos += Number(len);
    } else throw new Error(`unsupported wire type ${wire}`);
    if (pos > buf.length) throw new Error('truncated field');
    fields.push({ field, wire, start, end: pos, payloadStart });
  }
  return fields;
}

// Insert `unknown` into the message `buf`.  `inField` = null: the message itself;
// otherwise the number of a length-delimited field of `buf` whose payload receives it.
// mode 'end': append; mode 'ordered': insert before the first field with a larger number.
function insertUnknown(buf, unknown, inField, mode, unknownFieldNo) {
  buf = Buffer.from(buf);
  if (inField === null) {
    if (mode === 'end') return Buffer.concat([buf, unknown]);
    const fields = splitFields(buf);
    const at = fields.find((f) => f.field > unknownFieldNo);
    const pos = at ? at.start : buf.length;
    return Buffer.concat([buf.subarray(0, pos), unknown, buf.subarray(pos)]);
  }
  const fields = splitFields(buf);
  const hits = fields.filter((f) => f.field === inField && f.wire === 2);
  if (hits.length !== 1) throw new Error(`insertUnknown: field ${inField} found ${hits.length} times`);
  const f = hits[0];
  const inner = insertUnknown(buf.subarray(f.payloadStart, f.end), unknown, null, mode, unknownFieldNo);
  return Buffer.concat([buf.subarray(0, f.start), tag(inField, 2), varint(inner.length), inner, buf.subarray(f.end)]);
}

// ---------------------------------------------------------------------------
// Validation + normalisation of a case's proto3-JSON value against the reflected schema.
// Returns a copy with keys in field-number order (map keys in ascending numeric order).
const FLOAT_SPECIAL = new Set(['NaN', 'Infinity', '-Infinity']);
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function hasPresence(field) {
  return !!(field.partOf || (field.options && field.options.proto3_optional) || field.resolvedType instanceof protobuf.Type);
}

function checkScalar(type, v, where, presence, isMapPart) {
  const fail = (m) => {
    throw new Error(`${where}: ${m} (${JSON.stringify(v)})`);
  };
  const defaultNotAllowed = () => {
    if (!presence && !isMapPart) fail('proto3 default value must be omitted');
  };
  switch (type) {
    case 'float':
    case 'double':
      if (typeof v === 'string') {
        if (!FLOAT_SPECIAL.has(v)) fail('bad float string');
        return;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) fail('not a number');
      if (type === 'float' && Math.fround(v) !== v) fail('value is not exactly representable as float32');
      if (Object.is(v, 0)) defaultNotAllowed();
      return;
    case 'int32':
    case 'uint32':
    case 'sint32':
      if (typeof v !== 'number' || !Number.isInteger(v)) fail('not an integer');
      if (type === 'uint32' ? v < 0 || v > 0xffffffff : v < -0x80000000 || v > 0x7fffffff) fail('out of range');
      if (v === 0) defaultNotAllowed();
      return;
    case 'int64':
    case 'uint64': {
      if (typeof v !== 'string' || !/^-?(0|[1-9][0-9]*)$/.test(v)) fail('int64 must be a decimal string');
      const b = BigInt(v);
      if (type === 'int64' ? b < -(1n << 63n) || b >= 1n << 63n : b < 0n || b >= 1n << 64n) fail('out of range');
      if (b === 0n) defaultNotAllowed();
      return;
    }
    case 'bool':
      if (typeof v !== 'boolean') fail('not a boolean');
      if (v === false) defaultNotAllowed();
      return;
    case 'string':
      if (typeof v !== 'string') fail('not a string');
      if (v === '') defaultNotAllowed();
      return;
    case 'bytes':
      if (typeof v !== 'string' || !B64.test(v)) fail('bytes must be standard base64 with padding');
      if (v === '') defaultNotAllowed();
      return;
    default:
      fail(`unsupported scalar type ${type}`);
  }
}

function normalize(type, obj, where) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`${where}: expected an object`);
  for (const k of Object.keys(obj)) {
    if (!type.fields[k]) throw new Error(`${where}: unknown JSON member "${k}" for ${type.fullName}`);
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((f) => obj[f.name] !== undefined);
    if (set.length > 1) throw new Error(`${where}: more than one member of oneof ${oneof.name}`);
  }
  const out = {};
  for (const field of type.fieldsArray.slice().sort((a, b) => a.id - b.id)) {
    const v = obj[field.name];
    if (v === undefined) continue;
    const w = `${where}.${field.name}`;
    if (field.repeated) throw new Error(`${w}: repeated fields not supported`);
    if (field.map) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${w}: map must be an object`);
      const keys = Object.keys(v);
      for (const key of keys) {
        if (field.keyType !== 'uint32') throw new Error(`${w}: unsupported map key type`);
        if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) > 0xffffffff) throw new Error(`${w}: bad map key "${key}"`);
        checkScalar(field.type, v[key], `${w}["${key}"]`, false, true);
      }
      const sorted = {};
      for (const key of keys.sort((a, b) => Number(a) - Number(b))) sorted[key] = v[key];
      out[field.name] = sorted;
      continue;
    }
    if (field.resolvedType instanceof protobuf.Type) {
      out[field.name] = normalize(field.resolvedType, v, w);
    } else if (field.resolvedType instanceof protobuf.Enum) {
      if (typeof v !== 'string' || !(v in field.resolvedType.values)) throw new Error(`${w}: enum value must be a name`);
      if (field.resolvedType.values[v] === 0 && !hasPresence(field)) throw new Error(`${w}: proto3 default value must be omitted`);
      out[field.name] = v;
    } else {
      checkScalar(field.type, v, w, hasPresence(field), false);
      out[field.name] = v;
    }
  }
  return out;
}

// Remove float/double members that are -0 (the upstream encoder skips them).
function dropNegativeZero(obj) {
  if (obj === null || typeof obj !== 'object') return obj;
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (Object.is(v, -0)) continue;
    out[k] = dropNegativeZero(v);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Case data.
const pattern = (n, mul = 31, add = 7) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * mul + add) & 255;
  return b;
};
const b64 = (buf) => Buffer.from(buf).toString('base64');
const utf8b64 = (s) => b64(Buffer.from(s, 'utf8'));

const ADDR = '0x1234567890abcdef1234567890abcdef12345678';
const ADDR2 = '0xabcdefabcdefabcdefabcdefabcdefabcdefabcd';
const CHAT_PACKET_HEX = '2a0d0a0268691100002040fc54d9415864';
const FLT_MAX = 3.4028234663852886e38;
const FLT_TRUE_MIN = 1.401298464324817e-45; // 2^-149, smallest positive subnormal float32

const pvAfterOneof = (member, num) =>
  `ts-proto writes protocol_version (field 11) after the oneof; here the oneof member ${member} is field ${num} > 11, so upstream emits field ${num} then field 11 while the canonical encoding emits field 11 first.`;
const NEG_ZERO_NOTE = (what) =>
  `ts-proto skips a value when \`value !== 0\` is false, which is also true for -0.0, so upstream omits ${what}; a canonical encoder compares the bit pattern with +0.0 and writes the explicitly-set -0.0.`;

const RFC4 = [];
const RFC5 = [];
const c4 = (c) => RFC4.push({ schema: 'rfc4', ...c });
const c5 = (c) => RFC5.push({ schema: 'rfc5', ...c });

// --- rfc4: structure ------------------------------------------------------
c4({ name: 'empty_packet', description: 'A Packet with nothing set encodes to zero bytes and decodes to all defaults (no oneof member, protocol_version 0).', json: {} });
c4({ name: 'protocol_version_only', description: 'Only the protocol_version generation marker (100, field 11) with no oneof member: a single varint field 58 64.', json: { protocolVersion: 100 } });
c4({ name: 'protocol_version_max_uint32', description: 'protocol_version = 4294967295 (max uint32) is a 5-byte varint and must not be sign-extended.', json: { protocolVersion: 4294967295 } });

// --- rfc4: every oneof member with typical values ------------------------------
c4({
  name: 'position_basic',
  description: 'Legacy Position with command index, world position and a unit quaternion (field numbers 1,3..9; there is no field 2), protocol_version 100.',
  json: { position: { index: 42, positionX: 1024.5, positionY: 1.75, positionZ: -512.25, rotationY: Math.fround(Math.SQRT1_2), rotationW: Math.fround(Math.SQRT1_2) }, protocolVersion: 100 },
});
c4({ name: 'profile_version_basic', description: 'AnnounceProfileVersion{profile_version 7} (oneof field 2), protocol_version 100.', json: { profileVersion: { profileVersion: 7 }, protocolVersion: 100 } });
c4({
  name: 'profile_request_basic',
  description: 'ProfileRequest{address, profile_version 3}: its fields are numbered address=4, profile_version=3, so declaration order and number order disagree.',
  json: { profileRequest: { address: ADDR, profileVersion: 3 }, protocolVersion: 100 },
  order_note: 'ProfileRequest declares address (field 4) before profile_version (field 3); ts-proto writes declaration order (field 4 then 3) while the canonical encoding writes field 3 then field 4.',
});
c4({
  name: 'profile_response_basic',
  description: 'ProfileResponse with a serialized profile JSON string and a base URL (oneof field 4), protocol_version 100.',
  json: { profileResponse: { serializedProfile: '{"avatars":[{"name":"Alice","hasClaimedName":false,"version":3}]}', baseUrl: 'https://peer.decentraland.org/content/contents/' }, protocolVersion: 100 },
});
c4({
  name: 'chat_basic',
  description: 'The spec example Packet{chat{"hi", 1700000000.5}, protocol_version=100}; its 17 bytes are fixed by spec §8.1 and asserted by the generator.',
  json: { chat: { message: 'hi', timestamp: 1700000000.5 }, protocolVersion: 100 },
  expectHex: CHAT_PACKET_HEX,
});
c4({
  name: 'scene_basic',
  description: 'Scene message-bus packet: scene_id plus data whose first byte 1 marks a UTF-8 string payload (spec §8.4).',
  json: { scene: { sceneId: 'bafkreiexamplesceneid0000000000000000000000000000000000', data: b64(Buffer.concat([Buffer.from([1]), Buffer.from('{"event":"door-open"}', 'utf8')])) }, protocolVersion: 100 },
});
c4({ name: 'voice_basic', description: 'Voice with a short pseudo-Opus payload and frame index; codec VC_OPUS is the enum default and therefore omitted.', json: { voice: { encodedSamples: b64(pattern(16, 13, 1)), index: 5 }, protocolVersion: 100 } });
c4({
  name: 'movement_typical',
  description: 'A typical Movement (timestamp, position, velocity, blend values, is_grounded, rotation_y) whose set fields happen to be in the same declaration and number order, so upstream already matches canonical.',
  json: { movement: { timestamp: 12.5, positionX: 10.25, positionY: 0.5, positionZ: -20.75, velocityX: 1.5, velocityY: -2.25, velocityZ: 3, movementBlendValue: 0.75, slideBlendValue: 0.125, isGrounded: true, rotationY: 90.5 }, protocolVersion: 100 },
});
c4({
  name: 'movement_all_fields',
  description: 'Movement with every one of its 28 fields set to a non-default value (incl. glide_state, jump_count, head IK and point-at), protocol_version 100.',
  json: {
    movement: {
      timestamp: 12.5, positionX: 10.25, positionY: 0.5, positionZ: -20.75, velocityX: 1.5, velocityY: -2.25, velocityZ: 3,
      movementBlendValue: 0.75, slideBlendValue: 0.125, isGrounded: true, isJumping: true, isLongJump: true, isLongFall: true,
      isFalling: true, isStunned: true, rotationY: 90.5, isInstant: true, isEmoting: true, headIkYawEnabled: true,
      headIkPitchEnabled: true, headYaw: -45.5, headPitch: 12.25, glideState: 'GLIDING', jumpCount: 2,
      pointAtX: 1.5, pointAtY: 2.5, pointAtZ: -3.5, isPointingAt: true,
    },
    protocolVersion: 100,
  },
  order_note: 'Movement declares jump_count=24 right after is_jumping=11 and glide_state=23 right before rotation_y=16; ts-proto writes declaration order (…10,11,24,12,13,14,15,23,16,…) while the canonical encoding writes fields 1..28 in number order.',
});
c4({
  name: 'movement_glide_closing_negative_jump_count',
  description: 'Movement with only glide_state CLOSING_PROP (enum 3) and a negative jump_count -1 (int32 as 10-byte varint) besides rotation_y.',
  json: { movement: { rotationY: -180, glideState: 'CLOSING_PROP', jumpCount: -1 }, protocolVersion: 100 },
  order_note: 'ts-proto writes Movement in declaration order: jump_count (24) and glide_state (23) are declared before rotation_y (16), so upstream emits 24, 23, 16 while the canonical encoding emits 16, 23, 24.',
});
c4({ name: 'player_emote_basic', description: 'PlayerEmote{incremental_id, urn, timestamp} with both proto3-optional fields (is_stopping, mask) absent.', json: { playerEmote: { incrementalId: 3, urn: 'urn:decentraland:off-chain:base-avatars:wave', timestamp: 1234.5 }, protocolVersion: 100 } });
c4({ name: 'player_emote_optionals_set', description: 'PlayerEmote with the proto3-optional is_stopping=true and mask=5 (fields 4 and 11) present.', json: { playerEmote: { incrementalId: 4, urn: 'urn:decentraland:off-chain:base-avatars:clap', timestamp: 1235, isStopping: true, mask: 5 }, protocolVersion: 100 } });
c4({
  name: 'player_emote_optionals_default_values',
  description: 'Proto3 optional presence: is_stopping=false and mask=0 are explicitly set, so they are written (20 00, 58 00) and appear in JSON although they equal the defaults.',
  json: { playerEmote: { incrementalId: 5, urn: 'urn:decentraland:off-chain:base-avatars:dance', isStopping: false, mask: 0 }, protocolVersion: 100 },
});
c4({ name: 'scene_emote_basic', description: 'SceneEmote{scene_entity_id, source} (oneof field 10), protocol_version 100.', json: { sceneEmote: { sceneEntityId: 'bafkreiemoteentity', source: 'animations/emote.glb' }, protocolVersion: 100 } });
c4({
  name: 'movement_compressed_basic',
  description: 'MovementCompressed with all four bit-packed integers set (oneof field 12), protocol_version 100.',
  json: { movementCompressed: { temporalData: 123456789, movementData: '320255973501901', headSyncData: 4660, pointAtData: 22136 }, protocolVersion: 100 },
  order_note: pvAfterOneof('movement_compressed', 12),
});
c4({
  name: 'movement_compressed_no_protocol_version',
  description: 'MovementCompressed without protocol_version: with field 11 absent, the upstream order coincides with the canonical order.',
  json: { movementCompressed: { temporalData: 123456789, movementData: '320255973501901', headSyncData: 4660, pointAtData: 22136 } },
});
c4({
  name: 'look_at_position_basic',
  description: 'LookAtPosition{timestamp, position, target wallet} (oneof field 13), protocol_version 100.',
  json: { lookAtPosition: { timestamp: 99.5, positionX: 16, positionY: 1.5, positionZ: 32.25, targetAvatarWalletAddress: ADDR2 }, protocolVersion: 100 },
  order_note: pvAfterOneof('look_at_position', 13),
});
c4({ name: 'reaction_basic', description: 'Reaction{emoji_index 3, timestamp, count 2} (oneof field 14), protocol_version 100.', json: { reaction: { emojiIndex: 3, timestamp: 10.5, count: 2 }, protocolVersion: 100 }, order_note: pvAfterOneof('reaction', 14) });
c4({ name: 'chat_reaction_basic', description: 'ChatReaction{emoji_index, message_id, address} (oneof field 15), protocol_version 100.', json: { chatReaction: { emojiIndex: 7, messageId: `${ADDR2}45678.5`, address: ADDR }, protocolVersion: 100 }, order_note: pvAfterOneof('chat_reaction', 15) });

// --- rfc4: every oneof member as an empty sub-message -------------------------
const EMPTY_MEMBERS = [
  ['position', 1], ['profileVersion', 2], ['profileRequest', 3], ['profileResponse', 4], ['chat', 5], ['scene', 6], ['voice', 7],
  ['movement', 8], ['playerEmote', 9], ['sceneEmote', 10], ['movementCompressed', 12], ['lookAtPosition', 13], ['reaction', 14], ['chatReaction', 15],
];
for (const [member, num] of EMPTY_MEMBERS) {
  const snake = member.replace(/[A-Z]/g, (m) => '_' + m.toLowerCase());
  const t = (num * 8 + 2).toString(16).padStart(2, '0');
  c4({
    name: `${snake}_empty`,
    description: `The oneof member ${snake} (field ${num}) set to an all-default sub-message: it must still be written as a zero-length field (${t} 00) and decode as present.`,
    json: { [member]: {} },
  });
}

// --- rfc4: integer edges ---------------------------------------------------------
c4({ name: 'position_index_max_uint32', description: 'Position.index = 4294967295 (max uint32): a 5-byte varint ff ff ff ff 0f, decoded unsigned.', json: { position: { index: 4294967295 }, protocolVersion: 100 } });
c4({ name: 'reaction_emoji_index_negative_one', description: 'Reaction.emoji_index = -1: a negative int32 is sign-extended to a 10-byte varint (ff…ff 01).', json: { reaction: { emojiIndex: -1 }, protocolVersion: 100 }, order_note: pvAfterOneof('reaction', 14) });
c4({ name: 'chat_reaction_emoji_index_min_int32', description: 'ChatReaction.emoji_index = -2147483648 (min int32) as a 10-byte varint.', json: { chatReaction: { emojiIndex: -2147483648, messageId: 'm1' }, protocolVersion: 100 }, order_note: pvAfterOneof('chat_reaction', 15) });
c4({ name: 'movement_compressed_temporal_negative_one', description: 'MovementCompressed.temporal_data = -1 (int32, 10-byte varint) and point_at_data = max int32.', json: { movementCompressed: { temporalData: -1, pointAtData: 2147483647 }, protocolVersion: 100 }, order_note: pvAfterOneof('movement_compressed', 12) });
const withLong = (member) => (json, T) => {
  // ts-proto types int64 as a JS number; fromJSON would round the value to a double
  // (for 2^63-1 it becomes 2^63 and protobufjs writes it as -2^63).  The upstream
  // writer itself accepts a Long, which is how a JS sender can emit the exact value.
  const v = T.fromJSON(json);
  v.message[member].movementData = Long.fromString(json[member].movementData);
  return v;
};
c4({
  name: 'movement_compressed_int64_max',
  description: 'MovementCompressed.movement_data = 9223372036854775807 (max int64). Upstream bytes were built with fromPartial and a Long (ts-proto fromJSON would round to 2^63 and wrap to -2^63); the upstream decoder throws for any int64 above 2^53-1.',
  json: { movementCompressed: { movementData: '9223372036854775807' }, protocolVersion: 100 },
  upstreamValue: withLong('movementCompressed'),
  expectUpstreamDecodeError: 'Value is larger than Number.MAX_SAFE_INTEGER',
  order_note: pvAfterOneof('movement_compressed', 12),
});
c4({
  name: 'movement_compressed_int64_min',
  description: 'MovementCompressed.movement_data = -9223372036854775808 (min int64, 10-byte varint); -2^63 is exact as a double, so the upstream decoder returns it.',
  json: { movementCompressed: { movementData: '-9223372036854775808' }, protocolVersion: 100 },
  order_note: pvAfterOneof('movement_compressed', 12),
});
c4({
  name: 'movement_compressed_int64_max_safe',
  description: 'MovementCompressed.movement_data = 9007199254740991 (2^53-1), the largest int64 the upstream JS decoder accepts.',
  json: { movementCompressed: { movementData: '9007199254740991' }, protocolVersion: 100 },
  order_note: pvAfterOneof('movement_compressed', 12),
});
c4({
  name: 'movement_compressed_int64_2pow53',
  description: 'MovementCompressed.movement_data = 9007199254740992 (2^53): valid int64, but the upstream JS decoder throws for anything above 2^53-1.',
  json: { movementCompressed: { movementData: '9007199254740992' }, protocolVersion: 100 },
  expectUpstreamDecodeError: 'Value is larger than Number.MAX_SAFE_INTEGER',
  order_note: pvAfterOneof('movement_compressed', 12),
});
c4({
  name: 'movement_compressed_int64_below_min_safe',
  description: 'MovementCompressed.movement_data = -9007199254740993 (-2^53-1): the upstream JS decoder silently rounds it to -9007199254740992 (documented precision loss; upstream bytes built with a Long).',
  json: { movementCompressed: { movementData: '-9007199254740993' }, protocolVersion: 100 },
  upstreamValue: withLong('movementCompressed'),
  upstreamDecodeLossy: { movementCompressed: { movementData: -9007199254740992 } },
  order_note: pvAfterOneof('movement_compressed', 12),
});
c4({ name: 'movement_compressed_int64_negative_one', description: 'MovementCompressed.movement_data = -1 (int64, 10-byte varint ff…ff 01).', json: { movementCompressed: { movementData: '-1' }, protocolVersion: 100 }, order_note: pvAfterOneof('movement_compressed', 12) });

// --- rfc4: float / double edges --------------------------------------------------
c4({ name: 'position_float_nan', description: 'Position.position_x = NaN (float): written as the quiet NaN 0x7fc00000 and round-tripped; JSON uses the string "NaN".', json: { position: { index: 1, positionX: 'NaN' }, protocolVersion: 100 } });
c4({ name: 'position_float_infinity', description: 'Position.position_y = +Infinity (float 0x7f800000); JSON string "Infinity".', json: { position: { index: 1, positionY: 'Infinity' }, protocolVersion: 100 } });
c4({ name: 'position_float_negative_infinity', description: 'Position.position_z = -Infinity (float 0xff800000); JSON string "-Infinity".', json: { position: { index: 1, positionZ: '-Infinity' }, protocolVersion: 100 } });
c4({
  name: 'position_float_negative_zero',
  description: 'Position.position_x = -0.0 explicitly set: the canonical encoding writes it (1d 00 00 00 80) because it is not bitwise +0.0; upstream skips it. JSON carries the literal number -0.0.',
  json: { position: { index: 1, positionX: -0 }, protocolVersion: 100 },
  order_note: NEG_ZERO_NOTE('position_x = -0.0'),
});
c4({ name: 'position_float_min_subnormal', description: 'Position.rotation_x = 1.401298464324817e-45 (2^-149, the smallest positive float32 subnormal, bits 0x00000001) must survive without flushing to zero.', json: { position: { index: 1, rotationX: FLT_TRUE_MIN }, protocolVersion: 100 } });
c4({ name: 'position_float_max', description: 'Position.rotation_y = FLT_MAX (3.4028234663852886e38, bits 0x7f7fffff) and rotation_z = -FLT_MAX.', json: { position: { index: 1, rotationY: FLT_MAX, rotationZ: -FLT_MAX }, protocolVersion: 100 } });
c4({ name: 'chat_timestamp_nan', description: 'Chat.timestamp (double) = NaN, the quiet NaN 0x7ff8000000000000.', json: { chat: { message: 'x', timestamp: 'NaN' }, protocolVersion: 100 } });
c4({ name: 'chat_timestamp_infinity', description: 'Chat.timestamp (double) = +Infinity (0x7ff0000000000000).', json: { chat: { message: 'x', timestamp: 'Infinity' }, protocolVersion: 100 } });
c4({ name: 'chat_timestamp_negative_infinity', description: 'Chat.timestamp (double) = -Infinity (0xfff0000000000000).', json: { chat: { message: 'x', timestamp: '-Infinity' }, protocolVersion: 100 } });
c4({
  name: 'chat_timestamp_negative_zero',
  description: 'Chat.timestamp (double) = -0.0 explicitly set: canonical writes 11 00 00 00 00 00 00 00 80, upstream omits it.',
  json: { chat: { message: 'x', timestamp: -0 }, protocolVersion: 100 },
  order_note: NEG_ZERO_NOTE('timestamp = -0.0'),
});
c4({ name: 'chat_timestamp_ole_date', description: 'Chat.timestamp as the OLE Automation date unity-explorer actually sends (fractional days since 1899-12-30, spec §8.4).', json: { chat: { message: 'hello from unity', timestamp: 45678.123456789 }, protocolVersion: 100 } });

// --- rfc4: strings ---------------------------------------------------------------
c4({ name: 'chat_empty_message', description: 'Chat with an empty message string (omitted on the wire) and a timestamp.', json: { chat: { timestamp: 1.5 }, protocolVersion: 100 } });
c4({ name: 'chat_utf8_multibyte', description: 'Chat message "héllo wörld ✓ 🚀" mixes 1-, 2-, 3- and 4-byte UTF-8 sequences; the length prefix counts bytes (22), not characters.', json: { chat: { message: 'héllo wörld ✓ 🚀', timestamp: 1700000000.5 }, protocolVersion: 100 } });
c4({ name: 'chat_utf8_cjk', description: 'Chat message in Chinese, Japanese and Korean (3-byte UTF-8 sequences) plus a 4-byte CJK Extension B ideograph.', json: { chat: { message: '你好，世界 こんにちは 안녕하세요 𠀀', timestamp: 1700000001 }, protocolVersion: 100 } });
c4({ name: 'chat_forwarded_from', description: 'Chat with the proto3-optional forwarded_from (field 3) set to an address.', json: { chat: { message: 'relayed', timestamp: 1700000002.25, forwardedFrom: ADDR }, protocolVersion: 100 } });
c4({ name: 'chat_forwarded_from_empty', description: 'Chat.forwarded_from explicitly set to "" (proto3 optional): present, so written as 1a 00 and kept in JSON.', json: { chat: { message: 'hi', forwardedFrom: '' }, protocolVersion: 100 } });
c4({ name: 'scene_emote_empty_entity_id', description: 'SceneEmote with an empty scene_entity_id (omitted) and only source set.', json: { sceneEmote: { source: 'emote.glb' }, protocolVersion: 100 } });

// --- rfc4: sizes -------------------------------------------------------------------
function sceneDataLenForTotal(total, sceneId) {
  const vlen = (n) => varint(n).length;
  const idPart = sceneId ? 1 + vlen(Buffer.byteLength(sceneId)) + Buffer.byteLength(sceneId) : 0;
  for (let n = total; n > 0; n--) {
    const inner = idPart + 1 + vlen(n) + n;
    if (1 + vlen(inner) + inner + 2 === total) return n;
  }
  throw new Error('no scene size fits');
}
const BIG_SCENE_ID = 'bafkreibigscenepayload';
c4({
  name: 'scene_total_65535_bytes',
  description: 'A Packet whose whole encoding is exactly 65535 bytes (the LiveKit/SCTP data-packet limit), scene.data filled with the pattern (i*31+7)&255; size asserted by the generator.',
  json: { scene: { sceneId: BIG_SCENE_ID, data: b64(pattern(sceneDataLenForTotal(65535, BIG_SCENE_ID))) }, protocolVersion: 100 },
  expectSize: 65535,
});
c4({ name: 'scene_data_all_byte_values', description: 'Scene.data holding every byte value 0x00..0xff once, exercising base64 in JSON and raw bytes on the wire.', json: { scene: { sceneId: 's', data: b64(pattern(256, 1, 0)) }, protocolVersion: 100 } });
c4({ name: 'voice_opus_frame_960', description: 'Voice carrying a 960-byte pseudo-Opus frame (pattern (i*17+3)&255) with frame index 1000: two-byte length prefix c0 07.', json: { voice: { encodedSamples: b64(pattern(960, 17, 3)), index: 1000 }, protocolVersion: 100 } });

// --- rfc4: unknown fields -----------------------------------------------------------
c4({
  name: 'unknown_fields_all_wire_types',
  description: 'chat_basic followed by unknown fields 16 (varint 150), 100 (length-delimited 01 02 03), 101 (fixed32) and 102 (fixed64): decoders must skip every wire type.',
  json: { chat: { message: 'hi', timestamp: 1700000000.5 }, protocolVersion: 100 },
  unknown: { bytes: Buffer.concat([UF.varint(16, 150), UF.len(100, '010203'), UF.fixed32(101, '78563412'), UF.fixed64(102, '0102030405060708')]) },
});
c4({
  name: 'unknown_field_16_facial_expression',
  description: 'protocol_version 100 followed by field 16 carrying FacialExpression{1,2,3} from the unmerged feat/facial-expressions branch (spec §8.1): a main-branch decoder must ignore it.',
  json: { protocolVersion: 100 },
  unknown: { bytes: UF.len(16, '080110021803') },
});
c4({
  name: 'position_unknown_field_2',
  description: 'Position carrying unknown field 2 (the gap in its numbering, here a fixed32 float 1.0) appended after its known fields.',
  json: { position: { index: 1, positionX: 1.5 }, protocolVersion: 100 },
  unknown: { inField: 1, bytes: UF.fixed32(2, '0000803f'), fieldNo: 2 },
});
c4({
  name: 'position_unknown_field_2_in_gap',
  description: 'Position whose upstream bytes carry unknown field 2 between field 1 and field 3 (as a sender that knows field 2 would write it); a canonical re-encoder keeps it but moves it after the known fields.',
  json: { position: { index: 1, positionX: 1.5 }, protocolVersion: 100 },
  unknown: { inField: 1, bytes: UF.fixed32(2, '0000803f'), fieldNo: 2, upstreamMode: 'ordered' },
  order_note: 'upstream_hex carries unknown field 2 in number order between Position fields 1 and 3; a canonical (C++-style) encoder writes preserved unknown fields after all known fields.',
});

// --- rfc5 ---------------------------------------------------------------------------
const CHAT_B64 = b64(Buffer.from(CHAT_PACKET_HEX, 'hex'));
c5({ name: 'empty_ws_packet', description: 'A WsPacket with no oneof member encodes to zero bytes.', json: {} });
c5({
  name: 'welcome_basic',
  description: 'Spec §3.6 example WsWelcome{alias 7, {3 -> "0x1234…5678"}}; bytes asserted by the generator.',
  json: { welcomeMessage: { alias: 7, peerIdentities: { 3: ADDR } } },
  expectHex: '0a320807122e0803122a' + hex(Buffer.from(ADDR)),
});
c5({ name: 'welcome_empty_map', description: 'WsWelcome for the first peer in a room: alias only, empty peer_identities map (nothing written for the map).', json: { welcomeMessage: { alias: 7 } } });
c5({
  name: 'welcome_many_peers',
  description: 'WsWelcome with 5 map entries including alias 4294967295 (max uint32); map entries are written in ascending key order by both encoders.',
  json: {
    welcomeMessage: {
      alias: 12,
      peerIdentities: {
        1: '0x0000000000000000000000000000000000000001',
        2: ADDR2,
        11: ADDR,
        65536: '0x00000000000000000000000000000000000000ff',
        4294967295: '0xffffffffffffffffffffffffffffffffffffffff',
      },
    },
  },
});
c5({
  name: 'welcome_map_default_entry',
  description: 'A peer_identities entry whose key is 0 and whose value is "": map entries always carry key and value in the canonical encoding (08 00 12 00); ts-proto drops the empty value.',
  json: { welcomeMessage: { alias: 1, peerIdentities: { 0: '' } } },
  order_note: 'ts-proto encodes each map entry as a message and skips the default value "" (it still writes key 0 because it passes the key as the string "0"), giving entry 08 00; the canonical encoding (protobufjs, C++, Go) always writes both key and value in a map entry: 08 00 12 00.',
});
c5({ name: 'peer_join_basic', description: 'WsPeerJoin{alias 8, lowercase address} broadcast when a peer joins.', json: { peerJoinMessage: { alias: 8, address: ADDR2 } } });
c5({
  name: 'peer_update_client_unreliable',
  description: 'Spec §3.6 client->server WsPeerUpdate carrying the chat_basic Packet with unreliable=true and from_alias 0 (omitted); bytes asserted.',
  json: { peerUpdateMessage: { body: CHAT_B64, unreliable: true } },
  expectHex: '1a151211' + CHAT_PACKET_HEX + '1801',
});
c5({
  name: 'peer_update_relay_reliable',
  description: 'Spec §3.6 server->peers relay of the chat_basic Packet from alias 7, reliable (unreliable=false is omitted); bytes asserted.',
  json: { peerUpdateMessage: { fromAlias: 7, body: CHAT_B64 } },
  expectHex: '1a1508071211' + CHAT_PACKET_HEX,
});
c5({ name: 'peer_update_empty_body', description: 'WsPeerUpdate from alias 7 with an empty body (omitted on the wire): only 08 07 inside.', json: { peerUpdateMessage: { fromAlias: 7 } } });
c5({ name: 'peer_update_empty_body_unreliable', description: 'WsPeerUpdate with an empty body and unreliable=true.', json: { peerUpdateMessage: { fromAlias: 7, unreliable: true } } });
c5({ name: 'peer_update_max_alias', description: 'WsPeerUpdate.from_alias = 4294967295 (max uint32) with a 3-byte body.', json: { peerUpdateMessage: { fromAlias: 4294967295, body: b64(Buffer.from('586401', 'hex')) } } });
c5({
  name: 'challenge_basic',
  description: 'Spec §3.6 WsChallengeRequired{"dcl-0.4fzyo82mvyr", already_connected=true}; bytes asserted.',
  json: { challengeMessage: { challengeToSign: 'dcl-0.4fzyo82mvyr', alreadyConnected: true } },
  expectHex: '22150a1164636c2d302e34667a796f38326d7679721001',
});
c5({ name: 'challenge_not_already_connected', description: 'WsChallengeRequired with already_connected=false (omitted), the common case.', json: { challengeMessage: { challengeToSign: 'dcl-0.k2j3h4g5f6d' } } });
c5({ name: 'challenge_multibyte', description: 'A challenge string with 2-, 3- and 4-byte UTF-8 characters; its length prefix counts bytes.', json: { challengeMessage: { challengeToSign: 'dcl-ünïcødé-✓-挑战-🔐' } } });
c5({
  name: 'signed_challenge_basic',
  description: 'WsSignedChallenge carrying an AuthChain JSON string (illustrative values, not a valid signature).',
  json: {
    signedChallengeForServer: {
      authChainJson: JSON.stringify([
        { type: 'SIGNER', payload: ADDR, signature: '' },
        { type: 'ECDSA_EPHEMERAL', payload: `Decentraland Login\nEphemeral address: ${ADDR2}\nExpiration: 2030-01-01T00:00:00.000Z`, signature: '0x' + 'ab'.repeat(65) },
        { type: 'ECDSA_SIGNED_ENTITY', payload: 'dcl-0.4fzyo82mvyr', signature: '0x' + 'cd'.repeat(65) },
      ]),
    },
  },
});
c5({ name: 'peer_leave_basic', description: 'WsPeerLeave{alias 8}.', json: { peerLeaveMessage: { alias: 8 } } });
c5({
  name: 'identification_basic',
  description: 'Spec §3.6 WsIdentification for 0x1234567890abcdef1234567890abcdef12345678 (46 bytes); bytes asserted.',
  json: { peerIdentification: { address: ADDR } },
  expectHex: '3a2c0a2a' + hex(Buffer.from(ADDR)),
});
c5({ name: 'kicked_empty_reason', description: 'WsKicked with an empty reason (the pre-2022-11 form): written as 42 00.', json: { peerKicked: {} } });
c5({ name: 'kicked_already_logged_in', description: 'WsKicked{"Already logged in"} as sent by mini-comms on duplicate login.', json: { peerKicked: { reason: 'Already logged in' } } });
c5({ name: 'kicked_world_full', description: 'WsKicked{"This world is full. Try again later."} as sent by ws-room-service at capacity.', json: { peerKicked: { reason: 'This world is full. Try again later.' } } });
const WS_EMPTY = [['welcomeMessage', 1], ['peerJoinMessage', 2], ['peerUpdateMessage', 3], ['challengeMessage', 4], ['signedChallengeForServer', 5], ['peerLeaveMessage', 6], ['peerIdentification', 7]];
for (const [member, num] of WS_EMPTY) {
  const snake = member.replace(/[A-Z]/g, (m) => '_' + m.toLowerCase());
  const t = (num * 8 + 2).toString(16).padStart(2, '0');
  c5({ name: `${snake}_empty`, description: `The oneof member ${snake} (field ${num}) set to an all-default sub-message: written as ${t} 00 and decoded as present.`, json: { [member]: {} } });
}
c5({
  name: 'unknown_field_9',
  description: 'WsPeerLeave{alias 7} followed by an unknown length-delimited field 9 (a hypothetical future oneof member): decoders must skip it.',
  json: { peerLeaveMessage: { alias: 7 } },
  unknown: { bytes: UF.len(9, '0801') },
});
c5({
  name: 'peer_update_unknown_field_4',
  description: 'WsPeerUpdate carrying an unknown varint field 4 after its known fields: the server relay must not choke on it.',
  json: { peerUpdateMessage: { fromAlias: 7, body: CHAT_B64, unreliable: true } },
  unknown: { inField: 3, bytes: UF.varint(4, 1), fieldNo: 4 },
});

// ---------------------------------------------------------------------------
function buildCase(c, ver) {
  const reflect = lib.reflectType(c.schema);
  const T = lib.upstreamType(c.schema);
  const json = normalize(reflect, c.json, `${c.schema}/${c.name}`);

  // Upstream (ts-proto) encoding.
  const value = c.upstreamValue ? c.upstreamValue(json, T) : T.fromJSON(json);
  const upstreamKnown = Buffer.from(T.encode(value).finish());

  // Canonical encoding (protobufjs reflection: fields sorted by number, every
  // explicitly present field written, map entries always with key and value).
  const msg = reflect.fromObject(json);
  const verr = reflect.verify(msg);
  if (verr) throw new Error(`protobufjs verify: ${verr}`);
  const canonicalKnown = Buffer.from(reflect.encode(msg).finish());

  let upstreamBytes = upstreamKnown;
  let canonicalBytes = canonicalKnown;
  if (c.unknown) {
    const u = c.unknown;
    const inField = u.inField === undefined ? null : u.inField;
    upstreamBytes = insertUnknown(upstreamKnown, u.bytes, inField, u.upstreamMode || 'end', u.fieldNo);
    canonicalBytes = insertUnknown(canonicalKnown, u.bytes, inField, 'end', u.fieldNo);
  }
  const upstreamHex = hex(upstreamBytes);
  const canonicalHex = hex(canonicalBytes);
  const fail = (m) => {
    throw new Error(`${c.schema}/${c.name}: ${m}`);
  };

  if (c.expectHex !== undefined && canonicalHex !== c.expectHex) fail(`canonical_hex ${canonicalHex} != spec ${c.expectHex}`);
  if (c.expectHex !== undefined && upstreamHex !== c.expectHex) fail(`upstream_hex ${upstreamHex} != spec ${c.expectHex}`);
  if (c.expectSize !== undefined && (upstreamBytes.length !== c.expectSize || canonicalBytes.length !== c.expectSize))
    fail(`size upstream ${upstreamBytes.length} / canonical ${canonicalBytes.length} != ${c.expectSize}`);
  if ((upstreamHex !== canonicalHex) !== !!c.order_note)
    fail(upstreamHex !== canonicalHex ? `upstream differs from canonical but no order_note:\n  upstream  ${upstreamHex}\n  canonical ${canonicalHex}` : 'order_note given but upstream == canonical');

  // Check 1: upstream decode of upstream_hex equals the value.
  const decUp = lib.upstreamDecode(c.schema, upstreamBytes);
  if (c.expectUpstreamDecodeError) {
    if (decUp.error !== c.expectUpstreamDecodeError) fail(`expected upstream decode error "${c.expectUpstreamDecodeError}", got ${decUp.error ? `"${decUp.error}"` : 'success'}`);
  } else {
    if (decUp.error) fail(`upstream decode of upstream_hex threw: ${decUp.error}`);
    if (c.upstreamDecodeLossy) {
      // The documented precision loss: the decoded value must differ from the value
      // exactly in the listed members.
      const expected = T.fromJSON(json);
      for (const [member, fields] of Object.entries(c.upstreamDecodeLossy)) Object.assign(expected.message[member], fields);
      const d = diff(decUp.ok, expected);
      if (d) fail(`upstream decode (documented lossy) mismatch: ${d}`);
      if (!diff(decUp.ok, value)) fail('upstreamDecodeLossy declared but decode is exact');
    } else {
      const d = diff(decUp.ok, value);
      if (d) fail(`upstream decode of upstream_hex != value: ${d}`);
    }
  }

  // Check 2: upstream decode of canonical_hex equals upstream decode of upstream_hex
  // (0 == -0 here); and, sign of zero included, equals the value built from JSON.
  const decCan = lib.upstreamDecode(c.schema, canonicalBytes);
  if (decUp.error || decCan.error) {
    if (decUp.error !== decCan.error) fail(`upstream decode: upstream_hex -> ${decUp.error || 'ok'}, canonical_hex -> ${decCan.error || 'ok'}`);
  } else {
    const d = diff(decCan.ok, decUp.ok);
    if (d) fail(`upstream decode of canonical_hex != of upstream_hex: ${d}`);
    if (!c.upstreamDecodeLossy) {
      const d2 = diff(decCan.ok, T.fromJSON(json), { zeroSign: true });
      if (d2 && !c.upstreamValue) fail(`upstream decode of canonical_hex != fromJSON(json) (sign of zero checked): ${d2}`);
    }
  }

  // Check 3: protobufjs decode of upstream_hex, toObject, equals "json" (modulo the
  // -0 values upstream skips); protobufjs decode of canonical_hex equals it exactly.
  const pjUp = reflect.toObject(reflect.decode(upstreamBytes), TO_OBJECT_OPTS);
  const d3 = diff(pjUp, dropNegativeZero(json), { zeroSign: true });
  if (d3) fail(`protobufjs decode of upstream_hex != json: ${d3}`);
  const pjCan = reflect.toObject(reflect.decode(canonicalBytes), TO_OBJECT_OPTS);
  const d4 = diff(pjCan, json, { zeroSign: true });
  if (d4) fail(`protobufjs decode of canonical_hex != json: ${d4}`);
  // And canonical re-encode of the decoded canonical bytes is stable.
  if (hex(reflect.encode(reflect.decode(canonicalKnown)).finish()) !== hex(canonicalKnown)) fail('canonical re-encode not stable');

  // The JSON text must round-trip through JSON.parse (incl. -0).
  const text = stringify(json);
  if (diff(JSON.parse(text), json, { zeroSign: true })) fail('JSON text does not round-trip');

  const out = {
    name: c.name,
    schema: c.schema,
    description: c.description,
    json,
    upstream_hex: upstreamHex,
    canonical_hex: canonicalHex,
  };
  if (c.order_note) out.order_note = c.order_note;
  if (c.unknown) {
    out.unknown_fields_hex = hex(c.unknown.bytes);
    out.canonical_hex_without_unknown = hex(canonicalKnown);
  }
  out.upstream_decode = decUp.error ? `error: ${decUp.error}` : 'ok';
  out.source = `@dcl/protocol@${ver.upstream} (ts-proto) + protobufjs@${ver.protobufjs} reflection`;
  return out;
}

function main() {
  const args = process.argv.slice(2);
  let outDir = path.resolve(__dirname, '../../fixtures/golden');
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') outDir = path.resolve(args[++i]);
    else {
      console.error(`usage: node generate.js [--out DIR]`);
      process.exit(2);
    }
  }
  const ver = lib.versions();
  const cases = [...RFC4, ...RFC5];
  const names = new Set();
  const results = [];
  let failed = 0;
  for (const c of cases) {
    const key = `${c.schema}/${c.name}`;
    if (!/^[a-z0-9_]+$/.test(c.name)) throw new Error(`bad case name ${key}`);
    // Names are unique across both schemas (check_upstream_decode.js prints bare names).
    if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    names.add(c.name);
    try {
      results.push(buildCase(c, ver));
    } catch (e) {
      failed++;
      console.error(`FAIL ${e.message}`);
    }
  }
  if (failed) {
    console.error(`${failed} case(s) failed their self-checks; nothing written`);
    process.exit(1);
  }
  for (const schema of ['rfc4', 'rfc5']) {
    const dir = path.join(outDir, schema);
    fs.mkdirSync(dir, { recursive: true });
    const keep = new Set(results.filter((r) => r.schema === schema).map((r) => `${r.name}.json`));
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.json') && !keep.has(f)) fs.unlinkSync(path.join(dir, f));
    }
  }
  let differ = 0;
  for (const r of results) {
    fs.writeFileSync(path.join(outDir, r.schema, `${r.name}.json`), stringify(r) + '\n');
    if (r.order_note) differ++;
  }
  console.log(`wrote ${results.length} cases (${RFC4.length} rfc4, ${RFC5.length} rfc5; ${differ} where upstream != canonical) to ${outDir}`);
}

main();
