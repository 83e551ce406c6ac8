import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import { requestIdParamSchema, stepViewSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { toStepView } from '../http/views.ts';
import { jobsOfRequest } from '../store/outbox.ts';
import { retryStep } from '../workflow/requests.ts';
import { requireOwnRequest } from './load.ts';

export const route = createRoute({
  method: 'post',
  path: '/v1/requests/{id}/steps/{stepKey}/retry',
  tags: ['requests'],
  summary: 'Run a stopped ILS step again',
  description:
    'For a step that needs staff, has a configuration error, or is waiting for its next automatic retry: it is queued to run now with a fresh attempt budget. A step that succeeded is never run again (409).',
  security: [{ bearerAuth: [] }],
  request: {
    params: requestIdParamSchema.extend({
      stepKey: z
        .string()
        .min(1)
        .max(300)
        .openapi({ param: { name: 'stepKey', in: 'path' }, description: 'The step key from the request’s `steps`.', example: '1000017:place-hold:1000017' }),
    }),
  },
  responses: {
    202: { description: 'Queued.', content: { 'application/json': { schema: stepViewSchema } } },
    ...commonErrorResponses,
    409: { description: 'The step succeeded already, or is running.', content: { 'application/json': { schema: errorBodySchema } } },
  },
});

export function registerV1RequestsStepsRetry(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const library = c.get('library');
    const { id, stepKey } = c.req.valid('param');
    await requireOwnRequest(deps, library, id);
    const job = await retryStep(deps, library, id, stepKey);
    deps.logger.info({ library: library.symbol, requestId: id, step: stepKey }, 'step retry requested');
    return c.json(toStepView(job, await jobsOfRequest(deps.db, id)), 202);
  });
}
