#!/usr/bin/env node
'use strict'
// The Decentraland explorer's own ws-room transport behind the dclcomms driver protocol
// (docs/driver-protocol.md, virtual-time mode, protocol 1.1).
//
// What runs is the explorer's WebSocketAdapter (and the helpers it imports) as it ships in the
// pinned @dcl/explorer package: build.js takes their TypeScript unchanged from the package's source
// map and bundles it with a browser-like WebSocket and timers over the harness's virtual time
// (shims/virtual-env.js). This file only does what the explorer's kernel does around the adapter,
// and says where:
// - the connection string becomes the adapter's URL by connectAdapter()'s own lines of sagas.ts
//   (build/connection-string.js, copied verbatim at build time);
// - connect() is awaited as handleConnectToComms() does: resolved = in the room (Connected, with
//   the peers the welcome listed), rejected = this connection is over (Disconnected, not kicked);
// - the adapter's events are reported as they come: message, PEER_DISCONNECTED (peer_left),
//   DISCONNECTION (disconnected, with its kicked flag); it has no peer-joined event.
// After each request the driver lets the adapter's promises settle (as a browser would before
// the next network event); a `calls` request makes its calls back to back first.

const readline = require('readline')
const env = require('./shims/virtual-env.js')
const { WebSocketAdapter } = require('./build/explorer-ws-adapter.js')
const { route } = require('./build/connection-string.js')
const explorerVersion = require('@dcl/explorer/package.json').version

// A browser logs an unhandled rejection and goes on; Node would exit. The adapter leaves some
// (its connected future is rejected on failure whether or not anyone waits on it).
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`[explorer unhandled rejection] ${reason && reason.message ? reason.message : reason}\n`)
})

let adapter = null
let ended = false  // a disconnected event was reported

function report(event) {
  env.pushAction({ do: 'event', event })
}

function toHex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

function refused(code, message) {
  const error = new Error(message)
  error.code = code
  return error
}

// The ExplorerIdentity the kernel hands the adapter: an AuthIdentity (ephemeral key + chain).
function explorerIdentity(identity) {
  if (!identity) return null
  return {
    address: identity.address,
    hasConnectedWeb3: true,
    ephemeralIdentity: { privateKey: identity.ephemeral_key },
    expiration: new Date(8.64e15),
    authChain: identity.base_chain || []
  }
}

function create(request) {
  const { protocol, finalUrl } = route(String(request.uri || ''))
  if (protocol !== 'ws-room') {
    // connectAdapter() serves other types with other adapters; this driver wraps the ws-room one.
    throw refused('unsupported_type', `this driver wraps the explorer's ws-room adapter only, not '${protocol}'`)
  }
  adapter = new WebSocketAdapter(finalUrl, explorerIdentity(request.identity))
  ended = false
  adapter.events.on('message', ({ address, data }) => report({ event: 'message', from: address, packet_hex: toHex(data) }))
  adapter.events.on('PEER_DISCONNECTED', ({ address }) => report({ event: 'peer_left', address }))
  adapter.events.on('DISCONNECTION', ({ kicked }) => {
    ended = true
    report({ event: 'disconnected', reason: kicked ? 'kicked' : 'disconnected', kicked: !!kicked })
  })
}

function transportCall(call) {
  if (!adapter) throw refused('not_connected', 'create first')
  switch (call.cmd) {
    case 'connect':
      adapter.connect().then(
        () => report({ event: 'connected', peers: [...adapter.peersToAddress.values()] }),
        (error) => {
          if (ended) return
          ended = true
          report({ event: 'disconnected', reason: 'connect failed: ' + (error && error.message ? error.message : String(error)), kicked: false })
        }
      )
      return
    case 'disconnect':
      adapter.disconnect().catch(() => {})
      return
    case 'send': {
      // The adapter's send(body, {reliable}) has no recipients: a targeted send cannot be asked of it.
      if (Array.isArray(call.targets) && call.targets.length > 0) throw refused('unsupported', 'the explorer adapter has no targeted sends')
      adapter.send(new Uint8Array(Buffer.from(call.packet_hex || '', 'hex')), { reliable: call.reliable !== false })
      return
    }
  }
  throw refused('protocol_error', `a call is connect, send or disconnect, not '${call.cmd}'`)
}

function harnessReport(request) {
  const socket = env.socket(request.stream)
  if (!socket) return  // a socket the adapter no longer holds
  if (request.cmd === 'ws_opened') socket._opened(request.subprotocol)
  if (request.cmd === 'ws_frame') socket._frame(new Uint8Array(Buffer.from(request.hex || '', 'hex')))
  if (request.cmd === 'ws_closed') socket._closed(request.detail)
}

// Lets every promise the adapter chained settle: they run as microtasks, all of which run before
// the next macrotask; a few turns cover chains that schedule further ones.
async function settle() {
  for (let turn = 0; turn < 4; turn++) await new Promise((resolve) => setImmediate(resolve))
}

async function runDueTimers() {
  for (let round = 0; round < 1000; round++) {
    const due = env.nextDueMs()
    if (due === null || due > env.now()) return
    env.runDueTimers()
    await settle()
  }
}

let announcedTimerMs
function announceTimer() {
  const due = env.nextDueMs()
  if (due === announcedTimerMs) return
  announcedTimerMs = due
  env.pushAction({ do: 'set_timer', at_ms: due })
}

async function handle(request) {
  env.setNow(Number(request.now_ms) || 0)
  await runDueTimers()
  let answer = { ok: true }
  switch (request.cmd) {
    case 'hello':
      return {
        ok: true,
        name: `explorer-ws-adapter (@dcl/explorer ${explorerVersion})`,
        ...(request.protocol === '1.1' ? { protocol: '1.1' } : {}),
        // What the adapter does, declared as it is: no size check in send() (payload_bytes_max
        // null), no peer-joined event, sends it will not carry dropped with a log, not refused.
        capabilities: {
          types: ['ws-room'],
          unreliable: true,
          targeted_sends: false,
          payload_bytes_max: null,
          virtual_time: true,
          peer_joined_events: false,
          typed_send_refusals: false
        }
      }
    case 'create':
      create(request)
      break
    case 'connect':
    case 'send':
    case 'disconnect':
      transportCall(request)
      break
    case 'calls': {
      const results = (request.calls || []).map((call) => {
        try {
          transportCall(call)
          return { ok: true }
        } catch (error) {
          return { ok: false, error: { code: error.code || 'protocol_error', message: error.message || String(error) } }
        }
      })
      answer = { ok: true, results }
      break
    }
    case 'ws_opened':
    case 'ws_frame':
    case 'ws_closed':
      harnessReport(request)
      break
    case 'timer':
      break  // the due timers ran above
    default:
      throw refused('protocol_error', `'${request.cmd}' is not a request this driver serves`)
  }
  await settle()
  await runDueTimers()
  announceTimer()
  return answer
}

function write(line) {
  process.stdout.write(JSON.stringify(line) + '\n')
}

let queue = Promise.resolve()
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    let request
    try {
      request = JSON.parse(line)
    } catch (e) {
      return write({ id: null, ok: false, error: { code: 'protocol_error', message: 'not JSON' }, actions: [] })
    }
    let answer
    try {
      answer = await handle(request)
    } catch (error) {
      answer = { ok: false, error: { code: error.code || 'protocol_error', message: error.message || String(error) } }
    }
    answer.id = request.id
    answer.actions = env.takeActions()
    write(answer)
  })
})
