import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import { requestDetailSchema, requestIdParamSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { findRequest } from '../store/requests.ts';
import { settleStepByStaff } from '../workflow/requests.ts';
import { staffNoteFields } from './v1_requests_correct.ts';
import { requestDetail, requireOwnRequest } from './load.ts';

/**
 * Staff settle a step themselves: `resolve` (done by hand in the ILS: the steps that depend on it
 * proceed) or `skip` (not needed: the steps that depend on it are skipped too, with the reason).
 */
const stepParams = requestIdParamSchema.extend({
  stepKey: z
    .string()
    .min(1)
    .max(300)
    .openapi({ param: { name: 'stepKey', in: 'path' }, description: 'The step key from the request’s `steps`.', example: '1000017:place-hold:1000017' }),
});
const staffNoteSchema = z.object(staffNoteFields).strict().openapi('StaffNote');

const verdicts = {
  resolve: {
    state: 'resolved',
    code: 'STEP_NOT_RESOLVABLE',
    summary: 'Mark an ILS step done by hand',
    description:
      'Staff did it in the ILS themselves. The step becomes `resolved`, which counts as succeeded: the steps that depend on it run. 409 STEP_NOT_RESOLVABLE when it already succeeded, is running, or the request’s end made it moot.',
  },
  skip: {
    state: 'skipped',
    code: 'STEP_NOT_SKIPPABLE',
    summary: 'Skip an ILS step that is not needed',
    description:
      'The step becomes `skipped` (by staff); the steps that depend on it are skipped too, with the reason, and touch nothing. 409 STEP_NOT_SKIPPABLE when it already succeeded or was skipped, is running, or is moot.',
  },
} as const;

function routeFor(verb: keyof typeof verdicts) {
  const verdict = verdicts[verb];
  return createRoute({
    method: 'post',
    path: `/v1/requests/{id}/steps/{stepKey}/${verb}`,
    tags: ['requests'],
    summary: verdict.summary,
    description: verdict.description,
    security: [{ bearerAuth: [] }],
    request: { params: stepParams, body: { required: true, content: { 'application/json': { schema: staffNoteSchema } } } },
    responses: {
      200: { description: 'The request, with the step settled.', content: { 'application/json': { schema: requestDetailSchema } } },
      ...commonErrorResponses,
      409: { description: `${verdict.code}: the message says why.`, content: { 'application/json': { schema: errorBodySchema } } },
    },
  });
}

export function registerV1RequestsStepsSettle(app: App, deps: AppDeps) {
  for (const verb of ['resolve', 'skip'] as const) {
    app.openapi(routeFor(verb), async (c) => {
      const library = c.get('library');
      const { id, stepKey } = c.req.valid('param');
      await requireOwnRequest(deps, library, id);
      await settleStepByStaff(deps, library, id, stepKey, verdicts[verb].state, c.req.valid('json'));
      deps.logger.info({ library: library.symbol, requestId: id, step: stepKey, verdict: verb }, 'step settled by staff');
      return c.json(await requestDetail(deps, library, (await findRequest(deps.db, id))!), 200);
    });
  }
}
