// A federated run on a central: the sites' datasets, one algorithm, k-fold; the answer and
// what each site sent (aggregates only: 0 rows).
import { api, h } from "./dom.js";
import { variablePickers } from "./form.js";

export async function federatedPage(main) {
  const [{ datasets }, { algorithms }] = await Promise.all([
    api("/metadata/datasets"), api("/mining/federated/algorithms")]);
  const variablesBox = h("div", { id: "variables" });
  const message = h("p", { class: "error", id: "federated-error" });
  const output = h("div", { id: "federated-output" });
  const boxes = datasets.map((d) => h("label", {},
    h("input", { type: "checkbox", name: "dataset", value: d.code, checked: true,
      onchange: loadVariables }),
    ` ${d.label || d.code} (${d.rows}) at ${d.location ? d.location.site : "this node"}`));

  async function loadVariables() {
    const chosen = checked("dataset");
    if (!chosen.length) { variablesBox.replaceChildren(); return; }
    const { variables } = await api(
      `/metadata/variables?exhaustive=true&datasets=${encodeURIComponent(chosen.join(","))}`);
    variablesBox.replaceChildren(...variablePickers(variables));
  }

  const form = h("form", { id: "federated-form", onsubmit: submit },
    h("fieldset", {}, h("legend", {}, "Datasets (each stays at its site)"), boxes),
    variablesBox,
    h("fieldset", {}, h("legend", {}, "Algorithm"),
      h("select", { id: "federated-algorithm" },
        algorithms.map((a) => h("option", { value: a.code }, a.code))),
      h("label", {}, " k folds (predictive only, 0: none): ",
        h("input", { id: "federated-k", type: "number", value: 0, min: 0, max: 20 }))),
    h("button", { type: "submit", id: "federated-submit" }, "Run across the sites"), message);

  async function submit(event) {
    event.preventDefault();
    message.textContent = "";
    output.replaceChildren(h("p", {}, "Running…"));
    const k = Number(document.getElementById("federated-k").value);
    const body = {
      variables: [{ code: document.getElementById("target").value }],
      covariables: checked("covariable").map((code) => ({ code })),
      datasets: checked("dataset").map((code) => ({ code })),
      algorithms: [{ code: document.getElementById("federated-algorithm").value }],
      validations: k ? [{ code: "kfold", parameters: [{ code: "k", value: String(k) }] }] : [],
    };
    try {
      const answer = await api("/mining/federated", { method: "POST",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      output.replaceChildren(transfer(answer.transfer),
        ...answer.results.map((r) => h("section", { class: "federated-result" },
          h("h2", {}, r.algorithm),
          h("pre", { class: "log" }, JSON.stringify({ data: r.data, validations: r.validations },
            null, 2)))));
    } catch (error) {
      output.replaceChildren();
      message.textContent = error.message;
    }
  }

  function checked(name) {
    return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
  }

  main.replaceChildren(h("h1", {}, "Federated run"), form, output);
  await loadVariables();
}

function transfer(sites) {
  return h("table", { id: "transfer" },
    h("tr", {}, ["site", "requests", "bytes sent", "rows sent"].map((t) => h("th", {}, t))),
    Object.entries(sites).map(([site, t]) => h("tr", { "data-site": site },
      h("td", {}, site), h("td", {}, t.requests), h("td", {}, t.bytes_sent),
      h("td", { class: "rows-sent" }, t.rows_sent))));
}
