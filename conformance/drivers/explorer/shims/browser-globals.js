// Injected by esbuild into the explorer's adapter: its free `WebSocket`, `setTimeout` and
// `clearTimeout` become these, which run over the harness's virtual time (virtual-env.js).
import env from './virtual-env.js'

export const WebSocket = env.VirtualWebSocket
export const setTimeout = env.setTimeoutVirtual
export const clearTimeout = env.clearTimeoutVirtual
