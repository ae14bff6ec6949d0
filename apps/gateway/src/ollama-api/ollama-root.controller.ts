import { Controller, Get, Head, Header } from '@nestjs/common';

/** What Ollama answers on `/`: clients probe it to find a running server. */
@Controller()
export class OllamaRootController {
  @Get()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  running(): string {
    return 'Ollama is running';
  }

  @Head()
  runningHead(): void {
    // Express answers HEAD with the headers alone.
  }
}
