import { readRepoFile } from './support/render';

const dockerfile = readRepoFile('Dockerfile');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));

function stage(name: string): string[] {
  const start = instructions.findIndex((line) => new RegExp(`^FROM \\S+ AS ${name}$`, 'i').test(line));
  const next = instructions.findIndex((line, index) => index > start && line.startsWith('FROM '));
  expect(start).toBeGreaterThanOrEqual(0);
  return instructions.slice(start, next === -1 ? undefined : next);
}

describe('Dockerfile', () => {
  it('builds on a pinned Node LTS slim image', () => {
    const base = /^ARG NODE_IMAGE=node:(\d+)\.(\d+)\.(\d+)-bookworm-slim$/m.exec(dockerfile);
    expect(base).not.toBeNull();
    expect(Number(base?.[1]) % 2).toBe(0); // even majors are the LTS lines
    expect(
      instructions.filter((line) => line.startsWith('FROM ')).every((line) => line.includes('${NODE_IMAGE}')),
    ).toBe(true);
  });

  it('ships production dependencies only, without the embedded engine', () => {
    const install = stage('deps').find((line) => line.includes('npm ci'));
    expect(install).toContain('--omit=dev');
    expect(install).toContain('--omit=optional');
    const runtime = stage('runtime');
    expect(runtime).toContain('COPY --from=deps /app/node_modules ./node_modules');
    expect(runtime.some((line) => /COPY --from=build .*node_modules/.test(line))).toBe(false);
  });

  it('runs as a numeric non-root user under an init that forwards SIGTERM', () => {
    const runtime = stage('runtime');
    expect(runtime).toContain('USER 1000:1000');
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtime.find((line) => line.startsWith('CMD '))).toMatch(
      /^CMD \["node", ("--[^"]+", )*"[^"]+\.js"\]$/,
    );
  });

  it('has a HEALTHCHECK on /health that needs no curl or wget', () => {
    const healthcheck = instructions.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toContain('/health');
    expect(healthcheck).not.toMatch(/curl|wget/);
  });

  it('keeps the build context small and free of secrets', () => {
    const ignore = readRepoFile('.dockerignore').split('\n');
    expect(ignore[ignore.findIndex((line) => !line.startsWith('#') && line.trim() !== '')]).toBe('*');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules/', '**/.env*', '**/*.gguf']));
  });
});
