/**
 * The multi-instance test's simulators in a process of their own (Alma and Sierra on free ports),
 * as a real ILS is: the gateway counts calls when they arrive, undisturbed by the test's own
 * work. Prints `{"urls":{…}}` on one line when listening; SIGTERM stops it.
 */
import { startSimulators } from '@bookstrap/ils-simulators';

const running = await startSimulators({ vendors: ['alma', 'sierra'], ports: { alma: 0, sierra: 0 } });
console.log(JSON.stringify({ urls: running.urls }));
process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
