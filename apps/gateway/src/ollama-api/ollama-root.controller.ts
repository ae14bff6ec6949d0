import { Controller, Get, Head, Header, NotFoundException, Req } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { Public, SpeaksApi } from '@gateway/request-context';
import type { Request } from 'express';

/** What Ollama answers on `/`: clients probe it to find a running server (no credentials, like a probe). */
@Public()
@SpeaksApi('ollama')
@Controller()
export class OllamaRootController {
  constructor(private readonly config: GatewayConfig) {}

  @Get()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  running(@Req() req: Request): string {
    this.assertEnabled(req);
    return 'Ollama is running';
  }

  /** Express answers HEAD with the headers alone. */
  @Head()
  runningHead(@Req() req: Request): void {
    this.assertEnabled(req);
  }

  // The catch-all gate middleware does not see `/` itself, so the switch is checked here.
  private assertEnabled(req: Request): void {
    if (!this.config.ollamaApi.enabled) {
      throw new NotFoundException(`Cannot ${req.method} /`);
    }
  }
}
