#!/usr/bin/env node
// Bench (not a test) of our LiveKit room server (`dclcomms livekit serve`) with the real Node SDK,
// @livekit/rtc-node (LiveKit's Rust SDK and libwebrtc behind an FFI): every participant below is an
// rtc-node Room in this one Node process, talking to the server over the signal websocket and
// WebRTC data channels (ICE-lite, DTLS, SCTP) on loopback.
//
// Usage: node bench.js --dclcomms <path to dclcomms> [--rooms N] [--messages M] [--size BYTES]
//                      [--inflight K] [--fanout R]
//   --rooms N      joins measured, one after the other, into one room (default 20)
//   --messages M   packets per data row (default 20000)
//   --size BYTES   payload bytes per packet, >= 8 (default 100): 'B', 3 bytes 0, a big-endian
//                  sequence number, then filler
//   --inflight K   publishData promises in flight in the batched rows: K published, Promise.all,
//                  the next K (default 100); the row "in-flight 1" awaits each one
//   --fanout R     receivers of the fan-out row (default 4)
//
// Prints the machine, then two plain-text tables: join times (Room.connect() call -> resolution,
// and -> the server's log lines of that identity: joined, the publisher offer, pc_up of the
// publisher and of the subscriber peer connection, each stamped when this process reads it) and
// data rows (first publishData call -> last receipt; delivered/s, payload MB/s, loss, duplicates
// and order per receiver, the server's CPU time (utime + stime of /proc/<pid>/stat) per delivered
// message over the same span, and this process's CPU). A reliable row that stalls lists the
// missing sequence numbers and waits 60 s more for late ones. Exit status 1 if a join or row
// failed or a reliable packet was lost (the figures are still printed), else 0. The server runs
// on 127.0.0.1 port 0 and is stopped by its PID. Figures of speed belong here, never in tests.
'use strict';

if (!process.env.NODE_ENV) process.env.NODE_ENV = 'production'; // rtc-node logs at debug level otherwise

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn, execFileSync } = require('child_process');
const { performance } = require('perf_hooks');
// Every publishData in flight adds an abort listener to the room's disconnect signal.
require('events').setMaxListeners(0);

const { AccessToken } = require('livekit-server-sdk');
const rtc = require('@livekit/rtc-node');

const API_KEY = 'bench-key';
const API_SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuv'; // >= 32 characters
const WAIT_MS = 20_000; // bound of every single wait (a join, a channel, a warm-up)
const STALL_MS = 10_000; // a reliable row gives up after this long without a new receipt
const LOSSY_QUIET_MS = 1_000; // a lossy row ends after this long without a new receipt
const LATE_MS = 60_000; // after a reliable row stalls, how long late arrivals are waited for
const WATCHDOG_MS = 1_500_000;

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const o = { rooms: 20, messages: 20000, size: 100, inflight: 100, fanout: 4 };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--dclcomms') o.dclcomms = v();
    else if (['--rooms', '--messages', '--size', '--inflight', '--fanout'].includes(a)) {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 1) usage(`${a} must be a positive integer`);
      o[a.slice(2)] = n;
    } else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!o.dclcomms) usage('--dclcomms is required');
  if (o.size < 8) usage('--size must be >= 8 (the header and sequence number)');
  if (o.size > 60000) usage('--size must be <= 60000');
  return o;
}

function usage(why) {
  if (why) console.error(`bench.js: ${why}`);
  console.error('usage: node bench.js --dclcomms <path to dclcomms> [--rooms N] [--messages M] [--size BYTES] [--inflight K] [--fanout R]');
  process.exit(2);
}

const ARGS = parseArgs(process.argv.slice(2));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

async function bounded(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  try {
    return await Promise.race([promise, t]);
  } finally {
    clearTimeout(timer);
  }
}

async function mintToken(identity, room) {
  const at = new AccessToken(API_KEY, API_SECRET, { identity, ttl: '30m' });
  at.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true });
  return at.toJwt();
}

// ---------------------------------------------------------------------------------------------
// The server: `dclcomms livekit serve`, its JSON lines read as they come (each stamped with the
// time it was read). `data` lines are only counted (per sender); the others are kept.

class Server {
  constructor(bin) {
    this.bin = bin;
    this.events = [];
    this.waiters = [];
    this.dataBySender = new Map(); // sender -> {lines, recipients}
    this.refused = 0;
    this.stderr = '';
    this.exited = null;
  }
  start() {
    this.proc = spawn(this.bin, ['livekit', 'serve', '--listen', '127.0.0.1:0', '--api-key', API_KEY, '--api-secret', API_SECRET], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.proc.pid;
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d) => {
      if (this.stderr.length < 20000) this.stderr += d;
    });
    this.proc.on('exit', (code, sig) => {
      this.exited = { code, sig };
      this.notify();
    });
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => this.onLine(line));
    return bounded(this.wait((e) => e.event === 'listening'), WAIT_MS, 'the listening line').then((e) => {
      this.url = e.url;
      this.udp = e.udp;
      this.address = e.address;
      return this;
    });
  }
  onLine(line) {
    let e;
    try {
      e = JSON.parse(line);
    } catch (_) {
      e = { event: 'unparsed', line };
    }
    e.t = now();
    if (e.event === 'data') {
      let s = this.dataBySender.get(e.sender);
      if (!s) this.dataBySender.set(e.sender, (s = { lines: 0, recipients: 0 }));
      s.lines += 1;
      s.recipients += e.recipients || 0;
      return;
    }
    if (e.event === 'data_refused') this.refused += 1;
    this.events.push(e);
    this.notify();
  }
  notify() {
    this.waiters = this.waiters.filter((w) => !w());
  }
  // The first kept event satisfying pred, from index `from` on.
  wait(pred, from = 0) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const e = this.events.slice(from).find(pred);
        if (e) {
          resolve(e);
          return true;
        }
        if (this.exited) {
          reject(new Error(`the server exited (${JSON.stringify(this.exited)}): ${this.stderr.slice(-2000)}`));
          return true;
        }
        return false;
      };
      if (!check()) this.waiters.push(check);
    });
  }
  pcUp(identity, pc, from = 0) {
    return this.wait((e) => e.event === 'pc_up' && e.identity === identity && e.pc === pc, from);
  }
  // utime + stime of the server process, in seconds.
  cpuSeconds() {
    const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // #14 utime, #15 stime
  }
  async stop() {
    if (!this.proc || this.exited) return;
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch (_) {}
    const t0 = now();
    while (!this.exited && now() - t0 < 5000) await sleep(50);
    if (!this.exited) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch (_) {}
    }
  }
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch (_) {
    return 100;
  }
})();

// ---------------------------------------------------------------------------------------------
// An SDK participant. Bench packets ('B' + sequence number) are counted per receiver: distinct
// sequence numbers (a bitmap), duplicates, and arrivals out of order (a sequence number lower than
// one already seen); warm-up packets ('W') only mark the data channel as flowing.

class Peer {
  constructor(identity) {
    this.identity = identity;
    this.room = new rtc.Room();
    this.reset(0);
    this.warm = 0;
    this.room.on(rtc.RoomEvent.DataReceived, (payload, participant, kind) => this.onData(payload, participant, kind));
  }
  reset(messages) {
    this.seen = new Uint8Array(messages);
    this.distinct = 0;
    this.duplicates = 0;
    this.outOfOrder = 0;
    this.maxSeq = -1;
    this.last = 0;
    this.kinds = new Set();
  }
  onData(payload, participant, kind) {
    const t = now();
    if (payload[0] === 0x57 /* W */) {
      this.warm += 1;
      return;
    }
    if (payload[0] !== 0x42 /* B */ || payload.length < 8) return;
    const seq = ((payload[4] << 24) | (payload[5] << 16) | (payload[6] << 8) | payload[7]) >>> 0;
    this.last = t;
    this.kinds.add(kind);
    if (seq >= this.seen.length) return;
    if (this.seen[seq]) {
      this.duplicates += 1;
      return;
    }
    this.seen[seq] = 1;
    this.distinct += 1;
    if (seq < this.maxSeq) this.outOfOrder += 1;
    else this.maxSeq = seq;
  }
  async connect(url, token) {
    await this.room.connect(url, token, { autoSubscribe: false });
  }
  publish(bytes, reliable) {
    return this.room.localParticipant.publishData(bytes, { reliable });
  }
  async close() {
    await Promise.race([this.room.disconnect().catch(() => {}), sleep(5000)]);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Join times

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function benchJoins(server, n) {
  const roomName = 'bench-joins';
  const peers = [];
  const connectMs = [];
  const joinedMs = [];
  const offerMs = [];
  const pubUpMs = [];
  const subUpMs = [];
  const errors = [];
  for (let i = 0; i < n; ++i) {
    const identity = `join-${i}`;
    const token = await mintToken(identity, roomName);
    const peer = new Peer(identity);
    peers.push(peer);
    const mark = server.events.length;
    const joined = server.wait((e) => e.event === 'joined' && e.identity === identity, mark);
    const offer = server.wait((e) => e.event === 'negotiation' && e.identity === identity && e.what === 'offer', mark);
    const pub = server.pcUp(identity, 'publisher', mark);
    const sub = server.pcUp(identity, 'subscriber', mark);
    const t0 = now();
    try {
      await bounded(peer.connect(server.url, token), WAIT_MS, `${identity}: Room.connect`);
      connectMs.push(now() - t0);
    } catch (e) {
      errors.push(`${identity}: ${e.message}`);
      continue;
    }
    // The next join starts once this one's subscriber is up too (so the joins do not overlap).
    try {
      const [j, o, p, s] = await bounded(Promise.all([joined, offer, pub, sub]), WAIT_MS, `${identity}: joined, offer, pc_up publisher and subscriber`);
      joinedMs.push(j.t - t0);
      offerMs.push(o.t - t0);
      pubUpMs.push(p.t - t0);
      subUpMs.push(s.t - t0);
    } catch (e) {
      errors.push(`${identity}: ${e.message}`);
    }
  }
  await Promise.all(peers.map((p) => p.close()));
  return { n, connectMs, joinedMs, offerMs, pubUpMs, subUpMs, errors };
}

// ---------------------------------------------------------------------------------------------
// 2. Data rows

// "a-b,c" for the sequence numbers not seen (at most 8 ranges listed).
function missingRanges(seen) {
  const out = [];
  let n = 0;
  for (let i = 0; i < seen.length; ++i) {
    if (seen[i]) continue;
    let j = i;
    while (j + 1 < seen.length && !seen[j + 1]) ++j;
    n += 1;
    if (out.length < 8) out.push(i === j ? `${i}` : `${i}-${j}`);
    i = j;
  }
  if (n > out.length) out.push(`… (${n} ranges)`);
  return out.join(',') || 'none';
}

function packet(size, seq, tag = 0x42) {
  const b = Buffer.alloc(size, 0x61);
  b[0] = tag;
  b[1] = b[2] = b[3] = 0;
  b.writeUInt32BE(seq >>> 0, 4);
  return b;
}

// One room: a sender, `receivers` receivers; `messages` packets of `size` bytes, `inflight`
// publishData promises awaited together.
async function benchData(server, { label, room, receivers, reliable, messages, size, inflight }) {
  const tx = new Peer(`${room}-tx`);
  const rxs = Array.from({ length: receivers }, (_, i) => new Peer(`${room}-rx${i}`));
  const all = [tx, ...rxs];
  const row = { label, receivers, reliable, messages, size, inflight, errors: [] };
  try {
    for (const p of all) {
      const mark = server.events.length;
      const sub = server.pcUp(p.identity, 'subscriber', mark);
      await bounded(p.connect(server.url, await mintToken(p.identity, room)), WAIT_MS, `${p.identity}: Room.connect`);
      await bounded(sub, WAIT_MS, `${p.identity}: pc_up subscriber`);
    }
    // Warm-up: until every receiver gets a packet of the sender (its subscriber channels open).
    const t0w = now();
    for (let i = 0; rxs.some((r) => r.warm === 0); ++i) {
      if (now() - t0w > WAIT_MS) throw new Error(`warm-up: no packet reached ${rxs.filter((r) => !r.warm).map((r) => r.identity)}`);
      await tx.publish(packet(size, i, 0x57), reliable);
      await sleep(20);
    }
    await sleep(200); // stragglers of the warm-up
    // The server's CPU with this room's peers connected and silent (its timers, SCTP heartbeats).
    const idle0 = server.cpuSeconds(), ti0 = now();
    await sleep(1000);
    row.idleCpuPercent = ((server.cpuSeconds() - idle0) / ((now() - ti0) / 1000)) * 100;
    for (const r of rxs) r.reset(messages);
    const before = server.dataBySender.get(tx.identity) || { lines: 0, recipients: 0 };
    const srvLines0 = before.lines, srvRecipients0 = before.recipients;
    const payloads = Array.from({ length: messages }, (_, i) => packet(size, i));

    const cpu0 = server.cpuSeconds();
    const sdkCpu0 = process.cpuUsage();
    const t0 = now();
    let publishErrors = 0;
    let firstError;
    const onErr = (e) => {
      publishErrors += 1;
      if (!firstError) firstError = String((e && e.message) || e);
    };
    for (let i = 0; i < messages; i += inflight) {
      const batch = [];
      for (let j = i; j < Math.min(messages, i + inflight); ++j) batch.push(tx.publish(payloads[j], reliable).catch(onErr));
      await Promise.all(batch);
    }
    const tSent = now();
    // Until every receiver has everything, or nothing new for a while.
    const total = () => rxs.reduce((s, r) => s + r.distinct + r.duplicates, 0);
    const quiet = reliable ? STALL_MS : LOSSY_QUIET_MS;
    let lastTotal = -1, lastChange = now();
    while (rxs.some((r) => r.distinct < messages)) {
      const t = total();
      if (t !== lastTotal) {
        lastTotal = t;
        lastChange = now();
      } else if (now() - lastChange > quiet) break;
      await sleep(reliable ? 5 : 20);
    }
    const cpu1 = server.cpuSeconds();
    const sdkCpu = process.cpuUsage(sdkCpu0);
    const tLast = Math.max(...rxs.map((r) => r.last));
    const after = server.dataBySender.get(tx.identity) || { lines: 0, recipients: 0 };
    const deliveredAtEnd = rxs.reduce((s, r) => s + r.distinct, 0);
    // A reliable row that stalled: which packets are missing, and do they come later (an SCTP
    // retransmission timer backing off) or never (lost)? Watched for LATE_MS more; the figures
    // above stay those of the stall.
    if (reliable && rxs.some((r) => r.distinct < messages)) {
      row.missingAtStall = rxs.map((r) => missingRanges(r.seen));
      const t0l = now();
      while (rxs.some((r) => r.distinct < messages) && now() - t0l < LATE_MS) await sleep(50);
      row.lateArrivals = rxs.reduce((s, r) => s + r.distinct, 0) - deliveredAtEnd;
      row.lateLast = rxs.some((r) => r.last > tLast) ? (Math.max(...rxs.map((r) => r.last)) - t0) / 1000 : undefined;
      row.missingAfterLate = rxs.map((r) => missingRanges(r.seen));
    }
    Object.assign(row, {
      sendSeconds: (tSent - t0) / 1000,
      seconds: ((tLast || tSent) - t0) / 1000,
      delivered: deliveredAtEnd,
      duplicates: rxs.reduce((s, r) => s + r.duplicates, 0),
      outOfOrder: rxs.reduce((s, r) => s + r.outOfOrder, 0),
      perReceiver: rxs.map((r) => r.distinct),
      kinds: [...new Set(rxs.flatMap((r) => [...r.kinds]))].map((k) => rtc.DataPacketKind[k] || k),
      serverCpu: cpu1 - cpu0,
      sdkCpu: (sdkCpu.user + sdkCpu.system) / 1e6,
      serverLines: after.lines - srvLines0,
      serverRecipients: after.recipients - srvRecipients0,
      publishErrors,
      firstError,
    });
  } catch (e) {
    row.errors.push(e.message);
  } finally {
    await Promise.all(all.map((p) => p.close()));
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// Machine and build facts

function machine(bin) {
  const facts = {};
  facts.nproc = (() => {
    try {
      return execFileSync('nproc', { encoding: 'utf8' }).trim();
    } catch (_) {
      return String(os.cpus().length);
    }
  })();
  facts.uptime = uptime();
  facts.node = process.version;
  facts.rtcNode = (() => {
    try {
      const dir = path.dirname(path.dirname(require.resolve('@livekit/rtc-node')));
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    } catch (_) {
      return 'unknown';
    }
  })();
  // The build type from the CMakeCache.txt of the build tree the binary sits in (<build>/tools/dclcomms).
  facts.build = 'unknown (no CMakeCache.txt beside the binary)';
  try {
    const cache = fs.readFileSync(path.join(path.dirname(path.dirname(fs.realpathSync(bin))), 'CMakeCache.txt'), 'utf8');
    const get = (k) => {
      const m = cache.match(new RegExp(`^${k}:[A-Z]+=(.*)$`, 'm'));
      return m ? m[1] : '';
    };
    const type = get('CMAKE_BUILD_TYPE');
    const flags = get(`CMAKE_CXX_FLAGS_${type.toUpperCase()}`);
    const san = get('DCLCOMMS_SANITIZE');
    facts.build = `${type || '(none)'} ${flags}${/^(ON|1|TRUE)$/i.test(san) ? ' + ASan/UBSan' : ''}`.trim();
  } catch (_) {}
  return facts;
}

function uptime() {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch (_) {
    return `load average ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');

function joinTable(j) {
  const line = (name, xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return [name, s.length, f1(s[0]), f1(quantile(s, 0.5)), f1(quantile(s, 0.9)), f1(s[s.length - 1])];
  };
  return table(
    ['join (one after the other, one room)', 'n', 'min ms', 'median ms', 'p90 ms', 'max ms'],
    [
      line('Room.connect() -> server joined (signal)', j.joinedMs),
      line('Room.connect() -> server got the offer', j.offerMs),
      line('Room.connect() -> server pc_up publisher', j.pubUpMs),
      line('Room.connect() -> resolved', j.connectMs),
      line('Room.connect() -> server pc_up subscriber', j.subUpMs),
    ]
  );
}

function dataTable(rows) {
  return table(
    ['data row', 'sent', 'expected', 'delivered', 'lost', 'dup', 'reord', 'send s', 'wall s', 'deliv/s', 'MB/s', 'srv CPU s', 'us CPU/deliv', 'idle CPU%', 'SDK CPU%'],
    rows.map((r) => {
      if (r.errors.length && r.delivered === undefined) return [r.label, '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', 'FAILED'];
      const expected = r.messages * r.receivers;
      return [
        r.label,
        r.messages - r.publishErrors,
        expected,
        r.delivered,
        expected - r.delivered,
        r.duplicates,
        r.outOfOrder,
        f2(r.sendSeconds),
        f2(r.seconds),
        Math.round(r.delivered / r.seconds),
        f2((r.delivered * r.size) / r.seconds / 1e6),
        f2(r.serverCpu),
        r.delivered ? f1((r.serverCpu * 1e6) / r.delivered) : '-',
        f1(r.idleCpuPercent),
        f1((r.sdkCpu / r.seconds) * 100),
      ];
    })
  );
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const bin = path.resolve(ARGS.dclcomms);
  const facts = machine(bin);
  console.log('dclcomms livekit serve with @livekit/rtc-node peers (one Node process) on 127.0.0.1');
  console.log(`machine: nproc ${facts.nproc}; ${facts.uptime}`);
  console.log(`node ${facts.node}; @livekit/rtc-node ${facts.rtcNode}; dclcomms ${bin}: ${facts.build}; CLK_TCK ${CLK_TCK}`);
  console.log(
    `args: --rooms ${ARGS.rooms} --messages ${ARGS.messages} --size ${ARGS.size} --inflight ${ARGS.inflight} --fanout ${ARGS.fanout}`
  );

  const server = new Server(bin);
  RUNNING_SERVER = server;
  await server.start();
  console.log(`server: pid ${server.pid}, ${server.url}, udp ${server.udp}`);
  let failed = false;
  try {
    const j = await benchJoins(server, ARGS.rooms);
    console.log('');
    console.log(joinTable(j));
    for (const e of j.errors) console.log(`  join error: ${e}`);
    if (j.errors.length) failed = true;

    const M = ARGS.messages, S = ARGS.size, K = ARGS.inflight, R = ARGS.fanout;
    const specs = [
      { label: 'reliable 1->1, in-flight 1', room: 'bench-rel-1', receivers: 1, reliable: true, inflight: 1 },
      { label: `reliable 1->1, in-flight ${K}`, room: 'bench-rel-k', receivers: 1, reliable: true, inflight: K },
      { label: `reliable 1->${R}, in-flight ${K}`, room: 'bench-fan', receivers: R, reliable: true, inflight: K },
      { label: `lossy 1->1, in-flight ${K}`, room: 'bench-lossy', receivers: 1, reliable: false, inflight: K },
    ];
    const rows = [];
    for (const s of specs) rows.push(await benchData(server, { ...s, messages: M, size: S }));
    console.log('');
    console.log(`data: ${M} packets of ${S} bytes per row; first publishData call -> last receipt; deliv/s and MB/s (payload) over all receivers;`);
    console.log('srv CPU s: the server process\'s utime+stime over that span; idle CPU%: the same server, the row\'s peers connected and silent for 1 s before it;');
    console.log('SDK CPU%: this Node process (every rtc-node room, its FFI threads, the bench) over the span, 100 = one core');
    console.log(dataTable(rows));
    for (const r of rows) {
      const notes = [];
      if (r.serverLines !== undefined)
        notes.push(`server relayed ${r.serverLines} of them to ${r.serverRecipients} recipients`, `received kinds ${r.kinds.join(',') || '-'}`);
      if (r.receivers > 1 && r.perReceiver) notes.push(`per receiver ${r.perReceiver.join('/')}`);
      if (r.missingAtStall) {
        notes.push(`STALLED: missing per receiver ${r.missingAtStall.join(' / ')}`);
        notes.push(`${r.lateArrivals} arrived within ${LATE_MS / 1000} s more${r.lateLast ? ` (the last at ${r.lateLast.toFixed(2)} s)` : ''}, still missing ${r.missingAfterLate.join(' / ')}`);
      }
      if (r.publishErrors) notes.push(`${r.publishErrors} publishData rejected (first: ${r.firstError})`);
      for (const e of r.errors) notes.push(`error: ${e}`);
      console.log(`  ${r.label}: ${notes.join('; ')}`);
      if (r.errors.length || (r.reliable && r.delivered !== r.messages * r.receivers)) failed = true;
    }
    if (server.refused) console.log(`server logged ${server.refused} data_refused`);
  } finally {
    const others = server.events.filter((e) => /error|refused|unparsed/.test(e.event)).slice(0, 10);
    for (const e of others) console.log(`server: ${JSON.stringify(e)}`);
    await server.stop();
    if (server.stderr.trim()) console.log(`server stderr (last 2000 chars):\n${server.stderr.slice(-2000)}`);
    console.log(`\nafter: ${uptime()}`);
  }
  return failed;
}

let RUNNING_SERVER;
const watchdog = setTimeout(() => {
  console.error('bench.js: watchdog: giving up');
  if (RUNNING_SERVER && RUNNING_SERVER.pid && !RUNNING_SERVER.exited) {
    try {
      process.kill(RUNNING_SERVER.pid, 'SIGKILL');
    } catch (_) {}
  }
  process.exit(1);
}, WATCHDOG_MS);

main()
  .then(
    (failed) => failed,
    (e) => {
      console.error(`bench.js: ${(e && e.stack) || e}`);
      return true;
    }
  )
  .then(async (failed) => {
    await Promise.race([Promise.resolve().then(() => rtc.dispose()).catch(() => {}), sleep(5000)]);
    clearTimeout(watchdog);
    process.exit(failed ? 1 : 0);
  });
