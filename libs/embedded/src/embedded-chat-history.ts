import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions } from 'node-llama-cpp';

import type { ChatMessage } from '@gateway/inference';
import type { ToolDefinition } from '@gateway/inference';

/**
 * Chat messages as node-llama-cpp's chat history, so that the model's chat wrapper renders them. A tool
 * call and its result are one item there (`functionCall` with `result`), so tool messages are folded into
 * the assistant message that made the call.
 */
export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const results = new Map<string, string>();
  for (const message of messages) {
    if (message.role === 'tool' && message.toolCallId !== undefined) {
      results.set(message.toolCallId, message.content);
    }
  }
  const history: ChatHistoryItem[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') {
      const calls = (message.toolCalls ?? []).map((call): ChatModelFunctionCall => ({
        type: 'functionCall',
        name: call.name,
        params: JSON.parse(call.arguments) as unknown,
        result: results.get(call.id) ?? '',
      }));
      history.push({ type: 'model', response: [...(message.content ? [message.content] : []), ...calls] });
    } else if (message.role === 'system') {
      history.push({ type: 'system', text: message.content });
    } else if (message.role === 'user') {
      history.push({ type: 'user', text: message.content });
    }
  }
  history.push({ type: 'model', response: [] });
  return history;
}

/** Tool definitions in the shape chat wrappers document in the prompt. */
export function toChatModelFunctions(tools: ToolDefinition[]): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((tool) => [tool.name, { description: tool.description, params: tool.parameters }]),
  ) as ChatModelFunctions;
}
