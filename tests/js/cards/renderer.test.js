// Every card we send passes Microsoft's renderer (adaptivecards, in a jsdom DOM) without parse or
// validation events, validates against the official Adaptive Card 1.5 JSON schema, and stays under
// 80 KB counted as UTF-16.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readArtifacts, sharedPath } from './artifacts.js';

const require = createRequire(import.meta.url);
const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (!(key in globalThis)) { try { globalThis[key] = dom.window[key]; } catch { /* read-only */ } }
}
globalThis.window = dom.window;
globalThis.document = dom.window.document;
// jsdom has no layout, so no innerText; the renderer sets text through it.
Object.defineProperty(dom.window.HTMLElement.prototype, 'innerText', {
  get() { return this.textContent; }, set(v) { this.textContent = v; }, configurable: true,
});
const AC = require('adaptivecards/dist/adaptivecards.js');

// The file is used as vendored; only its draft-04 style top-level "id" is read as "$id", which ajv 8 requires.
const { id: schemaId, ...schemaBody } = JSON.parse(fs.readFileSync(sharedPath('schemas', 'adaptive-card-1.5.json'), 'utf8'));
const schema = { $id: schemaId, ...schemaBody };
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// The Adaptive Card schema is draft-06 (see ../shared/schemas/README.md); ajv 8 ships that meta-schema.
ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
ajv.addSchema(schema, 'adaptive-card-1.5');
const validate = ajv.getSchema('adaptive-card-1.5');

const cards = readArtifacts('teams');

/** What a 1.5 client sees: elements newer than 1.5 (Teams charts) replaced by their fallback. */
function asSeenBy15Client(node) {
  if (Array.isArray(node)) return node.map(asSeenBy15Client);
  if (node && typeof node === 'object') {
    if (typeof node.type === 'string' && node.type.startsWith('Chart.')) {
      assert.ok(node.fallback && typeof node.fallback === 'object', `${node.type} needs a fallback`);
      return asSeenBy15Client(node.fallback);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, asSeenBy15Client(v)]));
  }
  return node;
}

function events(ctx) {
  const list = [];
  for (let i = 0; i < ctx.eventCount; i++) list.push(ctx.getEventAt(i));
  return list;
}

test('every sample reply produced a card in both languages', () => {
  assert.ok(cards.some(([n]) => n.endsWith('.en')));
  assert.ok(cards.some(([n]) => n.endsWith('.zh-TW')));
  assert.ok(cards.length >= 20);
});

for (const [name, card] of cards) {
  test(`adaptivecards parses and renders ${name} without errors`, () => {
    const parsed = new AC.AdaptiveCard();
    const ctx = new AC.SerializationContext();
    parsed.parse(card, ctx);
    // The only event allowed: a Teams chart element unknown to this renderer, which then uses its fallback.
    const problems = events(ctx).filter((e) => !(e.event === AC.ValidationEvent.UnknownElementType && /"Chart\./.test(e.message)));
    assert.deepEqual(problems.map((e) => e.message), []);
    assert.deepEqual(parsed.validateProperties().validationEvents.map((e) => e.message), []);
    const element = parsed.render();
    assert.ok(element, 'render returned nothing');
    document.body.replaceChildren(element);
    assert.ok(element.textContent.includes(card.body[0].text.replace(/\\([\\`*_~[\]])/g, '$1').slice(0, 20)), 'title not rendered');
  });

  test(`${name} validates against the Adaptive Card 1.5 schema`, () => {
    const ok = validate(asSeenBy15Client(card));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  });

  test(`${name} stays under 80 KB counted as UTF-16`, () => {
    assert.ok(JSON.stringify(card).length * 2 < 80 * 1024);
  });
}

test('the schema check can fail: a card with a misspelt element is rejected', () => {
  const bad = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlok', text: 'x' }] };
  assert.equal(validate(bad), false);
});
