import { createConnection } from 'node:net';

/** True when something accepts a TCP connection on host:port within two seconds. */
export function portOpen(port, host = '127.0.0.1') {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
    socket.setTimeout(2_000, () => (socket.destroy(), done(false)));
  });
}
