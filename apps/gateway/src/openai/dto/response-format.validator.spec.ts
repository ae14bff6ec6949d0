import { MAX_SCHEMA_DEPTH, responseFormatProblem } from './response-format.validator';

describe('response_format validation', () => {
  it('accepts text, json_object and a named json_schema', () => {
    expect(responseFormatProblem({ type: 'text' })).toBeUndefined();
    expect(responseFormatProblem({ type: 'json_object' })).toBeUndefined();
    expect(
      responseFormatProblem({
        type: 'json_schema',
        json_schema: { name: 'answer', strict: true, schema: { type: 'object' } },
      }),
    ).toBeUndefined();
  });

  it.each([
    [{ type: 'xml' }, 'type must be one of'],
    [{ type: 'json_schema' }, 'json_schema must be an object'],
    [{ type: 'json_schema', json_schema: { schema: {} } }, 'json_schema.name'],
    [{ type: 'json_schema', json_schema: { name: 'n', schema: 'x' } }, 'json_schema.schema must be'],
    [{ type: 'json_schema', json_schema: { name: 'n', schema: {}, extra: 1 } }, 'unknown fields: extra'],
    [{ type: 'json_object', json_schema: {} }, 'only allowed with type'],
  ])('explains what is wrong with %j', (value, words) => {
    expect(responseFormatProblem(value)).toContain(words);
  });

  it('bounds the schema depth', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < MAX_SCHEMA_DEPTH; i++) {
      schema = { type: 'object', properties: { a: schema } };
    }
    expect(responseFormatProblem({ type: 'json_schema', json_schema: { name: 'deep', schema } })).toContain(
      'levels deep',
    );
  });
});
