import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** SIGTERM; resolves once the process has exited. */
  stop: () => Promise<void>;
}

/**
 * Runs one of the TypeScript servers next to this file (`bare-proxy.ts`...) in its own Node process and
 * resolves with the URL it prints as `listening <url>`. `nodeArgs` go to Node itself (`--cpu-prof`...).
 */
export async function startChildServer(
  script: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  nodeArgs: readonly string[] = [],
): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      resolve(__dirname, script),
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start in time`)), timeoutMs);
    lines.on('line', (line) => {
      const match = /^listening (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        ok(match[1].replace(/\/$/, '').replace('[::1]', '127.0.0.1'));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited with ${code}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  return { url, process: child, stop };
}
