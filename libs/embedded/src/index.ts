export * from './embedded-llama.service';
export * from './embedded-options';
export * from './gguf/test-model';
export * from './incremental-detokenizer';
export * from './node-llama-cpp.loader';
