/**
 * Creates an API key: prints the key once (hand it to its owner) and the entry to add to the keys
 * file (API_KEYS_FILE). The gateway stores only the hash; a lost key cannot be recovered, only replaced.
 *
 *   npm run key:create -- --id team-a --name "Team A" --models qwen2.5:0.5b --rpm 60 --tpm 100000 --concurrency 4
 */
import { parseArgs } from 'node:util';

import { generateApiKey, hashApiKey } from '../libs/auth/src/api-key';
import { parseKeysFile, type KeyEntry } from '../libs/auth/src/keys-file';

export function createKeyEntry(argv: string[]): { key: string; entry: KeyEntry } {
  const { values } = parseArgs({
    args: argv,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      models: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      concurrency: { type: 'string' },
    },
    strict: true,
  });
  if (values.id === undefined) {
    throw new Error('--id is required (a short name for the key, e.g. team-a)');
  }
  const key = generateApiKey();
  const entry: KeyEntry = {
    id: values.id,
    ...(values.name !== undefined ? { name: values.name } : {}),
    hash: hashApiKey(key),
    ...(values.models !== undefined ? { models: values.models.split(',').map((m) => m.trim()) } : {}),
    ...(values.rpm !== undefined ? { rpm: Number(values.rpm) } : {}),
    ...(values.tpm !== undefined ? { tpm: Number(values.tpm) } : {}),
    ...(values.concurrency !== undefined ? { concurrency: Number(values.concurrency) } : {}),
  };
  // The same checks the gateway applies when it loads the file.
  parseKeysFile(JSON.stringify({ keys: [entry] }));
  return { key, entry };
}

if (require.main === module) {
  try {
    const { key, entry } = createKeyEntry(process.argv.slice(2));
    process.stdout.write(
      [
        `API key (shown once, give it to its owner): ${key}`,
        '',
        'Add this entry to the "keys" array of the keys file:',
        JSON.stringify(entry, null, 2),
        '',
      ].join('\n'),
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
