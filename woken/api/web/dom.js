// A tiny element builder: text goes in as text (never as HTML), so data cannot inject markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, value === true ? "" : value);
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body.message || `${response.status} ${response.statusText}`);
  return body;
}

export const TERMINAL = new Set(["completed", "cancelled", "failed"]);

export function state(value) {
  return h("span", { class: `state-${value}`, "data-state": value }, value);
}

export function number(value) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(4);
}
