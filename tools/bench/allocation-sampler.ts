/**
 * Preloaded into the gateway by `bench:profile` (`-r`): the first SIGWINCH starts V8's sampling heap
 * profiler, counting objects that garbage collection has already freed too (so it sees everything a
 * request allocates, not only what survives); the second writes the profile to ALLOCATION_PROFILE.
 * SIGWINCH because the gateway's shutdown hooks own SIGUSR2 and SIGUSR1 starts the inspector.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const output = process.env.ALLOCATION_PROFILE;
const session = new Session();
session.connect();
let sampling = false;

process.on('SIGWINCH', () => {
  if (!sampling) {
    sampling = true;
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      // ALLOCATION_SURVIVORS=1: only what outlived the young generation (promoted, then freed by a
      // major collection or still alive), the garbage that makes the old space and the RSS grow.
      includeObjectsCollectedByMinorGC: process.env.ALLOCATION_SURVIVORS !== '1',
    });
    return;
  }
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (!error && output) {
      writeFileSync(output, JSON.stringify(result.profile));
    }
  });
});
