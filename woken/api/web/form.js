// A form that builds an experiment from the metadata and the catalogue, then submits it.
import { api, h } from "./dom.js";

// The target (a select) and the covariables (check boxes) of a request, from the metadata.
export function variablePickers(variables) {
  return [
    h("fieldset", {}, h("legend", {}, "Target"),
      h("select", { id: "target", name: "target" },
        variables.map((v) => h("option", { value: v.code }, `${v.label} (${v.type})`)))),
    h("fieldset", { id: "covariables" }, h("legend", {}, "Covariables"),
      variables.map((v) => h("label", {}, h("input", { type: "checkbox", name: "covariable",
        value: v.code }), ` ${v.label}`)))];
}

export async function formPage(main) {
  const [{ datasets }, catalogue] = await Promise.all([
    api("/metadata/datasets"), api("/mining/algorithms")]);
  const variablesBox = h("div", { id: "variables" });
  const message = h("p", { class: "error", id: "form-error" });
  let variables = [];

  const datasetBoxes = datasets.map((d, i) => h("label", {},
    h("input", { type: "checkbox", name: "dataset", value: d.code, checked: i === 0,
      onchange: loadVariables }), ` ${d.label || d.code} (${d.rows})`));

  async function loadVariables() {
    const chosen = checked("dataset");
    if (!chosen.length) { variablesBox.replaceChildren(); return; }
    ({ variables } = await api(
      `/metadata/variables?datasets=${encodeURIComponent(chosen.join(","))}`));
    variablesBox.replaceChildren(...variablePickers(variables));
  }

  const algorithms = catalogue.algorithms.map((a) => h("div", { class: "algorithm-choice" },
    h("label", {}, h("input", { type: "checkbox", name: "algorithm", value: a.code }),
      ` ${a.label} `, a.predictive ? "" : h("small", {}, "(descriptive)")),
    a.parameters.map((p) => h("label", {}, ` ${p.label}: `,
      h("input", { name: `param-${a.code}-${p.code}`, value: p.default_value ?? "", size: 6,
        "data-algorithm": a.code, "data-parameter": p.code })))));

  const kfold = catalogue.validations.find((v) => v.code === "kfold");
  const form = h("form", { id: "experiment-form", onsubmit: submit },
    h("fieldset", {}, h("legend", {}, "Datasets"), datasetBoxes),
    variablesBox,
    h("fieldset", {}, h("legend", {}, "Filters (jQuery QueryBuilder JSON, optional)"),
      h("textarea", { id: "filters", rows: 3, cols: 70 })),
    h("fieldset", { id: "algorithms" }, h("legend", {}, "Algorithms"), algorithms),
    h("fieldset", {}, h("legend", {}, "Validation"),
      h("label", {}, "k folds: ", h("input", { id: "k", type: "number", value: 3,
        min: kfold ? kfold.parameters[0].min : 2, max: kfold ? kfold.parameters[0].max : 20 }))),
    h("button", { type: "submit", id: "submit" }, "Run experiment"), message);

  async function submit(event) {
    event.preventDefault();
    message.textContent = "";
    const target = document.getElementById("target");
    const filters = document.getElementById("filters").value.trim();
    const chosen = checked("algorithm");
    const body = {
      variables: target ? [{ code: target.value }] : [],
      covariables: checked("covariable").map((code) => ({ code })),
      grouping: [],
      datasets: checked("dataset").map((code) => ({ code })),
      filters: filters ? filters : "",
      algorithms: chosen.map((code) => ({ code, name: code, parameters:
        [...form.querySelectorAll(`input[data-algorithm="${code}"]`)]
          .filter((input) => input.value !== "")
          .map((input) => ({ code: input.dataset.parameter, value: input.value })) })),
      validations: [{ code: "kfold", name: "kfold",
        parameters: [{ code: "k", value: document.getElementById("k").value }] }],
    };
    try {
      const accepted = await api("/mining/experiment?async=true", { method: "POST",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      location.hash = `#/experiments/${accepted.experimentId}`;
    } catch (error) {
      message.textContent = error.message;
    }
  }

  function checked(name) {
    return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
  }

  main.replaceChildren(h("h1", {}, "New experiment"), form);
  await loadVariables();
}
