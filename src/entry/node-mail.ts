import { createTransport } from 'nodemailer';
import type { Mailer } from '../services/mail';

/**
 * Email on Node: nodemailer's SMTP transport from SMTP_URL (`smtp://` upgrades with STARTTLS when
 * the server offers it; `smtps://` is TLS from the start), one pooled connection.
 */
export function nodeMailer(smtpUrl: string): Mailer & { close(): void } {
  const transport = createTransport(smtpUrl, {});
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
