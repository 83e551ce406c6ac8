import nodemailer from 'nodemailer';

/** One patron notice as an e-mail. */
export interface Mail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** stable per notice, so a mail server or client can drop a repeat after a crash */
  messageId: string;
  headers: Record<string, string>;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * Real SMTP delivery through nodemailer: `smtp://host:port`, `smtps://user:pass@host:465`, or
 * any URL nodemailer's SMTP transport takes. The demo points it at a local catcher.
 */
export function smtpMailer(url: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId, headers: mail.headers });
    },
    close: () => transport.close(),
  };
}
