/**
 * Every ILS result is classified into one of five kinds; the worker acts on the kind
 * (record, retry, or stop and ask staff) and the circulation history shows the reason.
 */
export const outcomeKinds = ['done', 'already-done', 'retryable', 'needs-staff', 'configuration-error'] as const;
export type OutcomeKind = (typeof outcomeKinds)[number];

export type StepOutcome<T = Record<string, unknown>> =
  | { kind: 'done'; value: T; reference?: string }
  | { kind: 'already-done'; reason: string; value?: T; reference?: string }
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  /** `found`: what the ILS did show when it answered but staff must still act (a blocked patron) */
  | { kind: 'needs-staff'; reason: string; suggestion?: string; found?: T }
  | { kind: 'configuration-error'; reason: string };

export const done = <T>(value: T, reference?: string): StepOutcome<T> =>
  reference === undefined ? { kind: 'done', value } : { kind: 'done', value, reference };
export const alreadyDone = <T>(reason: string, value?: T, reference?: string): StepOutcome<T> => {
  const outcome: StepOutcome<T> = { kind: 'already-done', reason };
  if (value !== undefined) outcome.value = value;
  if (reference !== undefined) outcome.reference = reference;
  return outcome;
};
export const retryable = (reason: string, retryAfterMs?: number): StepOutcome<never> =>
  retryAfterMs === undefined ? { kind: 'retryable', reason } : { kind: 'retryable', reason, retryAfterMs };
export const needsStaff = (reason: string, suggestion?: string): StepOutcome<never> =>
  suggestion === undefined ? { kind: 'needs-staff', reason } : { kind: 'needs-staff', reason, suggestion };
export const configurationError = (reason: string): StepOutcome<never> => ({ kind: 'configuration-error', reason });

/** done and already-done both mean the ILS is now in the state the step wanted. */
export function succeeded<T>(outcome: StepOutcome<T>): outcome is Extract<StepOutcome<T>, { kind: 'done' | 'already-done' }> {
  return outcome.kind === 'done' || outcome.kind === 'already-done';
}

/**
 * Classifies a thrown error (network failure, timeout, bug in an adapter) so that nothing
 * an adapter throws is lost: transport problems are retryable, anything else needs staff.
 */
export function classifyThrown(error: unknown): StepOutcome<never> {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.cause?.code ?? (error as { code?: unknown } | null)?.code;
  const transport = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'];
  if (name === 'TimeoutError' || name === 'AbortError' || (typeof code === 'string' && transport.includes(code)) || message === 'fetch failed') {
    return retryable(`ILS unreachable: ${message}`);
  }
  return needsStaff(`unexpected error: ${message}`);
}
