import type { Llama, LlamaGrammar, LlamaModel } from 'node-llama-cpp';

import { UnsupportedParameterError } from '@gateway/inference';
import type { GrammarFactory } from './embedded-constraints';
import type { NodeLlamaCpp } from './node-llama-cpp.loader';

/** Grammars compiled from the same schema are reused: compiling one costs tens of milliseconds. */
const CACHE_LIMIT = 64;

/**
 * Grammar states for llama.cpp's sampler: any JSON for `json`, or node-llama-cpp's grammar for a JSON
 * schema (already checked by toGrammarSchema). A schema the generator still refuses is the caller's 400.
 */
export function grammarFactory(lib: NodeLlamaCpp, llama: Llama, model: LlamaModel): GrammarFactory {
  const cache = new Map<string, Promise<LlamaGrammar>>();
  const compile = (format: 'json' | Record<string, unknown>): Promise<LlamaGrammar> => {
    if (format === 'json') {
      return llama.getGrammarFor('json');
    }
    return llama.createGrammarForJsonSchema(format as never).catch((error: Error) => {
      throw new UnsupportedParameterError(
        'response_format',
        `the embedded backend cannot build a grammar for this JSON schema: ${error.message}`,
      );
    });
  };
  return async (format) => {
    const key = JSON.stringify(format);
    let grammar = cache.get(key);
    if (!grammar) {
      grammar = compile(format);
      grammar.catch(() => cache.delete(key));
      if (cache.size >= CACHE_LIMIT) {
        cache.delete(cache.keys().next().value as string);
      }
      cache.set(key, grammar);
    }
    return new lib.LlamaGrammarEvaluationState({ model, grammar: await grammar });
  };
}
