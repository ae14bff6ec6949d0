import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEPLOY_DIR } from './support/render';

const SCRIPT = join(DEPLOY_DIR, 'base/ollama/pull-model.sh');

// Stands in for the ollama CLI: models "on the volume" are lines of $STUB_DIR/models.
const STUB = `#!/bin/sh
echo "$*" >> "$STUB_DIR/calls"
case "$1" in
  serve) trap 'exit 0' TERM; while :; do sleep 0.1; done ;;
  list) [ "\${STUB_SERVER_DOWN:-0}" = 1 ] && exit 1; cat "$STUB_DIR/models" ;;
  show) grep -qx "$2" "$STUB_DIR/models" ;;
  pull) [ "\${STUB_PULL_FAILS:-0}" = 1 ] && { echo "pull: network error" >&2; exit 1; }
        echo "$2" >> "$STUB_DIR/models" ;;
  *) exit 2 ;;
esac
`;

interface Run {
  status: number | null;
  calls: string[];
  models: string[];
  stderr: string;
}

function runPullModel(models: string[], env: Record<string, string> = {}): Run {
  const dir = mkdtempSync(join(tmpdir(), 'pull-model-'));
  try {
    writeFileSync(join(dir, 'ollama'), STUB);
    chmodSync(join(dir, 'ollama'), 0o755);
    writeFileSync(join(dir, 'models'), models.map((model) => `${model}\n`).join(''));
    writeFileSync(join(dir, 'calls'), '');
    const result = spawnSync('/bin/sh', [SCRIPT], {
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        PATH: `${dir}:/usr/bin:/bin`,
        STUB_DIR: dir,
        TMPDIR: dir,
        MODEL_NAME: 'qwen2.5:0.5b',
        START_TIMEOUT_S: '2',
        ...env,
      },
    });
    const lines = (file: string): string[] =>
      readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
    return { status: result.status, calls: lines('calls'), models: lines('models'), stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Ollama init container (pull-model.sh)', () => {
  it('does not pull when the configured model is already on the volume', () => {
    const run = runPullModel(['qwen2.5:0.5b']);
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => call.startsWith('pull'))).toEqual([]);
  });

  it('pulls the configured model even when another model is on the volume', () => {
    const run = runPullModel(['llama3.2:1b']);
    expect(run.status).toBe(0);
    expect(run.calls).toContain('pull qwen2.5:0.5b');
    expect(run.models).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
  });

  it('fails the pod start when the pull fails, so Kubernetes retries', () => {
    const run = runPullModel([], { STUB_PULL_FAILS: '1' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('pulling qwen2.5:0.5b failed');
  });

  it('fails when the local server never comes up', () => {
    const run = runPullModel(['qwen2.5:0.5b'], { STUB_SERVER_DOWN: '1' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('did not come up');
  });

  it('fails without a model name', () => {
    expect(runPullModel([], { MODEL_NAME: '' }).status).not.toBe(0);
  });
});
