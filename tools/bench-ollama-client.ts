/**
 * `npm run bench:ollama-client`: what the Ollama backend alone costs per generation, without the HTTP
 * server in front of it. Runs BENCH_REQUESTS generations (16-token answers, BENCH_CONCURRENCY at once)
 * through OllamaService from a build (dist/, or GATEWAY_DIST for another build, e.g. one from before a
 * change) against the fake Ollama in its own process, and prints the CPU time this process spent per
 * generation and the generations per second.
 */
import { resolve } from 'node:path';

import type { GenerationRequest, InferenceProvider } from '@gateway/inference';

import { startChildServer } from './bench/child-server';
import { BENCH_MODEL } from './bench/fake-ollama-server';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DIST = resolve(process.env.GATEWAY_DIST ?? resolve(__dirname, '../dist'));

type OllamaServiceClass = new (
  host: string,
) => InferenceProvider & { onApplicationShutdown(): Promise<void> };

async function run(service: InferenceProvider, count: number): Promise<void> {
  const request: GenerationRequest = {
    model: BENCH_MODEL,
    input: { kind: 'prompt', prompt: 'Explain Kubernetes in simple terms:' },
    params: { maxTokens: 64 },
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const controller = new AbortController();
      for await (const event of service.stream(request, { signal: controller.signal })) {
        if (event.type === 'done') {
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  const ollama = await startChildServer('fake-ollama-server.ts');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OllamaService } = require(`${DIST}/libs/ollama/src/ollama.service`) as {
    OllamaService: OllamaServiceClass;
  };
  const service = new OllamaService(ollama.url);
  try {
    await run(service, 2000); // warm-up
    const cpu = process.cpuUsage();
    const started = performance.now();
    await run(service, REQUESTS);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const usPerRequest = (used.user + used.system) / REQUESTS;
    console.log(
      `${DIST}: ${REQUESTS} generations, ${(REQUESTS / seconds).toFixed(0)} per second, ` +
        `${usPerRequest.toFixed(0)} µs CPU each (client side only), rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
    );
  } finally {
    await service.onApplicationShutdown();
    await ollama.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
