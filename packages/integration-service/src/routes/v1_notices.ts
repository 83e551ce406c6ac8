import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import type { App, AppDeps } from '../http/types.ts';
import { findNotice, listNotices, markNoticeSent } from '../store/notices.ts';
import type { PatronNoticeRow } from '../store/schema.ts';
import { appendHistory } from '../store/requests.ts';

/**
 * The patron notice queue: when a library has Bookstrap (not the ILS) tell patrons a loan is
 * ready (`settings.borrowing.pickupNoticeFrom = "bookstrap"`), receiving a loan queues a notice
 * due `pickupNoticeDelayMinutes` later. The library's mailer lists the due ones and marks each
 * sent; the request's history records both. Bookstrap sends no e-mail itself.
 */
const noticeSchema = z
  .object({
    id: z.number().int(),
    requestId: z.string(),
    kind: z.enum(['loan-available-for-pickup']),
    patronId: z.string(),
    text: z.string(),
    dueAt: z.string(),
    sentAt: z.string().optional(),
  })
  .openapi('PatronNotice');

const view = (row: PatronNoticeRow): z.infer<typeof noticeSchema> => ({
  id: row.id,
  requestId: row.requestId,
  kind: row.kind,
  patronId: row.patronId,
  text: row.text,
  dueAt: row.dueAt.toISOString(),
  ...(row.sentAt ? { sentAt: row.sentAt.toISOString() } : {}),
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
        .enum(['due', 'scheduled', 'sent'])
        .default('due')
        .openapi({ param: { name: 'state', in: 'query' }, description: 'due: to send now; scheduled: not yet due; sent: done.' }),
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
  app.openapi(listRoute, (c) => {
    const notices = listNotices(deps.db, c.get('library').id, c.req.valid('query').state, deps.clock.now());
    return c.json({ notices: notices.map(view) }, 200);
  });
  app.openapi(sentRoute, (c) => {
    const library = c.get('library');
    const { noticeId } = c.req.valid('param');
    const sent = deps.db.transaction(
      (tx) => {
        const notice = findNotice(tx, library.id, noticeId);
        if (!notice) throw new ApiError('NOT_FOUND', `No notice ${noticeId}`);
        if (notice.sentAt) throw new ApiError('CONFLICT', `Notice ${noticeId} was sent at ${notice.sentAt.toISOString()}`);
        const now = deps.clock.now();
        appendHistory(tx, { requestId: notice.requestId, kind: 'note', text: `Loan available for pickup notice sent to patron ${notice.patronId}.` }, now);
        return markNoticeSent(tx, notice.id, now);
      },
      { behavior: 'immediate' },
    );
    return c.json(view(sent), 200);
  });
}
