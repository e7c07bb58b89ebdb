/**
 * The import graph of the harness, by layer, and the rule that keeps it one-way: config → data → models → train →
 * suites → scorecard → report/gate → run → CLI, each layer importing only from itself and the layers below it, and
 * the core (src/) never importing the plugins (suites/, corruptions/). Imports are read with the TypeScript
 * compiler's own pre-processor (static, dynamic and type-only imports alike: a type import couples too).
 *
 *   npx tsx scripts/import-graph.ts          # prints the violations (exit 1 when there are any)
 *   npx tsx scripts/import-graph.ts --write  # rewrites the generated graph in docs/architecture.md
 *
 * test/docs/import-graph.test.ts fails on a violation and when docs/architecture.md's graph is out of date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The layers, lowest first. A module is in the first layer whose prefix matches its path (relative to the root). */
export const LAYERS: readonly { name: string; paths: readonly string[]; what: string }[] = [
  { name: 'foundation', paths: ['src/util/', 'src/errors.ts', 'src/rng.ts', 'src/package-root.ts', 'src/plugins/'], what: 'atomic files, progress, seeded streams, errors, the plugin module loader' },
  { name: 'metrics', paths: ['src/metrics/'], what: 'pure functions: arrays in, numbers out' },
  { name: 'config', paths: ['src/config/', 'src/backend-choices.ts'], what: 'the typed run configuration, presets, validation, layering' },
  { name: 'backend', paths: ['src/backend.ts', 'src/backend-libtorch/', 'src/backend-wasm/', 'src/fused-kernels.ts', 'src/tfjs-gradients.ts'], what: 'tfjs backends and kernels' },
  { name: 'data', paths: ['src/data/', 'src/label-noise/', 'src/corruptions/'], what: 'datasets, label noise, the corruption engine' },
  { name: 'models', paths: ['src/models/'], what: 'the ViT and Top-k' },
  { name: 'predict', paths: ['src/eval/'], what: 'forward passes over a dataset (training validates with it)' },
  { name: 'train', paths: ['src/train/'], what: 'the trainer, checkpoints, schedules' },
  { name: 'measure', paths: ['src/sparsity/'], what: 'activation sparsity and FLOPs of trained models' },
  { name: 'suite API', paths: ['src/suite/'], what: 'what a suite is and gets (defineSuite, SuiteContext)' },
  { name: 'scorecard', paths: ['src/scorecard/'], what: 'the scorecard schema, reading, statistics' },
  { name: 'report / gate', paths: ['src/report/', 'src/gate/'], what: 'Markdown, HTML, charts; the regression gate' },
  { name: 'run', paths: ['src/run/', 'src/evaluate/', 'src/onnx/'], what: 'a run end to end; evaluating external models' },
  { name: 'cli', paths: ['src/cli/'], what: 'one file per command' },
  { name: 'api', paths: ['api/'], what: 'the package entry points and the built-ins\' registration' },
];

/**
 * Vocabulary: each concept's names, choices and the grammar of its config values, in leaf modules that any layer may
 * import. The config layer validates every value before anything runs, so it must know the dataset names, the
 * corruption names, the label-noise spec grammar and the training settings. A vocabulary module itself imports
 * only the foundation and other vocabulary.
 */
export const VOCABULARY: readonly string[] = [
  'src/backend-choices.ts',
  'src/data/names.ts',
  'src/corruptions/names.ts',
  'src/label-noise/spec.ts',
  'src/label-noise/kinds.ts',
  'src/label-noise/mappings.ts',
  'src/label-noise/matrix.ts',
  'src/train/config.ts',
  'src/suite/name.ts',
];

/** Plugin folders: they may import the core and the public entry points; the core never imports them. */
export const PLUGIN_DIRS = ['suites/', 'corruptions/'] as const;

export interface ImportEdge {
  from: string;
  to: string;
}

function walk(dir: string, out: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
}

/** Every relative import between the harness's own modules (paths relative to the root, .ts). */
export function importEdges(root = ROOT): ImportEdge[] {
  const files: string[] = [];
  for (const d of ['src', 'api', ...PLUGIN_DIRS]) walk(path.join(root, d), files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const i of info.importedFiles) {
      if (!i.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), i.fileName).replace(/\.js$/, '.ts');
      edges.push({ from: path.relative(root, file).split(path.sep).join('/'), to: path.relative(root, target).split(path.sep).join('/') });
    }
  }
  return edges;
}

/** Index of the layer a module belongs to; -1 for a plugin module; throws for a module no layer names. */
export function layerOf(file: string): number {
  if (PLUGIN_DIRS.some((d) => file.startsWith(d))) return -1;
  const i = LAYERS.findIndex((l) => l.paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
  if (i < 0) throw new Error(`scripts/import-graph.ts: ${file} is in no layer; add it to LAYERS`);
  return i;
}

/** Imports that break the rule, each as "from → to: why". */
export function violations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  const vocabulary = new Set(VOCABULARY);
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === -1) {
      if (to.startsWith('src/cli/') || to.startsWith('src/run/')) out.push(`${from} → ${to}: a plugin uses the public API, not the CLI or the run`);
      continue;
    }
    if (b === -1) {
      out.push(`${from} → ${to}: the core imports a plugin (register built-ins in api/builtins.ts instead)`);
      continue;
    }
    if (vocabulary.has(from) && !(vocabulary.has(to) || b === 0)) {
      out.push(`${from} → ${to}: a vocabulary module imports only the foundation and other vocabulary`);
      continue;
    }
    if (b > a && !vocabulary.has(to)) out.push(`${from} → ${to}: ${LAYERS[a].name} imports from ${LAYERS[b].name}, a layer above it`);
  }
  return [...new Set(out)].sort();
}

/** The layer graph as a Mermaid flowchart: one node per layer, an arrow where a layer imports from another (counts would make every new import redraw it). */
export function mermaidGraph(edges: readonly ImportEdge[]): string {
  // pair → whether some import between the two layers is not a vocabulary import (dotted when all are)
  const arrows = new Map<string, boolean>();
  const vocabulary = new Set(VOCABULARY);
  const id = (i: number) => (i === -1 ? 'plugins' : `L${i}`);
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    const key = `${id(a)} ${id(b)}`;
    arrows.set(key, (arrows.get(key) ?? false) || !vocabulary.has(to));
  }
  const lines = ['```mermaid', 'flowchart BT'];
  LAYERS.forEach((l, i) => lines.push(`  ${id(i)}["${l.name}<br/><small>${l.paths.join(' ')}</small>"]`));
  lines.push('  plugins["plugins<br/><small>suites/ corruptions/</small>"]');
  for (const [key, solid] of [...arrows].sort()) lines.push(`  ${key.replace(' ', solid ? ' --> ' : ' -.-> ')}`);
  lines.push('```');
  return lines.join('\n');
}

export const DOC = path.join(ROOT, 'docs', 'architecture.md');
const BEGIN = '<!-- import-graph:begin (generated by scripts/import-graph.ts --write) -->';
const END = '<!-- import-graph:end -->';

/** docs/architecture.md with its generated block replaced by the current graph. */
export function docWithGraph(doc: string, graph: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/architecture.md has no ${BEGIN} ... ${END} block`);
  return `${doc.slice(0, a + BEGIN.length)}\n${graph}\n${doc.slice(b)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const edges = importEdges();
  if (process.argv.includes('--write')) {
    fs.writeFileSync(DOC, docWithGraph(fs.readFileSync(DOC, 'utf8'), mermaidGraph(edges)));
    console.log(`wrote ${path.relative(process.cwd(), DOC)}`);
  }
  const bad = violations(edges);
  for (const v of bad) console.log(v);
  console.log(`${edges.length} imports, ${bad.length} against the layering`);
  process.exitCode = bad.length > 0 ? 1 : 0;
}
