// Type-aware lint, plus the one architectural rule that matters most: dependencies point one way
// (spec <- http <- providers; spec <- engine; engine <- protocol <- gateway; engine <- telemetry; engine, telemetry <- host;
// cli <- everything; client <- spec, http, engine types).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      // One group, so that a negation (`!**/providers/provider-registry.js`) carves a file out of a forbidden folder.
      { patterns: [{ group: forbidden, message: why }] },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'python/**', 'go/**', 'tests/**', '**/*.mjs', '**/*.cjs', 'eslint.config.js', 'vitest.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'src/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
      // Tests assert on wire JSON, which is `any` by nature.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  layer(['src/spec/**/*.ts'], ['../*', '!./*'], 'spec/ has no dependencies: it is the contract everything else builds on.'),
  layer(['src/http/**/*.ts'], ['**/providers/**', '**/engine/**', '**/gateway/**', '**/telemetry/**', '**/host/**', '**/protocol/**', '**/cli/**'], 'http/ depends on spec/ only.'),
  layer(['src/providers/**/*.ts'], ['**/engine/**', '**/gateway/**', '**/telemetry/**', '**/host/**', '**/protocol/**', '**/cli/**'], 'adapters are a mapping plus one HTTP attempt: no engine, gateway or telemetry.'),
  // The provider contract (provider-definition, provider-registry) is the one part of providers/ the engine and the host may name.
  layer(['src/engine/**/!(*.test).ts'], ['**/providers/**', '!**/providers/provider-definition.js', '!**/providers/provider-registry.js', '**/gateway/**', '**/telemetry/**', '**/host/**', '**/protocol/**', '**/cli/**', '**/http/send-request*'], 'the engine gets a ProviderRegistry injected and never imports an adapter or telemetry.'),
  // Config validation's default registry: the bundled definitions, named in this one file (docs/decisions/provider-registry.md).
  layer(['src/engine/config/bundled-provider-registry.ts'], ['**/gateway/**', '**/telemetry/**', '**/host/**', '**/protocol/**', '**/cli/**'], 'only the bundled provider registry may be named here.'),
  layer(['src/telemetry/**/!(*.test).ts'], ['**/gateway/**', '**/host/**', '**/protocol/**', '**/cli/**', '**/providers/**'], 'telemetry observes the engine through diagnostics channels.'),
  // The gateway may use the protocol's schemas and error mapping (/v1/engine/* serves its calls over HTTP); the protocol never imports the gateway.
  layer(['src/gateway/**/!(*.test).ts'], ['**/cli/**', '**/host/**', '**/providers/**'], 'the gateway talks to the engine, not to adapters.'),
  layer(['src/host/**/!(*.test).ts'], ['**/gateway/**', '**/protocol/**', '**/cli/**', '**/providers/**', '!**/providers/provider-registry.js'], 'the host runs the engine, its config and telemetry for every entry point: serve and engine --stdio start on it, not the other way round.'),
  {
    // One group, so that the negation carves engine.ts (types) out of the forbidden folders.
    files: ['src/client/**/!(*.test).ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        group: ['**/gateway/**', '**/cli/**', '**/host/**', '**/protocol/**', '**/telemetry/**', '**/testing/**', '**/create-engine*', '**/engine/**', '!**/engine/engine.js', '**/providers/**'],
        message: "the gateway client is the engine protocol's JSON over http/: it shares the engine's types, not the engine's runtime, and knows nothing of the gateway it calls.",
      }] }],
    },
  },
  layer(['src/protocol/**/!(*.test).ts'], ['**/cli/**', '**/gateway/**', '**/host/**', '**/providers/**'], 'the stdio protocol talks to the engine, like the gateway: no adapters, no HTTP service.'),
);
