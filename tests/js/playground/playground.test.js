// The first ten minutes, as a newcomer meets CrmBot: the run command's host serves the playground,
// and the answers render in Microsoft's Adaptive Cards renderer in a real browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startBot, launchChromium, artifacts } from "../support/bot.js";

const screenshots = path.join(artifacts, "screenshots");
let bot, browser, page, users, pageHeaders;
// Anything the browser blocks under the playground's Content-Security-Policy (reported on the console).
const cspViolations = [];

// Hooks have no time limit of their own in node:test; a hung start-up or shutdown must fail, not hang.
before(async () => {
  mkdirSync(screenshots, { recursive: true });
  bot = await startBot();
  users = await (await fetch(`${bot.url}/playground/api/users`)).json();
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on("console", m => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  pageHeaders = (await page.goto(`${bot.url}/playground`)).headers();
  await page.waitForSelector("#user option", { state: "attached" });
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  await bot?.stop();
}, { timeout: 60_000 });

async function ask(userId, text) {
  await page.selectOption("#user", String(userId));
  const before = await page.locator(".turn").count();
  await page.fill("#text", text);
  await page.click("#ask button");
  await page.waitForFunction(n => {
    const turns = document.querySelectorAll(".turn");
    return turns.length > n && turns[0].querySelector(".ac-adaptiveCard, .error");
  }, before, { timeout: 30_000 });
  const turn = page.locator(".turn").first();
  assert.equal(await turn.locator(".error").count(), 0, await turn.innerText());
  return turn;
}

test("the playground lists demo users of every role, with their role shown", async () => {
  const roles = new Set(users.map(u => u.role));
  for (const role of ["Rep", "Manager", "Admin"]) assert.ok(roles.has(role), `a demo ${role} exists`);
  await page.selectOption("#user", String(users.find(u => u.role === "Manager").id));
  assert.match(await page.textContent("#role"), /Manager/);
});

test("a manager asks \"team leaderboard\" and sees their team's reps in the Teams card", async () => {
  const manager = users.find(u => u.role === "Manager" && u.team);
  const teamReps = users.filter(u => u.role === "Rep" && u.team === manager.team).map(u => u.name);
  const otherReps = users.filter(u => u.role === "Rep" && u.team !== manager.team).map(u => u.name);
  const turn = await ask(manager.id, "team leaderboard");
  const card = await turn.locator(".teams .card").innerText();
  assert.ok(teamReps.some(name => card.includes(name)), `the card names a rep of ${manager.team}:\n${card}`);
  assert.ok(!otherReps.some(name => card.includes(name)), "no rep of another team is listed");
  assert.ok(card.includes(manager.team), "the card states its scope");
  assert.ok((await turn.locator(".slack .blocks").innerText()).length > 0, "the Slack version is shown beside it");
  await page.screenshot({ path: path.join(screenshots, "playground-leaderboard.png"), fullPage: false });
});

test("a rep asks 本季失去的機會 and gets a zh-TW answer for this quarter; a card button works", async () => {
  const rep = users.find(u => u.role === "Rep");
  const turn = await ask(rep.id, "本季失去的機會");
  const card = await turn.locator(".teams .card").innerText();
  assert.match(card, /\d{4}年第[1-4]季/, `the period is written the Taiwanese way:\n${card}`);
  await page.screenshot({ path: path.join(screenshots, "playground-lost-zh-TW.png") });

  const turns = await page.locator(".turn").count();
  // A button that acts at once (not one that opens a form inside the card, marked "expandable").
  const button = turn.locator(".teams .card .ac-pushButton:not(.expandable)").first();
  assert.ok(await button.count() > 0, "the card offers at least one action");
  await button.click();
  await page.waitForFunction(n => {
    const all = document.querySelectorAll(".turn");
    return all.length > n && all[0].querySelector(".ac-adaptiveCard, .error");
  }, turns, { timeout: 30_000 });
  const followUp = page.locator(".turn").first();
  assert.equal(await followUp.locator(".error").count(), 0, await followUp.innerText());
  assert.ok((await followUp.locator(".teams .card").innerText()).trim().length > 0, "the button's answer is a card");
  await page.screenshot({ path: path.join(screenshots, "playground-button.png") });
});

test("the playground runs under a policy that allows only this host's scripts, with nothing blocked", async () => {
  const policy = pageHeaders["content-security-policy"] || "";
  assert.match(policy, /script-src 'self'(;|$)/, policy);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/, policy);
  assert.equal(pageHeaders["x-frame-options"], "DENY");
  // The tests above asked questions and clicked a card button under this policy: nothing may have been blocked.
  assert.deepEqual(cspViolations, []);
});
