#!/usr/bin/env node
// LiveKit interop test of our room server (`dclcomms livekit serve`) against the real
// LiveKit SDKs (README.md beside this file):
//   a) a plain websocket client speaking LiveKit's signal protocol with @livekit/protocol's own
//      generated SignalRequest/SignalResponse classes, tokens minted by livekit-server-sdk: joins,
//      participant updates, pings, leaves, duplicate identities, refused tokens, malformed input;
//   b) the real client SDK @livekit/rtc-node (LiveKit's Rust SDK and libwebrtc through its FFI):
//      Room.connect() joins over the signal and WebRTC (our answer, our subscriber offer, ICE-lite,
//      DTLS, SCTP data channels); reliable and lossy DataPackets relayed byte-identical with the
//      sender's identity, to named destinations only when named; our own C++ client
//      (`dclcomms connect livekit:…`) in the same room both ways; duplicate identities kicked on
//      both sides; a forged token rejected with our 401 and its reason.
//
// Usage: node interop_test.js --dclcomms <path to the dclcomms binary> [--verbose]
// Prints `ok <name>` or `FAIL <name>: <why>` per check, then `N passed, M failed`; exit 1 if any
// failed. The server runs on 127.0.0.1 port 0, is remembered by PID and stopped by PID at the end
// (also on failure and on the watchdog). Every wait is bounded.
'use strict';

// rtc-node logs at debug level (pino, on stdout) unless NODE_ENV is production: keep our output to
// the check lines. Set before rtc-node is loaded.
if (!process.env.NODE_ENV) process.env.NODE_ENV = 'production';

const fs = require('fs');
const path = require('path');
const harness = require('../lib/harness');
const { WAIT_MS, requirePeer, debug, sleep, assert, assertDeepEqual, EventLog } = harness;
const { DclcommsServer, DclcommsClient, track, runSectionChecks, run } = harness;

harness.init({ dir: __dirname, require });
const WebSocket = requirePeer('ws');
const { AccessToken } = requirePeer('livekit-server-sdk');
const { SignalRequest, SignalResponse, DisconnectReason, LeaveRequest_Action, ParticipantInfo_State } = requirePeer('@livekit/protocol');
const rtc = requirePeer('@livekit/rtc-node');
const { chatPacketHex } = require('./chat_packet');

// Below the ctest TIMEOUT (300 s, ../CMakeLists.txt) so that the harness stops its children itself.
const WATCHDOG_MS = 270_000;
const QUIET_MS = 300; // how long "nothing more arrives" is watched for (before negative checks)

const ARGS = harness.parseArgs(process.argv.slice(2));
const DCLCOMMS = ARGS.dclcomms;

const API_KEY = 'interop-key';
const API_SECRET = 'interop-secret-0123456789abcdefghijklmnopqrstuv'; // >= 32 characters
const WRONG_SECRET = 'not-the-secret-0123456789abcdefghijklmnopqrstu';

// A token from the official server SDK (HS256 JWT, video grant roomJoin for `room`).
async function mintToken(identity, room, { secret = API_SECRET, ttl = '10m' } = {}) {
  const at = new AccessToken(API_KEY, secret, { identity, name: `${identity} (interop)`, ttl });
  at.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true });
  return at.toJwt();
}

// ---------------------------------------------------------------------------------------------
// The server

class LivekitServe extends DclcommsServer {
  constructor() {
    super('dclcomms-livekit', DCLCOMMS, ['livekit', 'serve', '--listen', '127.0.0.1:0', '--api-key', API_KEY, '--api-secret', API_SECRET], {
      exitLabel: 'livekit serve',
    });
  }
  get url() {
    return `ws://${this.host}`;
  }
  // A logged event matching pred, at index >= from.
  event(pred, what, from = 0) {
    return this.log.wait(pred, `logged ${what}`, WAIT_MS, from);
  }
  joined(identity, room, from = 0) {
    return this.event((e) => e.event === 'joined' && e.identity === identity && e.room === room, `joined ${identity} in ${room}`, from);
  }
  left(identity, from = 0) {
    return this.event((e) => e.event === 'left' && e.identity === identity, `left ${identity}`, from);
  }
  async get(pathAndQuery) {
    const res = await fetch(`http://${this.host}${pathAndQuery}`, { signal: AbortSignal.timeout(WAIT_MS) });
    return { status: res.status, body: await res.text() };
  }
}

// ---------------------------------------------------------------------------------------------
// A plain signal client: `ws` + @livekit/protocol. Every SignalResponse goes to `log` as
// {type: <oneof case>} with the decoded value under the non-enumerable `value` (protobuf-es messages
// hold BigInts; the log prints items as JSON) and its proto3 JSON under `json`; the socket's end as
// {type: 'close', code, reason}; a refused upgrade as {type: 'http', status, body}.

class SignalClient {
  constructor(name) {
    this.name = name;
    this.log = new EventLog(name);
  }
  // opts.bearer: the token in `Authorization: Bearer` (else ?access_token); opts.path (default /rtc).
  open(server, token, { bearer = false, path = '/rtc' } = {}) {
    // The query LiveKit's JS SDK sends besides the token (a server ignores what it does not use).
    const query = new URLSearchParams({ auto_subscribe: '1', sdk: 'js', version: '2.0.0', protocol: '15', adaptive_stream: '0' });
    if (!bearer) query.set('access_token', token);
    const headers = bearer ? { Authorization: `Bearer ${token}` } : {};
    this.ws = new WebSocket(`${server.url}${path}?${query}`, { headers });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      const done = () => {
        this.log.push({ type: 'http', status: res.statusCode, body }, true);
        req.destroy();
      };
      res.on('end', done);
      res.on('error', done);
    });
    this.ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        this.log.push({ type: 'text-frame', text: String(data) });
        return;
      }
      let msg;
      try {
        msg = SignalResponse.fromBinary(new Uint8Array(data));
      } catch (e) {
        this.log.push({ type: 'undecodable', error: e.message });
        return;
      }
      const item = { type: msg.message.case || 'empty', json: msg.toJson() };
      Object.defineProperty(item, 'value', { value: msg.message.value, enumerable: false });
      this.log.push(item);
    });
    this.ws.on('error', (e) => this.log.push({ type: 'error', message: e.message }));
    this.ws.on('close', (code, reason) => this.log.push({ type: 'close', code, reason: String(reason) }, true));
    return this;
  }
  // The JoinResponse (throws if the socket ends or is refused first).
  async joined() {
    const e = await this.log.wait((x) => ['join', 'close', 'http'].includes(x.type), 'JoinResponse');
    if (e.type !== 'join') throw new Error(`${this.name}: no JoinResponse, got ${this.log.tail()}`);
    this.join = e.value;
    return e.value;
  }
  // The refused upgrade {status, body} (throws if the socket opened instead).
  async refused() {
    const e = await this.log.wait((x) => ['http', 'join', 'close'].includes(x.type), 'HTTP answer to the upgrade');
    if (e.type !== 'http') throw new Error(`${this.name}: the upgrade was not refused: ${this.log.tail()}`);
    return e;
  }
  send(kase, value) {
    this.ws.send(new SignalRequest({ message: { case: kase, value } }).toBinary());
  }
  sendRaw(bytes) {
    this.ws.send(bytes, { binary: true });
  }
  // A ParticipantUpdate naming `identity` (whose state satisfies statePred), at index >= from.
  update(identity, statePred, what, from = 0) {
    return this.log
      .wait((x) => x.type === 'update' && x.value.participants.some((p) => p.identity === identity && statePred(p.state)), what, WAIT_MS, from)
      .then((x) => x.value.participants.find((p) => p.identity === identity && statePred(p.state)));
  }
  closed(ms = WAIT_MS) {
    return this.log.wait((x) => x.type === 'close', 'socket close', ms);
  }
  async close() {
    if (!this.ws || this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.terminate();
      return;
    }
    this.ws.close();
    await this.closed(5000).catch(() => this.ws.terminate());
  }
}

const notDisconnected = (s) => s !== ParticipantInfo_State.DISCONNECTED;
const isDisconnected = (s) => s === ParticipantInfo_State.DISCONNECTED;

// ---------------------------------------------------------------------------------------------
// a) plain signal clients

function signalChecks() {
  const st = {};
  const checks = [];
  checks.push([
    'signal: a plain client (?access_token) gets a JoinResponse naming its room and identity (decoded by @livekit/protocol)',
    async (server) => {
      const mark = server.log.items.length;
      st.a = track(new SignalClient('alice').open(server, await mintToken('alice', 'lobby')));
      const j = await st.a.joined();
      assert(j.room && j.room.name === 'lobby', `room ${JSON.stringify(j.room && j.room.name)}, want "lobby"`);
      assert(j.room.sid, 'the room has no sid');
      assert(j.participant && j.participant.identity === 'alice', `participant ${JSON.stringify(j.participant && j.participant.identity)}, want "alice"`);
      assert(j.participant.sid, 'the participant has no sid');
      assertDeepEqual(j.otherParticipants.map((p) => p.identity), [], 'other_participants of the first member');
      assert(j.serverVersion, 'no server_version');
      assert(j.pingInterval > 0 && j.pingTimeout > j.pingInterval, `ping_interval ${j.pingInterval} s, ping_timeout ${j.pingTimeout} s`);
      const e = await server.joined('alice', 'lobby', mark);
      assert(e.sid === j.participant.sid, `logged sid ${e.sid}, the JoinResponse says ${j.participant.sid}`);
    },
  ]);
  checks.push([
    'signal: a second client (Authorization: Bearer) sees the first in other_participants; the first gets a ParticipantUpdate',
    async (server) => {
      assert(st.a && st.a.join, 'no first member');
      const from = st.a.log.items.length;
      st.b = track(new SignalClient('bob').open(server, await mintToken('bob', 'lobby'), { bearer: true }));
      const j = await st.b.joined();
      assert(j.participant.identity === 'bob', `participant ${j.participant.identity}, want "bob"`);
      assert(j.room.sid === st.a.join.room.sid, `room sid ${j.room.sid}, the first member got ${st.a.join.room.sid}`);
      assertDeepEqual(j.otherParticipants.map((p) => [p.identity, p.sid]), [['alice', st.a.join.participant.sid]], 'other_participants');
      const p = await st.a.update('bob', notDisconnected, 'ParticipantUpdate about bob', from);
      assert(p.sid === j.participant.sid, `update's sid ${p.sid}, bob's ${j.participant.sid}`);
    },
  ]);
  checks.push([
    'signal: ping_req -> pong_resp with last_ping_timestamp',
    async () => {
      assert(st.a, 'no client');
      const t = BigInt(Date.now());
      const from = st.a.log.items.length;
      st.a.send('pingReq', { timestamp: t, rtt: 12n });
      const e = await st.a.log.wait((x) => x.type === 'pongResp', 'pong_resp', WAIT_MS, from);
      assert(e.value.lastPingTimestamp === t, `last_ping_timestamp ${e.value.lastPingTimestamp}, sent ${t}`);
      assert(e.value.timestamp > 0n, `pong_resp timestamp ${e.value.timestamp}`);
    },
  ]);
  checks.push([
    'signal: legacy ping (int64) -> pong',
    async () => {
      assert(st.a, 'no client');
      const from = st.a.log.items.length;
      st.a.send('ping', BigInt(Date.now()));
      const e = await st.a.log.wait((x) => x.type === 'pong', 'pong', WAIT_MS, from);
      assert(e.value > 0n, `pong ${e.value}`);
    },
  ]);
  checks.push([
    'signal: a LeaveRequest -> the other gets the participant DISCONNECTED, the leaver is closed, the server logs the leave',
    async (server) => {
      assert(st.a && st.b && st.b.join, 'no two members');
      const from = st.a.log.items.length;
      const mark = server.log.items.length;
      st.b.send('leave', { canReconnect: false, reason: DisconnectReason.CLIENT_INITIATED, action: LeaveRequest_Action.DISCONNECT });
      const p = await st.a.update('bob', isDisconnected, 'ParticipantUpdate bob DISCONNECTED', from);
      assert(p.sid === st.b.join.participant.sid, `sid ${p.sid}, bob's ${st.b.join.participant.sid}`);
      await st.b.closed();
      const e = await server.left('bob', mark);
      assert(e.reason === 'client leave', `logged reason ${JSON.stringify(e.reason)}, want "client leave"`);
    },
  ]);
  checks.push([
    'signal: the same identity twice -> the older gets leave{DUPLICATE_IDENTITY, can_reconnect false} and is closed; the newer joins alone',
    async (server) => {
      const mark = server.log.items.length;
      const older = track(new SignalClient('carol-1').open(server, await mintToken('carol', 'dup')));
      const j1 = await older.joined();
      await server.joined('carol', 'dup', mark);
      const newer = track(new SignalClient('carol-2').open(server, await mintToken('carol', 'dup')));
      const j2 = await newer.joined();
      const leave = await older.log.wait((x) => x.type === 'leave', 'LeaveRequest');
      assert(leave.value.reason === DisconnectReason.DUPLICATE_IDENTITY, `leave reason ${DisconnectReason[leave.value.reason]}, want DUPLICATE_IDENTITY`);
      assert(leave.value.canReconnect === false, 'leave says can_reconnect (the SDK would come back and displace the newer session)');
      assert(leave.value.action === LeaveRequest_Action.DISCONNECT, `leave action ${LeaveRequest_Action[leave.value.action]}, want DISCONNECT`);
      await older.closed();
      assert(j2.participant.identity === 'carol', `newer participant ${j2.participant.identity}`);
      assert(j2.participant.sid !== j1.participant.sid, `the newer session has the older's sid ${j1.participant.sid}`);
      assertDeepEqual(j2.otherParticipants.map((p) => p.identity), [], "the newer session's other_participants");
      const e = await server.left('carol', mark);
      assert(e.sid === j1.participant.sid, `logged leave of sid ${e.sid}, want the older ${j1.participant.sid}`);
      assert(e.reason === 'duplicate identity', `logged reason ${JSON.stringify(e.reason)}, want "duplicate identity"`);
      // The newer session is still served.
      const from = newer.log.items.length;
      newer.send('pingReq', { timestamp: 7n, rtt: 0n });
      await newer.log.wait((x) => x.type === 'pongResp' && x.value.lastPingTimestamp === 7n, 'pong_resp of the newer session', WAIT_MS, from);
      await sleep(QUIET_MS);
      assert(!newer.log.find((x) => x.type === 'leave' || x.type === 'close'), `the newer session was ended: ${newer.log.tail()}`);
    },
  ]);
  checks.push([
    'signal: a forged token (wrong secret) -> upgrade refused with HTTP 401; GET /rtc/validate with it -> 401 naming bad_signature',
    async (server) => {
      const mark = server.log.items.length;
      const forged = await mintToken('mallory', 'lobby', { secret: WRONG_SECRET });
      for (const bearer of [false, true]) {
        const c = track(new SignalClient(`mallory-${bearer ? 'bearer' : 'query'}`).open(server, forged, { bearer }));
        const r = await c.refused();
        assert(r.status === 401, `upgrade (${bearer ? 'Bearer' : 'access_token'}) answered HTTP ${r.status} ${r.body}, want 401`);
      }
      const v = await server.get(`/rtc/validate?access_token=${encodeURIComponent(forged)}`);
      assert(v.status === 401, `/rtc/validate answered HTTP ${v.status} ${v.body}, want 401`);
      assert(v.body.includes('bad_signature'), `/rtc/validate body ${JSON.stringify(v.body)} does not name bad_signature`);
      assert(!server.log.find((e) => e.identity === 'mallory', mark), 'the server logged an event of mallory');
    },
  ]);
  checks.push([
    'signal: GET /rtc/validate with a good token -> 200',
    async (server) => {
      const v = await server.get(`/rtc/validate?access_token=${encodeURIComponent(await mintToken('victor', 'lobby'))}`);
      assert(v.status === 200, `/rtc/validate answered HTTP ${v.status} ${v.body}, want 200`);
    },
  ]);
  checks.push([
    'signal: /rtc/v1 is refused with 404 (the SDKs then fall back to /rtc)',
    async (server) => {
      const c = track(new SignalClient('v1').open(server, await mintToken('v1', 'lobby'), { path: '/rtc/v1' }));
      const r = await c.refused();
      assert(r.status === 404, `upgrade of /rtc/v1 answered HTTP ${r.status} ${r.body}, want 404`);
    },
  ]);
  checks.push([
    'signal: garbage bytes close only that session (the others get it DISCONNECTED); the server keeps serving the others and new joins',
    async (server) => {
      assert(st.a && st.a.join, 'no first member');
      let from = st.a.log.items.length;
      const mark = server.log.items.length;
      const g = track(new SignalClient('garbage').open(server, await mintToken('garbage', 'lobby')));
      const jg = await g.joined();
      await st.a.update('garbage', notDisconnected, 'ParticipantUpdate about garbage', from);
      from = st.a.log.items.length;
      g.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
      await g.closed();
      const p = await st.a.update('garbage', isDisconnected, 'ParticipantUpdate garbage DISCONNECTED', from);
      assert(p.sid === jg.participant.sid, `sid ${p.sid}, want ${jg.participant.sid}`);
      const e = await server.left('garbage', mark);
      assert(e.reason === 'malformed signal message', `logged reason ${JSON.stringify(e.reason)}, want "malformed signal message"`);
      // The first member is still served, and a newcomer joins the room with it.
      from = st.a.log.items.length;
      st.a.send('pingReq', { timestamp: 99n, rtt: 0n });
      await st.a.log.wait((x) => x.type === 'pongResp' && x.value.lastPingTimestamp === 99n, 'pong_resp after the garbage', WAIT_MS, from);
      assert(!st.a.log.find((x) => x.type === 'close' || x.type === 'leave'), `alice was ended: ${st.a.log.tail()}`);
      const n = track(new SignalClient('dave').open(server, await mintToken('dave', 'lobby')));
      const jn = await n.joined();
      assertDeepEqual(jn.otherParticipants.map((x) => x.identity), ['alice'], "the newcomer's other_participants");
    },
  ]);
  return checks;
}

// ---------------------------------------------------------------------------------------------
// b) the real SDK: @livekit/rtc-node, and our C++ client (`dclcomms connect livekit:…`)

// An rtc-node Room; everything it reports goes to `log` ({type: 'resolved'|'rejected'|'data'|
// 'joined'|'left'|'disconnected', …}). connect() resolves once the SDK's connect() settles.
class SdkRoom {
  constructor(name) {
    this.name = name;
    this.log = new EventLog(name);
    this.room = new rtc.Room();
    this.room.on(rtc.RoomEvent.DataReceived, (payload, participant, kind, topic) =>
      this.log.push({ type: 'data', hex: Buffer.from(payload).toString('hex'), from: participant && participant.identity, kind, topic })
    );
    this.room.on(rtc.RoomEvent.ParticipantConnected, (p) => this.log.push({ type: 'joined', identity: p.identity }));
    this.room.on(rtc.RoomEvent.ParticipantDisconnected, (p) => this.log.push({ type: 'left', identity: p.identity }));
    this.room.on(rtc.RoomEvent.Disconnected, (reason) => this.log.push({ type: 'disconnected', reason }));
  }
  connect(url, token) {
    this.room.connect(url, token, { autoSubscribe: false }).then(
      () => this.log.push({ type: 'resolved' }),
      (e) => this.log.push({ type: 'rejected', name: e && e.constructor && e.constructor.name, message: String((e && e.message) || e) })
    );
    return this;
  }
  // Waits for connect() to resolve (throws with the reason when it rejects).
  async connected() {
    const e = await this.log.wait((x) => x.type === 'resolved' || x.type === 'rejected', `${this.name}: Room.connect settling`, WAIT_MS);
    if (e.type === 'rejected') throw new Error(`${this.name}: Room.connect rejected: ${e.name}: ${e.message}`);
  }
  publish(hex, { reliable = true, destinations } = {}) {
    const options = { reliable };
    if (destinations) options.destination_identities = destinations;
    return this.room.localParticipant.publishData(Buffer.from(hex, 'hex'), options);
  }
  data(pred, what, from = 0) {
    return this.log.wait((x) => x.type === 'data' && pred(x), `${this.name}: ${what}`, WAIT_MS, from);
  }
  async close() {
    await Promise.race([this.room.disconnect().catch(() => {}), sleep(5000)]);
  }
}

// `dclcomms connect livekit:<url>?access_token=…`: our C++ transport over LiveKit's real protocol.
class CppLivekitClient extends DclcommsClient {
  constructor(name, url, token) {
    super(name, DCLCOMMS, ['connect', `livekit:${url}?access_token=${token}`], { tailOnEarlyExit: true });
  }
}

async function sdkRooms(server, room, identities) {
  const rooms = [];
  for (const identity of identities) {
    const r = track(new SdkRoom(identity));
    r.connect(server.url, await mintToken(identity, room));
    rooms.push(r);
    await r.connected(); // one after the other: the join order is known
  }
  return rooms;
}

function sdkChecks() {
  const checks = [];
  const KIND = rtc.DataPacketKind;
  checks.push([
    `rtc-node ${rtcNodeVersion()}: three SDK rooms connect over WebRTC, see each other join, and get reliable data byte-identical from the right sender; a packet to named destinations reaches only them`,
    async (server) => {
      const [n1, n2, n3] = await sdkRooms(server, 'data-room', ['node-1', 'node-2', 'node-3']);
      await n1.log.wait((x) => x.type === 'joined' && x.identity === 'node-3', 'node-1 sees node-3 join', WAIT_MS);
      const hello = chatPacketHex('hello from node-1', 1.25);
      await n1.publish(hello);
      for (const r of [n2, n3]) {
        const d = await r.data((x) => x.hex === hello, 'the packet of node-1');
        assert(d.from === 'node-1', `${r.name} got it from ${d.from}`);
        assert(d.kind === KIND.KIND_RELIABLE, `${r.name} got kind ${d.kind}, want reliable`);
      }
      const targeted = chatPacketHex('for node-3 only', 2), after = chatPacketHex('for everyone', 3);
      const mark1 = n1.log.items.length;
      await n2.publish(targeted, { destinations: ['node-3'] });
      await n2.publish(after);
      await n3.data((x) => x.hex === targeted && x.from === 'node-2', 'the targeted packet');
      await n1.data((x) => x.hex === after, 'the broadcast sent after the targeted packet', mark1);
      assert(!n1.log.find((x) => x.type === 'data' && x.hex === targeted), 'node-1 got the packet addressed to node-3 only');
      assert(!n2.log.find((x) => x.type === 'data' && x.from === 'node-2'), `the sender got its own packets back: ${n2.log.tail()}`);
      // The server's log line reaches us through its stdout pipe, which may be read after the SDK
      // delivered the packet itself: waited for (bounded), not looked up once.
      await server.event((e) => e.event === 'data' && e.sender === 'node-2' && e.recipients === 1, 'the targeted relay with one recipient');
    },
  ]);
  checks.push([
    `rtc-node ${rtcNodeVersion()}: lossy data (the _lossy channel) reaches the others with kind lossy`,
    async (server) => {
      const [l1, l2] = await sdkRooms(server, 'lossy-room', ['lossy-1', 'lossy-2']);
      // Lossy may be dropped (and is, while the receiver's subscriber channels are still opening):
      // sent until one arrives, each attempt a distinct packet.
      let got;
      for (let i = 0; i < 100 && !got; ++i) {
        await l1.publish(chatPacketHex(`lossy ${i}`, i), { reliable: false });
        await sleep(20);
        got = l2.log.find((x) => x.type === 'data');
      }
      assert(got, 'no lossy packet arrived in 100 attempts');
      assert(got.kind === KIND.KIND_LOSSY, `kind ${got.kind}, want lossy`);
      assert(got.from === 'lossy-1', `from ${got.from}`);
      assert(/^2a/.test(got.hex) && Buffer.from(got.hex, 'hex').includes(Buffer.from('lossy ')), `payload ${got.hex}`);
    },
  ]);
  checks.push([
    `our C++ client (dclcomms connect livekit:…) and rtc-node ${rtcNodeVersion()} in one room: joins seen on both sides, packets both ways byte-identical with the right sender, the SDK's leave seen by ours`,
    async (server) => {
      const cpp = track(new CppLivekitClient('cpp-lk', server.url, await mintToken('0xc0ffee', 'mixed-room')));
      const c = await cpp.connected();
      assertDeepEqual(c.peers, [], 'peers at connect');
      const [node] = await sdkRooms(server, 'mixed-room', ['node-mixed']);
      assert([...node.room.remoteParticipants.keys()].includes('0xc0ffee'), `the SDK room's participants: ${[...node.room.remoteParticipants.keys()]}`);
      await cpp.log.wait((x) => x.event === 'peer_joined' && x.address === 'node-mixed', 'peer_joined node-mixed');
      // SDK -> ours: decoded by our codec from exactly these bytes.
      await node.publish(chatPacketHex('from the SDK', 4.5));
      const m = await cpp.log.wait((x) => x.event === 'message' && x.from === 'node-mixed', 'message from node-mixed');
      assertDeepEqual(m.packet, { chat: { message: 'from the SDK', timestamp: 4.5 } }, 'the packet our client decoded');
      // Ours -> SDK: the bytes our codec wrote, as the SDK hands them over.
      cpp.send({ chat: { message: 'from cpp', timestamp: 2.5 } });
      const d = await node.data((x) => x.from === '0xc0ffee', 'data from our client');
      assert(d.hex === chatPacketHex('from cpp', 2.5), `payload ${d.hex}, want ${chatPacketHex('from cpp', 2.5)}`);
      assert(d.kind === KIND.KIND_RELIABLE, `kind ${d.kind}`);
      cpp.send({ chat: { message: 'lossy from cpp', timestamp: 5 } }, false);
      await node.close();
      await cpp.log.wait((x) => x.event === 'peer_left' && x.address === 'node-mixed', 'peer_left node-mixed');
      const e = await cpp.close();
      assert(e.code === 0, `our client exited ${e.code}: ${cpp.stderr}`);
    },
  ]);
  checks.push([
    `duplicate identity over the real protocol: rtc-node joining as our C++ client's identity kicks it (disconnected kicked:true); a second SDK room with the first's identity ends the first with DUPLICATE_IDENTITY`,
    async (server) => {
      const cpp = track(new CppLivekitClient('cpp-dup', server.url, await mintToken('0xdup', 'dup-room')));
      await cpp.connected();
      await sdkRooms(server, 'dup-room', ['0xdup']);
      const d = await cpp.log.wait((x) => x.event === 'disconnected', 'our client disconnected');
      assert(d.kicked === true, `our client's disconnected event: ${JSON.stringify(d)}`);
      const first = (await sdkRooms(server, 'dup-room-2', ['sdk-dup']))[0];
      await sdkRooms(server, 'dup-room-2', ['sdk-dup']);
      const gone = await first.log.wait((x) => x.type === 'disconnected', 'the first SDK room disconnected', WAIT_MS);
      assert(gone.reason === rtc.DisconnectReason.DUPLICATE_IDENTITY, `reason ${gone.reason}, want DUPLICATE_IDENTITY (${rtc.DisconnectReason.DUPLICATE_IDENTITY})`);
    },
  ]);
  checks.push([
    `rtc-node ${rtcNodeVersion()}: with a forged token Room.connect rejects with our 401 and its reason`,
    async (server) => {
      const mark = server.log.items.length;
      const sdk = track(new SdkRoom('rtc-node-forged'));
      sdk.connect(server.url, await mintToken('sdk-forged', 'sdk-room', { secret: WRONG_SECRET }));
      const e = await sdk.log.wait(() => true, 'Room.connect settling', WAIT_MS);
      assert(e.type === 'rejected', 'Room.connect resolved with a forged token');
      assert(/401|bad_signature/.test(e.message), `the rejection does not mention 401 or bad_signature: ${e.name}: ${e.message}`);
      debug(`sdk-forged: ${e.name}: ${e.message}`);
      assert(!server.log.find((x) => x.identity === 'sdk-forged', mark), 'the server logged an event of sdk-forged');
    },
  ]);
  return checks;
}

// The installed rtc-node's version (its package.json is not among its exports).
function rtcNodeVersion() {
  try {
    const dir = path.dirname(path.dirname(require.resolve('@livekit/rtc-node')));
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch (_) {
    return '(unknown version)';
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  let server;
  let startError;
  try {
    server = await new LivekitServe().start();
  } catch (e) {
    startError = e;
  }
  await runSectionChecks('livekit serve: starts', startError, 'livekit serve did not start', [...signalChecks(), ...sdkChecks()], [server]);
  // rtc-node keeps a native runtime (its FFI) with handles open: release it (bounded), the harness
  // then exits the process.
  await Promise.race([Promise.resolve().then(() => rtc.dispose()).catch(() => {}), sleep(5000)]);
  if (server) await server.stop();
  debug(`run time ${Date.now() - t0} ms`);
}

run(main, { watchdogMs: WATCHDOG_MS });
