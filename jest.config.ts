import type { Config } from 'jest';

const moduleNameMapper = {
  '^@gateway/(config|inference|metrics|health|auth|rate-limit)(|/.*)$': '<rootDir>/libs/$1/src$2',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };

const config: Config = {
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
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      rootDir: '.',
      testEnvironment: 'node',
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: ['<rootDir>/apps/gateway/test/**/*.e2e-spec.ts'],
      transform,
      moduleNameMapper,
      testTimeout: 30000,
    },
    {
      displayName: 'deploy',
      rootDir: '.',
      testEnvironment: 'node',
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: ['<rootDir>/deploy/test/**/*.spec.ts'],
      transform,
      moduleNameMapper,
      testTimeout: 120000,
    },
  ],
};

export default config;
