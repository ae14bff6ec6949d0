import { UnsupportedParameterError, UpstreamProtocolError } from './inference.errors';
import type { GenerationRequest } from './inference.types';
import { newToolCallId, type ToolCall, type ToolDefinition, type ToolUse } from './tools.types';

/**
 * `tool_choice: "required"` or a named function, on a backend that cannot force a call by itself: the
 * output is constrained to the JSON schema `{"name": <one of the tools>, "arguments": <its parameters>}`
 * (a grammar on the embedded engine, `format` on Ollama) and parsed back into one call.
 */
export function forcedToolCallSchema(tools: ToolUse): Record<string, unknown> {
  const candidates =
    tools.choice.type === 'function'
      ? tools.definitions.filter((tool) => tool.name === (tools.choice as { name: string }).name)
      : tools.definitions;
  const variants = candidates.map((tool) => callSchema(tool));
  return variants.length === 1 ? variants[0] : { oneOf: variants };
}

function callSchema(tool: ToolDefinition): Record<string, unknown> {
  return {
    type: 'object',
    properties: { name: { const: tool.name }, arguments: tool.parameters },
    required: ['name', 'arguments'],
    additionalProperties: false,
  };
}

/** The tool use of a request when it forces a call; a forced call and a response format cannot both hold. */
export function forcedToolUse(request: GenerationRequest): ToolUse | undefined {
  const { tools } = request;
  if (!tools || (tools.choice.type !== 'required' && tools.choice.type !== 'function')) {
    return undefined;
  }
  if (request.params.format !== undefined) {
    throw new UnsupportedParameterError(
      'response_format',
      'response_format cannot be combined with a tool_choice that forces a tool call',
    );
  }
  return tools;
}

/** The one call a forced generation wrote as JSON text. */
export function parseForcedToolCall(text: string): ToolCall {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UpstreamProtocolError(
      'the model did not finish its tool call (the output is not complete JSON)',
      {
        cause: error,
      },
    );
  }
  const { name, arguments: args } = (parsed ?? {}) as { name?: unknown; arguments?: unknown };
  if (typeof name !== 'string' || typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new UpstreamProtocolError('the model wrote a tool call without a name and an arguments object');
  }
  return { id: newToolCallId(), name, arguments: JSON.stringify(args) };
}
