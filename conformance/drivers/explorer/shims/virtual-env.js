'use strict'
// The browser the explorer's adapter believes it runs in, over the harness's virtual time: a
// WebSocket whose I/O becomes driver-protocol actions, and timers on the clock the harness moves.
// One instance per process, shared by driver.js and the bundled adapter (which requires this file
// at run time).

const actions = []  // what the driver answers with, collected as the adapter acts
let nowMs = 0
let nextStream = 1
const sockets = new Map()  // stream -> VirtualWebSocket

// ---- timers: setTimeout/clearTimeout on virtual time ------------------------------------------
let nextTimer = 1
const timers = new Map()  // id -> { atMs, seq, fn, args }

function setTimeoutVirtual(fn, ms, ...args) {
  const id = nextTimer++
  timers.set(id, { atMs: nowMs + Math.max(0, Math.floor(Number(ms) || 0)), seq: id, fn, args })
  return id
}
function clearTimeoutVirtual(id) {
  timers.delete(id)
}
function nextDueMs() {
  let best = null
  for (const t of timers.values()) if (best === null || t.atMs < best) best = t.atMs
  return best
}
// Runs every timer due at or before now, earliest first (ties: in the order they were set).
function runDueTimers() {
  for (;;) {
    let due = null
    for (const [id, t] of timers) {
      if (t.atMs <= nowMs && (due === null || t.atMs < due[1].atMs || (t.atMs === due[1].atMs && t.seq < due[1].seq))) due = [id, t]
    }
    if (!due) return
    timers.delete(due[0])
    due[1].fn(...due[1].args)
  }
}

// ---- WebSocket: the browser's API, carried by the harness ---------------------------------------
function toHex(bytes) {
  return Buffer.from(bytes.buffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes).toString('hex')
}

class VirtualWebSocket {
  constructor(url, protocols) {
    // Like a browser: an unparsable URL or a scheme other than ws/wss throws a SyntaxError here.
    let parsed
    try {
      parsed = new URL(url)
    } catch (e) {
      throw new SyntaxError(`Failed to construct 'WebSocket': The URL '${url}' is invalid.`)
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new SyntaxError(`Failed to construct 'WebSocket': The URL's scheme must be either 'ws' or 'wss'. '${parsed.protocol}' is not allowed.`)
    }
    if (parsed.hash) throw new SyntaxError(`Failed to construct 'WebSocket': The URL contains a fragment identifier ('${parsed.hash}').`)
    this.url = parsed.href
    this.protocol = ''
    this.binaryType = 'blob'
    this.readyState = VirtualWebSocket.CONNECTING
    this.bufferedAmount = 0
    this.onopen = this.onmessage = this.onerror = this.onclose = null
    this._listeners = { open: [], message: [], error: [], close: [] }
    this._stream = nextStream++
    sockets.set(this._stream, this)
    const subprotocols = protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols]
    actions.push({ do: 'ws_open', stream: this._stream, url: this.url, subprotocols })
  }
  addEventListener(type, listener) {
    if (this._listeners[type] && !this._listeners[type].includes(listener)) this._listeners[type].push(listener)
  }
  removeEventListener(type, listener) {
    if (this._listeners[type]) this._listeners[type] = this._listeners[type].filter((l) => l !== listener)
  }
  send(data) {
    if (this.readyState === VirtualWebSocket.CONNECTING) throw new Error("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.")
    if (this.readyState !== VirtualWebSocket.OPEN) return  // a browser discards it (and counts it in bufferedAmount)
    actions.push({ do: 'ws_send', stream: this._stream, hex: toHex(data) })
  }
  close(code, reason) {
    if (this.readyState === VirtualWebSocket.CLOSING || this.readyState === VirtualWebSocket.CLOSED) return
    this.readyState = VirtualWebSocket.CLOSING
    actions.push({ do: 'ws_close', stream: this._stream, reason: reason || '' })
  }
  // The harness's reports (driver-protocol requests) become the browser's events.
  _opened(subprotocol) {
    if (this.readyState !== VirtualWebSocket.CONNECTING) return
    this.readyState = VirtualWebSocket.OPEN
    this.protocol = subprotocol || ''
    this._dispatch('open', { type: 'open', target: this })
  }
  _frame(bytes) {
    if (this.readyState !== VirtualWebSocket.OPEN) return
    const data = this.binaryType === 'arraybuffer' ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) : bytes
    this._dispatch('message', { type: 'message', data, target: this })
  }
  _closed(detail) {
    if (this.readyState === VirtualWebSocket.CLOSED) return
    const failed = this.readyState === VirtualWebSocket.CONNECTING
    this.readyState = VirtualWebSocket.CLOSED
    sockets.delete(this._stream)
    if (failed) this._dispatch('error', { type: 'error', target: this })
    this._dispatch('close', { type: 'close', code: 1006, reason: detail || '', wasClean: false, target: this })
  }
  _dispatch(type, event) {
    const handler = this['on' + type]
    if (typeof handler === 'function') handler.call(this, event)
    for (const listener of [...this._listeners[type]]) listener.call(this, event)
  }
}
VirtualWebSocket.CONNECTING = 0
VirtualWebSocket.OPEN = 1
VirtualWebSocket.CLOSING = 2
VirtualWebSocket.CLOSED = 3

module.exports = {
  VirtualWebSocket,
  setTimeoutVirtual,
  clearTimeoutVirtual,
  runDueTimers,
  nextDueMs,
  socket: (stream) => sockets.get(stream),
  takeActions: () => actions.splice(0, actions.length),
  pushAction: (action) => actions.push(action),
  setNow: (ms) => {
    if (ms > nowMs) nowMs = ms
  },
  now: () => nowMs
}
