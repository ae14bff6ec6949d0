import type { ChatMessage, ToolUse } from '@gateway/inference';

import { OpenAiParamError } from '../openai/openai-param.error';
import { toToolUse } from '../openai/openai-tools.mapping';
import { inputText, type InputItem } from './dto/response-input.validator';
import type { ResponsesRequestDto } from './dto/responses-request.dto';

/**
 * Input items as a conversation. Function calls join the assistant turn they follow (or start one);
 * each function_call_output must answer a call made earlier in the input, which also names its function.
 */
export function toConversation(
  instructions: string | null | undefined,
  input: string | InputItem[],
): ChatMessage[] {
  const messages: ChatMessage[] = instructions ? [{ role: 'system', content: instructions }] : [];
  if (typeof input === 'string') {
    return [...messages, { role: 'user', content: input }];
  }
  const callNames = new Map<string, string>();
  input.forEach((item, index) => {
    if (item.type === 'function_call') {
      const call = { id: item.call_id, name: item.name, arguments: item.arguments };
      callNames.set(call.id, call.name);
      const last = messages.at(-1);
      if (last?.role === 'assistant') {
        last.toolCalls = [...(last.toolCalls ?? []), call];
      } else {
        messages.push({ role: 'assistant', content: '', toolCalls: [call] });
      }
    } else if (item.type === 'function_call_output') {
      const toolName = callNames.get(item.call_id);
      if (toolName === undefined) {
        throw new OpenAiParamError(
          `input[${index}].call_id`,
          `input[${index}].call_id "${item.call_id}" does not answer a function_call earlier in input`,
        );
      }
      messages.push({ role: 'tool', content: inputText(item.output), toolCallId: item.call_id, toolName });
    } else {
      messages.push({
        role: item.role === 'developer' ? 'system' : item.role,
        content: inputText(item.content),
      });
    }
  });
  return messages;
}

/** The Responses API's flat function tools and tool_choice as backend-neutral tool use (shared with chat). */
export function toResponsesToolUse(body: ResponsesRequestDto): ToolUse | undefined {
  const choice = body.tool_choice ?? undefined;
  return toToolUse({
    tools: (body.tools ?? []).map(({ name, description, parameters, strict }) => ({
      type: 'function' as const,
      function: {
        name,
        ...(typeof description === 'string' ? { description } : {}),
        ...(parameters ? { parameters } : {}),
        strict,
      },
    })),
    tool_choice: typeof choice === 'object' ? { type: 'function', function: { name: choice.name } } : choice,
    parallel_tool_calls: body.parallel_tool_calls,
  });
}
