// Scores per algorithm as an inline SVG: a bar for the mean over folds, a whisker for ± std.
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes, text) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

export function scoreChart(board) {
  const rows = board.rows.filter((row) => row.mean !== null && row.mean !== undefined);
  const width = 120 + rows.length * 110, height = 260, top = 20, bottom = 40, left = 50;
  const low = Math.min(0, ...rows.map((r) => r.mean - (r.std || 0)));
  const high = Math.max(1e-9, ...rows.map((r) => r.mean + (r.std || 0)));
  const y = (value) => top + (height - top - bottom) * (high - value) / (high - low);
  const chart = svg("svg", { class: "chart", width, height, role: "img",
    "aria-label": `${board.metric} per algorithm, mean ± std over folds` });
  chart.append(svg("line", { x1: left, x2: width - 10, y1: y(0), y2: y(0), stroke: "#888" }));
  for (const tick of [low, (low + high) / 2, high]) {
    chart.append(svg("text", { x: 4, y: y(tick) + 4 }, tick.toFixed(2)));
  }
  rows.forEach((row, i) => {
    const x = left + 20 + i * 110, barWidth = 60;
    chart.append(svg("rect", { x, width: barWidth, y: Math.min(y(row.mean), y(0)),
      height: Math.abs(y(0) - y(row.mean)), fill: "#4a78b5", "data-algorithm": row.code }));
    if (row.std) {
      const cx = x + barWidth / 2;
      chart.append(svg("line", { x1: cx, x2: cx, y1: y(row.mean - row.std),
        y2: y(row.mean + row.std), stroke: "#1d2330", "stroke-width": 2 }));
      for (const end of [row.mean - row.std, row.mean + row.std]) {
        chart.append(svg("line", { x1: cx - 8, x2: cx + 8, y1: y(end), y2: y(end),
          stroke: "#1d2330", "stroke-width": 2 }));
      }
    }
    chart.append(svg("text", { x, y: height - bottom + 16 }, row.code));
    chart.append(svg("text", { x, y: height - bottom + 30 }, row.mean.toFixed(3)));
  });
  chart.append(svg("text", { x: left, y: 12 }, `${board.metric} (mean ± std over folds)`));
  return chart;
}
