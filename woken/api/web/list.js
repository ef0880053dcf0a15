// The experiments, newest first, a page at a time, with their state and progress.
import { api, h, state, TERMINAL } from "./dom.js";

const PAGE = 10;

export async function listPage(main, hash) {
  const offset = Number(new URLSearchParams(hash.split("?")[1] || "").get("offset") || 0);
  const page = await api(`/mining/experiments?limit=${PAGE}&offset=${offset}`);
  const details = await Promise.all(page.items.map(
    (e) => api(`/mining/experiments/${e.experimentId}`).catch(() => null)));
  const rows = page.items.map((e, i) => {
    const progress = details[i] ? details[i].progress : { done: 0, total: 0 };
    return h("tr", { "data-experiment": e.experimentId },
      h("td", {}, h("a", { href: `#/experiments/${e.experimentId}` }, e.experimentId)),
      h("td", {}, state(e.state)),
      h("td", {}, h("progress", { max: progress.total || 1, value: progress.done }),
        ` ${progress.done}/${progress.total}`),
      h("td", {}, e.algorithms.join(", ")),
      h("td", {}, e.createdAt.replace("T", " ").slice(0, 19)),
      h("td", {}, e.user || "—"));
  });
  const last = Math.max(0, Math.ceil(page.total / PAGE) - 1), current = Math.floor(offset / PAGE);
  main.replaceChildren(
    h("h1", {}, "Experiments"),
    h("p", {}, h("a", { href: "#/new" }, "New experiment")),
    h("table", { id: "experiments" },
      h("tr", {}, ["experiment", "state", "progress", "algorithms", "created", "user"]
        .map((c) => h("th", {}, c))),
      rows),
    h("p", {},
      current > 0 ? h("a", { href: `#/?offset=${(current - 1) * PAGE}` }, "← newer") : "",
      ` page ${current + 1} of ${last + 1} (${page.total} experiments) `,
      current < last ? h("a", { href: `#/?offset=${(current + 1) * PAGE}` }, "older →") : ""));
  // Refresh while any experiment on the page runs.
  if (page.items.some((e) => !TERMINAL.has(e.state))) {
    const timer = setTimeout(() => listPage(main, hash), 2000);
    return () => clearTimeout(timer);
  }
  return () => {};
}
