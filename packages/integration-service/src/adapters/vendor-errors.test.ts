import { describe, expect, it } from 'vitest';
import { AlmaClient, parseAlmaErrors } from './alma/client.ts';
import { type SierraErrorCode, SierraClient } from './sierra/client.ts';
import { readSirsiReply, SirsiDynixClient } from './sirsidynix/client.ts';
import { simulatedIls } from './testing.ts';

/**
 * Each REST vendor's own error words, as the vendor writes them (shared/reference/vendor-apis.md),
 * and what the adapter makes of them: a retry only where waiting can help, a configuration error
 * where someone must change a setting, staff for everything circulation refused. A retry of a
 * durable refusal would loop; a "needs staff" for an outage would bury a transient fault.
 */
const json = (status: number, body: unknown) => ({ status, headers: new Headers({ 'content-type': 'application/json' }), text: JSON.stringify(body), body });

describe('Alma REST errors (errorList, string errorCode: §1)', () => {
  const client = () =>
    new AlmaClient({ baseUrl: 'http://alma.test/almaws/v1', apiKey: 'k', library: 'MAIN', circulationDesk: 'DEFAULT_CIRC_DESK' }, simulatedIls('alma').context);
  const alma = (status: number, errorCode: string, errorMessage: string) => {
    const reply = json(status, { errorsExist: true, errorList: { error: [{ errorCode, errorMessage, trackingId: 'E01-0000' }] }, result: null });
    return { ...reply, errors: parseAlmaErrors(reply.text, reply.body) };
  };
  it.each([
    [400, '401861', 'User with identifier 123 was not found.', 'needs-staff', /invalid patron id/],
    [400, '401890', 'User with identifier 123 of type BARCODE was not found.', 'needs-staff', /invalid patron id/],
    [400, '401681', 'Due date cannot be in the past.', 'needs-staff', /401681/],
    [400, '401136', 'Failed to save the request: Patron has active request for selected item.', 'needs-staff', /401136/],
    [429, 'PER_SECOND_THRESHOLD', 'HTTP requests are more than allowed per second', 'retryable', /limiting/],
    [429, 'DAILY_THRESHOLD', 'Daily API Request Threshold has been reached.', 'retryable', /limiting/],
    [400, 'UNAUTHORIZED', 'API-key not defined or not configured to allow this API.', 'configuration-error', /API key/],
    [500, 'GENERAL_ERROR', 'Internal server error.', 'retryable', /unavailable/],
  ] as const)('%i %s "%s" → %s', (status, code, message, kind, words) => {
    const outcome = client().failure(alma(status, code, message), 'testing');
    expect(outcome.kind).toBe(kind);
    expect(outcome.reason).toMatch(words);
  });
});

describe('Sierra REST errors ({code, specificCode, httpStatus, name, description}: §2)', () => {
  const client = () => new SierraClient({ baseUrl: 'http://sierra.test/iii/sierra-api/v6', clientKey: 'k', clientSecret: 's' }, simulatedIls('sierra').context);
  const sierra = (error: SierraErrorCode) => ({ ...json(error.httpStatus, error), error });
  it.each([
    [{ code: 132, specificCode: 2, httpStatus: 500, name: 'XCirc error', description: 'There is a problem with your library record.' }, 'needs-staff'],
    [{ code: 132, specificCode: 929, httpStatus: 500, name: 'XCirc error', description: 'This record is not available' }, 'needs-staff'],
    [{ code: 107, specificCode: 0, httpStatus: 404, name: 'Record not found' }, 'needs-staff'],
    [{ code: 133, specificCode: 0, httpStatus: 409, name: 'Multiple records found' }, 'needs-staff'],
    [{ code: 117, specificCode: 0, httpStatus: 503, name: 'API disabled' }, 'configuration-error'],
    [{ code: 118, specificCode: 0, httpStatus: 503, name: 'Not in access tier' }, 'configuration-error'],
    [{ code: 120, specificCode: 0, httpStatus: 401, name: 'invalid_token' }, 'configuration-error'],
    [{ code: 116, specificCode: 0, httpStatus: 403, name: 'Forbidden' }, 'configuration-error'],
    [{ code: 109, specificCode: 0, httpStatus: 500, name: 'Internal server error' }, 'retryable'],
  ] as const)('%o → %s', (error, kind) => {
    const outcome = client().failure(sierra(error), 'testing');
    expect(outcome.kind).toBe(kind);
    // Sierra's own words reach the history, code and all.
    expect(outcome.reason).toContain(`Sierra ${error.code}`);
  });

  it('an HTML 503 from the proxy in front of Sierra is a retry, not a configuration error', () => {
    const outcome = client().failure({ status: 503, headers: new Headers(), text: '<html>503 Service Unavailable</html>', body: undefined }, 'testing');
    expect(outcome.kind).toBe('retryable');
  });
});

describe('SirsiDynix Web Services errors (messageList {code, message}: §5)', () => {
  const client = () =>
    new SirsiDynixClient(
      { baseUrl: 'http://ils.test/symws', clientId: 'ILL', login: 'ill', password: 'p', library: 'MAIN', overridePrompts: [] },
      simulatedIls('symphony').context,
    );
  const sirsi = (status: number, body: unknown) => readSirsiReply(status, JSON.stringify(body));
  it.each([
    [404, { messageList: [{ code: 'userNotFound', message: 'User not found.' }] }, 'needs-staff', /invalid patron id/],
    [404, { messageList: [{ code: 'recordNotFound', message: 'Record not found.' }] }, 'needs-staff', /recordNotFound/],
    [400, { messageList: [{ code: 'hatErrorResponse.252', message: 'Item is already checked out.' }] }, 'needs-staff', /already checked out/],
    [401, { messageList: [{ code: 'clientNotAuthorized', message: 'The client ILL is not authorized.' }] }, 'configuration-error', /client id/],
    [401, { messageList: [{ code: 'unableToLogin', message: 'Unable to log in.' }] }, 'configuration-error', /staff login/],
    [503, { messageList: [{ code: 'serviceUnavailable', message: 'Service unavailable.' }] }, 'retryable', /unavailable/],
    [
      400,
      {
        messageList: [{ code: 'CKOBLOCKS', message: 'User has blocks.' }],
        promptRequired: true,
        dataMap: { promptType: 'CKOBLOCKS', promptRequiresData: true },
      },
      'needs-staff',
      /override/,
    ],
  ] as const)('%i %o → %s', (status, body, kind, words) => {
    const outcome = client().failure(sirsi(status, body), 'testing');
    expect(outcome.kind).toBe(kind);
    expect(outcome.reason).toMatch(words);
  });
});
