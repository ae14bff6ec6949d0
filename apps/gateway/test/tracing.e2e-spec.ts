import { FakeOllama } from '../../../test/fixtures/fake-ollama';
import { OtlpReceiver, type ReceivedSpan } from '../../../test/fixtures/otlp-receiver';
import { startGatewayProcess } from './support/gateway-process';

const SERVER = 2;
const CLIENT = 3;
const INTERNAL = 1;
const ERROR = 2;

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const UNSAMPLED_TRACE = '0af7651916cd43dd8448eb211c80319c';
const PROMPT = 'the secret launch date is 2031-04-01';
const ANSWER = ['Kubernetes', ' runs', ' containers', ' for', ' you', '.'];

async function post(url: string, path: string, body: object, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const chat = (stream: boolean) => ({
  model: 'qwen2.5:0.5b',
  messages: [{ role: 'user', content: PROMPT }],
  max_tokens: 16,
  stream,
});

function one(spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(predicate);
  expect(found).toHaveLength(1);
  return found[0];
}

/**
 * Runs the gateway as its own process (the OTLP exporter loads its HTTP transport with a dynamic
 * import, which Jest's module VM cannot run), exporting to a fresh receiver; sends `traffic`, then
 * stops it with SIGTERM. Spans are batched for 5 s: what the receiver holds was flushed at shutdown.
 */
async function tracedRun(
  env: Record<string, string>,
  traffic: (url: string, ollama: FakeOllama) => Promise<void>,
): Promise<{
  spans: ReceivedSpan[];
  ollama: FakeOllama;
  ollamaPort: number;
  receiver: OtlpReceiver;
  logs: AccessLog[];
  output: string;
}> {
  const receiver = await new OtlpReceiver().start();
  const ollama = await new FakeOllama().start();
  const ollamaPort = Number(new URL(ollama.url).port);
  const gateway = await startGatewayProcess({
    INFERENCE_BACKEND: 'ollama',
    OLLAMA_HOST: ollama.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    RETRY_BACKOFF_MS: '1',
    LOG_LEVEL: 'info',
    ...env,
  });
  try {
    await traffic(gateway.baseUrl, ollama);
  } finally {
    await gateway.stop();
    await ollama.stop();
    await receiver.stop();
  }
  expect(await gateway.exited).toBe(0);
  const output = gateway.output();
  return { spans: receiver.spans, ollama, ollamaPort, receiver, logs: accessLogs(output), output };
}

interface AccessLog {
  path?: string;
  req?: { id?: string };
  traceId?: string;
}

function accessLogs(output: string): AccessLog[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as AccessLog & { msg?: string })
    .filter((entry) => entry.path !== undefined && entry.msg?.startsWith('POST ') === true);
}

describe('OpenTelemetry traces', () => {
  let spans: ReceivedSpan[];
  let ollama: FakeOllama;
  let receiver: OtlpReceiver;
  let logs: AccessLog[];
  let ollamaPort: number;
  let output: string;

  beforeAll(async () => {
    ({ spans, ollama, ollamaPort, receiver, logs, output } = await tracedRun(
      {
        OTEL_SERVICE_NAME: 'gateway-under-test',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e',
      },
      async (url, fake) => {
        const traceparent = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;
        const streamed = await post(url, '/v1/chat/completions', chat(true), {
          traceparent,
          'X-Request-Id': 'traced-stream-1',
        });
        expect(streamed.status).toBe(200);
        expect(streamed.text).toContain('[DONE]');
        const plain = await post(url, '/v1/generate', { prompt: PROMPT, max_tokens: 4 });
        expect(plain.status).toBe(200);
        // The first attempt fails with a 500, the retry succeeds: two upstream spans.
        fake.next({ kind: 'error', status: 500, error: 'boom' });
        const retried = await post(
          url,
          '/v1/generate',
          { prompt: 'retry me', max_tokens: 4 },
          {
            'X-Request-Id': 'retried-1',
          },
        );
        expect(retried.status).toBe(200);
        const unsampled = await post(
          url,
          '/v1/generate',
          { prompt: 'not sampled', max_tokens: 4 },
          {
            traceparent: `00-${UNSAMPLED_TRACE}-${CALLER_SPAN}-00`,
          },
        );
        expect(unsampled.status).toBe(200);
        await (await fetch(`${url}/ready`)).text();
        await (await fetch(`${url}/metrics`)).text();
      },
    ));
  });

  it('exports over OTLP/HTTP JSON with the configured resource, flushed at shutdown', () => {
    expect(receiver.contentTypes.length).toBeGreaterThan(0);
    expect(receiver.contentTypes.every((type) => type.startsWith('application/json'))).toBe(true);
    expect(output).toMatch(
      /exporting spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(sampler parentbased_always_on, ratio 1\)/,
    );
    expect(spans[0].resource).toMatchObject({
      'service.name': 'gateway-under-test',
      'deployment.environment.name': 'e2e',
    });
  });

  it('traces no probe or scrape', () => {
    const paths = spans.flatMap((s) => {
      const path = s.attributes['url.path'];
      return typeof path === 'string' ? [path] : [];
    });
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => ['/health', '/ready', '/metrics'].includes(path))).toEqual([]);
  });

  it("continues the caller's trace with a server span, an admission span and a GenAI client span", () => {
    const server = one(spans, (s) => s.kind === SERVER && s.traceId === CALLER_TRACE);
    expect(server).toMatchObject({
      parentSpanId: CALLER_SPAN,
      name: 'POST /v1/chat/completions',
      statusCode: 0,
      attributes: expect.objectContaining({
        'http.request.method': 'POST',
        'http.route': '/v1/chat/completions',
        'url.path': '/v1/chat/completions',
        'http.response.status_code': 200,
        'llm_gateway.request.id': 'traced-stream-1',
        'llm_gateway.outcome': 'success',
      }),
    });
    const children = spans.filter((s) => s.parentSpanId === server.spanId);
    expect(children.map((s) => s.name).sort()).toEqual(['admission', 'chat qwen2.5:0.5b']);
    expect(children.every((s) => s.traceId === CALLER_TRACE)).toBe(true);

    const admission = one(children, (s) => s.name === 'admission');
    expect(admission.kind).toBe(INTERNAL);
    expect(admission.attributes['llm_gateway.queue.wait_ms']).toEqual(expect.any(Number));

    const upstream = one(children, (s) => s.kind === CLIENT);
    expect(upstream.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'ollama',
      'gen_ai.request.model': 'qwen2.5:0.5b',
      'gen_ai.request.max_tokens': 16,
      'gen_ai.response.model': 'qwen2.5:0.5b',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': ANSWER.length,
      'server.address': '127.0.0.1',
      'server.port': ollamaPort,
    });
    expect(upstream.events).toEqual([
      { name: 'first_token', attributes: { 'llm_gateway.ttft_ms': expect.any(Number) } },
    ]);
    // Children lie within their parent.
    for (const child of children) {
      expect(child.startNs).toBeGreaterThanOrEqual(server.startNs);
      expect(child.endNs).toBeLessThanOrEqual(server.endNs);
    }
  });

  it("writes the request's trace id on its access-log line", () => {
    const server = one(
      spans,
      (s) => s.kind === SERVER && s.attributes['llm_gateway.request.id'] === 'retried-1',
    );
    const line = (id: string) => logs.find((entry) => entry.req?.id === id);
    expect(line('traced-stream-1')?.traceId).toBe(CALLER_TRACE);
    expect(line('retried-1')?.traceId).toBe(server.traceId);
  });

  it('sends Ollama the upstream span as traceparent, and the request id', () => {
    const upstream = one(spans, (s) => s.kind === CLIENT && s.traceId === CALLER_TRACE);
    const call = ollama.generationCalls()[0];
    expect(call.headers.traceparent).toBe(`00-${CALLER_TRACE}-${upstream.spanId}-01`);
    expect(call.headers['x-request-id']).toBe('traced-stream-1');
  });

  it('starts a new trace for a caller without traceparent, with the text-completion operation', () => {
    const server = one(
      spans,
      (s) =>
        s.kind === SERVER &&
        s.name === 'POST /v1/generate' &&
        s.parentSpanId === '' &&
        s.attributes['llm_gateway.request.id'] !== 'retried-1',
    );
    const upstream = one(spans, (s) => s.parentSpanId === server.spanId && s.kind === CLIENT);
    expect(upstream.name).toBe('text_completion qwen2.5:0.5b');
    expect(upstream.attributes['gen_ai.response.finish_reasons']).toEqual(['length']);
    expect(server.traceId).not.toBe(CALLER_TRACE);
  });

  it('records each attempt as its own upstream span, the failed one as an error', () => {
    const server = one(
      spans,
      (s) => s.kind === SERVER && s.attributes['llm_gateway.request.id'] === 'retried-1',
    );
    const attempts = spans
      .filter((s) => s.parentSpanId === server.spanId && s.kind === CLIENT)
      .sort((a, b) => Number(a.startNs - b.startNs));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({
      statusCode: ERROR,
      attributes: expect.objectContaining({ 'error.type': 'upstream_error' }),
    });
    expect(attempts[1].statusCode).toBe(0);
    expect(attempts[1].attributes['gen_ai.usage.output_tokens']).toBe(4);
    const calls = ollama.generationCalls().filter((call) => call.headers['x-request-id'] === 'retried-1');
    expect(calls.map((call) => call.headers.traceparent)).toEqual(
      attempts.map((span) => `00-${server.traceId}-${span.spanId}-01`),
    );
  });

  it("follows the caller's sampling decision: nothing exported, the trace still propagated", () => {
    expect(spans.filter((s) => s.traceId === UNSAMPLED_TRACE)).toEqual([]);
    const call = ollama
      .generationCalls()
      .find((c) => String(c.headers.traceparent).includes(UNSAMPLED_TRACE));
    expect(call?.headers.traceparent).toMatch(new RegExp(`^00-${UNSAMPLED_TRACE}-[0-9a-f]{16}-00$`));
  });

  it('never records prompt or completion text without the opt-in', () => {
    const everything = JSON.stringify(spans.map((s) => [s.attributes, s.events]));
    expect(everything).not.toContain('launch date');
    expect(everything).not.toContain(ANSWER.slice(0, 3).join(''));
  });
});

describe('OpenTelemetry traces with content capture', () => {
  it('records the conversation on the upstream span only when OTEL_GENAI_CAPTURE_CONTENT=true', async () => {
    const { spans } = await tracedRun({ OTEL_GENAI_CAPTURE_CONTENT: 'true' }, async (url) => {
      expect((await post(url, '/v1/chat/completions', chat(true))).status).toBe(200);
    });
    const upstream = one(spans, (s) => s.kind === CLIENT);
    expect(JSON.parse(String(upstream.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: PROMPT }] },
    ]);
    expect(JSON.parse(String(upstream.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: ANSWER.join('') }], finish_reason: 'stop' },
    ]);
  });
});

describe('tracing off', () => {
  it('exports nothing and sends no traceparent, but still passes the request id', async () => {
    const { spans, ollama, receiver, logs } = await tracedRun({ OTEL_SDK_DISABLED: 'true' }, async (url) => {
      const res = await post(
        url,
        '/v1/generate',
        { prompt: 'hi', max_tokens: 4 },
        {
          traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
          'X-Request-Id': 'untraced-1',
        },
      );
      expect(res.status).toBe(200);
    });
    expect(spans).toEqual([]);
    expect(receiver.contentTypes).toEqual([]);
    const [call] = ollama.generationCalls();
    expect(call.headers['x-request-id']).toBe('untraced-1');
    expect(call.headers.traceparent).toBeUndefined();
    expect(logs).toHaveLength(1);
    expect(logs[0]).not.toHaveProperty('traceId');
  });
});
