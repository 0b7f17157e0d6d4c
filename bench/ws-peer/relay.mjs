// The benchmark's peer: a minimal in-memory relay on the `ws` package that speaks GuestChat's frames
// (send / stored / message / ack / delivered / ping / ready) and stores nothing. It is the ceiling for a
// relay without durability, driven by the same harness as GuestChat.
//
//   node relay.mjs --port 0 [--host 127.0.0.1]
//
// A client connects to /ws?id=<name>&chats=<chatId>,<chatId>: a chat joins the (at most two) sockets that
// name it. Authentication by query parameter is enough for a benchmark peer. On start it prints one line
// `listening <port>` and serves GET /healthz.
import http from 'node:http';
import { WebSocketServer } from 'ws';

function argument(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

const host = argument('host', '127.0.0.1');
const port = Number(argument('port', '0'));
const maxFrameBytes = 32 * 1024;

/** chatId -> { sockets: WebSocket[], seq: number } */
const chats = new Map();

function chatOf(chatId) {
  let chat = chats.get(chatId);
  if (chat === undefined) {
    chat = { sockets: [], seq: 0 };
    chats.set(chatId, chat);
  }
  return chat;
}

function otherParty(chat, socket) {
  for (const candidate of chat.sockets) {
    if (candidate !== socket && candidate.readyState === candidate.OPEN) return candidate;
  }
  return undefined;
}

function refuse(socket) {
  socket.send('{"type":"error","code":"invalid-frame"}');
  socket.close(1007);
}

function onFrame(socket, memberOf, data, isBinary) {
  let frame;
  try {
    frame = isBinary ? undefined : JSON.parse(data.toString('utf8'));
  } catch {
    frame = undefined;
  }
  if (frame === undefined || frame === null || typeof frame.type !== 'string') {
    refuse(socket);
    return;
  }
  switch (frame.type) {
    case 'send': {
      const chat = typeof frame.chatId === 'string' && memberOf.has(frame.chatId) ? chats.get(frame.chatId) : undefined;
      if (chat === undefined) {
        socket.send(JSON.stringify({ type: 'error', code: 'chat-not-found', clientId: frame.clientId, chatId: frame.chatId }));
        return;
      }
      const other = otherParty(chat, socket);
      if (frame.kind === 'ephemeral') {
        other?.send(JSON.stringify({ type: 'ephemeral', chatId: frame.chatId, body: frame.body }));
        return;
      }
      const seq = ++chat.seq;
      const sentAt = Date.now();
      other?.send(JSON.stringify({ type: 'message', chatId: frame.chatId, seq, body: frame.body, sentAt }));
      socket.send(JSON.stringify({ type: 'stored', chatId: frame.chatId, clientId: frame.clientId, seq, sentAt }));
      return;
    }
    case 'ack': {
      const chat = memberOf.has(frame.chatId) ? chats.get(frame.chatId) : undefined;
      const other = chat === undefined ? undefined : otherParty(chat, socket);
      other?.send(JSON.stringify({ type: 'delivered', chatId: frame.chatId, seq: frame.seq }));
      return;
    }
    case 'ping':
      socket.send('{"type":"pong"}');
      return;
    default:
      refuse(socket);
  }
}

const server = http.createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  } else {
    response.writeHead(404).end();
  }
});

const sockets = new WebSocketServer({ server, path: '/ws', maxPayload: maxFrameBytes, perMessageDeflate: false });

sockets.on('connection', (socket, request) => {
  const query = new URL(request.url, 'http://peer').searchParams;
  const memberOf = new Set((query.get('chats') ?? '').split(',').filter((id) => id.length > 0));
  for (const chatId of memberOf) {
    const chat = chatOf(chatId);
    if (chat.sockets.length < 2) chat.sockets.push(socket);
  }
  socket.on('message', (data, isBinary) => onFrame(socket, memberOf, data, isBinary));
  socket.on('close', () => {
    for (const chatId of memberOf) {
      const chat = chats.get(chatId);
      if (chat !== undefined) chat.sockets = chat.sockets.filter((candidate) => candidate !== socket);
    }
  });
  socket.on('error', () => socket.terminate());
  socket.send('{"type":"ready"}');
});

// A client that stops answering pings is closed, as GuestChat does. Each socket is pinged every 15 s from the
// moment it connected: one fifteenth of the sockets each second, not all of them in one burst. (GuestChat pings
// only a client it has heard nothing from for 15 s, so an idle socket costs both relays one ping per 15 s.)
const heartbeatSlots = 15;
let nextSlot = 0;
let tick = 0;
sockets.on('connection', (socket) => {
  socket.heartbeatSlot = nextSlot++ % heartbeatSlots;
  socket.on('pong', () => { socket.missedPing = false; });
});
const heartbeat = setInterval(() => {
  const slot = tick++ % heartbeatSlots;
  for (const socket of sockets.clients) {
    if (socket.heartbeatSlot !== slot) continue;
    if (socket.missedPing === true) {
      socket.terminate();
      continue;
    }
    socket.missedPing = true;
    socket.ping();
  }
}, 1_000);

function stop() {
  clearInterval(heartbeat);
  for (const socket of sockets.clients) socket.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(port, host, () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
