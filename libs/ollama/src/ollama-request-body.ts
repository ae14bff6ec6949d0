import { completionBudget, estimatePromptTokens } from '@gateway/inference';
import { forcedToolCallSchema, forcedToolUse } from '@gateway/inference';
import { ContextLengthExceededError } from '@gateway/inference';
import type { ChatMessage, GenerationRequest } from '@gateway/inference';
import type { ToolUse } from '@gateway/inference';
import { toOllamaOptions, type OllamaOptions, type OllamaServerOptions } from './ollama-wire';

export interface OllamaMessage {
  role: string;
  content: string;
  tool_calls?: Array<{ function: { name: string; arguments: Record<string, unknown> } }>;
  tool_name?: string;
}

export interface OllamaTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

interface CommonBody {
  model: string;
  stream: true;
  options: OllamaOptions;
  format?: 'json' | Record<string, unknown>;
}

export type OllamaRequest =
  | { path: '/api/chat'; body: CommonBody & { messages: OllamaMessage[]; tools?: OllamaTool[] } }
  | { path: '/api/generate'; body: CommonBody & { prompt: string } };

/**
 * The native API call for a generation: `/api/chat` for conversations, `/api/generate` for raw prompts,
 * always streamed. With a context length it sends `num_ctx` and checks the prompt against it first
 * (estimated: Ollama does not tokenize for the gateway, and it silently truncates prompts that do not
 * fit). A forced tool call becomes a `format` schema; `tool_choice: "none"` sends no tools at all.
 */
export function buildOllamaRequest(
  request: GenerationRequest,
  server: OllamaServerOptions = {},
): OllamaRequest {
  const { model, input, params, tools, contextLength } = request;
  const forced = forcedToolUse(request);
  const offered = tools && tools.choice.type !== 'none' && !forced ? toOllamaTools(tools) : undefined;
  const maxTokens =
    contextLength === undefined
      ? params.maxTokens
      : fitContext(request, toolsText(offered ?? forced?.definitions), contextLength);
  const format = forced ? forcedToolCallSchema(forced) : params.format;
  const common: CommonBody = {
    model,
    stream: true,
    options: toOllamaOptions({ ...params, maxTokens }, contextLength, server),
    ...(format === undefined ? {} : { format }),
  };
  if (input.kind === 'prompt') {
    return { path: '/api/generate', body: { ...common, prompt: input.prompt } };
  }
  const messages = input.messages.map(toOllamaMessage);
  return { path: '/api/chat', body: { ...common, messages, ...(offered ? { tools: offered } : {}) } };
}

function fitContext(request: GenerationRequest, toolsJson: string, contextLength: number): number {
  const estimate = estimatePromptTokens(request.input, toolsJson);
  try {
    return completionBudget(request.input, estimate, request.params.maxTokens, contextLength);
  } catch (error) {
    if (error instanceof ContextLengthExceededError) {
      throw ContextLengthExceededError.counted(contextLength, estimate, error.param, true);
    }
    throw error;
  }
}

/** Tool definitions take room in the prompt too (chat templates render them). */
function toolsText(tools: object[] | undefined): string {
  return tools === undefined ? '' : JSON.stringify(tools);
}

function toOllamaTools(tools: ToolUse): OllamaTool[] {
  return tools.definitions.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
    },
  }));
}

/** Ollama takes call arguments as objects (OpenAI sends JSON text) and tool results with the function's name. */
function toOllamaMessage(message: ChatMessage): OllamaMessage {
  const out: OllamaMessage = { role: message.role, content: message.content };
  if (message.toolCalls && message.toolCalls.length > 0) {
    out.tool_calls = message.toolCalls.map((call) => ({
      function: { name: call.name, arguments: JSON.parse(call.arguments) as Record<string, unknown> },
    }));
  }
  if (message.role === 'tool' && message.toolName !== undefined) {
    out.tool_name = message.toolName;
  }
  return out;
}
