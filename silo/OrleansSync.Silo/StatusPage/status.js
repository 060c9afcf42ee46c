// The status page: what the API says, kept current by its event feed. Built with the DOM's own methods
// (textContent, never innerHTML), so nothing an upstream sends can run here.
"use strict";

const api = "/api/v1";
const terminal = new Set(["succeeded", "failed", "cancelled"]);
const state = { projects: [], tasks: new Map(), runs: new Map(), deadLetters: [], budgets: [] };
let renderQueued = false;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "onclick") node.addEventListener("click", value);
    else if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}

function lower(value) { return String(value ?? "").toLowerCase(); }
function time(value) { return value ? new Date(value).toLocaleTimeString() : "-"; }
function number(value) { return value === null || value === undefined ? "-" : Number(value).toLocaleString(); }
// A streaming task's lag behind its source, red with the limit's name once over it.
function lagCell(lag) {
  if (!lag) return el("td", {}, "-");
  const text = `${number(lag.bytes)} B, ${Number(lag.seconds).toFixed(1)} s`;
  return lag.overLimit ? el("td", { class: "status status-over", title: `over MaxSlotLag (${number(lag.limit)} bytes)` }, text + " OVER MaxSlotLag") : el("td", {}, text);
}
function statusCell(value) { return el("td", { class: "status status-" + lower(value).replace(/[^a-z]/g, "") }, lower(value) || "-"); }

function say(text, kind) {
  const message = document.getElementById("message");
  message.textContent = text;
  message.dataset.kind = kind || "info";
  message.hidden = !text;
}

function token() { return sessionStorage.getItem("orleanssync.token") || ""; }

async function read(path) {
  const response = await fetch(api + path, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return response.json();
}

// A change through the API: the Bearer credential when one was kept; the API answers problems with a 'detail'.
async function act(path, body) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token()) headers.Authorization = "Bearer " + token();
  const response = await fetch(api + path, { method: "POST", headers, body: JSON.stringify(body || {}) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    say(answer.detail || `${path} answered ${response.status}`, "error");
    return null;
  }
  return answer;
}

async function startSync(projectId) {
  const answer = await act(`/projects/${encodeURIComponent(projectId)}/syncs`, {});
  if (answer) {
    say(`${answer.alreadyRunning ? "Joined" : "Started"} run ${answer.runId} of ${projectId}.`);
    await loadProjects();
  }
}

async function controlTask(taskId, action) {
  const answer = await act(`/tasks/${encodeURIComponent(taskId)}/${action}`);
  if (answer) {
    say(`Task ${taskId}: ${action} done, now ${lower(answer.status)}.`);
    mergeTask({ taskId, status: lower(answer.status) });
  }
}

function mergeTask(change) {
  const task = Object.assign(state.tasks.get(change.taskId) || {}, change);
  state.tasks.set(change.taskId, task);
  if (terminal.has(task.status)) task.endedAt = task.endedAt || Date.now();
  queueRender();
}

function mergeRun(run) {
  state.runs.set(run.runId, Object.assign(state.runs.get(run.runId) || {}, run));
  queueRender();
}

async function loadProjects() {
  state.projects = await read("/projects");
  for (const project of state.projects) {
    for (const run of [project.lastRun, project.currentRun]) {
      if (run) mergeRun({ runId: run.runId, projectId: run.projectId, trigger: run.trigger, status: lower(run.status), startedAt: run.startedAt, finishedAt: run.finishedAt });
    }
  }
  queueRender();
}

async function loadTasks() {
  for (const status of ["running", "queued"]) {
    for (const row of await read(`/tasks?status=${status}&limit=500`)) {
      const lag = row.lagBytes === null || row.lagBytes === undefined ? null
        : { bytes: row.lagBytes, seconds: row.lagSeconds, limit: row.lagLimit, overLimit: row.lagOverLimit };
      mergeTask({ taskId: row.taskId, projectId: row.projectId, stream: row.stream, status: row.status, percent: row.percent,
        records: row.recordsRead, recordsPerSecond: row.recordsPerSecond, eta: row.eta, breaker: row.breaker, lag });
    }
  }
}

async function loadDeadLetters() { state.deadLetters = await read("/deadletters?limit=20"); queueRender(); }
// The cluster report: the rate budgets, and each streaming task's lag as its task measures it now.
async function loadCluster() {
  const cluster = await read("/cluster");
  state.budgets = cluster.rateBudgets;
  for (const l of cluster.replicationLags) {
    if (l.lag) mergeTask({ taskId: l.taskId, projectId: l.projectId, stream: l.stream, status: l.status, lag: l.lag });
  }
  queueRender();
}

async function loadAll() {
  try {
    await Promise.all([loadProjects(), loadTasks(), loadDeadLetters(), loadCluster()]);
  } catch (error) {
    say(`Could not read the API: ${error.message}`, "error");
  }
}

// A burst of events (a schedule starting every project at once) asks for one reload a second, not one per event.
function coalesced(load) {
  let due = null;
  return () => {
    if (due === null) due = setTimeout(() => { due = null; load().catch(() => {}); }, 1000);
  };
}

const reloadProjects = coalesced(loadProjects);
const reloadDeadLetters = coalesced(loadDeadLetters);

function subscribe() {
  const feed = document.getElementById("feed");
  const events = new EventSource(api + "/events");
  const on = (type, handle) => events.addEventListener(type, message => handle(JSON.parse(message.data)));
  on("ready", () => { feed.dataset.state = "live"; feed.textContent = "live"; });
  on("progress", e => mergeTask({ taskId: e.taskId, projectId: e.projectId, stream: e.stream, status: lower(e.status), percent: e.percent,
    records: e.records, recordsPerSecond: e.recordsPerSecond, eta: e.eta, breaker: lower(e.breaker) }));
  on("run", e => {
    mergeRun({ runId: e.runId, projectId: e.projectId, trigger: e.trigger, status: lower(e.status), startedAt: e.startedAt, finishedAt: e.finishedAt });
    reloadProjects();
  });
  on("breaker", reloadProjects);
  on("deadletter", reloadDeadLetters);
  on("reset", () => loadAll());
  events.onerror = () => { feed.dataset.state = "down"; feed.textContent = "reconnecting"; };
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

function fill(id, rows, columns) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { class: "empty", colspan: columns }, "None."))]));
}

function render() {
  fill("projects", state.projects.map(p => {
    const id = p.spec.projectId;
    const last = p.currentRun || p.lastRun;
    return el("tr", { "data-project-id": id },
      el("td", { class: "name", title: id }, id + (p.paused ? " (paused)" : "")),
      el("td", {}, p.spec.source),
      el("td", {}, p.schedule ? `every ${p.schedule.every}, next ${time(p.schedule.nextTickAt)}` : "-"),
      statusCell(p.breaker ? p.breaker.phase : "closed"),
      last ? statusCell(last.status) : el("td", {}, "-"),
      el("td", {}, el("button", { class: "sync", onclick: () => startSync(id) }, "Sync")));
  }), 6);

  // Ended tasks stay a minute, so an outcome is seen before it goes.
  const now = Date.now();
  const tasks = [...state.tasks.values()].filter(t => !t.endedAt || now - t.endedAt < 60000).sort((a, b) => a.taskId.localeCompare(b.taskId));
  fill("tasks", tasks.map(t => {
    const percent = t.percent === null || t.percent === undefined ? null : Math.max(0, Math.min(100, t.percent));
    const running = t.status === "running" || t.status === "queued" || t.status === "waiting";
    return el("tr", { "data-task-id": t.taskId, "data-project-id": t.projectId, "data-status": t.status },
      el("td", { class: "name", title: `${t.projectId} ${t.stream}` }, el("div", {}, t.stream), el("small", {}, t.projectId)),
      el("td", {}, el("div", { class: "bar", "data-percent": percent ?? "" },
        el("span", { style: `width:${percent ?? 0}%` }), el("b", {}, percent === null ? lower(t.status) : `${percent.toFixed(0)}% ${lower(t.status)}`))),
      el("td", {}, number(t.records)),
      el("td", {}, t.recordsPerSecond ? Number(t.recordsPerSecond).toFixed(1) : "-"),
      el("td", {}, time(t.eta)),
      lagCell(t.lag),
      statusCell(t.breaker || "closed"),
      el("td", {},
        running ? el("button", { onclick: () => controlTask(t.taskId, "pause") }, "Pause") : "",
        t.status === "paused" ? el("button", { onclick: () => controlTask(t.taskId, "resume") }, "Resume") : "",
        terminal.has(t.status) ? "" : el("button", { onclick: () => controlTask(t.taskId, "cancel") }, "Cancel")));
  }), 8);

  const runs = [...state.runs.values()].sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt))).slice(0, 20);
  fill("runs", runs.map(r => el("tr", { "data-run-id": r.runId, "data-project-id": r.projectId, "data-status": r.status },
    el("td", { class: "name", title: r.runId }, r.runId), el("td", { class: "name", title: r.projectId }, r.projectId), el("td", {}, r.trigger), statusCell(r.status),
    el("td", {}, time(r.startedAt)), el("td", {}, time(r.finishedAt)))), 6);

  fill("deadletters", state.deadLetters.map(d => el("tr", {},
    el("td", {}, time(d.lastSeenAt)), el("td", {}, d.projectId), el("td", {}, d.stream), el("td", {}, d.recordKey || "-"),
    el("td", { class: "reason" }, d.reason), el("td", {}, number(d.occurrences)))), 6);

  fill("budgets", state.budgets.flatMap(b => b.error
    ? [el("tr", {}, el("td", {}, b.credential), el("td", { colspan: 6 }, b.error))]
    : b.families.map(f => el("tr", {},
      el("td", {}, b.credential), el("td", {}, f.family), el("td", {}, Number(f.callsPerSecond).toFixed(1)),
      el("td", {}, `${f.limit} per ${f.windowSeconds} s`), el("td", {}, number(f.inUse)), el("td", {}, number(f.waiting)), el("td", {}, number(f.throttled))))), 7);
}

document.getElementById("token-form").addEventListener("submit", event => {
  event.preventDefault();
  const input = document.getElementById("token");
  sessionStorage.setItem("orleanssync.token", input.value);
  input.value = "";
  say(token() ? "Credential kept for this tab." : "Credential cleared.");
});

loadAll().then(subscribe);
setInterval(() => loadCluster().catch(() => {}), 5000);
setInterval(() => loadProjects().catch(() => {}), 15000);
setInterval(queueRender, 5000);
