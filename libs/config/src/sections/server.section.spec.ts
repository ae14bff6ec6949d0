import { buildServerConfig } from './server.section';

describe('server section: the OpenAPI document', () => {
  const openApi = (env: Record<string, string>) => buildServerConfig(env, []).openApiEnabled;

  it('is served by default outside production and not in production', () => {
    expect(openApi({})).toBe(true);
    expect(openApi({ NODE_ENV: 'test' })).toBe(true);
    expect(openApi({ NODE_ENV: 'production' })).toBe(false);
  });

  it('follows OPENAPI_ENABLED when it is set', () => {
    expect(openApi({ NODE_ENV: 'production', OPENAPI_ENABLED: 'true' })).toBe(true);
    expect(openApi({ OPENAPI_ENABLED: 'false' })).toBe(false);
  });

  it('reports a value that is not a boolean', () => {
    const problems: string[] = [];
    buildServerConfig({ OPENAPI_ENABLED: 'maybe' }, problems);
    expect(problems.join()).toContain('OPENAPI_ENABLED');
  });
});
