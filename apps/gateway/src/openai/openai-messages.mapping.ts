import type { ChatMessage } from '@gateway/inference';

import type { ChatMessageDto } from './dto/chat-completion-request.dto';
import { contentText } from './dto/message-content.validator';
import { OpenAiParamError } from './openai-param.error';
import { fromOpenAiToolCalls } from './openai-tools.mapping';

/**
 * OpenAI messages as backend-neutral chat messages. `developer` is the newer name OpenAI gives to system
 * instructions; `name` is accepted on every role and not rendered (no chat template has a slot for it).
 * Tool results must answer a call made earlier in the conversation, which also gives them their function
 * name (Ollama wants it).
 */
export function toChatMessages(messages: ChatMessageDto[]): ChatMessage[] {
  const callNames = new Map<string, string>();
  return messages.map((message, index) => {
    const where = `messages[${index}]`;
    const content =
      message.content === null || message.content === undefined ? '' : contentText(message.content);
    const calls = message.tool_calls ?? [];
    if (calls.length > 0 && message.role !== 'assistant') {
      throw new OpenAiParamError(
        `${where}.tool_calls`,
        `${where}.tool_calls is only allowed on assistant messages`,
      );
    }
    if (message.tool_call_id !== undefined && message.role !== 'tool') {
      throw new OpenAiParamError(
        `${where}.tool_call_id`,
        `${where}.tool_call_id is only allowed on tool messages`,
      );
    }
    if (message.role === 'tool') {
      return toolResult(message.tool_call_id, content, callNames, where);
    }
    if (message.role === 'assistant' && calls.length > 0) {
      const toolCalls = fromOpenAiToolCalls(calls);
      toolCalls.forEach((call) => callNames.set(call.id, call.name));
      return { role: 'assistant', content, toolCalls };
    }
    return { role: message.role === 'developer' ? 'system' : message.role, content };
  });
}

function toolResult(
  toolCallId: string | undefined,
  content: string,
  callNames: Map<string, string>,
  where: string,
): ChatMessage {
  if (toolCallId === undefined) {
    throw new OpenAiParamError(`${where}.tool_call_id`, `${where}.tool_call_id is required on tool messages`);
  }
  const toolName = callNames.get(toolCallId);
  if (toolName === undefined) {
    throw new OpenAiParamError(
      `${where}.tool_call_id`,
      `${where}.tool_call_id "${toolCallId}" does not answer a tool call of an earlier assistant message`,
    );
  }
  return { role: 'tool', content, toolCallId, toolName };
}
