import { connect, type Socket } from 'node:net';

/** A bare TCP connection to the gateway, for requests no HTTP client would send (partial, stalled). */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received: () => string;
  /** Resolves with the time (Date.now()) the connection ended, whoever closed it. */
  closed: Promise<number>;
}

/** Connects to `baseUrl` (http://host:port) and writes `payload` once connected. */
export async function openRaw(baseUrl: string, payload = ''): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  // A connection the server drops may surface as a reset: that is a close too.
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (payload) {
    socket.write(payload);
  }
  return { socket, received: () => received, closed };
}

/** The JSON body of a raw HTTP/1.1 response. */
export function jsonBodyOf(response: string): unknown {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as unknown;
}

/** Resolves after `ms`, with `value`. */
export function after<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
