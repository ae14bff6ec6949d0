import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEPLOY_DIR } from './support/render';

const SCRIPT = join(DEPLOY_DIR, 'scripts/prepare-namespace.sh');

// Stands in for kubectl: records each call (and what it read on stdin); `get secret` succeeds only
// when $STUB_DIR/secret-exists is there.
const STUB = `#!/bin/sh
echo "$*" >> "$STUB_DIR/calls"
case "$*" in
  *" get secret "*) [ -e "$STUB_DIR/secret-exists" ] ;;
  *" create secret "*) cat > "$STUB_DIR/stdin" ;;
  *) exit 0 ;;
esac
`;

function run(args: string[], env: Record<string, string> = {}, secretExists = false) {
  const dir = mkdtempSync(join(tmpdir(), 'prepare-ns-'));
  try {
    writeFileSync(join(dir, 'kubectl'), STUB);
    chmodSync(join(dir, 'kubectl'), 0o755);
    writeFileSync(join(dir, 'calls'), '');
    if (secretExists) {
      writeFileSync(join(dir, 'secret-exists'), '');
    }
    const result = spawnSync('bash', [SCRIPT, ...args], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin`, STUB_DIR: dir, ...env },
    });
    const read = (file: string): string => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch {
        return '';
      }
    };
    return { status: result.status, calls: read('calls').split('\n').filter(Boolean), stdin: read('stdin') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('prepare-namespace.sh (what outlives a teardown)', () => {
  it("applies the Namespace on skaffold's kube context", () => {
    const result = run([], { SKAFFOLD_KUBE_CONTEXT: 'minikube' });
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([`--context minikube apply -k ${join(DEPLOY_DIR, 'namespace')}`]);
  });

  it('creates the Redis password Secret when missing, from stdin, as 64 hex characters', () => {
    const result = run(['--with-redis-secret']);
    expect(result.status).toBe(0);
    expect(result.calls).toEqual([
      `apply -k ${join(DEPLOY_DIR, 'namespace')}`,
      '-n llm-serving get secret llm-redis-auth',
      '-n llm-serving create secret generic llm-redis-auth --from-file=password=/dev/stdin',
    ]);
    // URL-safe (it goes into REDIS_URL), random, and never on a command line.
    expect(result.stdin).toMatch(/^[0-9a-f]{64}$/);
    expect(result.calls.join('\n')).not.toContain(result.stdin);
    expect(run(['--with-redis-secret']).stdin).not.toBe(result.stdin);
  });

  it('never replaces an existing password (Redis keeps running with it)', () => {
    const result = run(['--with-redis-secret'], {}, true);
    expect(result.status).toBe(0);
    expect(result.calls.filter((call) => call.includes('create'))).toEqual([]);
  });
});
