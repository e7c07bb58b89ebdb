#!/usr/bin/env node
// Entry point of the `topk-harness` command. An installed package runs the compiled JavaScript in dist/ with plain
// node; a git checkout that has not been built (`npm run build`) runs the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/api/cli.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../api/cli.ts');
}
