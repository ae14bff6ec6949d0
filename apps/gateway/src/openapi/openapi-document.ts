import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';

import { EmbeddingsRequestDto } from '../embeddings/dto/embeddings-request.dto';
import { GenerateRequestDto } from '../generate/dto/generate-request.dto';
import { ChatCompletionRequestDto, ChatMessageDto } from '../openai/dto/chat-completion-request.dto';
import { CompletionRequestDto } from '../openai/dto/completion-request.dto';
import { StreamOptionsDto } from '../openai/dto/openai-sampling.dto';
import { schemaOfDto, type Constructor, type JsonSchema } from './validator-schema';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/** Request bodies by route, described from their validators. */
export const REQUEST_BODIES: Record<string, Constructor> = {
  '/v1/chat/completions': ChatCompletionRequestDto,
  '/v1/completions': CompletionRequestDto,
  '/v1/embeddings': EmbeddingsRequestDto,
  '/v1/generate': GenerateRequestDto,
};
const NESTED: Record<string, Constructor> = { messages: ChatMessageDto, stream_options: StreamOptionsDto };

/** What any route may answer besides its success; the body shape is in docs/api.md "Errors". */
const ERRORS: Record<string, string> = {
  '400': 'a field is missing, malformed or unsupported (`param` names it), or the prompt is too long',
  '401': 'missing or invalid API key or token',
  '404': 'unknown model or route',
  '413': 'request body too large',
  '429': 'per-key rate or token limit reached; see Retry-After',
  '502': 'the backend failed or broke off',
  '503': 'the backend is down or full, or the gateway is shedding load; see Retry-After',
  '504': 'a timeout ran out',
};

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        code: { type: 'string' },
        type: { type: 'string', description: 'OpenAI-compatible routes' },
        param: { type: ['string', 'null'] },
        request_id: { type: 'string', description: "the gateway's own routes" },
      },
      required: ['message', 'code'],
    },
  },
  required: ['error'],
};

/** OpenAPI 3.1 for every route: paths from the controllers, request bodies from the DTO validators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('LLM gateway')
    .setDescription(
      'OpenAI-compatible and native generation API in front of Ollama or an embedded llama.cpp engine.',
    )
    .setVersion('1.0')
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = ((document.components ??= {}).schemas ??= {}) as Record<string, JsonSchema>;
  schemas.Error = ERROR_SCHEMA;
  document.paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [openApiPath(path), item]),
  );
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as Array<Record<string, unknown>>) {
      const responses = (operation.responses ??= {}) as Record<string, unknown>;
      for (const [status, description] of Object.entries(ERRORS)) {
        responses[status] ??= {
          description,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
      }
      operation.security = [{ bearer: [] }];
    }
    const dto = REQUEST_BODIES[path];
    if (dto && item.post) {
      schemas[dto.name] = schemaOfDto(dto, schemas, NESTED);
      item.post.requestBody = {
        required: true,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${dto.name}` } } },
      };
    }
    if (path.includes('{id}')) {
      for (const operation of Object.values(item) as Array<{ parameters?: unknown[] }>) {
        operation.parameters = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
      }
    }
  }
  return document;
}

/** Express's `*id` wildcard (model ids contain slashes) as an OpenAPI path parameter. */
function openApiPath(path: string): string {
  return path.replace(/\/\*(\w+)/g, '/{$1}');
}

/**
 * The API's own policy forbids everything a page needs; the docs page may load its own scripts, styles
 * and images, and nothing from elsewhere.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'";

/** Serves the document at /openapi.json and a browsable page at /docs. */
export function setupOpenApi(app: NestExpressApplication): void {
  const document = buildOpenApiDocument(app);
  app.use(DOCS_PATH, (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    next();
  });
  SwaggerModule.setup(DOCS_PATH.slice(1), app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    yamlDocumentUrl: undefined,
  });
}
