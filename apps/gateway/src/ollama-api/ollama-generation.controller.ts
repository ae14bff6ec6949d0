import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { ModelCatalog, normaliseModelName, type CatalogEntry } from '@gateway/inference';
import type { Request, Response } from 'express';

import { renameContextParam } from '../http/rename-context-param';
import { OllamaChatRequestDto } from './dto/ollama-chat-request.dto';
import { OllamaGenerateRequestDto } from './dto/ollama-generate-request.dto';
import {
  toOllamaChatGenerationRequest,
  toOllamaGenerateGenerationRequest,
  type ContextLimit,
} from './ollama-request.mapping';
import { OllamaAnswer } from './ollama-response.mapping';
import { OllamaResponder } from './ollama-responder';

export const OLLAMA_CHAT_ROUTE = '/api/chat';
export const OLLAMA_GENERATE_ROUTE = '/api/generate';

/** Ollama's generation routes over whichever backend is configured. */
@Controller('api')
export class OllamaGenerationController {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly responder: OllamaResponder,
    private readonly config: GatewayConfig,
  ) {}

  @Post('chat')
  async chat(@Body() body: OllamaChatRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const entry = this.catalog.resolve(body.model);
    const request = {
      ...toOllamaChatGenerationRequest(body, entry.backendModel, this.contextLimit(entry)),
      contextLength: entry.contextLength,
    };
    const answer = new OllamaAnswer('chat', normaliseModelName(entry.id));
    await this.responder.respond(req, res, OLLAMA_CHAT_ROUTE, request, answer, body.stream !== false);
  }

  @Post('generate')
  async generate(
    @Body() body: OllamaGenerateRequestDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const entry = this.catalog.resolve(body.model);
    const request = {
      ...toOllamaGenerateGenerationRequest(body, entry.backendModel, this.contextLimit(entry)),
      contextLength: entry.contextLength,
    };
    const answer = new OllamaAnswer('generate', normaliseModelName(entry.id));
    if (!body.prompt) {
      // Ollama answers an empty prompt by loading the model; the gateway's models are always served.
      res.status(200).json(answer.loaded());
      return;
    }
    await this.responder
      .respond(req, res, OLLAMA_GENERATE_ROUTE, request, answer, body.stream !== false)
      .catch((error: unknown) => {
        throw renameContextParam(error, 'messages', 'prompt');
      });
  }

  /** The model's configured context, else the embedded engine's window; unknown for an Ollama default. */
  private contextLimit(entry: CatalogEntry): ContextLimit {
    const { backend, embeddedContextSize } = this.config.inference;
    return entry.contextLength ?? (backend === 'embedded' ? embeddedContextSize : undefined);
  }
}
