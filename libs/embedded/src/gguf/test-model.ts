import { TEST_MODEL_NAME } from '@gateway/config';

import { writeGguf, type GgufTensor, type GgufValue } from './gguf-writer';
import { SeededRandom } from './seeded-random';
import { BOS_ID, buildTestVocabulary, EOS_ID, UNK_ID, type Vocabulary } from './test-vocabulary';

export interface TestModelProfile {
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  contextLength: number;
  seed: number;
}

/** `tiny` (~0.6 MB) loads in well under a second; `bench` (~110 MB) is slow enough to measure overhead. */
export const TEST_MODEL_PROFILES = {
  tiny: { dim: 64, layers: 2, heads: 4, kvHeads: 4, feedForward: 128, contextLength: 2048, seed: 42 },
  bench: { dim: 512, layers: 8, heads: 8, kvHeads: 8, feedForward: 1536, contextLength: 2048, seed: 42 },
} as const satisfies Record<string, TestModelProfile>;

export type TestModelProfileName = keyof typeof TEST_MODEL_PROFILES;

const WEIGHT_DEVIATION = 0.02;
/** Builds the llama-architecture GGUF v3 test model: byte-identical for a given profile. */
export function buildTestModel(profileName: TestModelProfileName = 'tiny'): Buffer {
  const profile = TEST_MODEL_PROFILES[profileName];
  const vocabulary = buildTestVocabulary();
  return writeGguf({
    metadata: [
      ...modelMetadata(profile, vocabulary.tokens.length, profileName),
      ...tokenizerMetadata(vocabulary),
    ],
    tensors: modelTensors(profile, vocabulary.tokens.length),
  });
}

export function testModelFileName(profileName: TestModelProfileName = 'tiny'): string {
  return `${TEST_MODEL_NAME}-${profileName}.gguf`;
}

function modelMetadata(
  p: TestModelProfile,
  vocabSize: number,
  profileName: string,
): Array<[string, GgufValue]> {
  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  return [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: `${TEST_MODEL_NAME}-${profileName}` }],
    ['general.file_type', u32(0)],
    ['general.alignment', u32(32)],
    ['llama.context_length', u32(p.contextLength)],
    ['llama.embedding_length', u32(p.dim)],
    ['llama.block_count', u32(p.layers)],
    ['llama.feed_forward_length', u32(p.feedForward)],
    ['llama.attention.head_count', u32(p.heads)],
    ['llama.attention.head_count_kv', u32(p.kvHeads)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-5 }],
    ['llama.rope.dimension_count', u32(p.dim / p.heads)],
    ['llama.rope.freq_base', { type: 'float32', value: 10000 }],
    ['llama.vocab_size', u32(vocabSize)],
  ];
}

/**
 * No tokenizer.chat_template: node-llama-cpp then resolves a built-in wrapper in ~1 ms, where testing a
 * Jinja template costs over a second of blocked event loop.
 */
function tokenizerMetadata({ tokens, scores, types }: Vocabulary): Array<[string, GgufValue]> {
  return [
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', values: tokens }],
    ['tokenizer.ggml.scores', { type: 'array', of: 'float32', values: scores }],
    ['tokenizer.ggml.token_type', { type: 'array', of: 'int32', values: types }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: BOS_ID }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: EOS_ID }],
    ['tokenizer.ggml.unknown_token_id', { type: 'uint32', value: UNK_ID }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
}

function modelTensors(p: TestModelProfile, vocabSize: number): GgufTensor[] {
  const random = new SeededRandom(p.seed);
  const kvDim = p.kvHeads * (p.dim / p.heads);
  const weight = (name: string, dims: number[]): GgufTensor => ({
    name,
    dims,
    data: random.normals(dims[0] * dims[1], WEIGHT_DEVIATION),
  });
  const norm = (name: string): GgufTensor => ({ name, dims: [p.dim], data: new Float32Array(p.dim).fill(1) });
  const tensors = [weight('token_embd.weight', [p.dim, vocabSize]), norm('output_norm.weight')];
  tensors.push(weight('output.weight', [p.dim, vocabSize]));
  for (let i = 0; i < p.layers; i += 1) {
    tensors.push(
      norm(`blk.${i}.attn_norm.weight`),
      weight(`blk.${i}.attn_q.weight`, [p.dim, p.dim]),
      weight(`blk.${i}.attn_k.weight`, [p.dim, kvDim]),
      weight(`blk.${i}.attn_v.weight`, [p.dim, kvDim]),
      weight(`blk.${i}.attn_output.weight`, [p.dim, p.dim]),
      norm(`blk.${i}.ffn_norm.weight`),
      weight(`blk.${i}.ffn_gate.weight`, [p.dim, p.feedForward]),
      weight(`blk.${i}.ffn_up.weight`, [p.dim, p.feedForward]),
      weight(`blk.${i}.ffn_down.weight`, [p.feedForward, p.dim]),
    );
  }
  return tensors;
}
