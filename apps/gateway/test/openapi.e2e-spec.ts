import type { NestExpressApplication } from '@nestjs/platform-express';
import { compileErrors, validate } from '@readme/openapi-parser';
import { getMetadataStorage } from 'class-validator';

import { DOCS_CSP, REQUEST_BODIES } from '../src/openapi/openapi-document';
import { ChatMessageDto } from '../src/openai/dto/chat-completion-request.dto';
import { baseUrl, createTestApp } from './support/test-app';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

const fieldsOf = (dto: object) =>
  [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto as never, '', true, false)
        .map((item) => item.propertyName),
    ),
  ].sort();

describe('the OpenAPI document (/openapi.json) and its page (/docs)', () => {
  let app: NestExpressApplication;
  let url: string;
  let document: OpenApiDocument;

  beforeAll(async () => {
    app = await createTestApp({ env: { OLLAMA_HOST: 'http://127.0.0.1:9' } });
    url = await baseUrl(app);
    document = (await (await fetch(`${url}/openapi.json`)).json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('covers every route the gateway serves, each with its error responses', () => {
    const layers = (app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router.stack;
    const routes = layers
      // The document's own routes, and the catch-all that answers unknown paths, are not API routes.
      .filter((layer) => layer.route && !/^\/(docs|openapi)|\{\*path\}/.test(layer.route.path))
      .flatMap((layer) =>
        Object.keys(layer.route?.methods ?? {}).map(
          (method) => `${method} ${(layer.route?.path ?? '').replace(/\/\*(\w+)/, '/{$1}')}`,
        ),
      );
    expect(routes).toEqual(expect.arrayContaining(['post /v1/chat/completions', 'post /v1/embeddings']));
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual([...new Set(routes)].sort());
    for (const item of Object.values(document.paths)) {
      for (const operation of Object.values(item)) {
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '401', '503']));
      }
    }
  });

  it('describes every field each request body validates', () => {
    for (const dto of [...Object.values(REQUEST_BODIES), ChatMessageDto]) {
      const schema = document.components.schemas[dto.name];
      expect([dto.name, Object.keys(schema?.properties ?? {}).sort()]).toEqual([dto.name, fieldsOf(dto)]);
    }
  });

  it('serves a browsable page at /docs', async () => {
    const res = await fetch(`${url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    // The page may run its own scripts; the API's responses keep the policy that forbids everything.
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    const script = (await res.text()).match(/<script src="([^"]+)"/)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(new URL(script ?? '', `${url}/docs`))).status).toBe(200);
    const api = await fetch(`${url}/v1/models`);
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('content-security-policy')).not.toContain('script-src');
  });
});

describe('OPENAPI_ENABLED=false', () => {
  it('serves neither the document nor the page', async () => {
    const app = await createTestApp({ env: { OLLAMA_HOST: 'http://127.0.0.1:9', OPENAPI_ENABLED: 'false' } });
    try {
      const url = await baseUrl(app);
      expect((await fetch(`${url}/openapi.json`)).status).toBe(404);
      expect((await fetch(`${url}/docs`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
