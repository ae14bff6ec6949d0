import { compareComponents, componentOf } from './cpu-profile-summary';

describe('componentOf', () => {
  it("names the benchmark's own servers, our code, packages and Node's layers apart", () => {
    expect(componentOf({ functionName: 'generate', url: 'file:///repo/tools/bench/nest-proxy.ts' })).toBe(
      'benchmark server (tools/bench)',
    );
    expect(componentOf({ functionName: 'f', url: 'file:///repo/dist/libs/ollama/src/ollama-chunk.js' })).toBe(
      'gateway libs/ollama/src/ollama',
    );
    expect(componentOf({ functionName: 'f', url: 'file:///repo/node_modules/@nestjs/core/x.js' })).toBe(
      '@nestjs/core',
    );
    expect(componentOf({ functionName: 'f', url: 'node:_http_server' })).toBe('node http');
  });
});

describe('compareComponents', () => {
  it('puts both profiles per request, and what costs the target most over the base first', () => {
    const base = {
      rows: [
        ['node http', 90],
        ['router', 40],
        ['body-parser', 15],
      ] as Array<[string, number]>,
      requests: 1000,
    };
    const target = {
      rows: [
        ['node http', 200],
        ['router', 104],
        ['prom-client', 44],
      ] as Array<[string, number]>,
      requests: 2000,
    };

    expect(compareComponents(base, target)).toEqual([
      { name: 'prom-client', baseUs: 0, targetUs: 22 },
      { name: 'router', baseUs: 40, targetUs: 52 },
      { name: 'node http', baseUs: 90, targetUs: 100 },
      { name: 'body-parser', baseUs: 15, targetUs: 0 },
    ]);
  });
});
