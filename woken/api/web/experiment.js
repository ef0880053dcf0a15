// One experiment: live progress, per-fold states and logs, leaderboard, chart, pipeline, cancel.
import { scoreChart } from "./chart.js";
import { api, h, number, state, TERMINAL } from "./dom.js";

const POLL_MS = 1000;

export async function experimentPage(main, id) {
  let timer = null;
  let stopped = false;
  const logView = h("div", { id: "log" });

  async function showLog(jobId) {
    const logs = await api(`/mining/jobs/${jobId}/logs?tail=200`);
    logView.replaceChildren(h("h3", {}, `Log of job ${jobId} (${logs.algorithm}, ${logs.state})`),
      ...["stdout", "stderr"].map((stream) => [h("h4", {}, stream),
        h("pre", { class: "log", "data-stream": stream },
          logs[stream] ? logs[stream].text || "(empty)" : "(none)")]).flat());
  }

  async function refresh() {
    const e = await api(`/mining/experiments/${id}`);
    if (stopped) return;
    const ended = TERMINAL.has(e.state);
    const board = e.result && e.result.leaderboard;
    main.replaceChildren(
      h("h1", {}, `Experiment ${e.experimentId}`),
      h("p", {}, "State: ", state(e.state), " — ",
        h("progress", { id: "progress", max: e.progress.total || 1, value: e.progress.done }),
        ` ${e.progress.done}/${e.progress.total} jobs `,
        ended ? "" : h("button", { id: "cancel", onclick: async () => {
          await api(`/mining/experiments/${id}`, { method: "DELETE" });
          refresh();
        } }, "Cancel"),
        " ", h("a", { href: `/mining/experiments/${id}/leaderboard.csv` }, "leaderboard.csv")),
      e.error ? h("p", { class: "error" }, e.error) : "",
      h("h2", {}, "Leaderboard"),
      board ? leaderboard(board) : h("p", {}, "No scores yet."),
      board ? scoreChart(board) : "",
      board ? foldScores(e.result, board.metric) : "",
      pipelines(board),
      models(e.models || []),
      h("h2", {}, "Jobs"),
      ...e.progress.algorithms.map((a) => algorithm(a, showLog)),
      logView);
    if (!ended) timer = setTimeout(refresh, POLL_MS);
  }

  await refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

function leaderboard(board) {
  return h("table", { id: "leaderboard" },
    h("tr", {}, ["rank", "algorithm", `${board.metric} mean`, "std", "pooled", "note"]
      .map((c) => h("th", {}, c))),
    board.rows.map((row) => h("tr", { "data-algorithm": row.code || "" },
      h("td", {}, row.rank ?? "–"), h("td", {}, row.code || `#${row.index}`),
      h("td", {}, number(row.mean)), h("td", {}, number(row.std)),
      h("td", {}, number(row.pooled)), h("td", {}, row.reason || ""))));
}

function foldScores(result, metric) {
  // Each algorithm's score on each fold of its first k-fold validation.
  const lines = (result.data || []).filter(Boolean).map((entry) => {
    const validation = (((entry.data || {}).cells || {}).validations || {}).init || [];
    const folds = validation[0] && validation[0].data ? validation[0].data.folds || {} : {};
    return [entry.code, Object.keys(folds).sort().map((k) => (folds[k] || {})[metric])];
  }).filter(([, scores]) => scores.length);
  if (!lines.length) return "";
  const width = Math.max(...lines.map(([, scores]) => scores.length));
  return h("table", { id: "fold-scores" },
    h("tr", {}, h("th", {}, `${metric} per fold`),
      [...Array(width).keys()].map((k) => h("th", {}, `fold ${k}`))),
    lines.map(([code, scores]) => h("tr", {}, h("td", {}, code),
      scores.map((score) => h("td", {}, number(score))))));
}

function pipelines(board) {
  const chosen = board ? board.rows.filter((row) => row.pipeline) : [];
  if (!chosen.length) return "";
  return h("div", { id: "pipelines" }, h("h2", {}, "Chosen AutoML pipeline"),
    chosen.map((row) => h("pre", {}, `${row.code}: ${typeof row.pipeline === "string"
      ? row.pipeline : JSON.stringify(row.pipeline, null, 2)}`)));
}

function models(list) {
  if (!list.length) return "";
  return h("div", { id: "models" }, h("h2", {}, "Models"), h("ul", {},
    list.map((m) => h("li", {}, `${m.algorithm}: `, h("a", { href: m.href }, m.modelId)))));
}

function algorithm(entry, showLog) {
  const folds = Object.entries(entry.folds || {});
  const jobs = entry.jobs || [];
  const link = (job) => h("a", { href: "#", "data-job": job.jobId,
    onclick: (event) => { event.preventDefault(); showLog(job.jobId); } }, "log");
  return h("section", { class: "algorithm", "data-algorithm": entry.code },
    h("h3", {}, `${entry.code} `, h("progress", { max: entry.total || 1, value: entry.done }),
      ` ${entry.done}/${entry.total}`),
    h("table", { class: "folds" },
      h("tr", {}, ["step", "command", "state", ""].map((c) => h("th", {}, c))),
      jobs.map((job) => h("tr", {}, h("td", {}, job.step), h("td", {}, job.command),
        h("td", {}, state(job.state)), h("td", {}, link(job))))),
    folds.length ? h("p", {}, `${folds.length} folds`) : "");
}
