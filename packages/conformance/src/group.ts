import { type GroupTask, runGroup, type TargetDone } from './run.ts';

/**
 * A child process of `runConformance` (run.ts, `--jobs`): runs its group of targets against its
 * own service and simulators, and sends each target's output and results back as it finishes.
 */
const sent: Promise<void>[] = [];
const send = (message: TargetDone | { error: string }) =>
  sent.push(new Promise<void>((resolve) => process.send?.(message, undefined, undefined, () => resolve()) ?? resolve()));

process.once('message', (task: GroupTask) => {
  runGroup(task, send)
    .then(() => {
      process.exitCode = 0;
    })
    .catch((error: unknown) => {
      send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exitCode = 1;
    })
    // every message delivered, then the channel closes and the process ends (its systems are stopped)
    .finally(async () => {
      await Promise.all(sent);
      process.disconnect();
    });
});
