import { Body, Controller, Post, Res } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { normaliseModelName, type CatalogEntry } from '@gateway/inference';
import { Ctx, SpeaksApi, type RequestContext } from '@gateway/request-context';
import type { Response } from 'express';

import { AdmissionService } from '../admission/admission.service';
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
import { servedContextLength } from './served-context';

/** Ollama's generation routes over whichever backend is configured. */
@SpeaksApi('ollama')
@Controller('api')
export class OllamaGenerationController {
  constructor(
    private readonly admission: AdmissionService,
    private readonly responder: OllamaResponder,
    private readonly config: GatewayConfig,
  ) {}

  @Post('chat')
  async chat(
    @Body() body: OllamaChatRequestDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    if (!body.messages?.length) {
      this.answerLoaded(ctx, res, 'chat', body.model);
      return;
    }
    const request = await this.admission.admit(ctx, res, body.model, (entry) =>
      toOllamaChatGenerationRequest(body, entry.backendModel, this.contextLimit(entry)),
    );
    const answer = new OllamaAnswer('chat', normaliseModelName(ctx.model ?? body.model));
    await this.responder.respond(ctx, res, request, answer, body.stream !== false);
  }

  @Post('generate')
  async generate(
    @Body() body: OllamaGenerateRequestDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ): Promise<void> {
    if (!body.prompt) {
      this.answerLoaded(ctx, res, 'generate', body.model);
      return;
    }
    const request = await this.admission.admit(ctx, res, body.model, (entry) =>
      toOllamaGenerateGenerationRequest(body, entry.backendModel, this.contextLimit(entry)),
    );
    const answer = new OllamaAnswer('generate', normaliseModelName(ctx.model ?? body.model));
    await this.responder.respond(ctx, res, request, answer, body.stream !== false).catch((error: unknown) => {
      throw renameContextParam(error, 'messages', 'prompt');
    });
  }

  /**
   * Ollama answers a generate without a prompt, or a chat without messages, by loading the model.
   * The gateway's models are always served, so the answer says so at once; a model the caller may not
   * use, or that is not served, is still a 404.
   */
  private answerLoaded(
    ctx: RequestContext,
    res: Response,
    endpoint: 'chat' | 'generate',
    model: string,
  ): void {
    const entry = this.admission.resolve(ctx, model);
    res.status(200).json(new OllamaAnswer(endpoint, normaliseModelName(entry.id)).loaded());
  }

  private contextLimit(entry: CatalogEntry): ContextLimit {
    return servedContextLength(entry, this.config.inference);
  }
}
