import type { LlamaGrammarEvaluationState } from 'node-llama-cpp';

import { forcedToolCallSchema, forcedToolUse } from '@gateway/inference';
import { UnsupportedParameterError } from '@gateway/inference';
import type { GenerationRequest } from '@gateway/inference';
import type { ToolUse } from '@gateway/inference';
import { toGrammarSchema } from './grammar-schema';

/** Builds the grammar state that constrains one generation to JSON, or to a JSON schema. */
export type GrammarFactory = (
  format: 'json' | Record<string, unknown>,
) => Promise<LlamaGrammarEvaluationState>;

/** What constrains one generation: a grammar, and whether its output is a forced tool call. */
export interface Constraints {
  grammar?: LlamaGrammarEvaluationState;
  /** The tools of a forced call: the output is the call's JSON. */
  forcedCall?: ToolUse;
}

/**
 * The embedded engine honours `response_format` and forced tool calls with a grammar. It cannot let the
 * model choose between text and a call (`tool_choice: "auto"`): that needs a model whose chat template
 * has a tool-call syntax and parsing of that syntax, which the engine does not do, so it is a 400.
 */
export async function prepareConstraints(
  request: GenerationRequest,
  grammarFor: GrammarFactory,
): Promise<Constraints> {
  const { tools } = request;
  if (tools?.choice.type === 'auto') {
    throw new UnsupportedParameterError(
      'tool_choice',
      'tool_choice "auto" (the default when tools are sent) is not supported on the embedded backend: it can ' +
        'only force a call; send tool_choice "required" or {"type":"function","function":{"name"}}, or use Ollama',
    );
  }
  const forcedCall = forcedToolUse(request);
  if (forcedCall) {
    const schema = toGrammarSchema(forcedToolCallSchema(forcedCall), 'tools');
    return { grammar: await grammarFor(schema), forcedCall };
  }
  const { format } = request.params;
  if (format === undefined) {
    return {};
  }
  return {
    grammar: await grammarFor(format === 'json' ? 'json' : toGrammarSchema(format, 'response_format')),
  };
}
