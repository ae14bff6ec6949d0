import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { summariseAllocations } from './allocation-summary';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe('summariseAllocations', () => {
  it('sums self sizes over the whole tree by component and by function', () => {
    const profile = {
      head: {
        callFrame: frame('(root)', ''),
        selfSize: 0,
        children: [
          {
            callFrame: frame('stream', '/app/dist/libs/ollama/src/ollama.service.js', 32),
            selfSize: 300,
            children: [{ callFrame: frame('next', '/app/node_modules/router/index.js', 187), selfSize: 200 }],
          },
          { callFrame: frame('stream', '/app/dist/libs/ollama/src/ollama.service.js', 32), selfSize: 100 },
          { callFrame: frame('_storeHeader', 'node:_http_outgoing', 408), selfSize: 50 },
        ],
      },
    };
    const path = join(mkdtempSync(join(tmpdir(), 'alloc-')), 'a.heapprofile');
    writeFileSync(path, JSON.stringify(profile));
    const summary = summariseAllocations(path);
    expect(summary.totalBytes).toBe(650);
    expect(summary.components).toEqual([
      ['gateway libs/ollama/src/ollama', 400],
      ['router', 200],
      ['node http', 50],
    ]);
    expect(summary.functions[0]).toEqual(['stream dist/libs/ollama/src/ollama.service.js:33', 400]);
  });
});
