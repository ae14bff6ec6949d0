import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  GenerationCancelledError,
  type InferenceError,
  ModelNotFoundError,
  UpstreamBusyError,
  UpstreamProtocolError,
  UpstreamRejectedError,
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '@gateway/inference';
import request from 'supertest';

import { FakeOllama, type Scenario } from '../../../test/fixtures/fake-ollama';
import { freePort } from '../../../test/fixtures/free-port';
import { ReplayProvider } from './support/replay-provider';
import { createTestApp, SINGLE_ATTEMPT } from './support/test-app';

const MODEL = 'qwen2.5:0.5b';

const generate = (app: NestExpressApplication, body: object = { prompt: 'Hi', max_tokens: 16 }) =>
  request(app.getHttpServer()).post('/v1/generate').send(body);

describe('errors from a backend bound to INFERENCE_PROVIDER', () => {
  let app: NestExpressApplication;
  const provider = new ReplayProvider(MODEL);

  beforeAll(async () => {
    app = await createTestApp({ provider, env: { MODEL_NAME: MODEL } });
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each<[InferenceError, number, string, string | undefined]>([
    [new UpstreamUnavailableError('the inference backend is unreachable'), 503, 'upstream_unavailable', '5'],
    [new UpstreamBusyError('the inference backend is busy, try again later'), 503, 'upstream_busy', '2'],
    [new ModelNotFoundError(MODEL), 503, 'model_not_found', undefined],
    [
      new UpstreamRejectedError('the inference backend rejected the request: bad option'),
      400,
      'upstream_rejected',
      undefined,
    ],
    [new UpstreamTimeoutError('first_token', 300_000), 504, 'upstream_timeout', undefined],
    [
      new UpstreamProtocolError('the inference stream ended before it reported completion'),
      502,
      'upstream_protocol_error',
      undefined,
    ],
    [
      new UpstreamServerError('the inference backend failed with status 500'),
      502,
      'upstream_error',
      undefined,
    ],
  ])('%p -> %i %s', async (error, status, code, retryAfter) => {
    provider.next({ kind: 'error', error });
    const res = await generate(app).expect(status);
    expect(res.body).toEqual({
      error: { code, message: error.message, request_id: res.headers['x-request-id'] },
    });
    expect(res.headers['retry-after']).toBe(retryAfter);
  });

  it('a bug in the gateway -> 500 internal_error, without the internal message', async () => {
    provider.next({
      kind: 'error',
      error: new TypeError("Cannot read properties of undefined (reading 'apiKey')"),
    });
    const res = await generate(app).expect(500);
    expect(res.body).toEqual({
      error: {
        code: 'internal_error',
        message: 'internal server error',
        request_id: res.headers['x-request-id'],
      },
    });
    expect(res.text).not.toContain('apiKey');
  });

  it('a cancellation reported by the backend -> 499', async () => {
    provider.next({ kind: 'error', error: new GenerationCancelledError('the request was cancelled') });
    await generate(app).expect(499);
  });
});

describe('errors from a real Ollama wire protocol over the network', () => {
  let ollama: FakeOllama;
  let app: NestExpressApplication;

  beforeAll(async () => {
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    app = await createTestApp({
      env: {
        OLLAMA_HOST: ollama.url,
        MODEL_NAME: MODEL,
        FIRST_TOKEN_TIMEOUT_MS: '300',
        IDLE_TIMEOUT_MS: '300',
        ...SINGLE_ATTEMPT,
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await ollama?.stop();
  });

  afterEach(() => {
    ollama.always(undefined);
    ollama.models = [MODEL];
  });

  it.each<[string, Scenario, number, string]>([
    ['400 bad input', { kind: 'error', status: 400, error: 'invalid option' }, 400, 'upstream_rejected'],
    [
      '503 queue full',
      { kind: 'error', status: 503, error: 'server busy, please try again.' },
      503,
      'upstream_busy',
    ],
    [
      '500',
      { kind: 'error', status: 500, error: 'llama runner process has terminated' },
      502,
      'upstream_error',
    ],
    ['bare-text 403', { kind: 'error', status: 403, bareText: 'Forbidden' }, 502, 'upstream_error'],
    [
      'an error line mid-stream',
      { kind: 'mid-stream-error', tokens: ['a'], error: 'out of memory' },
      502,
      'upstream_protocol_error',
    ],
    ['a truncated stream', { kind: 'truncate', tokens: ['a', 'b'] }, 502, 'upstream_protocol_error'],
  ])('%s -> %i %s', async (_case, scenario, status, code) => {
    ollama.always(scenario);
    const res = await generate(app).expect(status);
    expect(res.body).toMatchObject({ error: { code, request_id: res.headers['x-request-id'] } });
  });

  it('the configured model missing on Ollama -> 503 model_not_found naming it', async () => {
    ollama.models = ['llama3:latest'];
    const res = await generate(app).expect(503);
    expect(res.body).toMatchObject({
      error: {
        code: 'model_not_found',
        message: `model '${MODEL}' is not available on the inference backend`,
      },
    });
  });

  it('no first token in time -> 504, and the upstream request is closed', async () => {
    ollama.always({ kind: 'hang' });
    const calls = ollama.generationCalls().length;
    const res = await generate(app).expect(504);
    expect(res.body).toMatchObject({
      error: {
        code: 'upstream_timeout',
        message: 'the inference backend did not answer in time (first token timeout after 300 ms)',
      },
    });
    await ollama.waitForClientGone(calls, 2000);
  });

  it('silence after the first token -> 504 idle timeout, and the upstream request is closed', async () => {
    ollama.always({ kind: 'stall', tokens: ['a', 'b'] });
    const calls = ollama.generationCalls().length;
    const res = await generate(app).expect(504);
    expect(res.body).toMatchObject({
      error: { code: 'upstream_timeout', message: expect.stringContaining('idle') },
    });
    await ollama.waitForClientGone(calls, 2000);
  });

  it('a slow first token within the limit is not a timeout', async () => {
    ollama.always({ kind: 'tokens', tokens: ['late'], firstTokenDelayMs: 100 });
    await generate(app).expect(200);
  });
});

describe('nothing listening at OLLAMA_HOST', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    // Default (long) timeouts: the answer must come from the refused connection, not from a clock.
    app = await createTestApp({
      env: { OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`, MODEL_NAME: MODEL, ...SINGLE_ATTEMPT },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('/v1/generate -> 503 upstream_unavailable with a clear message and Retry-After', async () => {
    const res = await generate(app).expect(503);
    expect(res.body).toEqual({
      error: {
        code: 'upstream_unavailable',
        message: 'the inference backend is unreachable',
        request_id: res.headers['x-request-id'],
      },
    });
    expect(res.headers['retry-after']).toBe('5');
  });

  it('stays 503 on every call, with retries and the breaker at their defaults too', async () => {
    const port = await freePort();
    const defaults = await createTestApp({
      env: { OLLAMA_HOST: `http://127.0.0.1:${port}`, MODEL_NAME: MODEL },
    });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await generate(defaults);
        expect(res.status).toBe(503);
        expect(res.body).toHaveProperty('error.message');
      }
    } finally {
      await defaults.close();
    }
  });
});
