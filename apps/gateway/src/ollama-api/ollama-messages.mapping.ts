import { newToolCallId, type ChatMessage, type ToolCall } from '@gateway/inference';

import type { OllamaChatMessageDto } from './dto/ollama-chat-request.dto';
import { OllamaParamError } from './ollama-param.error';

/**
 * Ollama messages as backend-neutral chat messages. Ollama's calls carry no id (newer servers add one),
 * so calls get ids here, and each tool result answers the earliest unanswered call of its `tool_name`
 * (or, without a name, the earliest unanswered call).
 */
export function toOllamaChatMessages(messages: OllamaChatMessageDto[]): ChatMessage[] {
  const unanswered: ToolCall[] = [];
  return messages.map((message, index) => {
    const calls = message.tool_calls ?? [];
    if (calls.length > 0 && message.role !== 'assistant') {
      throw new OllamaParamError(
        `messages[${index}].tool_calls`,
        `messages[${index}].tool_calls is only allowed on assistant messages`,
      );
    }
    if (message.role === 'tool') {
      const at = unanswered.findIndex(
        (call) => message.tool_name === undefined || call.name === message.tool_name,
      );
      if (at < 0) {
        throw new OllamaParamError(
          `messages[${index}]`,
          `messages[${index}] is a tool result that answers no earlier tool call${message.tool_name ? ` of "${message.tool_name}"` : ''}`,
        );
      }
      const [call] = unanswered.splice(at, 1);
      return { role: 'tool', content: message.content, toolCallId: call.id, toolName: call.name };
    }
    if (calls.length > 0) {
      const toolCalls = calls.map((call) => ({
        id: call.id ?? newToolCallId(),
        name: call.function.name,
        arguments: JSON.stringify(call.function.arguments),
      }));
      unanswered.push(...toolCalls);
      return { role: 'assistant', content: message.content, toolCalls };
    }
    return { role: message.role, content: message.content };
  });
}
