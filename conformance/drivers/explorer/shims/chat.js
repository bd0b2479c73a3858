// Stands in for the kernel's shared/chat: a notice the explorer shows its user in the chat window
// (e.g. a kick's reason) goes to stderr.
export function notifyStatusThroughChat(message) {
  process.stderr.write(`[explorer chat] ${message}\n`)
}
