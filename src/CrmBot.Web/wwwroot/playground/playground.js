// The playground: the same engine and renderers as Teams and Slack, shown side by side.
// The Teams answer is rendered by Microsoft's adaptivecards renderer; the Slack answer by a small
// Block Kit previewer below (Slack publishes no renderer); chart PNGs are the ones Slack would get.
"use strict";

const userSelect = document.getElementById("user");
const roleBadge = document.getElementById("role");
const form = document.getElementById("ask");
const input = document.getElementById("text");
const conversation = document.getElementById("conversation");
let users = [];

async function api(path, body) {
  const response = await fetch("api/" + path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error((await response.text()) || response.statusText);
  return response.json();
}

async function loadUsers() {
  users = await api("users");
  for (const role of ["Manager", "Rep", "Admin"]) {
    const group = document.createElement("optgroup");
    group.label = role;
    for (const u of users.filter(u => u.role === role)) {
      const option = document.createElement("option");
      option.value = u.id;
      option.textContent = u.team ? `${u.name} (${u.team})` : u.name;
      group.appendChild(option);
    }
    if (group.children.length) userSelect.appendChild(group);
  }
  showRole();
}

function currentUser() { return users.find(u => String(u.id) === userSelect.value); }

function showRole() {
  const u = currentUser();
  roleBadge.textContent = u ? `${u.role}${u.team ? " · " + u.team : ""} · ${u.timeZone} · ${u.language}` : "";
  roleBadge.dataset.role = u ? u.role : "";
  loadSuggestions();
}

async function loadSuggestions() {
  const u = currentUser();
  if (!u) return;
  const list = document.getElementById("suggestions");
  list.replaceChildren(...(await api(`suggestions?userId=${u.id}`)).map(s => {
    const option = document.createElement("option");
    option.value = s;
    return option;
  }));
}

function addTurn(said) {
  const turn = document.getElementById("turn").content.firstElementChild.cloneNode(true);
  const u = currentUser();
  turn.querySelector(".said").innerHTML = `<span class="who">${escapeHtml(u ? u.name : "")}:</span> ${escapeHtml(said)}`;
  conversation.prepend(turn);
  return turn;
}

function showAnswer(turn, answer) {
  renderAdaptiveCard(turn.querySelector(".card"), answer.card);
  renderSlack(turn.querySelector(".blocks"), answer.slack, answer.chartPng);
  turn.dataset.kind = answer.kind;
}

function showError(turn, error) {
  turn.querySelector(".answers").innerHTML = `<p class="error">${escapeHtml(String(error.message || error))}</p>`;
}

async function send(text) {
  const turn = addTurn(text);
  try {
    showAnswer(turn, await api("message", { userId: Number(userSelect.value), text }));
  } catch (e) { showError(turn, e); }
}

async function act(label, verb, data) {
  const turn = addTurn(`[${label}]`);
  try {
    showAnswer(turn, await api("action", { userId: Number(userSelect.value), verb, data }));
  } catch (e) { showError(turn, e); }
}

// ---- Teams: Microsoft's renderer ----
function renderAdaptiveCard(host, cardJson) {
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig({ fontFamily: "Segoe UI, system-ui, Noto Sans CJK TC, sans-serif" });
  card.onExecuteAction = action => {
    // Action.Execute carries its verb; the Action.Submit fallback carries it in data.verb.
    const data = Object.assign({}, action.data || {});
    const verb = action.verb || data.verb;
    delete data.verb;
    if (action instanceof AdaptiveCards.OpenUrlAction) { window.open(action.url, "_blank"); return; }
    const stringData = {};
    for (const [k, v] of Object.entries(data)) if (k !== "msteams") stringData[k] = typeof v === "string" ? v : JSON.stringify(v);
    act(action.title || verb, verb, stringData);
  };
  card.parse(cardJson);
  host.replaceChildren(card.render());
}

// ---- Slack: a previewer of the blocks we send ----
function renderSlack(host, message, chartPng) {
  host.replaceChildren();
  for (const block of message.blocks || []) {
    const el = document.createElement("div");
    switch (block.type) {
      case "header": el.className = "header"; el.textContent = block.text.text; break;
      case "section":
        el.className = "section";
        if (block.text) el.innerHTML = mrkdwn(block.text.text);
        if (block.fields) {
          const fields = document.createElement("div");
          fields.className = "fields";
          for (const f of block.fields) { const d = document.createElement("div"); d.innerHTML = mrkdwn(f.text); fields.appendChild(d); }
          el.appendChild(fields);
        }
        if (block.accessory && block.accessory.type === "button") el.appendChild(slackButton(block.accessory));
        break;
      case "context":
        el.className = "context";
        el.innerHTML = (block.elements || []).map(e => e.text ? mrkdwn(e.text) : "").join(" ");
        break;
      case "divider": el.appendChild(Object.assign(document.createElement("hr"), { className: "divider" })); break;
      case "actions":
        el.className = "actions";
        for (const e of block.elements || []) if (e.type === "button") el.appendChild(slackButton(e));
        break;
      case "image": {
        const img = document.createElement("img");
        img.alt = block.alt_text || "";
        img.src = block.image_url || (chartPng ? "data:image/png;base64," + chartPng : "");
        el.appendChild(img);
        break;
      }
      case "table": {
        const table = document.createElement("table");
        for (const row of block.rows || []) {
          const tr = table.insertRow();
          for (const cell of row) tr.insertCell().textContent = cell.text || "";
        }
        el.appendChild(table);
        break;
      }
      default: el.className = "context"; el.textContent = `[${block.type}]`;
    }
    host.appendChild(el);
  }
  if (chartPng && !(message.blocks || []).some(b => b.type === "image")) {
    const img = document.createElement("img");
    img.alt = "chart";
    img.src = "data:image/png;base64," + chartPng;
    host.appendChild(img);
  }
}

function slackButton(element) {
  const button = document.createElement("button");
  button.textContent = element.text.text;
  if (element.style === "primary") button.className = "primary";
  button.onclick = () => {
    if (element.url) { window.open(element.url, "_blank"); return; }
    const verb = element.action_id.split(":")[0];
    let data = {};
    try { data = JSON.parse(element.value || "{}"); } catch { /* a plain value */ }
    act(element.text.text, verb, data);
  };
  return button;
}

function mrkdwn(text) {
  return escapeHtml(text)
    .replace(/&lt;(https?:[^|&]+)\|([^&]+?)&gt;/g, '<a href="$1" target="_blank">$2</a>')
    .replace(/\*([^*\n]+)\*/g, "<b>$1</b>")
    .replace(/(^|\s)_([^_\n]+)_/g, "$1<i>$2</i>")
    .replace(/~([^~\n]+)~/g, "<s>$1</s>");
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

userSelect.addEventListener("change", showRole);
form.addEventListener("submit", e => {
  e.preventDefault();
  const text = input.value.trim();
  if (text) { input.value = ""; send(text); }
});
loadUsers().catch(e => { conversation.innerHTML = `<p class="error">${escapeHtml(e.message)}</p>`; });
