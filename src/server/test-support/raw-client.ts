import { connect } from 'node:net';
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Raw HTTP, so that a test controls Host, Origin and the body exactly. */
export function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A WebSocket frame as the wire carries it: any opcode, masked or not, any payload. */
export function wsFrame(opcode: number, payload: Buffer, options: { masked?: boolean; fin?: boolean; rsv?: number } = {}): Buffer {
  const masked = options.masked ?? true;
  const head = [((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f)];
  const len = payload.length;
  const maskBit = masked ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) head.push(maskBit | 126, len >> 8, len & 0xff);
  else {
    head.push(maskBit | 127, 0, 0, 0, 0);
    head.push((len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(head), mask, body]);
}

/**
 * Opens /events by hand (no WebSocket library in the way) and writes `frames` after the upgrade;
 * resolves with the status line the server answered and when the socket closed.
 */
export function rawWebSocket(port: number, headers: Record<string, string>, frames: Buffer[], path = '/events'): Promise<{ statusLine: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('connect', () => {
      const lines = [
        `GET ${path} HTTP/1.1`,
        `Host: ${headers.host ?? `127.0.0.1:${port}`}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        ...Object.entries(headers)
          .filter(([k]) => k !== 'host')
          .map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(lines.join('\r\n') + '\r\n\r\n');
    });
    let sent = false;
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (!sent && answer.includes('\r\n\r\n')) {
        sent = true;
        for (const f of frames) socket.write(f);
      }
    });
    const done = () => resolve({ statusLine: answer.split('\r\n')[0] ?? '' });
    socket.on('error', done);
    socket.on('close', done);
    setTimeout(() => socket.destroy(), 2000).unref();
  });
}
