import type { Config } from 'jest';

const moduleNameMapper = {
  '^@gateway/(config|embedded|errors|inference|ollama|leases|metrics|health|auth|rate-limit|request-context|routing)(|/.*)$':
    '<rootDir>/libs/$1/src$2',
};
// jose ships only ES modules, which Jest on Node 20 cannot require: compile it to CommonJS like our code.
const esmOnlyPackages = ['jose'];
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  [`node_modules/(${esmOnlyPackages.join('|')})/.+\\.js$`]: [
    'ts-jest',
    { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' }, isolatedModules: true },
  ],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`];

const config: Config = {
  // Applies to every project: Jest ignores a per-project testTimeout.
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'unit',
      rootDir: '.',
      testEnvironment: 'node',
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: [
        '<rootDir>/apps/**/src/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/tools/**/*.spec.ts',
      ],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      rootDir: '.',
      testEnvironment: 'node',
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: ['<rootDir>/apps/gateway/test/**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'deploy',
      rootDir: '.',
      testEnvironment: 'node',
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: ['<rootDir>/deploy/test/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
  ],
};

export default config;
