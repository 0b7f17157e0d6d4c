import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import type { ServerFrame } from '../src/transport/frames';
import { RealtimeSocket, type ConnectionStatus, type SocketLike } from '../src/transport/socket';

/** Waits until `condition` holds (the test's own timeout bounds it): no assertion about how long it takes. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

function listen(port = 0): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const server: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port }, (): void => resolve(server));
  });
}

function shutDown(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

const servers: WebSocketServer[] = [];
const sockets: RealtimeSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.stop();
  for (const s of servers.splice(0)) await shutDown(s);
});

function connectTo(port: number, heartbeatMs?: number) {
  const seen = { frames: [] as ServerFrame[], opens: 0, statuses: [] as ConnectionStatus[] };
  const socket = new RealtimeSocket({
    url: () => `ws://127.0.0.1:${port}/ws/guest`,
    create: (url) => new WsClient(url) as unknown as SocketLike,
    onFrame: (frame) => seen.frames.push(frame),
    onOpen: () => seen.opens++,
    onStatus: (status) => seen.statuses.push(status),
    ...(heartbeatMs ? { heartbeatMs } : {}),
  });
  sockets.push(socket);
  return { socket, seen };
}

describe('the realtime socket', () => {
  it('passes on valid frames and drops malformed ones', async () => {
    const server = await listen();
    servers.push(server);
    server.on('connection', (ws) => {
      ws.send('garbage');
      ws.send('{"type":"message","chatId":"c","seq":-1,"body":"AQ","sentAt":1}');
      ws.send('{"type":"delivered","chatId":"c","seq":4}');
      ws.send('{"type":"ready"}');
    });
    const { socket, seen } = connectTo((server.address() as AddressInfo).port);
    socket.start();
    await until(() => seen.frames.length === 2);
    expect(seen.frames).toEqual([{ type: 'delivered', chatId: 'c', seq: 4 }, { type: 'ready' }]);
    expect(socket.status).toBe('online');
  });

  it("answers the server's pings with pong and keeps them from the app", async () => {
    const server = await listen();
    servers.push(server);
    const received: string[] = [];
    server.on('connection', (ws) => {
      ws.on('message', (data) => received.push(String(data)));
      ws.send('{"type":"ping"}');
      ws.send('{"type":"ready"}');
    });
    const { socket, seen } = connectTo((server.address() as AddressInfo).port);
    socket.start();
    await until(() => received.length === 1 && seen.frames.length === 1);
    expect(JSON.parse(received[0]!)).toEqual({ type: 'pong' });
    expect(seen.frames).toEqual([{ type: 'ready' }]);
  });

  it('reconnects by itself after the server restarts, and reopens (so the outbox is resent)', async () => {
    const first = await listen();
    const port = (first.address() as AddressInfo).port;
    const { socket, seen } = connectTo(port);
    socket.start();
    await until(() => seen.opens === 1);
    expect(socket.send({ type: 'ping' })).toBe(true);

    await shutDown(first);
    await until(() => socket.status !== 'online');
    expect(socket.send({ type: 'ping' })).toBe(false);

    const second = await listen(port);
    servers.push(second);
    const received: string[] = [];
    second.on('connection', (ws) => ws.on('message', (data) => received.push(String(data))));
    await until(() => seen.opens === 2);
    expect(socket.send({ type: 'ack', chatId: 'c', seq: 2 })).toBe(true);
    await until(() => received.length === 1);
    expect(JSON.parse(received[0]!)).toEqual({ type: 'ack', chatId: 'c', seq: 2 });
    expect(seen.statuses).toContain('offline');
  });

  it('gives up a connection that stops answering its pings, and connects again', async () => {
    const server = await listen();
    servers.push(server);
    let connections = 0;
    const pings: string[] = [];
    server.on('connection', (ws) => {
      connections++;
      ws.on('message', (data) => pings.push(String(data))); // never answers: a dead network path
    });
    const { socket, seen } = connectTo((server.address() as AddressInfo).port, 60);
    socket.start();
    // The server may see the second connection before the client's open event: wait for both.
    await until(() => connections >= 2 && seen.opens >= 2);
    expect(pings).toContain('{"type":"ping"}');
  });

  it('stays stopped once stopped', async () => {
    const server = await listen();
    servers.push(server);
    let connections = 0;
    server.on('connection', () => connections++);
    const { socket, seen } = connectTo((server.address() as AddressInfo).port);
    socket.start();
    await until(() => seen.opens === 1);
    socket.stop();
    expect(socket.status).toBe('offline');
    expect(socket.send({ type: 'ping' })).toBe(false);
    await shutDown(server);
    servers.splice(0);
    expect(connections).toBe(1);
  });
});
