import { type CirculationSystem, classifyThrown, failedCheck, type PreflightCheck, type PreflightInput, passedCheck, skippedCheck } from '@bookstrap/core';

/** A patron id no library issues: asking for it proves the ILS answers and accepts the credentials. */
export const probePatronId = 'bookstrap-preflight-no-such-patron';

/**
 * For an adapter without its own `preflight`: what `lookupPatron` (a read on every ILS) can show.
 * An unknown patron answered as such still proves the ILS took the credentials; only a refused
 * key or no answer fails authentication.
 */
export async function basicPreflight(system: CirculationSystem, input: PreflightInput): Promise<PreflightCheck[]> {
  const why = `this adapter (${system.ils}) has no read-only call for it yet`;
  const checks: PreflightCheck[] = [];
  const outcome = await system.lookupPatron({ patronId: input.testPatronId ?? probePatronId }).catch(classifyThrown);
  if (outcome.kind === 'configuration-error' || outcome.kind === 'retryable') {
    checks.push(failedCheck('authenticate', outcome.reason));
    checks.push(skippedCheck('test-patron', 'not tried: the ILS did not accept the connection'));
  } else {
    checks.push(passedCheck('authenticate', 'the ILS answered a patron lookup'));
    if (!input.testPatronId) checks.push(skippedCheck('test-patron', 'no test patron configured (settings.preflight.testPatronId)'));
    else if (outcome.kind === 'done' || outcome.kind === 'already-done') {
      checks.push(passedCheck('test-patron', `patron ${input.testPatronId} found`));
    } else checks.push(failedCheck('test-patron', outcome.reason));
  }
  checks.push(skippedCheck('test-item', input.testItemBarcode ? why : 'no test item configured (settings.preflight.testItemBarcode)'));
  checks.push(skippedCheck('pickup-locations', why), skippedCheck('ill-location', why));
  return checks;
}

/**
 * An ILS spoken to over NCIP with its own API beside: the API's checks (it can read notes and
 * locations), with the NCIP responder's answer to a patron look-up folded into authentication.
 */
export async function withNcipAuthentication(ncip: CirculationSystem, checks: PreflightCheck[], input: PreflightInput): Promise<PreflightCheck[]> {
  const outcome = await ncip.lookupPatron({ patronId: input.testPatronId ?? probePatronId }).catch(classifyThrown);
  const failed = outcome.kind === 'configuration-error' || outcome.kind === 'retryable';
  return checks.map((check) => {
    if (check.name !== 'authenticate') return check;
    if (failed) return failedCheck('authenticate', `NCIP responder: ${outcome.reason}${check.ok ? '' : `; API: ${check.detail}`}`);
    return check.ok ? passedCheck('authenticate', `${check.detail}; the NCIP responder answered a patron look-up`) : check;
  });
}
