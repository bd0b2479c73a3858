#!/usr/bin/env node
// signed-login (ADR-180 + ADR-44 signed fetch) interop tests of dclcomms against the real upstream
// npm peers:
//   a) our C++ client (`dclcomms connect signed-login:…`) against an endpoint built on the upstream
//      verifier (@dcl/platform-crypto-middleware `verify`), which hands out our ws-room server;
//   b) the upstream client (decentraland-crypto-fetch `signedFetch`, identities from @dcl/crypto)
//      against our endpoint (`dclcomms signed-login serve`); the same crafted requests also go to
//      the upstream verifier, which must give the same verdict;
//   c) end to end: signed-login -> ws-room, on our ws-room server and on @dcl/mini-comms: two C++
//      clients meet and exchange a chat attributed to the sender's address.
//
// Usage: node interop_test.js --dclcomms <path to the dclcomms binary> [--verbose]
// Prints `ok <name>` or `FAIL <name>: <why>` per check, then `N passed, M failed`; exit 1 if any
// failed. Every server and client process is started on 127.0.0.1, remembered by PID and stopped by
// PID at the end (also on failure and on the global watchdog). Every wait is bounded.
'use strict';

const http = require('http');
const harness = require('../lib/harness');
const { WAIT_MS, requirePeer, debug, keyFor, assert, assertDeepEqual, EventLog } = harness;
const { DclcommsServer, DclcommsClient, MiniComms, track, runSectionChecks, run } = harness;

harness.init({ dir: __dirname, require });
const { verify } = requirePeer('@dcl/platform-crypto-middleware');
const createAuthChainHeaders = requirePeer('@dcl/platform-crypto-middleware/dist/createAuthChainHeader').default;
const signedFetch = requirePeer('decentraland-crypto-fetch').default;
const { Authenticator } = requirePeer('@dcl/crypto');
const dclCrypto = requirePeer('@dcl/crypto/dist/crypto'); // ethSign, recoverPublicKey, computeAddress, createUnsafeIdentity

// The whole run, a hang catcher; one check: harness.CHECK_MS, one expected event: WAIT_MS. Below the
// ctest TIMEOUT (900 s, CMakeLists.txt) so that the harness itself stops its children by PID.
const WATCHDOG_MS = 840_000;

const INTENT = 'dcl:explorer:comms-handshake';
const SIGNER = 'dcl:explorer';
const EXPLORER_METADATA = { intent: INTENT, signer: SIGNER, isGuest: false };
const MIDDLEWARE_HINT = 'This endpoint requires a signed fetch request. See ADR-44.';

const ARGS = harness.parseArgs(process.argv.slice(2));
const DCLCOMMS = ARGS.dclcomms;
const MINI_COMMS = harness.peerPath('@dcl/mini-comms/dist/index.js');

// Keys and identities (upstream @dcl/crypto only): keyFor(label), identityFromKey(hex),
// authIdentity(owner, delegationSigner = owner, minutes = 60), as an explorer holds it.
const { identityFromKey, authIdentity } = harness.identities({ dclCrypto, Authenticator });

// Signed-fetch headers built from upstream parts with a chosen timestamp (decentraland-crypto-fetch
// always signs Date.now() and offers no way to inject the time): the payload rule of
// signedHeaderFactory, the chain from Authenticator.signPayload, the headers from the middleware's
// own createAuthChainHeader.
function signedHeadersAt(identity, method, pathname, metadata, timestampMs) {
  const payload = [method, pathname, String(timestampMs), JSON.stringify(metadata)].join(':').toLowerCase();
  return createAuthChainHeaders(Authenticator.signPayload(identity, payload), timestampMs, metadata);
}

// A POST/GET with bounded time; resolves {status, body (parsed JSON or the text)}.
async function httpCall(url, init = {}) {
  const res = await (init.identity ? signedFetch : fetch)(url, { ...init, signal: AbortSignal.timeout(WAIT_MS) });
  const text = await res.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch (_) {
    /* keep the text */
  }
  return { status: res.status, body };
}

// ---------------------------------------------------------------------------------------------
// Servers

// A dclcomms server (`ws-room serve` or `signed-login serve`) on port 0; its JSON lines go to `log`.
class OurWsRoom extends DclcommsServer {
  constructor() {
    super('dclcomms-ws-room', DCLCOMMS, ['ws-room', 'serve', '--listen', '127.0.0.1:0']);
  }
  roomsUrl() {
    return `ws://${this.host}/rooms/`;
  }
}

class OurSignedLogin extends DclcommsServer {
  constructor(adapterTemplate) {
    super('dclcomms-signed-login', DCLCOMMS, ['signed-login', 'serve', '--listen', '127.0.0.1:0', '--adapter', adapterTemplate]);
    this.adapterTemplate = adapterTemplate;
  }
  url(pathname) {
    return `http://${this.host}${pathname}`;
  }
}

// The upstream side of a signed-login endpoint, in this process: a plain Node HTTP server around
// @dcl/platform-crypto-middleware's `verify`, mirroring worlds-content-server's comms handlers
// (middleware failure -> its status with {error, message: ADR-44 hint}; then the handler's ADR-180
// check of intent and signer -> 400 {error}; a denied room -> 401 {error: "Not allowed"}; else 200
// {fixedAdapter}). Every request goes to `log` as {method, path, status, auth?, error?}.
class UpstreamEndpoint {
  constructor(roomsUrl, deniedRooms = new Set()) {
    this.roomsUrl = roomsUrl; // "ws://host:port/rooms/"
    this.denied = deniedRooms;
    this.name = 'upstream-endpoint';
  }
  async start() {
    this.log = new EventLog(this.name);
    const fetcher = { fetch: (...a) => fetch(...a) }; // only for EIP-1654 chains (catalyst): never used here
    this.server = http.createServer(async (req, res) => {
      const pathname = new URL(req.url, 'http://localhost').pathname;
      const reply = (status, body, extra = {}) => {
        this.log.push({ method: req.method, path: pathname, status, ...extra });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const m = /^\/get-comms-adapter\/([^/]+)$/.exec(pathname) || /^\/worlds\/([^/]+)\/comms$/.exec(pathname);
      if (!m) return reply(404, { error: 'Not found' });
      if (req.method !== 'POST') return reply(405, { error: 'Method not allowed' });
      let verification;
      try {
        verification = await verify(req.method, pathname, req.headers, { fetcher, expiration: 60_000 });
      } catch (err) {
        return reply(err.statusCode || err.status || 500, { error: err.message, message: MIDDLEWARE_HINT }, { error: err.message });
      }
      const { auth, authMetadata } = verification;
      if (!authMetadata || authMetadata.intent !== INTENT || authMetadata.signer !== SIGNER) {
        return reply(400, { error: 'Access denied, invalid metadata' }, { auth });
      }
      if (this.denied.has(m[1])) return reply(401, { error: 'Not allowed' }, { auth });
      reply(200, { fixedAdapter: `ws-room:${this.roomsUrl}${m[1]}` }, { auth, metadata: authMetadata });
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.host = `127.0.0.1:${this.server.address().port}`;
    return this;
  }
  url(pathname) {
    return `http://${this.host}${pathname}`;
  }
  async stop() {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// The C++ client: `dclcomms connect signed-login:<url> (--key <hex> | --random-key)`; events are JSON
// lines on stdout; stdin lines are sent; EOF disconnects.

class CppClient extends DclcommsClient {
  constructor(name, url, keyHex) {
    const address = keyHex ? identityFromKey(keyHex).address.toLowerCase() : undefined;
    super(name, DCLCOMMS, ['connect', `signed-login:${url}`, ...(keyHex ? ['--key', keyHex] : ['--random-key'])], {
      tailOnEarlyExit: true,
    });
    this.address = address;
  }
}

// ---------------------------------------------------------------------------------------------
// Check runner (harness: check, track, closeTracked)

// Starts the servers of one section in order (each factory gets the ones started before it); if one
// does not start, every check of the section fails with that reason (so the total stays the same).
async function section(label, factories, checks) {
  const servers = [];
  let startError;
  for (const make of factories) {
    try {
      const s = make(...servers);
      servers.push(s);
      await s.start();
    } catch (e) {
      startError = e;
      break;
    }
  }
  await runSectionChecks(`${label}: servers start`, startError, `${label}: servers did not start`, checks, servers);
  for (const s of servers.reverse()) await s.stop().catch(() => {});
}

// ---------------------------------------------------------------------------------------------
// a) our C++ client against the upstream verifier

function cppClientChecks() {
  const checks = [];
  checks.push([
    'a) C++ client -> upstream verify(), /get-comms-adapter/<room> (--random-key): accepted, then joins our ws-room',
    async (wsRoom, ep) => {
      const from = ep.log.items.length;
      const c = track(new CppClient('cpp-adapter', ep.url('/get-comms-adapter/interop-room-a'), null));
      const ev = await c.connected();
      assertDeepEqual(ev.peers, [], 'peers');
      const req = await ep.log.wait((x) => x.path === '/get-comms-adapter/interop-room-a', 'request at the upstream endpoint', WAIT_MS, from);
      assert(req.status === 200 && req.method === 'POST', `upstream endpoint answered ${JSON.stringify(req)}`);
      assert(/^0x[0-9a-f]{40}$/.test(req.auth), `verify() owner ${req.auth}`);
      const j = await wsRoom.log.wait((x) => x.event === 'joined' && x.room === 'interop-room-a', 'joined line of our ws-room server');
      assert(j.address === req.auth, `ws-room joined ${j.address}, upstream verify() recovered ${req.auth}`);
      const e = await c.close();
      assert(e.code === 0, `exit ${e.code} after EOF (${c.stderr.trim()})`);
    },
  ]);
  checks.push([
    'a) C++ client -> upstream verify(), /worlds/<world>/comms (--key): owner = the key, metadata as ADR-180, joins',
    async (wsRoom, ep) => {
      const from = ep.log.items.length;
      const c = track(new CppClient('cpp-world', ep.url('/worlds/interop.dcl.eth/comms'), keyFor('a-world')));
      await c.connected();
      const req = await ep.log.wait((x) => x.path === '/worlds/interop.dcl.eth/comms', 'request at the upstream endpoint', WAIT_MS, from);
      assert(req.status === 200, `upstream endpoint answered ${JSON.stringify(req)}`);
      assert(req.auth === c.address, `verify() owner ${req.auth}, key's address ${c.address}`);
      assert(req.metadata.intent === INTENT && req.metadata.signer === SIGNER, `metadata ${JSON.stringify(req.metadata)}`);
      const j = await wsRoom.log.wait((x) => x.event === 'joined' && x.room === 'interop.dcl.eth', 'joined line of our ws-room server');
      assert(j.address === c.address, `ws-room joined ${j.address}`);
      const e = await c.close();
      assert(e.code === 0, `exit ${e.code} after EOF (${c.stderr.trim()})`);
    },
  ]);
  checks.push([
    'a) C++ client denied by the endpoint (401 {"error":"Not allowed"}): error event carries the text, no connect, exit non-zero',
    async (wsRoom, ep) => {
      const from = ep.log.items.length;
      const c = track(new CppClient('cpp-denied', ep.url('/get-comms-adapter/denied-room'), keyFor('a-denied')));
      const e = await c.exited();
      const req = await ep.log.wait((x) => x.path === '/get-comms-adapter/denied-room', 'request at the upstream endpoint', WAIT_MS, from);
      assert(req.status === 401 && req.auth === c.address, `upstream endpoint: ${JSON.stringify(req)} (the signature must verify; only the room is denied)`);
      assert(!c.log.find((x) => x.event === 'connected'), 'printed connected');
      const err = c.log.find((x) => x.event === 'error');
      assert(err, `no error event: ${c.log.tail()}`);
      assert(String(err.message).includes('Not allowed'), `error event without the server's text: ${JSON.stringify(err)}`);
      assert(e.code !== 0 && e.code !== null, `exit code ${e.code}`);
      assert(!wsRoom.log.find((x) => x.event === 'joined' && x.room === 'denied-room'), 'joined the ws-room anyway');
    },
  ]);
  return checks;
}

// ---------------------------------------------------------------------------------------------
// b) the upstream client against our endpoint (and the same crafted requests against upstream)

const TEMPLATE = 'ws-room:ws://127.0.0.1:9/rooms/{room}?world={world}&address={address}';

function upstreamClientChecks() {
  const st = {};
  const checks = [];
  const owner = identityFromKey(keyFor('b-owner'));
  const addr = owner.address.toLowerCase();
  checks.push([
    'b) signedFetch POST /get-comms-adapter/<room> -> 200, fixedAdapter = template with room and lowercase owner address',
    async (ours) => {
      st.identity = await authIdentity(owner);
      const r = await httpCall(ours.url('/get-comms-adapter/Room-B1'), { method: 'POST', identity: st.identity, metadata: EXPLORER_METADATA });
      assert(r.status === 200, `HTTP ${r.status} ${JSON.stringify(r.body)}`);
      assertDeepEqual(r.body, { fixedAdapter: `ws-room:ws://127.0.0.1:9/rooms/Room-B1?world=Room-B1&address=${addr}` }, 'body');
      assert(addr !== owner.address, 'the checksum address of the test key has no upper-case letters, so the lowercase check proves nothing; pick another key');
    },
  ]);
  checks.push([
    'b) signedFetch POST /worlds/<world>/comms (kernel metadata with origin) -> 200 with {world} and {address}',
    async (ours) => {
      const metadata = { origin: 'https://play.decentraland.org', ...EXPLORER_METADATA };
      const r = await httpCall(ours.url('/worlds/boedo.dcl.eth/comms'), { method: 'POST', identity: st.identity, metadata });
      assert(r.status === 200, `HTTP ${r.status} ${JSON.stringify(r.body)}`);
      assertDeepEqual(r.body, { fixedAdapter: `ws-room:ws://127.0.0.1:9/rooms/boedo.dcl.eth?world=boedo.dcl.eth&address=${addr}` }, 'body');
    },
  ]);
  for (const [what, metadata] of [
    ['wrong intent', { intent: 'dcl:explorer:something-else', signer: SIGNER, isGuest: false }],
    ['scene signer (decentraland-kernel-scene)', { intent: INTENT, signer: 'decentraland-kernel-scene', isGuest: false }],
    ['no intent nor signer', {}],
  ]) {
    checks.push([
      `b) signedFetch with ${what} -> 400 from ours and from the upstream handler`,
      async (ours, ep) => {
        for (const [name, srv] of [['ours', ours], ['upstream', ep]]) {
          const r = await httpCall(srv.url('/get-comms-adapter/room-b2'), { method: 'POST', identity: st.identity, metadata });
          assert(r.status === 400, `${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
          assert(typeof r.body === 'object' && typeof r.body.error === 'string', `${name}: body ${JSON.stringify(r.body)}`);
        }
      },
    ]);
  }
  checks.push([
    'b) a signature older than 60 s (timestamp now - 61 s) -> 401 "Expired signature" from ours and upstream; now - 30 s -> 200',
    async (ours, ep) => {
      const p = '/get-comms-adapter/room-b3';
      for (const [name, srv] of [['ours', ours], ['upstream', ep]]) {
        const old = signedHeadersAt(st.identity, 'POST', p, EXPLORER_METADATA, Date.now() - 61_000);
        const r = await httpCall(srv.url(p), { method: 'POST', headers: old });
        assert(r.status === 401, `${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
        assert(/expired/i.test(r.body.error), `${name}: error ${JSON.stringify(r.body)}`);
        // Older, but within the 60 s window; the 30 s left cover the request on a loaded machine.
        const recent = signedHeadersAt(st.identity, 'POST', p, EXPLORER_METADATA, Date.now() - 30_000);
        const r2 = await httpCall(srv.url(p), { method: 'POST', headers: recent });
        assert(r2.status === 200, `${name}: 30 s old: HTTP ${r2.status} ${JSON.stringify(r2.body)}`);
      }
    },
  ]);
  checks.push([
    'b) a chain signed for one path replayed to another path (and as a GET-signed chain to POST) -> 401 from ours and upstream',
    async (ours, ep) => {
      // Each chain is signed just before it is sent, so that no request's verdict depends on how long
      // the requests before it took (the 60 s window must never be what rejects it).
      const forA = () => signedHeadersAt(st.identity, 'POST', '/get-comms-adapter/room-a', EXPLORER_METADATA, Date.now());
      const forWorld = () => signedHeadersAt(st.identity, 'POST', '/worlds/w1.dcl.eth/comms', EXPLORER_METADATA, Date.now());
      const asGet = () => signedHeadersAt(st.identity, 'GET', '/get-comms-adapter/room-a', EXPLORER_METADATA, Date.now());
      for (const [name, srv] of [['ours', ours], ['upstream', ep]]) {
        const ok = await httpCall(srv.url('/get-comms-adapter/room-a'), { method: 'POST', headers: forA() });
        assert(ok.status === 200, `${name}: the original request: HTTP ${ok.status} ${JSON.stringify(ok.body)}`);
        for (const [label, p, h] of [
          ['room-a chain to room-b', '/get-comms-adapter/room-b', forA],
          ['room-a chain to a world', '/worlds/room-a/comms', forA],
          ['world chain to another world', '/worlds/w2.dcl.eth/comms', forWorld],
          ['GET-signed chain in a POST', '/get-comms-adapter/room-a', asGet],
        ]) {
          const r = await httpCall(srv.url(p), { method: 'POST', headers: h() });
          assert(r.status === 401, `${name}, ${label}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
          assert(/invalid signature/i.test(r.body.error), `${name}, ${label}: error ${JSON.stringify(r.body)}`);
        }
      }
    },
  ]);
  checks.push([
    'b) a chain whose delegation expired (initializeAuthChain -5 min) -> 401 from ours and upstream',
    async (ours, ep) => {
      const stale = await authIdentity(owner, owner, -5);
      for (const [name, srv] of [['ours', ours], ['upstream', ep]]) {
        const r = await httpCall(srv.url('/get-comms-adapter/room-b4'), { method: 'POST', identity: stale, metadata: EXPLORER_METADATA });
        assert(r.status === 401, `${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      }
    },
  ]);
  // Edge cases sent byte-identically to both endpoints: the HTTP status must be the same. Every
  // request is built when the check runs, not when this list is made (timestamps: functions of now),
  // so the 60 s window never decides a verdict however long the checks before it took.
  const P = '/get-comms-adapter/room-b6';
  const edited = (edit, ts = () => Date.now(), pathname = P, metadata = EXPLORER_METADATA) => () => {
    const h = signedHeadersAt(st.identity, 'POST', pathname, metadata, ts());
    edit(h);
    return { method: 'POST', headers: h };
  };
  // Headers whose timestamp/metadata strings are `rawTs` (a string, or a function of now giving
  // one)/`rawMeta`, signed exactly as sent.
  const raw = (rawTs, rawMeta) => () => {
    const ts = typeof rawTs === 'function' ? rawTs() : rawTs;
    const payload = ['POST', P, ts, rawMeta].join(':').toLowerCase();
    const h = createAuthChainHeaders(Authenticator.signPayload(st.identity, payload), ts, {});
    h['x-identity-metadata'] = rawMeta;
    return { method: 'POST', headers: h };
  };
  const SAME_VERDICT = [
    ['signedFetch to a URL with a query (only the pathname is signed)', 200, '/get-comms-adapter/room-b6?x=1&y=2', () => ({ method: 'POST', identity: st.identity, metadata: EXPLORER_METADATA })],
    ['signedFetch to a percent-encoded world name', 200, '/worlds/caf%C3%A9%20b6/comms', () => ({ method: 'POST', identity: st.identity, metadata: EXPLORER_METADATA })],
    ['signedFetch with a request body', 200, P, () => ({ method: 'POST', identity: st.identity, metadata: EXPLORER_METADATA, body: 'ignored' })],
    ['a timestamp 5 min in the future (not rejected upstream)', 200, P, edited(() => {}, () => Date.now() + 300_000)],
    ['metadata with other spacing, signed as sent', 200, P, raw(() => String(Date.now()), '{ "intent": "dcl:explorer:comms-handshake", "signer": "dcl:explorer", "isGuest": true }')],
    ['metadata header edited after signing (isGuest flipped)', 401, P, edited((h) => (h['x-identity-metadata'] = h['x-identity-metadata'].replace('false', 'true')))],
    ['timestamp header edited after signing (+1 ms)', 401, P, edited((h) => (h['x-identity-timestamp'] = String(Number(h['x-identity-timestamp']) + 1)))],
    ['a timestamp in seconds', 401, P, edited(() => {}, () => Math.floor(Date.now() / 1000))],
    ['a non-numeric timestamp', 400, P, raw('abc', JSON.stringify(EXPLORER_METADATA))],
    ['a fractional timestamp, signed as sent', 200, P, raw(() => String(Date.now()) + '.5', JSON.stringify(EXPLORER_METADATA))],
    ['no timestamp header (read as 0, so expired)', 401, P, () => {
      const h = raw('', JSON.stringify(EXPLORER_METADATA))().headers;
      delete h['x-identity-timestamp'];
      return { method: 'POST', headers: h };
    }],
    ['metadata that is not JSON', 400, P, raw(() => String(Date.now()), '{nope')],
    ['metadata that is a JSON array', 400, P, raw(() => String(Date.now()), '[1]')],
    ['upper-case intent (the check is exact)', 400, P, edited(() => {}, undefined, P, { intent: INTENT.toUpperCase(), signer: SIGNER })],
    ['a single-link chain', 400, P, edited((h) => { delete h['x-identity-auth-chain-1']; delete h['x-identity-auth-chain-2']; })],
    ['a link that is not JSON', 400, P, edited((h) => (h['x-identity-auth-chain-1'] = '{nope'))],
    ['a gap in the chain indices (-2 moved to -3)', 401, P, edited((h) => { h['x-identity-auth-chain-3'] = h['x-identity-auth-chain-2']; delete h['x-identity-auth-chain-2']; })],
    ['an extra link after the signed entity', 401, P, edited((h) => (h['x-identity-auth-chain-3'] = h['x-identity-auth-chain-2']))],
    ['the final signature corrupted', 401, P, edited((h) => { const l = JSON.parse(h['x-identity-auth-chain-2']); l.signature = l.signature.slice(0, 10) + (l.signature[10] === '0' ? '1' : '0') + l.signature.slice(11); h['x-identity-auth-chain-2'] = JSON.stringify(l); })],
  ];
  checks.push([
    `b) ${SAME_VERDICT.length} edge cases sent byte-identically to ours and to the upstream verifier get the same status`,
    async (ours, ep) => {
      const bad = [];
      for (const [what, want, pathname, init] of SAME_VERDICT) {
        const got = [];
        const req = init(); // one request, built now, sent to both
        for (const srv of [ours, ep]) got.push((await httpCall(srv.url(pathname), req)).status);
        if (got[0] !== want || got[1] !== want) bad.push(`${what}: ours ${got[0]}, upstream ${got[1]}, want ${want}`);
      }
      assert(bad.length === 0, bad.join('; '));
    },
  ]);
  checks.push([
    'b) GET (even signed) -> 405; unknown route -> 404; unsigned POST -> 400 {error, message}',
    async (ours) => {
      const g = await httpCall(ours.url('/get-comms-adapter/room-b5'), { method: 'GET', identity: st.identity, metadata: EXPLORER_METADATA });
      assert(g.status === 405, `GET: HTTP ${g.status} ${JSON.stringify(g.body)}`);
      const n = await httpCall(ours.url('/comms/room-b5'), { method: 'POST', identity: st.identity, metadata: EXPLORER_METADATA });
      assert(n.status === 404, `unknown route: HTTP ${n.status} ${JSON.stringify(n.body)}`);
      const u = await httpCall(ours.url('/get-comms-adapter/room-b5'), { method: 'POST' });
      assert(u.status === 400 && typeof u.body.error === 'string' && u.body.message === MIDDLEWARE_HINT, `unsigned: HTTP ${u.status} ${JSON.stringify(u.body)}`);
    },
  ]);
  checks.push([
    'b) our endpoint logs one request line per call with method, target and status',
    async (ours) => {
      // Waits: the server's stdout and the HTTP answers reach this process by different pipes.
      await ours.log.wait((x) => x.event === 'request' && x.method === 'POST' && x.target === '/get-comms-adapter/Room-B1' && x.status === 200, '200 line for Room-B1');
      await ours.log.wait((x) => x.event === 'request' && x.method === 'GET' && x.status === 405, '405 line');
    },
  ]);
  return checks;
}

// ---------------------------------------------------------------------------------------------
// c) end to end: signed-login -> ws-room

function endToEndChecks(label) {
  const st = {};
  const chat = { chat: { message: 'hi', timestamp: 1.5 } };
  return [
    [
      `c) ${label}: two C++ clients log in through our signed-login endpoint and meet in the same room`,
      async (wsServer, ours) => {
        const url = ours.url('/get-comms-adapter/e2e-room');
        st.a = track(new CppClient('cpp-e2e-A', url, keyFor(`c-${label}-A`)));
        const ca = await st.a.connected();
        assertDeepEqual(ca.peers, [], 'peers of A');
        st.b = track(new CppClient('cpp-e2e-B', url, keyFor(`c-${label}-B`)));
        const cb = await st.b.connected();
        assertDeepEqual(cb.peers, [st.a.address], 'peers of B');
        await st.a.log.wait((x) => x.event === 'peer_joined' && x.address === st.b.address, 'peer_joined of B');
        // The endpoint prints its line before answering, but its stdout and the clients' are read in
        // either order: wait for both lines, then check there are no more.
        const isGrant = (x) => x.event === 'request' && x.target === '/get-comms-adapter/e2e-room' && x.status === 200;
        const g1 = await ours.log.wait(isGrant, 'request line of the first grant');
        await ours.log.wait(isGrant, 'request line of the second grant', WAIT_MS, ours.log.items.indexOf(g1) + 1);
        const granted = ours.log.items.filter(isGrant);
        assert(granted.length === 2, `our endpoint granted ${granted.length} requests`);
      },
    ],
    [
      `c) ${label}: a chat goes both ways, attributed to the sender's address`,
      async () => {
        const fromB = st.b.log.items.length;
        st.a.send(chat);
        const m = await st.b.log.wait((x) => x.event === 'message' && x.packet && x.packet.chat, 'chat at B', WAIT_MS, fromB);
        assert(m.from === st.a.address, `from ${m.from}, want ${st.a.address}`);
        assertDeepEqual(m.packet.chat, chat.chat, 'chat at B');
        const fromA = st.a.log.items.length;
        st.b.send(chat);
        const n = await st.a.log.wait((x) => x.event === 'message' && x.packet && x.packet.chat, 'chat at A', WAIT_MS, fromA);
        assert(n.from === st.b.address, `from ${n.from}, want ${st.b.address}`);
        assertDeepEqual(n.packet.chat, chat.chat, 'chat at A');
      },
    ],
    [
      `c) ${label}: leaving: B exits 0, A gets peer_left`,
      async () => {
        const e = await st.b.close();
        assert(e.code === 0, `B exited ${e.code} (${st.b.stderr.trim()})`);
        await st.a.log.wait((x) => x.event === 'peer_left' && x.address === st.b.address, 'peer_left of B');
      },
    ],
  ];
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  await section(
    'a) upstream verifier endpoint + our ws-room',
    [() => new OurWsRoom(), (ws) => new UpstreamEndpoint(ws.roomsUrl(), new Set(['denied-room']))],
    cppClientChecks()
  );
  await section(
    'b) our signed-login endpoint',
    [() => new OurSignedLogin(TEMPLATE), () => new UpstreamEndpoint('ws://127.0.0.1:9/rooms/')],
    upstreamClientChecks()
  );
  await section(
    'c) our ws-room',
    [() => new OurWsRoom(), (ws) => new OurSignedLogin(`ws-room:${ws.roomsUrl()}{room}`)],
    endToEndChecks('our ws-room')
  );
  await section(
    'c) mini-comms',
    [() => new MiniComms(MINI_COMMS), (mc) => new OurSignedLogin(`ws-room:${mc.roomsUrl()}{room}`)],
    endToEndChecks('mini-comms')
  );
  debug(`run time ${Date.now() - t0} ms`);
}

run(main, { watchdogMs: WATCHDOG_MS });
