#!/usr/bin/env node
// Entry point of the `topk-harness` command: runs the TypeScript sources through tsx (a dependency), no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
