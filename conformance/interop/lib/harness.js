// Shared harness of the Node interop test scripts (ws_room/, signed_login/): arguments, child
// processes remembered and stopped by PID, event logs with bounded waits, dclcomms and mini-comms
// processes, the check runner with its `ok`/`FAIL`/`N passed, M failed` output and the watchdog.
//
// CommonJS on Node built-ins only: every npm peer is loaded by the calling script (its own
// node_modules) through init({dir, require}), or passed in (identities({dclCrypto, Authenticator})).
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const readline = require('readline');
const util = require('util');

// Deadlines that only catch hangs (every wait resolves as soon as its event happens, so a passing
// run is no slower): they must hold on a loaded 2-core machine running ASan builds under ctest -j2.
const CHECK_MS = 120_000; // one check (some start three dclcomms clients one after another); above WAIT_MS
const WAIT_MS = 30_000; // one expected event (covers an ASan process start plus a handshake)

// Set once by the script: where its child processes run and its npm peers are looked up.
const ctx = { dir: process.cwd(), require, verbose: false };

// dir: the script's folder (__dirname); require: the script's own require (resolves its node_modules).
function init({ dir, require: scriptRequire }) {
  ctx.dir = dir;
  ctx.require = scriptRequire;
}

// An npm peer of the script; if it is not installed: `FAIL setup: …`, `0 passed, 1 failed`, exit 1.
function requirePeer(name) {
  try {
    return ctx.require(name);
  } catch (e) {
    console.log(`FAIL setup: cannot load ${name} (${e.code || e.message}); run \`npm ci\` in ${ctx.dir} (ci/install-deps.sh does)`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

// The path of a file of an npm peer; if it is not installed, where it would be (starting it then
// fails, which the check reports).
function peerPath(request) {
  try {
    return ctx.require.resolve(request);
  } catch (_) {
    return path.join(ctx.dir, 'node_modules', request);
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments: --dclcomms <path> [--verbose]; anything else, or a missing binary, exits 2.

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dclcomms' && i + 1 < argv.length) out.dclcomms = argv[++i];
    else if (argv[i] === '--verbose') out.verbose = true;
    else {
      console.error(`unknown argument: ${argv[i]}`);
      process.exit(2);
    }
  }
  if (!out.dclcomms) {
    console.error('usage: node interop_test.js --dclcomms <path to dclcomms> [--verbose]');
    process.exit(2);
  }
  out.dclcomms = path.resolve(out.dclcomms);
  if (!fs.existsSync(out.dclcomms)) {
    console.error(`dclcomms binary not found: ${out.dclcomms}`);
    process.exit(2);
  }
  ctx.verbose = !!out.verbose;
  return out;
}

// With --verbose: `# …` on stderr.
function debug(...xs) {
  if (ctx.verbose) console.error('#', ...xs);
}

// ---------------------------------------------------------------------------------------------
// Child processes: remembered by PID, stopped by PID.

const children = new Map(); // pid -> {name, child}

function startProcess(name, cmd, args, env) {
  const child = spawn(cmd, args, {
    cwd: ctx.dir,
    env: { ...process.env, ...(env || {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) {
    children.set(child.pid, { name, child });
    child.on('exit', () => children.delete(child.pid));
  }
  child.stdin.on('error', () => {}); // EPIPE after the child exited: the exit event tells the story
  return child;
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch (_) {
    /* already gone */
  }
}

// SIGTERM every child we started, SIGKILL what is left after graceMs.
async function stopAllChildren(graceMs = 3000) {
  const pending = [...children.entries()];
  for (const [pid] of pending) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (children.size > 0 && Date.now() < deadline) await sleep(50);
  for (const [pid] of children) signal(pid, 'SIGKILL');
}
process.on('exit', () => {
  for (const [pid] of children) signal(pid, 'SIGKILL');
});

function sleep(ms) {
  return new Promise((res) => setTimeout(res, ms));
}

// ---------------------------------------------------------------------------------------------
// An append-only log of events with bounded waits. Byte arrays (Uint8Array, not Buffer) show as
// hex in --verbose output and as `<N bytes>` in failure messages.

class EventLog {
  constructor(name) {
    this.name = name;
    this.items = [];
    this.listeners = new Set();
  }
  // A final item (process exit, socket close): nothing will follow, so waits stop at once.
  push(item, final = false) {
    this.items.push(item);
    if (final) this.ended = true;
    debug(this.name, JSON.stringify(item, (k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
    for (const l of [...this.listeners]) l();
  }
  find(pred, from = 0) {
    for (let i = from; i < this.items.length; i++) if (pred(this.items[i])) return this.items[i];
    return undefined;
  }
  tail(n = 6) {
    const s = this.items.slice(-n).map((x) => JSON.stringify(x, (k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v)));
    return s.length ? s.join(' | ') : '(nothing)';
  }
  // Resolves with the first item matching pred (from index `from`), rejects after ms.
  wait(pred, what, ms = WAIT_MS, from = 0) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const check = () => {
        const m = this.find(pred, from);
        if (m === undefined) {
          if (!this.ended) return false;
          cleanup();
          reject(new Error(`${this.name}: no ${what} (ended); last events: ${this.tail()}`));
          return true;
        }
        cleanup();
        resolve(m);
        return true;
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      if (check()) return;
      timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no ${what} within ${ms} ms; last events: ${this.tail()}`));
      }, ms);
      this.listeners.add(check);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Keys and identities.

// A fixed private key per label: distinct in every check, the same in every run.
function keyFor(label) {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(label)) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return ('d1c0' + h.toString(16).padStart(8, '0')).padEnd(64, '7');
}

function prefix0x(s) {
  return s.startsWith('0x') ? s : '0x' + s;
}

// Identity helpers on the script's upstream @dcl/crypto only (no ethers): dclCrypto is
// require('@dcl/crypto/dist/crypto'), Authenticator comes from require('@dcl/crypto').
function identities({ dclCrypto, Authenticator }) {
  // {privateKey, publicKey (64 bytes, no 04 prefix), address} of a private key, derived by signing
  // and recovering with @dcl/crypto's own primitives.
  function identityFromKey(hex) {
    const msg = 'dclcomms interop identity';
    const sig = dclCrypto.ethSign(Buffer.from(hex, 'hex'), msg);
    const pub = dclCrypto.recoverPublicKey(Buffer.from(sig.slice(2), 'hex'), dclCrypto.createEthereumMessageHash(msg));
    return {
      privateKey: '0x' + hex,
      publicKey: '0x' + Buffer.from(pub).toString('hex'),
      address: dclCrypto.computeAddress(pub),
    };
  }
  // An AuthIdentity (owner -> fresh ephemeral key) made by Authenticator.initializeAuthChain, as an
  // explorer holds it; delegationSigner signs the ephemeral link, minutes is its lifetime.
  async function authIdentity(owner, delegationSigner = owner, minutes = 60) {
    const ephemeral = dclCrypto.createUnsafeIdentity();
    const eph = { ...ephemeral, privateKey: prefix0x(ephemeral.privateKey), publicKey: prefix0x(ephemeral.publicKey) };
    return Authenticator.initializeAuthChain(owner.address, eph, minutes, async (message) =>
      Authenticator.createSignature(delegationSigner, message)
    );
  }
  return { identityFromKey, authIdentity };
}

// ---------------------------------------------------------------------------------------------
// Assertions

function assert(cond, why) {
  if (!cond) throw new Error(why);
}
function assertDeepEqual(actual, expected, what) {
  if (!util.isDeepStrictEqual(actual, expected))
    throw new Error(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
}

// ---------------------------------------------------------------------------------------------
// Processes printing JSON lines (dclcomms): each stdout line goes to `log` (a line that is not
// JSON as {event: 'raw', line}), stderr is kept in `stderr`, the end is the final
// {event: 'exit', code, signal} (or {event: 'exit', code: null, error}).

class JsonLinesProcess {
  spawnJsonLines(cmd, args) {
    this.stderr = '';
    this.child = startProcess(this.name, cmd, args);
    this.child.stderr.on('data', (d) => (this.stderr += d));
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.log.push(JSON.parse(line));
      } catch (_) {
        this.log.push({ event: 'raw', line });
      }
    });
    this.child.on('close', (code, sig) => this.log.push({ event: 'exit', code, signal: sig }, true)); // after the last stdout line
    this.child.on('error', (e) => this.log.push({ event: 'exit', code: null, error: e.message }, true));
    return this.child;
  }
  exited(ms = WAIT_MS) {
    return this.log.wait((e) => e.event === 'exit', 'process exit', ms);
  }
}

// A dclcomms server (`ws-room serve`, `signed-login serve`, … on port 0): start() resolves once it
// prints its `listening` line (host: its address, first: that line). opts.exitLabel names it in the
// error when it exits first (default: name).
class DclcommsServer extends JsonLinesProcess {
  constructor(name, cmd, args, opts = {}) {
    super();
    this.name = name;
    this.cmd = cmd;
    this.args = args;
    this.exitLabel = opts.exitLabel || name;
  }
  async start() {
    this.log = new EventLog(this.name);
    this.spawnJsonLines(this.cmd, this.args);
    const first = await this.log.wait((e) => e.event === 'listening' || e.event === 'exit', 'listening line');
    if (first.event !== 'listening') throw new Error(`${this.exitLabel} exited (${first.code}): ${first.error || this.stderr.trim()}`);
    this.host = first.address;
    this.first = first;
    return this;
  }
  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    signal(this.child.pid, 'SIGTERM');
    await this.log.wait((e) => e.event === 'exit', 'exit after SIGTERM', 5000).catch(() => signal(this.child.pid, 'SIGKILL'));
  }
}

// A `dclcomms connect …` client, started at once: events are JSON lines on stdout; stdin lines are
// sent; EOF disconnects. opts.tailOnEarlyExit: connected() also quotes the last events.
class DclcommsClient extends JsonLinesProcess {
  constructor(name, cmd, args, opts = {}) {
    super();
    this.name = name;
    this.log = new EventLog(name);
    this.tailOnEarlyExit = !!opts.tailOnEarlyExit;
    this.spawnJsonLines(cmd, args);
  }
  // Waits for `connected`; throws (with stderr) if the process ends first.
  async connected() {
    const e = await this.log.wait((x) => x.event === 'connected' || x.event === 'exit', 'connected event');
    if (e.event === 'exit') {
      const tail = this.tailOnEarlyExit ? `${this.log.tail()} ` : '';
      throw new Error(`${this.name} exited ${e.code} before connecting: ${tail}${e.error || this.stderr.trim()}`);
    }
    return e;
  }
  send(packetJson, reliable = true) {
    this.child.stdin.write(JSON.stringify(reliable ? packetJson : { packet: packetJson, reliable: false }) + '\n');
  }
  // EOF on stdin = disconnect; resolves with the exit event.
  async close() {
    this.child.stdin.end();
    return this.exited();
  }
}

// ---------------------------------------------------------------------------------------------
// @dcl/mini-comms, the upstream reference ws-room server (entry: the script's
// peerPath('@dcl/mini-comms/dist/index.js')), on a free port of 127.0.0.1.

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

class MiniComms {
  constructor(entry) {
    this.name = 'mini-comms';
    this.entry = entry;
  }
  async start() {
    let lastError;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await this.tryStart(await freePort());
      } catch (e) {
        lastError = e;
        await this.stop();
      }
    }
    throw lastError;
  }
  async tryStart(port) {
    this.log = new EventLog('mini-comms');
    this.output = '';
    this.child = startProcess('mini-comms', process.execPath, [this.entry], {
      HTTP_SERVER_PORT: String(port),
      HTTP_SERVER_HOST: '127.0.0.1',
    });
    const onLine = (line) => {
      this.output += line + '\n';
      this.log.push({ line });
    };
    readline.createInterface({ input: this.child.stdout }).on('line', onLine);
    readline.createInterface({ input: this.child.stderr }).on('line', onLine);
    this.child.on('close', (code, sig) => this.log.push({ exit: true, code, signal: sig }, true));
    this.child.on('error', (e) => this.log.push({ exit: true, code: null, error: e.message }, true));
    const ready = `Listening 127.0.0.1:${port}`;
    const first = await this.log.wait((e) => e.exit || (e.line && e.line.includes(ready)), `"${ready}"`, 60_000); // a hang catcher
    if (first.exit) throw new Error(`mini-comms exited (${first.code}): ${this.output.trim().split('\n').slice(-3).join(' / ')}`);
    this.host = `127.0.0.1:${port}`;
    return this;
  }
  roomUrl(room) {
    return `ws://${this.host}/rooms/${room}`;
  }
  roomsUrl() {
    return `ws://${this.host}/rooms/`;
  }
  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    signal(this.child.pid, 'SIGTERM');
    await this.log.wait((e) => e.exit, 'exit after SIGTERM', 5000).catch(() => signal(this.child.pid, 'SIGKILL'));
  }
}

// ---------------------------------------------------------------------------------------------
// Check runner

const results = { passed: 0, failed: 0 };
const openClients = new Set(); // closed at the end of each section

function track(client) {
  openClients.add(client);
  return client;
}
// Closes every tracked client: a process (it has `child`) by close() if it still runs (SIGKILL if
// that fails), anything else by close(); best effort.
async function closeTracked() {
  const all = [...openClients];
  openClients.clear();
  await Promise.all(
    all.map(async (c) => {
      try {
        if (c.child) {
          if (c.child.exitCode === null && c.child.signalCode === null) {
            await c.close().catch(() => signal(c.child.pid, 'SIGKILL'));
          }
        } else {
          await c.close();
        }
      } catch (_) {
        /* best effort */
      }
    })
  );
}

// One check: `ok <name>` or `FAIL <name>: <why>`, bounded by CHECK_MS.
async function check(name, fn) {
  let timer;
  try {
    await Promise.race([
      fn(),
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error(`check timed out after ${CHECK_MS} ms`)), CHECK_MS);
      }),
    ]);
    results.passed++;
    console.log(`ok ${name}`);
    return true;
  } catch (e) {
    results.failed++;
    console.log(`FAIL ${name}: ${String((e && e.message) || e).replace(/\s+/g, ' ')}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

// The checks of one section, after its servers were started (or not): first the check `startsName`
// (fails with startError), then every [name, fn] of checks, each called as fn(...servers) or, if
// the servers did not start, failed with notStartedWhy (so the total stays the same); then every
// tracked client is closed. Stopping the servers is left to the caller.
async function runSectionChecks(startsName, startError, notStartedWhy, checks, servers) {
  await check(startsName, async () => {
    if (startError) throw startError;
  });
  for (const [name, fn] of checks) {
    await check(name, async () => {
      if (startError) throw new Error(notStartedWhy);
      await fn(...servers);
    });
  }
  await closeTracked();
}

// Runs main() under a watchdog of watchdogMs; prints `N passed, M failed`, stops every child and
// exits 0 if nothing failed, else 1 (an exception or the watchdog is one more failure).
function run(main, { watchdogMs }) {
  let finished = false;
  function finish(code) {
    if (finished) return;
    finished = true;
    console.log(`${results.passed} passed, ${results.failed} failed`);
    stopAllChildren().finally(() => process.exit(code));
  }

  process.on('uncaughtException', (e) => {
    results.failed++;
    console.log(`FAIL harness: ${String((e && e.stack) || e).replace(/\s+/g, ' ')}`);
    finish(1);
  });

  const watchdog = setTimeout(() => {
    results.failed++;
    console.log(`FAIL watchdog: the run took more than ${watchdogMs / 1000} s`);
    finish(1);
  }, watchdogMs);

  main().then(
    () => {
      clearTimeout(watchdog);
      finish(results.failed > 0 ? 1 : 0);
    },
    (e) => {
      clearTimeout(watchdog);
      results.failed++;
      console.log(`FAIL harness: ${(e && e.stack) || e}`);
      finish(1);
    }
  );
}

module.exports = {
  CHECK_MS,
  WAIT_MS,
  init,
  requirePeer,
  peerPath,
  parseArgs,
  debug,
  startProcess,
  signal,
  stopAllChildren,
  sleep,
  EventLog,
  keyFor,
  prefix0x,
  identities,
  assert,
  assertDeepEqual,
  JsonLinesProcess,
  DclcommsServer,
  DclcommsClient,
  freePort,
  MiniComms,
  results,
  track,
  closeTracked,
  check,
  runSectionChecks,
  run,
};
