#!/usr/bin/env node
// Writes fixtures/livekit/tokens.json: LiveKit access tokens minted by the official
// livekit-server-sdk (pinned in package.json), valid ones and negative cases, with the verdict of
// the SDK's own TokenVerifier for each. dclcomms' C++ token checks are tested against this file,
// so CI needs no node for them.
//
// Determinism: the SDK stamps the current time (`setNotBefore(new Date())`, exp = now + ttl, via
// jose). We run it under a fixed clock instead of post-processing its output: global `Date` is
// replaced by a subclass whose `new Date()` and `Date.now()` return the instant we choose. Every
// token here is therefore signed by the SDK itself, byte for byte reproducible, and the file is
// identical on every run (HS256 is deterministic).
//
// Usage: node make_tokens.js [OUTPUT]   (default: ../../../fixtures/livekit/tokens.json)
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const RealDate = Date;
let fixedMs = 0;
class FixedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(fixedMs);
    else super(...args);
  }
  static now() {
    return fixedMs;
  }
}
globalThis.Date = FixedDate;

const { AccessToken, TokenVerifier, TrackSource } = require('livekit-server-sdk');

const API_KEY = 'APIdclcommsTest';
const API_SECRET = 'dclcomms-livekit-test-secret-0123456789abcdef';
const OTHER_KEY = 'APIsomebodyElse';
const OTHER_SECRET = 'not-the-secret-the-server-knows-0123456789';
const T0 = 1790000000; // 2026-09-21T12:53:20Z, the fixed "now" of every check
const ALICE = '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf';
const BOB = '0x2b5ad5c4795c026514f8317c7a215e218dccd6cf';

// The grant Archipelago / worlds / comms-gatekeeper issue (spec §6.2).
const decentralandGrant = (room) => ({
  roomJoin: true,
  room,
  roomList: false,
  canPublish: true,
  canSubscribe: true,
  canPublishData: true,
  canUpdateOwnMetadata: true,
  canPublishSources: [TrackSource.MICROPHONE], // the SDK writes "microphone"
});

async function mint({ key = API_KEY, secret = API_SECRET, at = T0, identity, ttl, name, metadata, grant }) {
  fixedMs = at * 1000;
  const options = {};
  if (identity !== undefined) options.identity = identity;
  if (ttl !== undefined) options.ttl = ttl;
  if (name !== undefined) options.name = name;
  if (metadata !== undefined) options.metadata = metadata;
  const token = new AccessToken(key, secret, options);
  if (grant !== undefined) token.addGrant(grant);
  return token.toJwt();
}

async function sdkVerdict(token, checkAt) {
  fixedMs = checkAt * 1000;
  try {
    await new TokenVerifier(API_KEY, API_SECRET).verify(token, 0);
    return 'ok';
  } catch (e) {
    return e.code || String(e.message);
  }
}

// expect: "ok" or the snake_case name of dclcomms::livekit::TokenErrorCode, when checked with
// API_KEY/API_SECRET at check_at with no leeway. expect_without_secret: the same check with no
// key/secret (structure, times and grants only).
const CASES = [
  { name: 'valid_island', note: 'Archipelago-style island token, 5 min TTL',
    mint: { identity: ALICE, ttl: 300, grant: decentralandGrant('I1') }, check_at: T0 + 1, expect: 'ok' },
  { name: 'valid_scene_room_with_name_and_metadata', note: 'comms-gatekeeper-style scene room, name and metadata',
    mint: { identity: BOB, ttl: 300, name: 'bob', metadata: '{"lambdasEndpoint":"https://peer.decentraland.org/lambdas"}',
            grant: decentralandGrant('scene-prefix-main:bafkreiexample') },
    check_at: T0 + 299, expect: 'ok' },
  { name: 'valid_minimal_grant', note: 'only the grants a comms transport needs',
    mint: { identity: ALICE, ttl: 60, grant: { roomJoin: true, room: 'plaza', canPublishData: true, canSubscribe: true } },
    check_at: T0, expect: 'ok' },
  { name: 'valid_default_ttl', note: 'SDK default TTL (6 h)',
    mint: { identity: ALICE, grant: decentralandGrant('I1') }, check_at: T0 + 6 * 3600 - 1, expect: 'ok' },
  { name: 'expired', note: 'minted an hour earlier with a 5 min TTL',
    mint: { identity: ALICE, ttl: 300, at: T0 - 3600, grant: decentralandGrant('I1') }, check_at: T0, expect: 'expired' },
  { name: 'expired_at_exp', note: 'checked at exactly exp: expired (RFC 7519: now must be before exp)',
    mint: { identity: ALICE, ttl: 300, grant: decentralandGrant('I1') }, check_at: T0 + 300, expect: 'expired' },
  { name: 'not_yet_valid', note: 'minted an hour in the future (nbf = mint time)',
    mint: { identity: ALICE, ttl: 300, at: T0 + 3600, grant: decentralandGrant('I1') }, check_at: T0, expect: 'not_yet_valid' },
  { name: 'wrong_secret', note: 'signed with a secret the server does not know',
    mint: { identity: ALICE, ttl: 300, secret: OTHER_SECRET, grant: decentralandGrant('I1') },
    check_at: T0, expect: 'bad_signature', expect_without_secret: 'ok' },
  { name: 'wrong_api_key', note: 'right secret, but iss is another API key',
    mint: { identity: ALICE, ttl: 300, key: OTHER_KEY, grant: decentralandGrant('I1') },
    check_at: T0, expect: 'wrong_issuer', expect_without_secret: 'ok' },
  { name: 'missing_grant', note: 'no video grant at all',
    mint: { identity: ALICE, ttl: 300 }, check_at: T0, expect: 'no_video_grant' },
  { name: 'can_publish_data_false', note: 'a listen-only token: a comms transport cannot send',
    mint: { identity: ALICE, ttl: 300, grant: { ...decentralandGrant('I1'), canPublishData: false } },
    check_at: T0, expect: 'cannot_publish_data' },
  { name: 'can_subscribe_false', note: 'a publish-only token: a comms transport cannot receive',
    mint: { identity: ALICE, ttl: 300, grant: { ...decentralandGrant('I1'), canSubscribe: false } },
    check_at: T0, expect: 'cannot_subscribe' },
  { name: 'no_room', note: 'roomJoin without a room name',
    mint: { identity: ALICE, ttl: 300, grant: { roomJoin: true, canPublishData: true, canSubscribe: true } },
    check_at: T0, expect: 'missing_room' },
  { name: 'room_join_false', note: 'a room-admin style grant without roomJoin',
    mint: { identity: ALICE, ttl: 300, grant: { ...decentralandGrant('I1'), roomJoin: false } },
    check_at: T0, expect: 'room_join_not_granted' },
  { name: 'no_identity', note: 'the SDK only allows a missing identity when roomJoin is not granted',
    mint: { ttl: 300, grant: { room: 'I1', canPublishData: true, canSubscribe: true } },
    check_at: T0, expect: 'missing_identity' },
];

async function main() {
  const output = process.argv[2] || path.join(__dirname, '..', '..', '..', 'fixtures', 'livekit', 'tokens.json');
  const cases = [];
  for (const c of CASES) {
    const token = await mint(c.mint);
    cases.push({
      name: c.name,
      note: c.note,
      token,
      check_at: c.check_at,
      expect: c.expect,
      expect_without_secret: c.expect_without_secret || c.expect,
      sdk_verifier: await sdkVerdict(token, c.check_at),
    });
  }
  globalThis.Date = RealDate;
  const sdkVersion = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', 'livekit-server-sdk', 'package.json'), 'utf8')).version;
  const doc = {
    generator: 'conformance/interop/livekit/make_tokens.js',
    sdk: `livekit-server-sdk@${sdkVersion}`,
    api_key: API_KEY,
    api_secret: API_SECRET,
    leeway_seconds: 0,
    cases,
  };
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${cases.length} tokens to ${output}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
