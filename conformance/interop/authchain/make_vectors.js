#!/usr/bin/env node
// Writes fixtures/authchain/vectors.json: personal_sign, address and AuthChain vectors made by two
// independent upstream implementations (ethers 6.17.0 and @dcl/crypto 3.7.0), plus the verdicts of
// @dcl/crypto's validateSignature on good and deliberately broken chains. The C++ tests in
// reference/auth/test/ require byte-identical signatures/chains from our implementation and the same
// verdicts (except where docs/authchain.md documents a deliberate difference).
//
// Deterministic: fixed keys, fixed messages, a fixed expiration and fixed validation times; nothing
// from the wall clock reaches the output. Run: `npm ci && node make_vectors.js` (see
// fixtures/authchain/README.md).
'use strict';

process.env.TZ = 'UTC'; // Date.parse of zone-less ISO strings is local time; pin it.

const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { ethers } = require('ethers');
const { Authenticator } = require('@dcl/crypto');

const OUT = path.resolve(__dirname, '../../../fixtures/authchain/vectors.json');
const SEEDS = path.resolve(__dirname, '../../../fixtures/fuzz/auth_chain');

const EXPIRATION_ISO = '2030-01-01T00:00:00.000Z';
const EXPIRATION_MS = Date.parse(EXPIRATION_ISO);
const NOW_VALID_MS = Date.parse('2029-06-01T00:00:00.000Z');
const NOW_EXPIRED_MS = Date.parse('2031-01-01T00:00:00.000Z');
const SECP256K1_N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

function key32(n) {
  return '0x' + n.toString(16).padStart(64, '0');
}
// Extra keys derived from fixed labels, so the set is large but reproducible.
function derived_key(label) {
  return ethers.keccak256(ethers.toUtf8Bytes('dclcomms-authchain-vector:' + label));
}

const KEYS = [
  key32(1n),
  key32(2n),
  key32(3n),
  '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318',
  key32(SECP256K1_N - 1n), // the largest valid key
  ...Array.from({ length: 11 }, (_, i) => derived_key('key-' + i)),
];

// A tiny deterministic generator (xorshift32) for pseudo-random messages.
function prng(seed) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}
function random_message(seed) {
  const next = prng(seed);
  const alphabet = ['a', 'Z', '0', ' ', '\n', '\r', '\t', ':', '{', '"', '\\', 'é', 'ß', '✓', '€', '中', '🚀', '\u0000', '\u007f'];
  const len = next() % 40;
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[next() % alphabet.length];
  return s;
}

const MESSAGES = [
  '',
  'Some data',
  'hello',
  'a',
  ' ',
  '0',
  '0xdeadbeef',
  '0x',
  'line one\nline two',
  'crlf\r\nline',
  '\n',
  'héllo wörld ✓ 🚀',
  '中文消息',
  'emoji only 🚀🚀🚀',
  'nul\u0000inside',
  'x'.repeat(1000),
  'y'.repeat(99),
  'z'.repeat(100),
  '\u0019Ethereum Signed Message:\n5hello',
  'dcl-0.interoptestvector',
  'dcl-0.4fzyo82mvyr',
  'Decentraland Login\nEphemeral address: 0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF\nExpiration: 2030-01-01T00:00:00.000Z',
  'post:/worlds/boedo.dcl.eth/comms:1758790000000:{"intent":"dcl:explorer:comms-handshake","signer":"dcl:explorer","isguest":false,"origin":"https://worlds-content-server.decentraland.org"}',
  '{"json":true,"n":[1,2,3]}',
  'tab\tseparated\tvalues',
  'trailing newline\n',
  ...Array.from({ length: 14 }, (_, i) => random_message(0x9e3779b9 + i * 7919)),
];

function wallet(key) {
  return new ethers.Wallet(key);
}
function identity(key) {
  const w = wallet(key);
  return {
    privateKey: key,
    publicKey: '0x' + w.signingKey.publicKey.slice(4), // 64 bytes, no 04 prefix
    address: w.address,
  };
}

// ---- addresses ------------------------------------------------------------------------------
const addresses = KEYS.map((k) => ({ private_key: k, address: wallet(k).address }));

// ---- keccak256 ------------------------------------------------------------------------------
const keccak = ['', 'abc', 'Some data', 'x'.repeat(135), 'x'.repeat(136), 'x'.repeat(137), 'héllo 🚀'].map((s) => ({
  input_utf8: s,
  hash: ethers.keccak256(ethers.toUtf8Bytes(s)),
}));

// ---- personal_sign --------------------------------------------------------------------------
const personal_sign = [];
MESSAGES.forEach((message, i) => {
  const key = KEYS[i % KEYS.length];
  const w = wallet(key);
  const signature = w.signMessageSync(message);
  // Two independent libraries must agree before we trust the vector.
  assert.strictEqual(Authenticator.createSignature(identity(key), message), signature, 'ethers vs @dcl/crypto');
  assert.strictEqual(ethers.verifyMessage(message, signature), w.address);
  personal_sign.push({
    private_key: key,
    address: w.address,
    message,
    message_byte_length: ethers.toUtf8Bytes(message).length,
    hash: ethers.hashMessage(message),
    signature,
  });
});

// ---- AuthChains from @dcl/crypto -------------------------------------------------------------
// initializeAuthChain computes the expiration as new Date() + minutes; pin "new Date()" to an hour
// before the fixed expiration while it runs so the output never depends on the wall clock.
async function init_chain(owner_key, ephemeral_key) {
  const RealDate = global.Date;
  const pinned = EXPIRATION_MS - 60 * 60 * 1000;
  class PinnedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(pinned);
      else super(...args);
    }
    static now() { return pinned; }
  }
  global.Date = PinnedDate;
  try {
    const owner = identity(owner_key);
    // Our SIGNER payload is the owner address in lowercase (servers normalise to it).
    const auth = await Authenticator.initializeAuthChain(owner.address.toLowerCase(), identity(ephemeral_key), 60,
      async (message) => Authenticator.createSignature(owner, message));
    assert.strictEqual(auth.expiration.toISOString(), EXPIRATION_ISO);
    return auth;
  } finally {
    global.Date = RealDate;
  }
}

async function verdict(expected, chain, now) {
  const r = await Authenticator.validateSignature(expected, chain, null, now);
  return { expected, now_ms: now, ok: r.ok, upstream_message: r.message || '' };
}

const SIGNED_FETCH_PAYLOAD =
  'post:/worlds/boedo.dcl.eth/comms:1758790000000:{"intent":"dcl:explorer:comms-handshake","signer":"dcl:explorer","isguest":false,"origin":"https://worlds-content-server.decentraland.org"}';

const CHAIN_CASES = [
  { name: 'interop_ws_room_challenge', owner: key32(1n), ephemeral: key32(2n), payload: 'dcl-0.interoptestvector' },
  { name: 'signed_fetch_comms_handshake', owner: key32(1n), ephemeral: key32(2n), payload: SIGNED_FETCH_PAYLOAD },
  { name: 'ws_room_challenge_other_keys', owner: KEYS[3], ephemeral: KEYS[5], payload: 'dcl-0.4fzyo82mvyr' },
  { name: 'utf8_payload', owner: KEYS[6], ephemeral: KEYS[7], payload: 'héllo wörld ✓ 🚀' },
  { name: 'empty_payload', owner: KEYS[8], ephemeral: KEYS[9], payload: '' },
  { name: 'entity_id_payload', owner: KEYS[10], ephemeral: KEYS[4], payload: 'bafkreigdkxs3hbzbxpdvq2mpnmqkuv6spd7hyqzufwabhxujkrhmbgtwqe' },
];

function with_link(chain, index, changes) {
  return chain.map((l, i) => (i === index ? { ...l, ...changes } : { ...l }));
}
function malleate(signature) {
  // (r, s, v) -> (r, n - s, v ^ 1): the same signature in high-s form.
  const hex = signature.slice(2);
  const r = hex.slice(0, 64);
  const s = BigInt('0x' + hex.slice(64, 128));
  const v = parseInt(hex.slice(128, 130), 16);
  const s2 = (SECP256K1_N - s).toString(16).padStart(64, '0');
  const v2 = (v === 27 ? 28 : 27).toString(16);
  return '0x' + r + s2 + v2;
}
function set_v(signature, v) {
  return signature.slice(0, 130) + v.toString(16).padStart(2, '0');
}

async function main() {
  const chains = [];
  const negative = [];
  for (const c of CHAIN_CASES) {
    const auth = await init_chain(c.owner, c.ephemeral);
    const chain = Authenticator.signPayload(auth, c.payload);
    chains.push({
      name: c.name,
      owner_key: c.owner,
      ephemeral_key: c.ephemeral,
      expiration_ms: EXPIRATION_MS,
      expiration_iso: EXPIRATION_ISO,
      payload: c.payload,
      chain,
      json: JSON.stringify(chain),
      link_json: chain.map((l) => JSON.stringify(l)),
      verdicts: [
        await verdict(c.payload, chain, NOW_VALID_MS),
        await verdict(c.payload, chain, NOW_EXPIRED_MS),
        await verdict(c.payload.toUpperCase() === c.payload ? c.payload + 'x' : c.payload.toUpperCase(), chain, NOW_VALID_MS),
      ],
    });
  }

  // Broken and unusual variants of the interop chain, each with upstream's verdict.
  const base = chains[0].chain;
  const payload = chains[0].payload;
  const owner = identity(key32(1n));
  const eph = identity(key32(2n));
  const add = async (name, chain, expected = payload, now = NOW_VALID_MS) =>
    negative.push({ name, chain, ...(await verdict(expected, chain, now)) });

  await add('baseline', base);
  await add('expired', base, payload, NOW_EXPIRED_MS);
  await add('expiration_equals_now', base, payload, EXPIRATION_MS);
  await add('expiration_one_ms_later', base, payload, EXPIRATION_MS - 1);
  await add('wrong_final_payload', base, 'dcl-0.somethingelse');
  await add('final_payload_case_differs', base, payload.toUpperCase());
  await add('tampered_entity_signature', with_link(base, 2, { signature: base[2].signature.slice(0, 10) + (base[2].signature[10] === 'a' ? 'b' : 'a') + base[2].signature.slice(11) }));
  await add('tampered_entity_payload', with_link(base, 2, { payload: payload + 'x' }));
  await add('tampered_ephemeral_payload', with_link(base, 1, { payload: base[1].payload.replace('2030', '2031') }));
  await add('missing_signer', base.slice(1));
  await add('signer_not_first', [base[1], base[0], base[2]]);
  await add('second_signer', [base[0], base[0], base[1], base[2]]);
  await add('wrong_signer_address', with_link(base, 0, { payload: identity(key32(3n)).address.toLowerCase() }));
  await add('signer_address_checksummed', with_link(base, 0, { payload: owner.address }));
  await add('signer_address_uppercase_hex', with_link(base, 0, { payload: '0x' + owner.address.slice(2).toUpperCase() }));
  await add('ephemeral_address_lowercase', (() => {
    const p = Authenticator.getEphemeralMessage(eph.address.toLowerCase(), new Date(EXPIRATION_MS));
    const l1 = { type: 'ECDSA_EPHEMERAL', payload: p, signature: Authenticator.createSignature(owner, p) };
    return [base[0], l1, base[2]];
  })());
  await add('ephemeral_payload_crlf_signed_over_lf', with_link(base, 1, { payload: base[1].payload.replace(/\n/g, '\r\n') }));
  await add('ephemeral_payload_crlf_signed_over_crlf', (() => {
    const p = base[1].payload.replace(/\n/g, '\r\n');
    return with_link(base, 1, { payload: p, signature: Authenticator.createSignature(owner, p) });
  })());
  await add('entity_payload_crlf_signed_over_crlf', (() => {
    const p = 'line1\r\nline2';
    return with_link(base, 2, { payload: p, signature: Authenticator.createSignature(eph, p) });
  })(), 'line1\r\nline2');
  await add('entity_payload_crlf_signed_over_lf', (() => {
    const p = 'line1\r\nline2';
    return with_link(base, 2, { payload: p, signature: Authenticator.createSignature(eph, 'line1\nline2') });
  })(), 'line1\r\nline2');
  await add('ephemeral_signature_v0_v1', with_link(base, 1, { signature: set_v(base[1].signature, parseInt(base[1].signature.slice(130), 16) - 27) }));
  await add('entity_signature_v0_v1', with_link(base, 2, { signature: set_v(base[2].signature, parseInt(base[2].signature.slice(130), 16) - 27) }));
  await add('entity_signature_v29', with_link(base, 2, { signature: set_v(base[2].signature, 29) }));
  await add('entity_signature_v2', with_link(base, 2, { signature: set_v(base[2].signature, 2) }));
  await add('entity_signature_v37_eip155', with_link(base, 2, { signature: set_v(base[2].signature, 37) }));
  await add('ephemeral_signature_high_s', with_link(base, 1, { signature: malleate(base[1].signature) }));
  await add('entity_signature_high_s', with_link(base, 2, { signature: malleate(base[2].signature) }));
  await add('entity_signature_uppercase_hex', with_link(base, 2, { signature: '0x' + base[2].signature.slice(2).toUpperCase() }));
  await add('entity_signature_short', with_link(base, 2, { signature: base[2].signature.slice(0, 130) }));
  await add('entity_signature_long', with_link(base, 2, { signature: base[2].signature + '00' }));
  await add('entity_signature_no_0x', with_link(base, 2, { signature: base[2].signature.slice(2) + '00' }));
  await add('entity_signature_non_hex', with_link(base, 2, { signature: base[2].signature.slice(0, 20) + 'zz' + base[2].signature.slice(22) }));
  await add('ephemeral_payload_four_lines', (() => {
    const p = base[1].payload + '\nextra line';
    return with_link(base, 1, { payload: p, signature: Authenticator.createSignature(owner, p) });
  })());
  await add('ephemeral_payload_missing_expiration', (() => {
    const p = `Decentraland Login\nEphemeral address: ${eph.address}`;
    return with_link(base, 1, { payload: p, signature: Authenticator.createSignature(owner, p) });
  })());
  await add('ephemeral_payload_bad_expiration', (() => {
    const p = `Decentraland Login\nEphemeral address: ${eph.address}\nExpiration: soon`;
    return with_link(base, 1, { payload: p, signature: Authenticator.createSignature(owner, p) });
  })());
  await add('ephemeral_payload_other_purpose_line', (() => {
    const p = `Some other purpose\nEphemeral address: ${eph.address}\nExpiration: ${EXPIRATION_ISO}`;
    return with_link(base, 1, { payload: p, signature: Authenticator.createSignature(owner, p) });
  })());
  await add('ephemeral_payload_wrong_label_case', (() => {
    const p = `Decentraland Login\nephemeral address: ${eph.address}\nExpiration: ${EXPIRATION_ISO}`;
    return with_link(base, 1, { payload: p, signature: Authenticator.createSignature(owner, p) });
  })());
  await add('owner_signs_entity_directly', (() => {
    return [base[0], { type: 'ECDSA_SIGNED_ENTITY', payload, signature: Authenticator.createSignature(owner, payload) }];
  })());
  await add('two_ephemeral_hops', (() => {
    const eph2 = identity(key32(3n));
    const p = Authenticator.getEphemeralMessage(eph2.address, new Date(EXPIRATION_MS));
    const hop = { type: 'ECDSA_EPHEMERAL', payload: p, signature: Authenticator.createSignature(eph, p) };
    const fin = { type: 'ECDSA_SIGNED_ENTITY', payload, signature: Authenticator.createSignature(eph2, payload) };
    return [base[0], base[1], hop, fin];
  })());
  await add('entity_signed_by_owner_not_ephemeral', with_link(base, 2, { signature: Authenticator.createSignature(owner, payload) }));
  await add('eip1654_signed_entity_no_provider', with_link(base, 2, { type: 'ECDSA_EIP_1654_SIGNED_ENTITY' }));
  await add('eip1654_ephemeral_no_provider', with_link(base, 1, { type: 'ECDSA_EIP_1654_EPHEMERAL' }));
  await add('long_type_names', [base[0], { ...base[1], type: 'ECDSA_PERSONAL_EPHEMERAL' }, { ...base[2], type: 'ECDSA_PERSONAL_SIGNED_ENTITY' }]);
  await add('signer_only_expected_address', [base[0]], base[0].payload);
  await add('signer_only_expected_challenge', [{ type: 'SIGNER', payload, signature: '' }], payload);

  // ---- Date.parse on expiration strings ------------------------------------------------------
  const ISO = [
    EXPIRATION_ISO, '2026-09-25T13:00:19.730Z', '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z',
    '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2028-02-29T12:34:56.789Z', '2100-03-01T00:00:00.000Z',
    '2030-01-01T00:00:00Z', '2030-01-01T00:00:00.1Z', '2030-01-01T00:00:00.12Z', '2030-01-01T00:00:00.1234Z',
    '2030-01-01T00:00:00.000+00:00', '2030-01-01T00:00:00.000', '2030-01-01', '2030-01-01T00:00Z',
    '2030-02-29T00:00:00.000Z', '2030-02-30T00:00:00.000Z', '2030-04-31T00:00:00.000Z', '2030-01-01T24:00:00.000Z',
    '2030-01-01T23:59:60.000Z', '+002030-01-01T00:00:00.000Z', '2030-01-01t00:00:00.000z', '2030-01-01 00:00:00Z',
    'Tue, 01 Jan 2030 00:00:00 GMT', '2030-1-1T00:00:00.000Z', '2030-13-01T00:00:00.000Z', '2030-00-01T00:00:00.000Z',
    '2030-01-00T00:00:00.000Z', '2030-01-01T00:00:00.000 Z', ' 2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.Z',
    '', 'soon',
  ].map((text) => {
    const v = Date.parse(text);
    return { text, date_parse_ms: Number.isNaN(v) ? null : v };
  });

  const out = {
    generated_by: 'conformance/interop/authchain/make_vectors.js',
    upstream: { '@dcl/crypto': '3.7.0', ethers: '6.17.0' },
    expiration_iso: EXPIRATION_ISO,
    expiration_ms: EXPIRATION_MS,
    now_valid_ms: NOW_VALID_MS,
    now_expired_ms: NOW_EXPIRED_MS,
    keccak256: keccak,
    addresses,
    personal_sign,
    chains,
    verdicts: negative,
    iso8601: ISO,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(out, null, 1) + '\n');
  // Seed corpus for fuzz_auth_chain: every chain above as JSON text, plus a few malformed shapes.
  fs.mkdirSync(SEEDS, { recursive: true });
  const seeds = {};
  chains.forEach((c) => { seeds['chain_' + c.name] = c.json; });
  negative.forEach((n) => { seeds['verdict_' + n.name] = JSON.stringify(n.chain); });
  Object.assign(seeds, {
    malformed_empty_array: '[]',
    malformed_object: '{"type":"SIGNER","payload":"0x7e5f4552091a69125d5dfcb7b8c2659029395bdf","signature":""}',
    malformed_null_signature: '[{"type":"SIGNER","payload":"0x7e5f4552091a69125d5dfcb7b8c2659029395bdf","signature":null},{"type":"ECDSA_SIGNED_ENTITY","payload":"x","signature":null}]',
    malformed_unknown_type: '[{"type":"SIGNER","payload":"0x7e5f4552091a69125d5dfcb7b8c2659029395bdf","signature":""},{"type":"ECDSA_MYSTERY","payload":"x","signature":"0x"}]',
    malformed_nested: '[[[{"type":"SIGNER"}]]]',
    malformed_truncated: chains[0].json.slice(0, 100),
  });
  for (const [name, text] of Object.entries(seeds)) fs.writeFileSync(path.join(SEEDS, name + '.json'), text);
  console.log(`wrote ${OUT}: ${personal_sign.length} personal_sign, ${addresses.length} addresses, ` +
    `${chains.length} chains, ${negative.length} verdicts, ${ISO.length} iso8601`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
