// Every Slack message we send type-checks against the official @slack/types Block Kit definitions
// (tsc --noEmit over generated .ts files) and keeps within Slack's documented limits
// (../shared/protocols.md §8), checked here independently of the C# renderer's own guards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readArtifacts } from './artifacts.js';

const require = createRequire(import.meta.url);
const messages = readArtifacts('slack');

/** Runs tsc --noEmit (strict) over the given TypeScript sources with @slack/types resolvable; returns tsc's output, '' when clean. */
function typeCheck(sources) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crmbot-slack-types-'));
  try {
    const files = sources.map((source, i) => {
      const file = path.join(dir, `m${i}.ts`);
      fs.writeFileSync(file, source);
      return file;
    });
    const slackTypes = path.dirname(require.resolve('@slack/types/package.json'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2020', module: 'es2020', moduleResolution: 'node', types: [], baseUrl: '.', paths: { '@slack/types': [slackTypes] } },
      files,
    }));
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', timeout: 120_000 });
      return '';
    } catch (e) {
      return e.stdout || String(e);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const typed = (name, value) =>
  `// ${name}\nimport type { KnownBlock } from '@slack/types';\nexport const m: { text: string; blocks: KnownBlock[] } = ${JSON.stringify(value, null, 1)};\n`;

test('@slack/types accepts every message (tsc --noEmit)', () => {
  assert.equal(typeCheck(messages.map(([name, message]) => typed(name, message))), '');
});

test('the type check can fail: a header with mrkdwn text is rejected', () => {
  const output = typeCheck([typed('bad', { text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] })]);
  assert.match(output, /error TS2322/);
  assert.doesNotMatch(output, /Cannot find module/);
});

const len = (s) => [...(s ?? '')].length;

for (const [name, { text, blocks }] of messages) {
  test(`${name} keeps within Slack's Block Kit limits`, () => {
    assert.ok(len(text) > 0);
    assert.ok(blocks.length >= 1 && blocks.length <= 50, `${blocks.length} blocks`);
    for (const block of blocks) {
      if (block.type === 'header') assert.ok(block.text.type === 'plain_text' && len(block.text.text) <= 150);
      if (block.type === 'section') {
        if (block.text) assert.ok(len(block.text.text) >= 1 && len(block.text.text) <= 3000, 'section text');
        if (block.fields) {
          assert.ok(block.fields.length <= 10, 'fields');
          for (const f of block.fields) assert.ok(len(f.text) <= 2000, 'field text');
        }
      }
      if (block.type === 'actions') {
        assert.ok(block.elements.length <= 25);
        const ids = block.elements.map((e) => e.action_id);
        assert.equal(new Set(ids).size, ids.length, 'action_id unique in its block');
        for (const e of block.elements) {
          assert.ok(len(e.text.text) <= 75, 'button text');
          if (e.value !== undefined) {
            assert.ok(len(e.value) <= 2000, 'button value');
            assert.equal(typeof JSON.parse(e.value), 'object', 'button value is JSON data');
          }
          if (e.url !== undefined) assert.ok(len(e.url) <= 3000);
        }
      }
      if (block.type === 'context') assert.ok(block.elements.length <= 10);
    }
  });
}
