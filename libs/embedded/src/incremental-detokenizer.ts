type Detokenize<Token> = (tokens: readonly Token[], lastTokens: readonly Token[]) => string;

const REPLACEMENT_CHARACTER = '\uFFFD';
/** A UTF-8 character spans at most 4 byte tokens. */
const MAX_HELD_TOKENS = 4;
/** Context the detokenizer gets for leading-space and merge heuristics. */
const CONTEXT_TOKENS = 8;

/**
 * Turns tokens into text one token at a time without splitting a UTF-8 character: byte-fallback
 * tokens that end mid-character are held back until the character is complete.
 */
export class IncrementalDetokenizer<Token> {
  private readonly previous: Token[] = [];
  private held: Token[] = [];

  constructor(private readonly detokenize: Detokenize<Token>) {}

  push(token: Token): string {
    this.held.push(token);
    const text = this.detokenize(this.held, this.previous);
    if (text.endsWith(REPLACEMENT_CHARACTER) && this.held.length < MAX_HELD_TOKENS) {
      return '';
    }
    return this.commit(text);
  }

  /** Whatever is still held, even if incomplete. */
  flush(): string {
    return this.held.length === 0 ? '' : this.commit(this.detokenize(this.held, this.previous));
  }

  private commit(text: string): string {
    this.previous.push(...this.held);
    this.previous.splice(0, Math.max(0, this.previous.length - CONTEXT_TOKENS));
    this.held = [];
    return text;
  }
}
