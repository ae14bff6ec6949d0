import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { acceptedEnvKeys } from './load-config';

describe('README configuration table', () => {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
  );
  // The first cell of each table row names the variable(s) it documents.
  const firstCells = [...section.matchAll(/^\| ([^|]+) \|/gm)].map((match) => match[1]);
  const documented = new Set(
    firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])),
  );

  it('documents every environment variable the gateway reads', () => {
    expect(acceptedEnvKeys().filter((key) => !documented.has(key))).toEqual([]);
  });

  it('documents no variable the gateway does not read', () => {
    const accepted = new Set(acceptedEnvKeys());
    expect([...documented].filter((key) => !accepted.has(key))).toEqual([]);
  });
});
