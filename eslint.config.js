import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '.bench-build/', 'node_modules/', '.tmp/', 'panel/dist/', 'extension/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The panel runs in a browser (the dashboard page, later a DevTools tab): browser globals, and
    // none of Node's, which Vite would not provide at run time.
    files: ['panel/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser, process: 'off', Buffer: 'off' },
    },
    rules: {
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', 'global'],
      'no-restricted-imports': ['error', { patterns: ['node:*'] }],
    },
  },
  {
    // The DevTools extension: pages, content scripts and a service worker, all in the browser, with
    // the chrome.* APIs (typed by @types/chrome) and none of Node's globals. Its build script is Node.
    files: ['extension/src/**/*.ts'],
    languageOptions: {
      globals: { ...globals.browser, chrome: 'readonly', process: 'off', Buffer: 'off' },
    },
    rules: {
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', 'global'],
      'no-restricted-imports': ['error', { patterns: ['node:*'] }],
    },
  },
  {
    // The store's reducers run in Node too (test/unit/panel-*.test.ts): no React, no DOM there.
    files: ['panel/src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            'react',
            'react-dom',
            'react-dom/*',
            'zustand/react',
            '../views/*',
            '../app/*',
          ],
        },
      ],
    },
  },
);
