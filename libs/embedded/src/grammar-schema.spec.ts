import { UnsupportedParameterError } from '@gateway/inference';
import { toGrammarSchema } from './grammar-schema';

describe('JSON schemas for the embedded grammar', () => {
  it('keeps what the grammar enforces, drops annotations and reads anyOf as oneOf', () => {
    expect(
      toGrammarSchema(
        {
          $schema: 'http://json-schema.org/draft-07/schema#',
          title: 'Answer',
          type: 'object',
          properties: {
            // Property names are data: one called "pattern" is not the keyword.
            pattern: { type: 'string', description: 'a name', maxLength: 10 },
            n: { anyOf: [{ type: 'integer', minimum: Number.MIN_SAFE_INTEGER }, { type: 'null' }] },
          },
          required: ['pattern'],
          additionalProperties: false,
        },
        'response_format',
      ),
    ).toEqual({
      type: 'object',
      properties: {
        pattern: { type: 'string', maxLength: 10 },
        n: { oneOf: [{ type: 'integer' }, { type: 'null' }] },
      },
      required: ['pattern'],
      additionalProperties: false,
    });
  });

  it('rejects keywords it cannot enforce, naming each and the field', () => {
    const convert = () =>
      toGrammarSchema(
        {
          type: 'object',
          properties: {
            code: { type: 'string', pattern: '^[a-z]+$' },
            size: { type: 'number', minimum: 1 },
            mail: { type: 'string', format: 'email' },
          },
          allOf: [],
        },
        'response_format',
      );
    expect(convert).toThrow(UnsupportedParameterError);
    expect(convert).toThrow(
      /response_format uses JSON schema features .*: pattern, minimum, format "email", allOf/,
    );
  });
});
