import { IsIn } from 'class-validator';

export const OLLAMA_API_SWITCH = ['on', 'off'] as const;
export type OllamaApiSwitch = (typeof OLLAMA_API_SWITCH)[number];

/** Whether the gateway also speaks Ollama's native API (/api/chat, /api/tags...). */
export class OllamaApiEnv {
  @IsIn(OLLAMA_API_SWITCH)
  OLLAMA_API: OllamaApiSwitch = 'on';
}
