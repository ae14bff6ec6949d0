export * from './ollama.service';
export type { OllamaServerOptions } from './ollama-wire';
