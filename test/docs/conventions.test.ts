/** docs/conventions.md is where code comments and reports send readers: every cited section must exist. */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-');
}

describe('docs/conventions.md', () => {
  const doc = fs.readFileSync('docs/conventions.md', 'utf8');
  const anchors = new Set([...doc.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));

  it('has a section for every docs/conventions.md#anchor cited in the code, suites, docs and README', () => {
    const files = execFileSync('git', ['grep', '-l', 'docs/conventions.md#', '--', 'src', 'suites', 'api', 'corruptions', 'docs', 'README.md', 'STUDY.md'], { encoding: 'utf8' }).trim().split('\n');
    const cited = new Set<string>();
    for (const f of files) for (const m of fs.readFileSync(f, 'utf8').matchAll(/docs\/conventions\.md#([a-z0-9-]+)/g)) cited.add(`${m[1]} (${f})`);
    expect(cited.size, 'citations found').to.be.greaterThan(20);
    const missing = [...cited].filter((c) => !anchors.has(c.split(' ')[0]));
    expect(missing).to.deep.equal([]);
  });

  it('no longer sends users of the package to REFERENCE.md sections they cannot open', () => {
    const r = spawnSync('git', ['grep', '-n', 'REFERENCE.md §', '--', 'src', 'suites', 'api', 'corruptions', 'docs', 'README.md'], { encoding: 'utf8' });
    expect(r.status, 'git grep exits 1 when nothing matches').to.equal(1);
    expect(r.stdout).to.equal('');
  });
});
