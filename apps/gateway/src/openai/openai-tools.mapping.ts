import type { ToolCall, ToolChoice, ToolUse } from '@gateway/inference';

import type { OpenAiToolCallDto, OpenAiToolChoice, OpenAiToolDto } from './dto/tools.validator';
import { OpenAiParamError } from './openai-param.error';

/** An empty object schema: OpenAI lets a function leave out its parameters. */
const NO_PARAMETERS = { type: 'object', properties: {} };

export interface OpenAiToolFields {
  tools?: OpenAiToolDto[] | null;
  tool_choice?: OpenAiToolChoice | null;
  parallel_tool_calls?: boolean | null;
}

/**
 * OpenAI's `tools`, `tool_choice` and `parallel_tool_calls` as backend-neutral tool use; undefined when
 * the request offers no tools. A choice that names a missing tool, or forces a call without tools, is a
 * 400 rather than a request the model cannot satisfy.
 */
export function toToolUse(fields: OpenAiToolFields): ToolUse | undefined {
  const tools = fields.tools ?? [];
  const choice = toToolChoice(fields.tool_choice ?? undefined);
  if (tools.length === 0) {
    if (choice.type === 'required' || choice.type === 'function') {
      throw new OpenAiParamError('tool_choice', 'tool_choice asks for a tool call, but tools is empty');
    }
    return undefined;
  }
  if (choice.type === 'function' && !tools.some((tool) => tool.function.name === choice.name)) {
    throw new OpenAiParamError('tool_choice', `tool_choice names "${choice.name}", which is not in tools`);
  }
  return {
    definitions: tools.map(({ function: fn }) => ({
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      parameters: fn.parameters ?? NO_PARAMETERS,
      ...(typeof fn.strict === 'boolean' ? { strict: fn.strict } : {}),
    })),
    choice,
    parallel: fields.parallel_tool_calls ?? true,
  };
}

function toToolChoice(choice: OpenAiToolChoice | undefined): ToolChoice {
  if (choice === undefined || choice === 'auto') {
    return { type: 'auto' };
  }
  if (choice === 'none' || choice === 'required') {
    return { type: choice };
  }
  return { type: 'function', name: choice.function.name };
}

/** Calls of an assistant message in the history, as sent back by the client. */
export function fromOpenAiToolCalls(calls: OpenAiToolCallDto[]): ToolCall[] {
  return calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
}

/** The calls of an answer, in OpenAI's `message.tool_calls` shape. */
export function toOpenAiToolCalls(calls: ToolCall[]): object[] {
  return calls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
}

/**
 * One call as OpenAI streams it: the first delta names the call (index, id, name, empty arguments), the
 * next carries the arguments; SDKs assemble calls by index.
 */
export function toolCallDeltas(index: number, call: ToolCall): object[] {
  return [
    { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] },
    { tool_calls: [{ index, function: { arguments: call.arguments } }] },
  ];
}
