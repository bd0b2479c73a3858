'use strict';
// An RFC-4 Packet{chat{message, timestamp}} encoded by hand (Packet field 5; Chat: 1 string,
// 2 double): what the livekit transport carries as a DataPacket's user payload. Messages up to 100
// bytes (one-byte lengths).
function chatPacket(message, timestamp) {
  const text = Buffer.from(message, 'utf8');
  if (text.length > 100) throw new Error('chatPacket: message longer than 100 bytes');
  const ts = Buffer.alloc(8);
  ts.writeDoubleLE(timestamp);
  const chat = Buffer.concat([Buffer.from([0x0a, text.length]), text, Buffer.from([0x11]), ts]);
  return Buffer.concat([Buffer.from([0x2a, chat.length]), chat]);
}

module.exports = { chatPacket, chatPacketHex: (message, timestamp) => chatPacket(message, timestamp).toString('hex') };
