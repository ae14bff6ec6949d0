import type { ChatMessageDto } from './dto/chat-completion-request.dto';
import { toChatMessages } from './openai-messages.mapping';
import { OpenAiParamError } from './openai-param.error';

const call = {
  id: 'call_1',
  type: 'function' as const,
  function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
};

describe('OpenAI messages mapped onto chat messages', () => {
  it('accepts name on every role without rendering it', () => {
    const messages: ChatMessageDto[] = [
      { role: 'system', content: 'rules', name: 'ops' },
      { role: 'user', content: 'hi', name: 'alice' },
      { role: 'assistant', content: 'hello', name: 'bot' },
    ];
    expect(toChatMessages(messages)).toEqual([
      { role: 'system', content: 'rules' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ]);
  });

  it('keeps assistant tool calls and names each tool result after the call it answers', () => {
    expect(
      toChatMessages([
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'sunny' }] },
      ]),
    ).toEqual([
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      },
      { role: 'tool', content: 'sunny', toolCallId: 'call_1', toolName: 'get_weather' },
    ]);
  });

  it.each([
    [[{ role: 'tool', content: 'x' }], 'messages[0].tool_call_id'],
    [[{ role: 'tool', content: 'x', tool_call_id: 'nope' }], 'messages[0].tool_call_id'],
    [[{ role: 'user', content: 'x', tool_calls: [call] }], 'messages[0].tool_calls'],
    [[{ role: 'user', content: 'x', tool_call_id: 'c' }], 'messages[0].tool_call_id'],
  ])('rejects %j naming the field', (messages, param) => {
    const map = () => toChatMessages(messages as ChatMessageDto[]);
    expect(map).toThrow(OpenAiParamError);
    expect(map).toThrow(expect.objectContaining({ code: 'invalid_value', param }));
  });
});
