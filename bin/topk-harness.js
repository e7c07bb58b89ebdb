#!/usr/bin/env node
// Entry point of the `topk-harness` command. In a git checkout (the TypeScript sources are there) it runs them
// through tsx, so an edit takes effect without a rebuild; the installed package carries only the compiled
// JavaScript in dist/ and runs it with plain node.
import { existsSync } from 'node:fs';

const source = new URL('../api/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/api/cli.js', import.meta.url).href);
}
