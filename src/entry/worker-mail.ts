import { WorkerMailer } from 'worker-mailer';
import { parseAddress, smtpSettings, type Mailer } from '../services/mail';

/**
 * Email on Workers: SMTP over a TCP socket (`cloudflare:sockets`) with worker-mailer (about 4 KiB
 * gzipped in the bundle), one connection per message (an isolate keeps no connection between
 * requests). Port 25 is closed to Workers: use 587 (STARTTLS) or 465 (`smtps://`).
 */
export function workerMailer(smtpUrl: string): Mailer {
  const smtp = smtpSettings(smtpUrl);
  return {
    async send(message) {
      await WorkerMailer.send(
        {
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          startTls: !smtp.secure,
          ...(smtp.user ? { credentials: { username: smtp.user, password: smtp.password ?? '' } } : {}),
          authType: ['plain', 'login'],
          socketTimeoutMs: 10_000,
          responseTimeoutMs: 10_000,
        },
        {
          from: parseAddress(message.from),
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: message.headers,
        },
      );
    },
  };
}
