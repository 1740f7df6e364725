import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  at: number;
  /** What the receiver answered (a status), or 'hang'. */
  answered: number | 'hang';
}

/**
 * A real webhook receiver on a free local port. `answer` decides each response (a status, or 'hang'
 * for none), from the number of the delivery (1-based) and the delivery itself; `delayMs` holds
 * every answer that long. `close()` ends it, and the connections it holds.
 */
export async function webhookReceiver(
  answer: (n: number, d: Omit<Delivery, 'answered'>) => number | 'hang' = () => 200,
  delayMs = 0,
) {
  const received: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const delivery = { headers: req.headers, raw, body: JSON.parse(raw), at: Date.now() };
      const what = answer(received.length + 1, delivery);
      received.push({ ...delivery, answered: what });
      if (what === 'hang') return; // never answers
      setTimeout(() => res.writeHead(what, { 'Content-Type': 'text/plain' }).end('ok'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tamis`,
    received,
    /** Event ids (Tamis-Event-Id) answered 2xx, with how many times each. */
    accepted() {
      const counts = new Map<string, number>();
      for (const d of received) {
        if (d.answered === 'hang' || d.answered >= 300) continue;
        const id = String(d.headers['tamis-event-id']);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
