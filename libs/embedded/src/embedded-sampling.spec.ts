import type { Token } from 'node-llama-cpp';

import { PENALTY_WINDOW, samplingOptions } from './embedded-sampling';

const generated = Array.from({ length: 300 }, (_, i) => i as Token);

describe('samplingOptions', () => {
  it("passes Ollama's top_k and min_p to the engine's samplers", () => {
    expect(samplingOptions({ maxTokens: 16, topK: 1, minP: 0.05 }, [])).toMatchObject({
      topK: 1,
      minP: 0.05,
    });
  });

  it('applies no penalty unless one is asked for', () => {
    expect(samplingOptions({ maxTokens: 16 }, generated).repeatPenalty).toBeUndefined();
    expect(
      samplingOptions({ maxTokens: 16, repeatPenalty: 1, repeatLastN: 64 }, generated).repeatPenalty,
    ).toBe(undefined);
  });

  it("applies repeat_penalty over the last repeat_last_n generated tokens, with OpenAI's penalties", () => {
    const options = samplingOptions(
      { maxTokens: 512, repeatPenalty: 1.3, repeatLastN: 10, presencePenalty: 0.5 },
      generated,
    );
    const penalty = options.repeatPenalty as Exclude<typeof options.repeatPenalty, false | undefined>;
    expect(penalty).toMatchObject({
      penalty: 1.3,
      presencePenalty: 0.5,
      frequencyPenalty: 0,
      maxPunishTokens: 10,
    });
    expect((penalty.punishTokens as () => Token[])()).toEqual(generated.slice(-10));
  });

  it('repeat_last_n 0 turns the penalties off; -1 covers the whole generation; unset, the default window', () => {
    expect(
      samplingOptions({ maxTokens: 64, repeatPenalty: 1.3, repeatLastN: 0 }, generated).repeatPenalty,
    ).toBe(undefined);
    const whole = samplingOptions({ maxTokens: 1000, repeatPenalty: 1.3, repeatLastN: -1 }, generated);
    expect(whole.repeatPenalty).toMatchObject({ maxPunishTokens: 1000 });
    const unset = samplingOptions({ maxTokens: 1000, frequencyPenalty: 0.2 }, generated);
    expect(unset.repeatPenalty).toMatchObject({ penalty: 1, maxPunishTokens: PENALTY_WINDOW });
  });
});
