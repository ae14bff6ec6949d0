import { toolCallsProblem, toolChoiceProblem, toolsProblem } from './dto/tools.validator';
import { OpenAiParamError } from './openai-param.error';
import { toolCallDeltas, toOpenAiToolCalls, toToolUse } from './openai-tools.mapping';

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('OpenAI tools mapped onto backend-neutral tool use', () => {
  it('keeps name, description, schema and strictness; choice defaults to auto, parallel to true', () => {
    expect(toToolUse({ tools: [{ ...weather, function: { ...weather.function, strict: true } }] })).toEqual({
      definitions: [
        {
          name: 'get_weather',
          description: 'Weather in a city',
          parameters: weather.function.parameters,
          strict: true,
        },
      ],
      choice: { type: 'auto' },
      parallel: true,
    });
  });

  it('gives a function without parameters an empty object schema', () => {
    const use = toToolUse({ tools: [{ type: 'function', function: { name: 'now' } }] });
    expect(use?.definitions[0].parameters).toEqual({ type: 'object', properties: {} });
  });

  it('maps every tool_choice form and parallel_tool_calls', () => {
    const choice = (tool_choice: Parameters<typeof toToolUse>[0]['tool_choice']) =>
      toToolUse({ tools: [weather], tool_choice, parallel_tool_calls: false });
    expect(choice('none')?.choice).toEqual({ type: 'none' });
    expect(choice('required')?.choice).toEqual({ type: 'required' });
    expect(choice({ type: 'function', function: { name: 'get_weather' } })?.choice).toEqual({
      type: 'function',
      name: 'get_weather',
    });
    expect(choice('auto')?.parallel).toBe(false);
  });

  it('offers no tools when none are sent, and rejects a forced call without tools', () => {
    expect(toToolUse({})).toBeUndefined();
    expect(toToolUse({ tools: [], tool_choice: 'none' })).toBeUndefined();
    expect(() => toToolUse({ tool_choice: 'required' })).toThrow(OpenAiParamError);
  });

  it('rejects a tool_choice naming a function that is not offered, naming the field', () => {
    const map = () =>
      toToolUse({ tools: [weather], tool_choice: { type: 'function', function: { name: 'x' } } });
    expect(map).toThrow(expect.objectContaining({ code: 'invalid_value', param: 'tool_choice' }));
  });

  it('answers calls in OpenAI shape and streams each as a naming delta then its arguments', () => {
    const call = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' };
    expect(toOpenAiToolCalls([call])).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ]);
    expect(toolCallDeltas(1, call)).toEqual([
      {
        tool_calls: [
          { index: 1, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 1, function: { arguments: '{"city":"Oslo"}' } }] },
    ]);
  });
});

describe('tool field validation', () => {
  it.each([
    [[{ type: 'code_interpreter' }], 'only function tools'],
    [[{ type: 'function', function: { name: 'a b' } }], 'function.name'],
    [[weather, weather], 'repeats the function name'],
    [[{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }], 'of type "object"'],
    [[{ type: 'function', function: { name: 'f', extra: 1 } }], 'unknown fields: extra'],
  ])('explains what is wrong with tools %j', (tools, words) => {
    expect(toolsProblem(tools)).toContain(words);
  });

  it('accepts the tool_choice forms and nothing else', () => {
    for (const ok of ['auto', 'none', 'required', { type: 'function', function: { name: 'f' } }]) {
      expect(toolChoiceProblem(ok)).toBeUndefined();
    }
    expect(toolChoiceProblem('any')).toContain('must be');
    expect(toolChoiceProblem({ type: 'function' })).toContain('must be');
  });

  it('requires history tool calls to carry an id and JSON-object arguments', () => {
    const call = { id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } };
    expect(toolCallsProblem([call])).toBeUndefined();
    expect(toolCallsProblem([{ ...call, id: '' }])).toContain('must be');
    expect(toolCallsProblem([{ ...call, function: { name: 'f', arguments: '[1]' } }])).toContain(
      'JSON object encoded as a string',
    );
  });
});
