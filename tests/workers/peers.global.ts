import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { smtpServer } from '../harness/smtp';
import { webhookReceiver } from '../harness/receiver';

/**
 * What the Worker talks to, run in Node beside workerd for the `workers` project: a webhook receiver
 * and an SMTP server (smtp-server) on 127.0.0.1, and a small HTTP window onto what they received
 * (GET /, /reset; /down answers 503), since tests inside workerd cannot read this process's memory.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    peers: { webhook: string; smtp: string; window: string };
  }
}

export default async function setup(project: TestProject) {
  const hook = await webhookReceiver();
  // With a user and password, as real submission servers want (SMTP_URL carries them).
  const smtp = await smtpServer({ user: 'tamis@exemple.fr', password: 'p@ss word' });
  const window: Server = createServer((req, res) => {
    // A webhook receiver that is down: 503 to everything.
    if (req.url === '/down') return void res.writeHead(503).end();
    if (req.url === '/reset') {
      hook.received.length = 0;
      smtp.received.length = 0;
    }
    const body = {
      webhook: hook.received.map((d) => ({ headers: d.headers, body: d.body })),
      smtp: smtp.received.map((m) => ({
        to: m.to,
        subject: m.mail.subject,
        text: m.mail.text,
        unsubscribe: m.mail.headers.get('list-unsubscribe') ?? null,
        raw: m.raw,
      })),
    };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => window.listen(0, '127.0.0.1', resolve));
  const { port } = window.address() as AddressInfo;
  project.provide('peers', { webhook: hook.url, smtp: smtp.url, window: `http://127.0.0.1:${port}` });
  return async () => {
    await new Promise((resolve) => window.close(resolve));
    await hook.close();
    await smtp.close();
  };
}
