import { randomBytes } from 'node:crypto';

/** A function the model may call; `parameters` is the JSON schema of its arguments object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  /** The caller asked for arguments that follow the schema exactly. */
  strict?: boolean;
}

/**
 * Whether the model may or must call a tool: `auto` lets it choose, `none` forbids calls, `required`
 * forces one call of any tool, `function` forces a call of the named tool.
 */
export type ToolChoice =
  { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'function'; name: string };

/** The tools of one request and how the model may use them. */
export interface ToolUse {
  definitions: ToolDefinition[];
  choice: ToolChoice;
  /** More than one call per answer allowed. */
  parallel: boolean;
}

/** One call the model made: `arguments` is the JSON text of the arguments object. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** Call ids in OpenAI's style, for backends that do not number their calls. */
export function newToolCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}

/** A choice that makes the model call a tool whatever it would prefer. */
export function isForcedToolChoice(choice: ToolChoice): boolean {
  return choice.type === 'required' || choice.type === 'function';
}
