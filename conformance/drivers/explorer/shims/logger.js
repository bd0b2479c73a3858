// Stands in for the kernel's lib/logger: the adapter's logs go to stderr, which the driver
// protocol leaves free.
export function createLogger(prefix) {
  const write = (level) => (...args) => process.stderr.write(`[explorer ${level}] ${prefix}${args.map(String).join(' ')}\n`)
  return { log: write('log'), info: write('info'), warn: write('warn'), error: write('error'), trace: write('trace') }
}
