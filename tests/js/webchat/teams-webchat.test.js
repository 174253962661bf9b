// End to end through real client software: Microsoft's Web Chat (botframework-webchat dist/webchat.js,
// served locally) in headless Chromium, talking Direct Line to offline-directline's router, which posts
// activities to the real crmbot process at /api/messages and receives its replies on the Connector API.
// The bot runs in local mode (no app id), as the Emulator and offline-directline expect (harness-notes.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import express from 'express';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const { getRouter } = require('offline-directline');

const here = dirname(fileURLToPath(import.meta.url));
const root = process.env.CRMBOT_ROOT ?? join(here, '..', '..', '..');
const botDll = join(root, 'src', 'CrmBot.Web', 'bin', 'Release', 'net10.0', 'crmbot.dll');
const screenshots = join(root, 'artifacts', 'screenshots');
const webchatJs = join(here, '..', 'node_modules', 'botframework-webchat', 'dist', 'webchat.js'); // not in the package's exports

let bot, botLog = '', directLine, browser, workDir;
let botUrl, chatUrl;

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.unref();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function waitForHealthy(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (bot.exitCode !== null) throw new Error(`crmbot exited with ${bot.exitCode}:\n${botLog}`);
    try { if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return; } catch { /* not up yet */ }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`crmbot did not become healthy in ${ms} ms:\n${botLog}`);
}

const page = (directLineDomain) => `<!doctype html>
<html><head><meta charset="utf-8"><title>CrmBot Web Chat</title>
<style>html,body,#webchat{height:100%;margin:0}</style></head>
<body><div id="webchat" role="main"></div>
<script src="/webchat.js"></script>
<script>
  window.WebChat.renderWebChat({
    directLine: window.WebChat.createDirectLine({ domain: ${JSON.stringify(directLineDomain)}, webSocket: false, pollingInterval: 500 }),
    userID: '29:webchat-user', username: 'Ada', locale: 'en-US'
  }, document.getElementById('webchat'));
</script></body></html>`;

before(async () => {
  assert.ok(existsSync(botDll), `build the bot first (dotnet build -c Release): ${botDll} is missing`);
  workDir = mkdtempSync(join(tmpdir(), 'crmbot-webchat-'));
  mkdirSync(screenshots, { recursive: true });

  const botPort = await freePort();
  botUrl = `http://127.0.0.1:${botPort}`;
  bot = spawn('dotnet', [botDll], {
    cwd: workDir,
    env: {
      ...process.env,
      Urls: botUrl,
      Database__ConnectionString: `Data Source=${join(workDir, 'crmbot.db')}`,
      Teams__MicrosoftAppId: '',
      DOTNET_NOLOGO: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bot.stdout.on('data', d => { botLog += d; });
  bot.stderr.on('data', d => { botLog += d; });
  await waitForHealthy(`${botUrl}/healthz`, 120_000);

  // offline-directline's own start-up listens on every interface and never stops a timer:
  // mount its router on our own express app bound to 127.0.0.1 instead.
  const chatPort = await freePort();
  chatUrl = `http://127.0.0.1:${chatPort}`;
  const app = express();
  app.get('/', (_req, res) => res.type('html').send(page(`${chatUrl}/directline`)));
  app.get('/webchat.js', (_req, res) => res.sendFile(webchatJs));
  app.use(getRouter(chatUrl, `${botUrl}/api/messages`));
  await new Promise(resolve => { directLine = app.listen(chatPort, '127.0.0.1', resolve); });

  // playwright gives every launch a fresh profile directory of its own (it refuses --user-data-dir here).
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise(resolve => directLine ? directLine.close(resolve) : resolve());
  if (bot && bot.exitCode === null) {
    bot.kill('SIGTERM');
    await new Promise(resolve => { bot.once('exit', resolve); setTimeout(resolve, 10_000); });
  }
  writeFileSync(join(root, 'artifacts', 'teams-webchat-bot.log'), botLog); // the bot's own log, for failures
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function openChat() {
  const tab = await browser.newPage({ viewport: { width: 900, height: 900 } });
  await tab.goto(chatUrl);
  const input = tab.locator('[data-id="webchat-sendbox-input"]');
  await input.waitFor({ timeout: 30_000 });
  return { tab, input };
}

test('a message typed in Web Chat is answered with an Adaptive Card', { timeout: 180_000 }, async () => {
  const { tab, input } = await openChat();
  try {
    await input.fill('my stale deals');
    await input.press('Enter');

    const card = tab.locator('.ac-adaptiveCard').first();
    await card.waitFor({ timeout: 90_000 }); // generous: the test machine is shared and slow
    await tab.screenshot({ path: join(screenshots, 'teams-webchat-reply.png'), fullPage: true });

    // The card is rendered by Web Chat's own Adaptive Cards renderer, so it parsed; it has text.
    const text = (await card.innerText()).trim();
    assert.ok(text.length > 0, 'the card shows no text');
    // The exact "my stale deals" answer is asserted once the chat engine and identity linker are
    // merged into the host (this branch registers neither, so the bot answers with its error card).
  } finally {
    await tab.close();
  }
});

// Skipped until the chat engine and the card renderer (which draws buttons) are merged into the host.
test('clicking a card button produces the follow-up answer', { timeout: 180_000, skip: 'needs the merged chat engine and card renderer' }, async () => {
  const { tab, input } = await openChat();
  try {
    await input.fill('help');
    await input.press('Enter');
    const button = tab.locator('.ac-adaptiveCard button, .ac-adaptiveCard [role="button"]').first();
    await button.waitFor({ timeout: 60_000 });
    const cardsBefore = await tab.locator('.ac-adaptiveCard').count();
    await button.click();
    // offline-directline cannot update a card (PUT → 404), so the bot answers with a new card.
    await tab.waitForFunction(n => document.querySelectorAll('.ac-adaptiveCard').length > n, cardsBefore, { timeout: 60_000 });
    await tab.screenshot({ path: join(screenshots, 'teams-webchat-button.png'), fullPage: true });
  } finally {
    await tab.close();
  }
});
