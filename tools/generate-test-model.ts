/**
 * Writes the deterministic random-weights test model: `npm run model:generate -- [tiny|bench] [out.gguf]`.
 * The gateway generates the tiny one by itself when MODEL_PATH is unset; this is for tests and benchmarks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import {
  buildTestModel,
  testModelFileName,
  TEST_MODEL_PROFILES,
  type TestModelProfileName,
} from '@gateway/embedded';

const profile = (process.argv[2] ?? 'tiny') as TestModelProfileName;
if (!(profile in TEST_MODEL_PROFILES)) {
  process.stderr.write(
    `unknown profile '${profile}'; use one of ${Object.keys(TEST_MODEL_PROFILES).join(', ')}\n`,
  );
  process.exit(2);
}
const out = resolve(process.argv[3] ?? `.models/${testModelFileName(profile)}`);
const started = performance.now();
const bytes = buildTestModel(profile);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
process.stdout.write(
  `${out}: ${bytes.length} bytes in ${Math.round(performance.now() - started)} ms (random weights: its text is random)\n`,
);
