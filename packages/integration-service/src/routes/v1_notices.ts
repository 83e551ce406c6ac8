import { transaction } from '../store/connection.ts';
import { noticeKinds } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import type { App, AppDeps } from '../http/types.ts';
import { noticeName } from '../notices/names.ts';
import { findNotice, listNotices, markNoticeSent } from '../store/notices.ts';
import type { PatronNoticeRow } from '../store/schema.ts';
import { appendHistory } from '../store/requests.ts';

/**
 * The patron notice queue: ILL-side notices (request confirmation, cancelled, item about to be
 * due, overdue: `settings.borrowing.patronNotices`) and, when Bookstrap rather than the ILS tells
 * patrons a loan is ready, "loan available for pickup". With a mail transport configured
 * (BOOKSTRAP_SMTP_URL) the service mails due notices to the request's patronEmail itself
 * (notices/sender.ts); otherwise, or for a request without an address, the library's own mailer
 * or staff list the due ones here and mark each sent. The request's history records each step.
 */
const noticeSchema = z
  .object({
    id: z.number().int(),
    requestId: z.string(),
    kind: z.enum(noticeKinds),
    patronId: z.string(),
    subject: z.string().optional(),
    text: z.string(),
    dueAt: z.string(),
    sentAt: z.string().optional(),
    withdrawnAt: z.string().optional().openapi({ description: 'made moot before it went out (renewal, return, cancel)' }),
    deliveryAttempts: z.number().int(),
    lastDeliveryError: z.string().optional().openapi({ description: 'the mail server’s answer to the last failed delivery' }),
  })
  .openapi('PatronNotice');

const view = (row: PatronNoticeRow): z.infer<typeof noticeSchema> => ({
  id: row.id,
  requestId: row.requestId,
  kind: row.kind,
  patronId: row.patronId,
  ...(row.subject ? { subject: row.subject } : {}),
  text: row.text,
  dueAt: row.dueAt.toISOString(),
  ...(row.sentAt ? { sentAt: row.sentAt.toISOString() } : {}),
  ...(row.withdrawnAt ? { withdrawnAt: row.withdrawnAt.toISOString() } : {}),
  deliveryAttempts: row.deliveryAttempts,
  ...(row.lastDeliveryError ? { lastDeliveryError: row.lastDeliveryError } : {}),
});

export const listRoute = createRoute({
  method: 'get',
  path: '/v1/notices',
  tags: ['notices'],
  summary: 'Patron notices queued for the library’s mailer',
  security: [{ bearerAuth: [] }],
  request: {
    query: z.object({
      state: z
        .enum(['due', 'scheduled', 'sent', 'withdrawn'])
        .default('due')
        .openapi({ param: { name: 'state', in: 'query' }, description: 'due: to send now; scheduled: not yet due; sent: done; withdrawn: made moot.' }),
    }),
  },
  responses: {
    200: { description: 'Oldest first.', content: { 'application/json': { schema: z.object({ notices: z.array(noticeSchema) }) } } },
    ...commonErrorResponses,
  },
});

export const sentRoute = createRoute({
  method: 'post',
  path: '/v1/notices/{noticeId}/sent',
  tags: ['notices'],
  summary: 'Record that a notice was sent to the patron',
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({
      noticeId: z.coerce
        .number()
        .int()
        .positive()
        .openapi({ param: { name: 'noticeId', in: 'path' }, example: 1 }),
    }),
  },
  responses: {
    200: { description: 'The notice, now sent.', content: { 'application/json': { schema: noticeSchema } } },
    ...commonErrorResponses,
    409: { description: 'Already sent.', content: { 'application/json': { schema: errorBodySchema } } },
  },
});

export function registerV1Notices(app: App, deps: AppDeps) {
  app.openapi(listRoute, async (c) => {
    const notices = await listNotices(deps.db, c.get('library').id, c.req.valid('query').state, deps.clock.now());
    return c.json({ notices: notices.map(view) }, 200);
  });
  app.openapi(sentRoute, async (c) => {
    const library = c.get('library');
    const { noticeId } = c.req.valid('param');
    const sent = await transaction(
      deps.db,
      async (tx) => {
        const notice = await findNotice(tx, library.id, noticeId);
        if (!notice) throw new ApiError('NOT_FOUND', `No notice ${noticeId}`);
        if (notice.sentAt) throw new ApiError('CONFLICT', `Notice ${noticeId} was sent at ${notice.sentAt.toISOString()}`);
        if (notice.withdrawnAt) throw new ApiError('CONFLICT', `Notice ${noticeId} was withdrawn at ${notice.withdrawnAt.toISOString()}`);
        const now = deps.clock.now();
        await appendHistory(
          tx,
          { requestId: notice.requestId, kind: 'note', text: `${noticeName(notice.kind)} notice sent to patron ${notice.patronId}.` },
          now,
        );
        return await markNoticeSent(tx, notice.id, now);
      },
      { behavior: 'immediate' },
    );
    return c.json(view(sent), 200);
  });
}
