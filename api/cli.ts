/**
 * The `topk-harness` command: registers the built-ins (the composition root, api/builtins.ts), then runs the CLI
 * (src/cli/main.ts). bin/topk-harness.js imports the compiled form of this file.
 */
import './builtins.js';
import { main } from '../src/cli/main.js';

process.exit(await main(process.argv));
