import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny layer-7 front for the gateway replicas, as a Service or ingress would be: round-robin over
 * the backends, another backend when one refuses the connection (nothing was sent to it), and the
 * client's connection reset when its backend dies mid-response. Records those losses per backend.
 */
export class RoundRobinFront {
  /** Responses lost because their backend's connection broke (the client's connection is reset too). */
  readonly lost = new Map<string, number>();
  private readonly server: Server;
  private turn = 0;

  constructor(private readonly backends: string[]) {
    this.server = createServer((req, res) => void this.forward(req, res));
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const first = this.turn++;
    for (let attempt = 0; attempt < this.backends.length; attempt += 1) {
      const backend = this.backends[(first + attempt) % this.backends.length];
      const outcome = await this.tryBackend(backend, req, body, res);
      if (outcome !== 'refused') {
        return;
      }
    }
    res.writeHead(502, { 'Content-Type': 'application/json' }).end('{"error":"no gateway answered"}');
  }

  /** 'refused': nothing reached the backend, another may be tried. */
  private tryBackend(
    backend: string,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
  ): Promise<'refused' | 'done'> {
    return new Promise((resolve) => {
      const upstream = httpRequest(`${backend}${req.url ?? '/'}`, {
        method: req.method,
        agent: false,
        headers: { ...endToEnd(req.headers), host: new URL(backend).host, connection: 'close' },
      });
      const lose = (): void => {
        this.lost.set(backend, (this.lost.get(backend) ?? 0) + 1);
        res.destroy();
        resolve('done');
      };
      upstream.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNREFUSED' ? resolve('refused') : lose(),
      );
      upstream.on('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.on('data', (chunk: Buffer) => res.write(chunk));
        answer.on('end', () => {
          res.end();
          resolve('done');
        });
        answer.on('aborted', lose);
      });
      upstream.end(body);
    });
  }
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
]);

/** Headers meant for the other end, without those that describe one connection (RFC 9110 7.6.1). */
function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}
