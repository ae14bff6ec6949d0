/** SentencePiece marks a preceding space with U+2581. */
export const SPACE_MARK = '\u2581';

export const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 } as const;

export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;

const WORDS = (
  'the of and to in is it you that he was for on are as with his they at be this have from or one had ' +
  'by word but not what all were we when your can said there use an each which she do how their if will ' +
  'up other about out many then them these so some her would make like him into time has look two more ' +
  'write go see number no way could people my than first water been call who its now find long down day ' +
  'did get come made may part hello world model token random test'
).split(' ');

const SINGLE_CHARACTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?\'"-:;()'];

export interface Vocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
}

/**
 * A small SentencePiece-style vocabulary: `<unk>`, `<s>`, `</s>`, the 256 byte-fallback tokens, single
 * characters, then every prefix of `▁word` for common English words, so that the SPM merge algorithm
 * can reach each whole word. No token appears twice (llama.cpp aborts on duplicates).
 */
export function buildTestVocabulary(): Vocabulary {
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TOKEN_TYPE.UNKNOWN, TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL];
  for (let byte = 0; byte < 256; byte += 1) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_TYPE.BYTE);
  }
  const pieces = new Set<string>([SPACE_MARK, ...SINGLE_CHARACTERS]);
  for (const word of WORDS) {
    const marked = SPACE_MARK + word;
    for (let end = 2; end <= marked.length; end += 1) {
      pieces.add(marked.slice(0, end));
    }
  }
  for (const piece of pieces) {
    tokens.push(piece);
    types.push(TOKEN_TYPE.NORMAL);
  }
  // Longer pieces score higher so that merges prefer whole words; special and byte tokens score 0.
  const scores = tokens.map((token, id) => (types[id] === TOKEN_TYPE.NORMAL ? -1 / [...token].length : 0));
  return { tokens, scores, types };
}
