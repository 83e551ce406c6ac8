import { describe, expect, it } from 'vitest';
import { timeLimit } from './http.ts';

describe('a call’s time limit', () => {
  it('aborts the signal with a TimeoutError and rejects timedOut when the call outlives it', async () => {
    const deadline = timeLimit(20);
    await expect(deadline.timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as Error).name).toBe('TimeoutError');
  });

  it('stops counting once cleared: the signal is never aborted after the answer', async () => {
    const deadline = timeLimit(20);
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.signal.aborted).toBe(false);
  });
});
