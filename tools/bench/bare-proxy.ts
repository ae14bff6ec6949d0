/**
 * The reference point for `bench:overhead`: the least a Node reverse proxy can do. Every request is
 * forwarded as is to UPSTREAM_URL over a keep-alive agent and the answer piped back, chunk by chunk.
 * Run as a child process; prints `listening <url>` once it accepts connections.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:11434');
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function proxy(req: IncomingMessage, res: ServerResponse): void {
  const forwarded = request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forwarded.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502);
    }
    res.end();
  });
  res.on('close', () => {
    if (!res.writableFinished) {
      forwarded.destroy();
    }
  });
  req.pipe(forwarded);
}

const server = createServer(proxy);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
