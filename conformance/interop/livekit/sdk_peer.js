#!/usr/bin/env node
// A LiveKit participant on the real Node SDK (@livekit/rtc-node), for trying `dclcomms livekit
// serve` by hand (docs/livekit.md): joins URL with TOKEN, prints one JSON line per event (joined,
// participant joined/left, data with its sender, kind and payload — decoded as text when it is an
// RFC-4 chat packet), and publishes each stdin line as a reliable RFC-4 chat packet. EOF leaves.
//
// Usage: node sdk_peer.js ws://127.0.0.1:7880 <token>
'use strict';
if (!process.env.NODE_ENV) process.env.NODE_ENV = 'production'; // rtc-node logs at debug level otherwise
const readline = require('readline');
const rtc = require('@livekit/rtc-node');
const { chatPacket } = require('./chat_packet');

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node sdk_peer.js <ws-url> <token>');
  process.exit(2);
}
const print = (event) => console.log(JSON.stringify(event));

(async () => {
  const room = new rtc.Room();
  room.on(rtc.RoomEvent.ParticipantConnected, (p) => print({ event: 'participant_joined', identity: p.identity }));
  room.on(rtc.RoomEvent.ParticipantDisconnected, (p) => print({ event: 'participant_left', identity: p.identity }));
  room.on(rtc.RoomEvent.Disconnected, (reason) => print({ event: 'disconnected', reason: rtc.DisconnectReason[reason] || reason }));
  room.on(rtc.RoomEvent.DataReceived, (payload, participant, kind) => {
    const bytes = Buffer.from(payload);
    // A chat packet's text sits after its 2-byte packet header and 2-byte string header.
    const text = bytes[0] === 0x2a && bytes[2] === 0x0a ? bytes.subarray(4, 4 + bytes[3]).toString('utf8') : undefined;
    print({ event: 'data', from: participant && participant.identity, kind: rtc.DataPacketKind[kind], hex: bytes.toString('hex'), chat: text });
  });
  await room.connect(url, token, { autoSubscribe: false });
  print({ event: 'joined', identity: room.localParticipant.identity, participants: [...room.remoteParticipants.keys()] });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim()) await room.localParticipant.publishData(chatPacket(line, Date.now()), { reliable: true });
  }
  await room.disconnect();
  await rtc.dispose();
  process.exit(0);
})().catch((e) => {
  console.error(`sdk_peer: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
