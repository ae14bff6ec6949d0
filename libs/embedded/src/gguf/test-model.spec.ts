import { createHash } from 'node:crypto';

import { TEST_MODEL_NAME } from '@gateway/config';

import { buildTestModel } from './test-model';
import { buildTestVocabulary, TOKEN_TYPE } from './test-vocabulary';

describe('buildTestModel', () => {
  it('is byte-identical on every run and small enough to generate on the fly', () => {
    const first = buildTestModel('tiny');
    const second = buildTestModel('tiny');
    expect(second.equals(first)).toBe(true);
    expect(createHash('sha256').update(first).digest('hex')).toBe(
      createHash('sha256').update(second).digest('hex'),
    );
    expect(first.length).toBeLessThan(1024 * 1024);
  });

  it('is a GGUF v3 llama model whose name says its weights are random', () => {
    const file = buildTestModel('tiny');
    expect(file.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(file.readUInt32LE(4)).toBe(3);
    expect(file.includes(Buffer.from('llama'))).toBe(true);
    expect(file.includes(Buffer.from(`${TEST_MODEL_NAME}-tiny`))).toBe(true);
  });
});

describe('buildTestVocabulary', () => {
  const { tokens, scores, types } = buildTestVocabulary();

  it('has unknown, control and all 256 byte-fallback tokens', () => {
    expect(tokens.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    expect(types.slice(0, 3)).toEqual([TOKEN_TYPE.UNKNOWN, TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL]);
    expect(tokens).toContain('<0x00>');
    expect(tokens).toContain('<0xFF>');
    expect(types.filter((type) => type === TOKEN_TYPE.BYTE)).toHaveLength(256);
  });

  it('has no duplicate token (llama.cpp aborts on one) and one score and type per token', () => {
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(scores).toHaveLength(tokens.length);
    expect(types).toHaveLength(tokens.length);
  });

  it('holds SentencePiece pieces with every prefix, so merges reach whole words', () => {
    expect(tokens).toEqual(expect.arrayContaining(['\u2581', '\u2581h', '\u2581he', '\u2581hello']));
  });
});
