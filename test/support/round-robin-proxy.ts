import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

/**
 * One loopback address in front of several replicas of a service, as compose's DNS is in
 * front of `order` scaled to three: each new connection goes to the next replica in turn,
 * and a replica that refuses the connection (stopped, killed) is skipped for the next one.
 * A connection stays with its replica for its life, as a keep-alive HTTP connection does.
 */
export class RoundRobinProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private next = 0;
  /** Connections handed to each upstream, by `host:port`. */
  readonly connections = new Map<string, number>();
  port = 0;

  constructor(private readonly upstreams: Upstream[]) {
    if (upstreams.length === 0) throw new Error('RoundRobinProxy needs at least one upstream');
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((client) => {
      client.pause();
      client.on('error', () => client.destroy());
      this.track(client);
      this.connectUpstream(client, this.upstreams.length);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private connectUpstream(client: Socket, triesLeft: number): void {
    if (client.destroyed) return;
    if (triesLeft === 0) {
      client.destroy();
      return;
    }
    const target = this.upstreams[this.next++ % this.upstreams.length]!;
    const upstream = connect(target.port, target.host);
    let connected = false;
    upstream.on('error', () => {
      upstream.destroy();
      // Refused before anything was relayed: try the next replica.
      if (!connected) this.connectUpstream(client, triesLeft - 1);
      else client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      const key = `${target.host}:${target.port}`;
      this.connections.set(key, (this.connections.get(key) ?? 0) + 1);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
