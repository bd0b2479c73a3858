// Stands in for the kernel's Opus voice handler: voice is outside the transport cases.
export function createOpusVoiceHandler() {
  throw new Error('voice is not part of the conformance driver')
}
