import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How the production image starts the gateway: Node's flags, then the compiled entry point. */
export interface ImageCommand {
  nodeFlags: string[];
  entry: string;
}

/**
 * The Dockerfile's exec-form CMD, `["node", ...flags, "<entry>.js"]`, so that the benchmarks and the
 * manifest tests run the gateway exactly as the image does (the V8 heap flags included).
 */
export function imageCommand(
  dockerfile = readFileSync(join(__dirname, '..', 'Dockerfile'), 'utf8'),
): ImageCommand {
  const cmd = /^CMD \[(.*)\]$/m.exec(dockerfile)?.[1];
  const args = cmd ? (JSON.parse(`[${cmd}]`) as string[]) : [];
  const entry = args[args.length - 1];
  const nodeFlags = args.slice(1, -1);
  if (args[0] !== 'node' || !entry?.endsWith('.js') || !nodeFlags.every((flag) => flag.startsWith('--'))) {
    throw new Error(`the Dockerfile CMD must be ["node", ...flags, "<entry>.js"], got ${cmd}`);
  }
  return { nodeFlags, entry };
}
