// Microsoft's templating engine (adaptivecards-templating) must expand our templates exactly as our
// C# TemplateExpander did, for the sample data of every template, every sample reply (en and zh-TW,
// hostile names) and edge-case data (empty lists, missing fields).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ACData from 'adaptivecards-templating';
import { readArtifacts, readTemplate } from './artifacts.js';

const expansions = readArtifacts('expansions');

test('expansions cover every template with sample, empty-list and missing-field data', () => {
  for (const template of new Set(expansions.map(([, e]) => e.template))) {
    for (const variant of ['sample', 'empty-lists', 'missing-fields']) {
      assert.ok(expansions.some(([name]) => name === `${template}.${variant}`), `${template}.${variant} missing`);
    }
  }
  assert.ok(expansions.length >= 8 * 3);
});

for (const [name, { template, data, expanded }] of expansions) {
  test(`official templating engine agrees with ours: ${name}`, () => {
    const official = new ACData.Template(readTemplate(template)).expand({ $root: data });
    assert.deepEqual(expanded, official);
  });
}
