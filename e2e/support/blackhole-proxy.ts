/**
 * A TCP proxy in front of the API server for one controller replica, which the test can blackhole: while it is,
 * nothing passes either way (bytes are dropped, new connections are accepted and left hanging, as SYNs would be
 * retransmitted into the void), and when it ends every connection that lived through it is reset — a write sent
 * into the blackhole never reaches the API server. TLS passes through untouched (the serving certificate names
 * 127.0.0.1, which the proxy listens on too).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class BlackholeProxy {
  private blackholed = false;
  private readonly open = new Set<Socket>();
  private readonly caught = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<BlackholeProxy> {
    const holder: { proxy?: BlackholeProxy } = {};
    const server = createServer((client) => holder.proxy?.accept(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new BlackholeProxy(server, (server.address() as { port: number }).port);
    return holder.proxy;
  }

  /** Drops everything from now on until `restore`. */
  blackhole(): void {
    this.blackholed = true;
    for (const socket of this.open) this.caught.add(socket);
  }

  /** Resets the connections that lived through the blackhole; new traffic flows again. */
  restore(): void {
    this.blackholed = false;
    for (const socket of this.caught) socket.destroy();
    this.caught.clear();
  }

  async stop(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    this.track(client);
    if (this.blackholed) {
      this.caught.add(client);
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    this.track(upstream);
    client.on('data', (chunk) => !this.blackholed && upstream.write(chunk));
    upstream.on('data', (chunk) => !this.blackholed && client.write(chunk));
    const close = () => (client.destroy(), upstream.destroy());
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
    if (this.blackholed) this.caught.add(upstream);
  }

  private track(socket: Socket): void {
    this.open.add(socket);
    socket.on('close', () => {
      this.open.delete(socket);
      this.caught.delete(socket);
    });
  }
}
