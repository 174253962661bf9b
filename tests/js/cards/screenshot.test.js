// Renders a few cards with Microsoft's renderer (adaptivecards, inlined from node_modules: no CDN) in
// headless Chromium and checks they are not blank; PNGs go to artifacts/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { readArtifacts, root } from './artifacts.js';

const require = createRequire(import.meta.url);
const rendererScript = fs.readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
// Teams renders TextBlock markdown; markdown-it (in the lockfile through Web Chat) plays that part here,
// so the screenshots show links and that escaped names ("*Deal*") stay literal.
const markdownScript = fs.readFileSync(require.resolve('markdown-it/dist/markdown-it.min.js'), 'utf8');
const screenshots = path.join(root, 'artifacts', 'screenshots');
const picked = ['leaderboard.en', 'stale-deals.zh-TW', 'pipeline.zh-TW', 'settings.en', 'nasty-names.en'];
const cards = readArtifacts('teams').filter(([name]) => picked.includes(name));

test('headless Chromium renders cards that are not blank', { timeout: 120_000 }, async () => {
  assert.equal(cards.length, picked.length);
  fs.mkdirSync(screenshots, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crmbot-chromium-'));
  // A fresh profile per run (playwright takes it as launchPersistentContext's userDataDir, not as a flag).
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    viewport: { width: 520, height: 400 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    // No network: anything not inlined would fail the render instead of reaching a CDN.
    await page.route('**/*', (route) => route.abort());
    for (const [name, card] of cards) {
      await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;background:#fff;font-family:"Noto Sans CJK TC",sans-serif}</style></head>` +
        `<body><div id="card" style="width:500px;padding:10px"></div></body></html>`);
      await page.addScriptTag({ content: markdownScript });
      await page.addScriptTag({ content: rendererScript });
      const result = await page.evaluate((json) => {
        const md = window.markdownit();
        AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
          result.outputHtml = md.render(text);
          result.didProcess = true;
        };
        const card = new AdaptiveCards.AdaptiveCard();
        card.parse(json);
        const element = card.render();
        document.getElementById('card').appendChild(element);
        return { text: element.innerText, height: element.getBoundingClientRect().height };
      }, card);
      const png = await page.locator('#card').screenshot({ path: path.join(screenshots, `${name}.png`) });
      assert.ok(result.height > 80, `${name}: rendered only ${result.height}px high`);
      assert.ok(result.text.trim().length > 20, `${name}: almost no text rendered`);
      // Not blank: the screenshot has far more distinct colours than a white box would.
      const distinct = await page.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width; canvas.height = img.height;
        const ctx = canvas.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const data = ctx.getImageData(0, 0, img.width, img.height).data;
        let nonWhite = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 600) nonWhite++;
        return nonWhite;
      }, png.toString('base64'));
      assert.ok(distinct > 500, `${name}: only ${distinct} non-white pixels`);
    }
  } finally {
    await browser.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
});
