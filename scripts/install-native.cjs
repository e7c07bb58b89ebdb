#!/usr/bin/env node
// npm's install step for topk-harness: build the libtorch addon (native/) when Debian's libtorch is installed, so the
// fast backend needs no separate step. It never fails the install: without libtorch, or when the build fails, it
// prints one line saying how to get the addon, and the harness uses wasm. CommonJS and no dependencies: it runs
// before anything else is built. TOPK_SKIP_NATIVE=1 skips it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const native = path.join(root, 'native');
const addon = path.join(native, 'build', 'Release', 'topk_libtorch.node');
const say = (line) => console.log(`topk-harness: ${line}`);
const APT = 'apt-get install libtorch-dev libopenblas0-pthread';

function newestSource() {
  const dir = path.join(native, 'src');
  return Math.max(fs.statSync(path.join(native, 'binding.gyp')).mtimeMs, ...fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).mtimeMs));
}

function main() {
  if (process.env.TOPK_SKIP_NATIVE) return say('libtorch addon: skipped (TOPK_SKIP_NATIVE is set)');
  if (!fs.existsSync(path.join(native, 'binding.gyp'))) return; // a package without the native sources
  if (!fs.existsSync('/usr/include/torch/csrc/api/include/torch/torch.h')) {
    return say(`libtorch not found: the fast libtorch backend is off, wasm is used (to enable it: ${APT}, then npm run build:native)`);
  }
  if (fs.existsSync(addon) && fs.statSync(addon).mtimeMs >= newestSource()) return say('libtorch addon: up to date');
  const gyp = process.env.npm_config_node_gyp; // npm's own node-gyp
  const [cmd, args] = gyp ? [process.execPath, [gyp, 'rebuild', '--directory', native]] : ['npx', ['--yes', 'node-gyp', 'rebuild', '--directory', native]];
  say('building the libtorch addon (about a minute on 2 cores; TOPK_SKIP_NATIVE=1 skips it) ...');
  const log = path.join(native, 'build-install.log');
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: process.env });
  try {
    fs.writeFileSync(log, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  } catch {
    // a read-only install location: the message below still says what happened
  }
  if (r.status === 0 && fs.existsSync(addon)) return say('libtorch addon built: --backend auto uses it');
  say(`libtorch addon build failed (see ${log}); wasm is used. Retry with: npm run build:native`);
}

try {
  main();
} catch (e) {
  say(`libtorch addon: skipped (${e && e.message ? e.message.split('\n')[0] : e})`);
}
