#!/usr/bin/env node
// A conformance driver template: a ws-room client (RFC-5) and a signed-login client (ADR-180 +
// ADR-44 signed fetch, then the ws-room its endpoint names), written in JavaScript on the upstream
// codecs (@dcl/protocol) and AuthChain signer (@dcl/crypto), behind the dclcomms driver protocol
// (docs/driver-protocol.md, version 1, virtual time). Copy it and replace the client logic with
// your transport; keep the shape: no sockets, no clocks — ask the harness through actions.
//
// Run the suite against it:  dclcomms conformance run --driver "node conformance/drivers/node/driver.js"
'use strict'

const readline = require('readline')
const { Packet } = require('@dcl/protocol/out-js/decentraland/kernel/comms/rfc4/comms.gen')
const { WsPacket } = require('@dcl/protocol/out-js/decentraland/kernel/comms/rfc5/ws_comms.gen')
const { Authenticator } = require('@dcl/crypto')

const PACKET_BYTES_MAX = 65535
const HANDSHAKE_STEP_MS = 1000

const toHex = (bytes) => Buffer.from(bytes).toString('hex')
const fromHex = (hex) => new Uint8Array(Buffer.from(hex, 'hex'))

// ---- the transport under test: a ws-room client, sans I/O ----------------------------------------

class WsRoomClient {
  constructor(url, identity, out) {
    this.url = url
    this.identity = identity
    this.out = out // { open(url, subprotocols), send(bytes), close(reason), timer(atMs|null), event(obj) }
    this.state = 'idle'
    this.peers = new Map() // alias -> lowercase address
  }
  connect(now) {
    if (this.state !== 'idle') throw { code: 'already_connected', message: 'connect called twice' }
    this.state = 'opening'
    this.out.open(this.url, ['rfc5', 'rfc4'])
  }
  opened(now) {
    this.state = 'identifying'
    this.sendWs({ message: { $case: 'peerIdentification', peerIdentification: { address: this.identity.address } } })
    this.out.timer(now + HANDSHAKE_STEP_MS)
  }
  frame(bytes, now) {
    if (this.state === 'closed') return
    let packet
    try {
      packet = WsPacket.decode(bytes)
    } catch (e) {
      return this.fail('protocol_error: undecodable frame: ' + e.message, false)
    }
    const m = packet.message
    if (this.state !== 'joined') {
      if (m && m.$case === 'challengeMessage' && this.state === 'identifying') {
        const challenge = m.challengeMessage.challengeToSign
        if (!challenge.startsWith('dcl-')) return this.fail('protocol_error: refusing to sign a non-dcl- challenge', false)
        this.sendWs({ message: { $case: 'signedChallengeForServer', signedChallengeForServer: { authChainJson: this.sign(challenge) } } })
        this.state = 'awaiting_welcome'
        this.out.timer(now + HANDSHAKE_STEP_MS)
      } else if (m && m.$case === 'welcomeMessage') {
        this.state = 'joined'
        this.out.timer(null)
        for (const [alias, address] of Object.entries(m.welcomeMessage.peerIdentities)) {
          if (Number(alias) !== m.welcomeMessage.alias) this.peers.set(Number(alias), address.toLowerCase())
        }
        this.out.event({ event: 'connected', peers: [...this.peers.keys()].sort((a, b) => a - b).map((a) => this.peers.get(a)) })
      } else if (m && m.$case === 'peerKicked') {
        this.fail('kicked: ' + m.peerKicked.reason, true)
      } else {
        this.fail('protocol_error: unexpected packet before the welcome', false)
      }
      return
    }
    if (!m) return // unknown packet types are ignored (RFC-5)
    switch (m.$case) {
      case 'peerUpdateMessage': {
        const address = this.peers.get(m.peerUpdateMessage.fromAlias)
        if (address) this.out.event({ event: 'message', from: address, packet_hex: toHex(m.peerUpdateMessage.body) })
        return
      }
      case 'peerJoinMessage': {
        const address = m.peerJoinMessage.address.toLowerCase()
        if (this.peers.get(m.peerJoinMessage.alias) === address) return
        this.peers.set(m.peerJoinMessage.alias, address)
        this.out.event({ event: 'peer_joined', address })
        return
      }
      case 'peerLeaveMessage': {
        const address = this.peers.get(m.peerLeaveMessage.alias)
        if (!address) return // stale leave: tolerated
        this.peers.delete(m.peerLeaveMessage.alias)
        this.out.event({ event: 'peer_left', address })
        return
      }
      case 'peerKicked':
        return this.fail('kicked: ' + m.peerKicked.reason, true)
      default:
        return // ignored
    }
  }
  closed(detail) {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.out.timer(null)
    this.out.event({ event: 'disconnected', reason: 'peer_closed: ' + detail, kicked: false })
  }
  timer(now) {
    if (this.state === 'identifying' || this.state === 'awaiting_welcome') this.fail('handshake_timeout', false)
  }
  send(bytes, reliable, targets) {
    if (targets.length > 0) throw { code: 'unsupported', message: 'ws-room has no targeted sends' }
    if (this.state !== 'joined') throw { code: 'not_connected', message: 'not in the room' }
    if (bytes.length > PACKET_BYTES_MAX) throw { code: 'packet_too_large', message: `${bytes.length} bytes > ${PACKET_BYTES_MAX}` }
    this.sendWs({ message: { $case: 'peerUpdateMessage', peerUpdateMessage: { fromAlias: 0, body: bytes, unreliable: !reliable } } })
  }
  disconnect() {
    if (this.state === 'closed') return
    const wasOpen = this.state !== 'idle'
    this.state = 'closed'
    this.out.timer(null)
    if (wasOpen) this.out.close('client disconnected')
    this.out.event({ event: 'disconnected', reason: 'client disconnected', kicked: false })
  }
  fail(reason, kicked) {
    this.state = 'closed'
    this.out.timer(null)
    this.out.close(reason)
    this.out.event({ event: 'disconnected', reason, kicked })
  }
  sign(payload) {
    return JSON.stringify(signedChain(this.identity, payload))
  }
  sendWs(packet) {
    this.out.send(WsPacket.encode(packet).finish())
  }
}

// The identity's chain plus the final link: the ephemeral key signs `payload` (EIP-191).
function signedChain(identity, payload) {
  const signature = Authenticator.createSignature({ privateKey: identity.ephemeralKey }, payload)
  return [...identity.baseChain, { type: 'ECDSA_SIGNED_ENTITY', payload, signature }]
}

// ---- the transport under test: a signed-login client, sans I/O --------------------------------------

const COMMS_HANDSHAKE_METADATA = JSON.stringify({
  intent: 'dcl:explorer:comms-handshake',
  signer: 'dcl:explorer',
  isGuest: false,
  origin: 'https://conformance.invalid'
})

class SignedLoginClient {
  constructor(url, identity, unixMsAtZero, out) {
    this.url = url
    this.identity = identity
    this.unixMsAtZero = unixMsAtZero // the harness's wall clock at now_ms = 0: never our own
    this.out = out
    this.state = 'idle'
    this.inner = null // the ws-room client, once the endpoint has named one
  }
  set out(out) {
    this._out = out
    if (this.inner) this.inner.out = out
  }
  get out() {
    return this._out
  }
  connect(now) {
    if (this.state !== 'idle') throw { code: 'already_connected', message: 'connect called twice' }
    this.state = 'requesting'
    // ADR-44 signed fetch: lowercase(method:pathname:timestamp:metadata), headers carry the chain.
    const timestamp = String(this.unixMsAtZero + now)
    const payload = ['POST', new URL(this.url).pathname, timestamp, COMMS_HANDSHAKE_METADATA].join(':').toLowerCase()
    const headers = signedChain(this.identity, payload).map((link, i) => [`x-identity-auth-chain-${i}`, JSON.stringify(link)])
    headers.push(['x-identity-timestamp', timestamp], ['x-identity-metadata', COMMS_HANDSHAKE_METADATA])
    this.out.http('POST', this.url, headers, '')
  }
  httpResponse(status, body, now) {
    if (this.state !== 'requesting') return
    let json
    try {
      json = JSON.parse(body)
    } catch (e) {
      json = undefined
    }
    const object = json !== null && typeof json === 'object' && !Array.isArray(json) ? json : undefined
    // Servers put the reason in `error`, `message` or both (platform-crypto-middleware: both).
    const said = object ? [object.error, object.message].filter((x) => typeof x === 'string' && x !== '').join(': ') : ''
    // Only a 200 is an invitation (bevy, godot): a refusal's body naming an adapter is not one.
    if (status !== 200 || (object && object.valid === false)) {
      return this.end('denied', `the endpoint refused (HTTP ${status})${said ? ': ' + said : ''}`)
    }
    if (!object || typeof object.fixedAdapter !== 'string') return this.end('protocol_error', 'the answer names no fixedAdapter')
    let target
    try {
      target = parseConnectionString(object.fixedAdapter)
    } catch (e) {
      return this.end('protocol_error', `the answer's adapter '${object.fixedAdapter}' is not usable: ${e.message}`)
    }
    if (target.type !== 'ws-room') return this.end('unsupported', `cannot follow a '${target.type}' adapter`)
    this.state = 'delegated'
    this.inner = new WsRoomClient(target.url, this.identity, this.out)
    this.inner.connect(now)
  }
  httpFailed(detail) {
    if (this.state === 'requesting') this.end('io_error', 'the signed-login request failed: ' + detail)
  }
  end(code, message) {
    this.state = 'closed'
    this.out.event({ event: 'error', code, message })
    this.out.event({ event: 'disconnected', reason: message, kicked: false })
  }
  // Once delegated, everything is the ws-room client's business.
  opened(now) { if (this.inner) this.inner.opened(now) }
  frame(bytes, now) { if (this.inner) this.inner.frame(bytes, now) }
  closed(detail) { if (this.inner) this.inner.closed(detail) }
  timer(now) { if (this.inner) this.inner.timer(now) }
  send(bytes, reliable, targets) {
    if (!this.inner) throw { code: 'not_connected', message: 'not in a room yet' }
    this.inner.send(bytes, reliable, targets)
  }
  disconnect() {
    if (this.inner) return this.inner.disconnect()
    if (this.state === 'closed') return
    this.state = 'closed'
    this.out.event({ event: 'disconnected', reason: 'client disconnected', kicked: false })
  }
}

// ---- URI checks: fail fast, before anything happens -----------------------------------------------

const URI_BYTES_MAX = 8192

function fail(code, message) {
  throw { code, message }
}

// Hosts as RFC 3986 reg-names or IPv4 (WHATWG URL would "fix" many bad ones, so we check first).
function checkHost(host) {
  if (host === '') fail('missing_host', 'no host')
  if (host.length > 253) fail('bad_host', 'host longer than 253 characters')
  const labels = host.split('.')
  if (labels.every((l) => /^[0-9]+$/.test(l))) {
    if (labels.length !== 4 || labels.some((l) => Number(l) > 255)) fail('bad_host', `'${host}' is not an IPv4 address`)
    return
  }
  for (const label of labels) {
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(label) || label.startsWith('-') || label.endsWith('-')) {
      fail('bad_host', `'${host}' is not a valid host name`)
    }
  }
}

// What each type accepts: its URL schemes, and the scheme a bare host gets (the kernel reads
// "ws-room:host/path" as wss; signed-login prepends nothing).
const URL_RULES = {
  'ws-room': { schemes: ['ws', 'wss'], bare: 'wss' },
  'signed-login': { schemes: ['http', 'https'], bare: null }
}

// `<type>:<URL>` for the types above: { type, url } or a thrown { code, message }.
function parseConnectionString(uri) {
  if (uri === '') fail('empty', 'empty connection string')
  if (Buffer.byteLength(uri) > URI_BYTES_MAX) fail('too_long', `over ${URI_BYTES_MAX} bytes`)
  const colon = uri.indexOf(':')
  if (colon < 0) fail('missing_separator', "no ':' in the connection string")
  const type = uri.slice(0, colon)
  const rule = URL_RULES[type]
  if (!rule) fail('unsupported_type', `unsupported transport type '${type}'`)
  if (/[\s\u0000-\u001f\u007f-\u009f]/u.test(uri)) fail('whitespace', 'white space or control characters')
  let params = uri.slice(colon + 1)
  if (params === '') fail('empty_params', 'no URL')
  const bad = params.match(/[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]/u)
  if (bad) fail('bad_url', `'${bad[0]}' is not allowed in a URL`)
  if (/%(?![0-9A-Fa-f]{2})/.test(params)) fail('bad_url', 'a % that starts no escape')
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(params)
  if (scheme && rule.schemes.includes(scheme[1].toLowerCase())) {
    if (!params.slice(scheme[0].length).startsWith('//')) fail('missing_host', 'no // after the scheme')
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(params)) {
    fail('bad_scheme', `only ${rule.schemes.map((x) => x + '://').join(' and ')}`)
  } else if (rule.bare) {
    params = rule.bare + '://' + params
  } else {
    fail('bad_scheme', `${type} needs an ${rule.schemes.join(' or ')} URL`)
  }
  const parts = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(params)
  if (!parts) fail('bad_url', 'not a URL')
  const [, , authority, path, query, fragment] = parts
  if (fragment !== undefined) fail('fragment_not_allowed', 'no fragment')
  if (authority.includes('@')) fail('userinfo_not_allowed', 'no user info')
  let host = authority
  let port
  const ipv6 = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(authority)
  if (ipv6) {
    host = null
    port = ipv6[2]
  } else {
    const at = authority.indexOf(':')
    if (at >= 0) {
      host = authority.slice(0, at)
      port = authority.slice(at + 1)
    }
  }
  if (/[\[\]]/.test((host === null ? '' : host) + path + (query || ''))) fail('bad_url', "'[' or ']' outside an IPv6 host")
  if (host !== null) checkHost(host)
  if (port !== undefined && (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    fail('bad_port', `bad port '${port}'`)
  }
  for (const segment of path.split('/')) {
    if (/^(\.|%2e){1,2}$/i.test(segment)) fail('bad_path', 'dot segments in the path')
  }
  if (/%(0[0-9A-Fa-f]|1[0-9A-Fa-f]|7[Ff])/.test(path)) fail('bad_path', 'an encoded control character in the path')
  return { type, url: new URL(params).toString() }
}

// ---- the driver protocol ----------------------------------------------------------------------------

let client = null
let nextStream = 1
let stream = null
let nextHttpRequest = 1
let httpRequest = null

function transportCall(call, now) {
  switch (call.cmd) {
    case 'connect': return client.connect(now)
    case 'disconnect': return client.disconnect()
    case 'send': return client.send(fromHex(call.packet_hex), call.reliable !== false, call.targets || [])
  }
  throw { code: 'protocol_error', message: `a call is connect, send or disconnect, not '${call.cmd}'` }
}

function handle(request, actions) {
  const out = {
    open: (url, subprotocols) => {
      stream = nextStream++
      actions.push({ do: 'ws_open', stream, url, subprotocols })
    },
    send: (bytes) => actions.push({ do: 'ws_send', stream, hex: toHex(bytes) }),
    close: (reason) => actions.push({ do: 'ws_close', stream, reason }),
    timer: (atMs) => actions.push({ do: 'set_timer', at_ms: atMs }),
    http: (method, url, headers, body) => {
      httpRequest = nextHttpRequest++
      actions.push({ do: 'http_request', request: httpRequest, method, url, headers, body })
    },
    event: (event) => actions.push({ do: 'event', event })
  }
  const now = request.now_ms || 0
  switch (request.cmd) {
    case 'hello':
      return {
        ok: true,
        name: 'node-template',
        // 1.1: serves `calls` (several transport calls in one tick); leave it out to speak 1.0.
        ...(request.protocol === '1.1' ? { protocol: '1.1' } : {}),
        // Declare only what your transport does: a capability declared false makes its cases
        // UNSUPPORTED instead of failures (a field left out takes its default, see
        // docs/driver-protocol.md). payload_bytes_max: null = no limit at the interface;
        // peer_joined_events: false = no PeerJoined (the kernel's adapters have none);
        // typed_send_refusals: false = send() may drop what it will not carry without an error.
        capabilities: {
          types: ['ws-room', 'signed-login'],
          unreliable: true,
          targeted_sends: false,
          payload_bytes_max: PACKET_BYTES_MAX,
          virtual_time: true,
          peer_joined_events: true,
          typed_send_refusals: true
        }
      }
    case 'create': {
      const target = parseConnectionString(request.uri)
      const id = request.identity || {}
      const identity = { address: id.address, baseChain: id.base_chain || [], ephemeralKey: id.ephemeral_key }
      client = target.type === 'ws-room' ? new WsRoomClient(target.url, identity, out)
                                         : new SignedLoginClient(target.url, identity, request.unix_ms || 0, out)
      return { ok: true }
    }
  }
  if (!client) throw { code: 'not_connected', message: 'create first' }
  client.out = out
  switch (request.cmd) {
    case 'connect':
    case 'disconnect':
    case 'send': transportCall(request, now); break
    case 'calls': {
      // Protocol 1.1: the calls run back to back, synchronously — no await, no turn of the event
      // loop in between — and each gets its own outcome. Keep it so if your transport is async:
      // what it defers must survive the next call (five sends then a disconnect, in one tick).
      const results = (request.calls || []).map((call) => {
        try {
          transportCall(call, now)
          return { ok: true }
        } catch (e) {
          return { ok: false, error: { code: e.code || 'protocol_error', message: e.message || String(e) } }
        }
      })
      return { ok: true, results }
    }
    case 'ws_opened': if (request.stream === stream) client.opened(now); break
    case 'ws_frame': if (request.stream === stream) client.frame(fromHex(request.hex), now); break
    case 'ws_closed': if (request.stream === stream) client.closed(request.detail || ''); break
    case 'timer': client.timer(now); break
    case 'http_response': if (request.request === httpRequest) client.httpResponse(request.status, request.body || '', now); break
    case 'http_failed': if (request.request === httpRequest) client.httpFailed(request.detail || ''); break
  }
  return { ok: true }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let request
  try {
    request = JSON.parse(line)
  } catch (e) {
    return process.stdout.write(JSON.stringify({ id: null, ok: false, error: { code: 'protocol_error', message: 'not JSON' }, actions: [] }) + '\n')
  }
  const actions = []
  let answer
  try {
    answer = handle(request, actions)
  } catch (e) {
    answer = { ok: false, error: { code: e.code || 'protocol_error', message: e.message || String(e) } }
  }
  answer.id = request.id
  answer.actions = actions
  process.stdout.write(JSON.stringify(answer) + '\n')
})
