/**
 * Mails the link of a finished report (nodemailer over SMTP_URL). Without SMTP_URL nothing is
 * sent and the outcome says so; a mail that fails is reported, never thrown: the report itself
 * is done and downloadable either way.
 */
import type * as Nodemailer from 'nodemailer';
import { onFirstUse } from '../../shared/on-first-use.js';
import type { Env } from '../../env.js';

/** nodemailer, loaded when SMTP is configured rather than at start. */
const nodemailer = onFirstUse<typeof Nodemailer>('nodemailer');

export interface MailOutcome {
  /** Who the mail was for. */
  to: string;
  sent: boolean;
  /** The SMTP server's id of the message, when sent. */
  messageId?: string;
  /** Why nothing was sent (SMTP not configured, or the server refused). */
  reason?: string;
}

export interface ReportLink {
  to: string;
  batchNumber: number;
  /** Absolute download link (`${PUBLIC_URL}/files/<id>`). */
  url: string;
  /** `PDF` or `XLSX`, named in the text; optional. */
  format?: string;
}

export interface ReportMailer {
  /** False without SMTP_URL: every mail is skipped. */
  readonly configured: boolean;
  mailReportLink(link: ReportLink): Promise<MailOutcome>;
  /** Any other notice (a webhook disabled); never throws. */
  send(mail: { to: string; subject: string; text: string }): Promise<MailOutcome>;
  close(): void;
}

export const SMTP_NOT_CONFIGURED = 'not sent: SMTP is not configured (SMTP_URL is unset)';

/** The mail of a finished report: subject and plain-text and HTML bodies with the link. */
export function reportMail(link: ReportLink) {
  const what = link.format ? `${link.format} report` : 'report';
  const subject = `Stockline: the report of batch ${link.batchNumber} is ready`;
  const text = `The ${what} of batch ${link.batchNumber} is ready.\n\nDownload it here:\n${link.url}\n\nThe link needs a Stockline API token (Authorization: Bearer …) and expires with the task's result.\n`;
  const html =
    `<p>The ${escapeHtml(what)} of batch ${link.batchNumber} is ready.</p>` +
    `<p><a href="${escapeHtml(link.url)}">Download the report</a><br>${escapeHtml(link.url)}</p>` +
    `<p style="color:#666">The link needs a Stockline API token and expires with the task's result.</p>`;
  return { subject, text, html };
}

/** A mailer over `env.SMTP_URL` (smtp:// or smtps://, user:password@host:port), sending as SMTP_FROM. */
export function createMailer(env: Pick<Env, 'SMTP_URL' | 'SMTP_FROM'>): ReportMailer {
  if (!env.SMTP_URL) {
    return {
      configured: false,
      mailReportLink: async ({ to }) => ({ to, sent: false, reason: SMTP_NOT_CONFIGURED }),
      send: async ({ to }) => ({ to, sent: false, reason: SMTP_NOT_CONFIGURED }),
      close: () => {},
    };
  }
  const transport = nodemailer().createTransport(env.SMTP_URL);
  async function send(mail: { to: string; subject: string; text: string; html?: string }): Promise<MailOutcome> {
    try {
      const info = await transport.sendMail({ from: env.SMTP_FROM, ...mail });
      return { to: mail.to, sent: true, messageId: info.messageId };
    } catch (error) {
      return { to: mail.to, sent: false, reason: `not sent: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return {
    configured: true,
    mailReportLink: (link) => send({ to: link.to, ...reportMail(link) }),
    send,
    close: () => transport.close(),
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
