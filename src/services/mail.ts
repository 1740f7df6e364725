/**
 * Email: what the services hand to the platform's SMTP client (Deps.mailer: nodemailer on Node,
 * src/entry/node-mail.ts; worker-mailer over `cloudflare:sockets` on Workers). Without SMTP_URL
 * there is no mailer, and nothing is queued for email.
 */

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) on readers' emails; Message-ID. */
  headers: Record<string, string>;
}

export interface Mailer {
  /** Resolves when the server accepted the message; rejects otherwise (the outbox tries again). */
  send(message: MailMessage): Promise<void>;
}

/** SMTP_URL taken apart: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://host:465` (TLS). */
export function smtpSettings(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

/** `Name <addr@host>` or `addr@host`, taken apart (worker-mailer wants them apart). */
export function parseAddress(from: string): { name?: string; email: string } {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from);
  if (!match) return { email: from.trim() };
  const name = match[1]!.replace(/^"|"$/g, '');
  return name ? { name, email: match[2]!.trim() } : { email: match[2]!.trim() };
}
