// The page's router: #/ experiments, #/experiments/ID one experiment, #/new the form,
// #/federated a federated run (on a central).
import { h } from "./dom.js";
import { experimentPage } from "./experiment.js";
import { listPage } from "./list.js";
import { formPage } from "./form.js";
import { federatedPage } from "./federated.js";

const main = document.getElementById("main");
let stop = () => {};

async function route() {
  stop();
  stop = () => {};
  const hash = location.hash || "#/";
  main.replaceChildren(h("p", {}, "Loading…"));
  try {
    const match = hash.match(/^#\/experiments\/([^/]+)$/);
    if (match) stop = await experimentPage(main, decodeURIComponent(match[1]));
    else if (hash.startsWith("#/new")) await formPage(main);
    else if (hash.startsWith("#/federated")) await federatedPage(main);
    else stop = await listPage(main, hash);
  } catch (error) {
    main.replaceChildren(h("p", { class: "error" }, String(error.message || error)));
  }
}

window.addEventListener("hashchange", route);
route();
