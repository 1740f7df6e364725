import { createTransport } from 'nodemailer';
import type { Mailer } from '../services/mail';

/**
 * Email on Node: nodemailer's SMTP transport from SMTP_URL (`smtp://` upgrades with STARTTLS when
 * the server offers it; `smtps://` is TLS from the start).
 */
export function nodeMailer(smtpUrl: string): Mailer & { close(): void } {
  // Bounded waits, so that an attempt ends well within the outbox's lease (2 min).
  const transport = createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      const { 'Message-ID': messageId, ...headers } = message.headers;
      await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers,
        ...(messageId ? { messageId } : {}),
      });
    },
    close: () => transport.close(),
  };
}
