import { MAX_MESSAGES } from '../../openai/dto/chat-completion-request.dto';
import { isPlainObject } from '../../openai/dto/openai-validators';
import { ValidateByPath } from './validate-by-path';

export type InputRole = 'user' | 'assistant' | 'system' | 'developer';

/** A call the model made earlier in the conversation, sent back by the client. */
export interface InputFunctionCall {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
}

/** The client's result of a call. */
export interface InputFunctionCallOutput {
  type: 'function_call_output';
  call_id: string;
  output: string | Array<{ type: 'input_text' | 'output_text'; text: string }>;
}

/** A validated message item: text content as a string or as text parts. */
export interface InputMessage {
  type?: 'message';
  role: InputRole;
  content: string | Array<{ type: 'input_text' | 'output_text'; text: string }>;
}

export type InputItem = InputMessage | InputFunctionCall | InputFunctionCallOutput;

export type ResponseInput = string | InputItem[];

const ROLES = new Set<unknown>(['user', 'assistant', 'system', 'developer']);
const TEXT_PARTS = new Set<unknown>(['input_text', 'output_text']);
/** Keys a message item or a text part may carry besides its content (echoed back from earlier output). */
const ITEM_KEYS = new Set(['type', 'role', 'content', 'id', 'status']);
const PART_KEYS = new Set(['type', 'text', 'annotations', 'logprobs']);

/**
 * `input`: a string, or a list of message items whose content is text. Function calls and their outputs,
 * images, files and item references are refused by name: a stateless text gateway cannot honour them.
 */
export function IsResponseInput(): PropertyDecorator {
  return ValidateByPath('isResponseInput', inputProblem);
}

function inputProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MESSAGES) {
    return `input must be a string or a list of 1 to ${MAX_MESSAGES} input items`;
  }
  for (const [index, item] of value.entries()) {
    const problem = itemProblem(item);
    if (problem !== undefined) {
      return `input[${index}]${problem}`;
    }
  }
  return undefined;
}

function itemProblem(item: unknown): string | undefined {
  if (!isPlainObject(item)) {
    return ' must be an object';
  }
  const type = item.type ?? 'message';
  if (type === 'function_call') {
    return functionCallProblem(item);
  }
  if (type === 'function_call_output') {
    return functionCallOutputProblem(item);
  }
  if (type !== 'message') {
    return ` of type ${JSON.stringify(type)} is not supported: only message items with text are`;
  }
  const unknown = Object.keys(item).filter((key) => !ITEM_KEYS.has(key));
  if (unknown.length > 0) {
    return ` has unknown fields: ${unknown.join(', ')}`;
  }
  if (!ROLES.has(item.role)) {
    return '.role must be one of user, assistant, system, developer';
  }
  return contentProblem(item.content);
}

function contentProblem(content: unknown): string | undefined {
  if (typeof content === 'string') {
    return undefined;
  }
  if (!Array.isArray(content) || content.length === 0) {
    return '.content must be a string or a non-empty list of text parts';
  }
  for (const part of content) {
    if (!isPlainObject(part)) {
      return '.content parts must be objects';
    }
    if (!TEXT_PARTS.has(part.type)) {
      return `.content part type "${String(part.type)}" is not supported: only input_text and output_text are`;
    }
    if (typeof part.text !== 'string' || Object.keys(part).some((key) => !PART_KEYS.has(key))) {
      return `.content parts must be {"type":"${String(part.type)}","text":string}`;
    }
  }
  return undefined;
}

const CALL_KEYS = new Set(['type', 'id', 'call_id', 'name', 'arguments', 'status']);
const OUTPUT_KEYS = new Set(['type', 'id', 'call_id', 'output', 'status']);

function functionCallProblem(item: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(item).filter((key) => !CALL_KEYS.has(key));
  if (unknown.length > 0) {
    return ` has unknown fields: ${unknown.join(', ')}`;
  }
  if (typeof item.call_id !== 'string' || item.call_id === '') {
    return '.call_id must be a non-empty string';
  }
  if (typeof item.name !== 'string' || item.name === '') {
    return '.name must be a non-empty string';
  }
  return typeof item.arguments === 'string' && isJsonObjectText(item.arguments)
    ? undefined
    : '.arguments must be a JSON object encoded as a string';
}

function functionCallOutputProblem(item: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(item).filter((key) => !OUTPUT_KEYS.has(key));
  if (unknown.length > 0) {
    return ` has unknown fields: ${unknown.join(', ')}`;
  }
  if (typeof item.call_id !== 'string' || item.call_id === '') {
    return '.call_id must be a non-empty string';
  }
  if (typeof item.output === 'string') {
    return undefined;
  }
  const problem = contentProblem(item.output);
  return problem === undefined ? undefined : problem.replace('.content', '.output');
}

function isJsonObjectText(text: string): boolean {
  try {
    return isPlainObject(JSON.parse(text));
  } catch {
    return false;
  }
}

/** The text of a validated message's content. */
export function inputText(content: InputMessage['content'] | InputFunctionCallOutput['output']): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}
