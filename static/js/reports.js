// The impact report's charts, drawn from the accessible tables under them, and its print
// button. Without this file the tables and the browser's own print still work.
(function () {
  "use strict";

  const MAX_BARS = 25;

  function number(cell) {
    const text = cell ? cell.dataset.value : "";
    return text === "" || text === undefined ? null : Number(text);
  }

  function drawChart(canvas) {
    const table = document.getElementById(canvas.dataset.chartTable);
    if (!table || typeof Chart === "undefined") return;
    const unit = canvas.dataset.chartUnit;
    const headers = Array.from(table.querySelectorAll("thead th[data-series]"));
    const rows = Array.from(table.querySelectorAll("tbody tr"))
      .filter((row) => row.dataset.unit === unit)
      .slice(0, MAX_BARS);
    if (rows.length === 0) {
      canvas.closest("figure").hidden = true;
      return;
    }
    const labels = rows.map((row) => row.querySelector("th").textContent.trim());
    const colours = { previous: "#9aa5b1", current: "#0d6efd" };
    const datasets = headers.map((header) => {
      const column = header.cellIndex;
      return {
        label: header.textContent.trim(),
        data: rows.map((row) => number(row.cells[column])),
        backgroundColor: colours[header.dataset.series],
      };
    });
    const indexAxis = rows.length > 6 ? "y" : "x";
    const valueAxis = indexAxis === "y" ? "x" : "y";
    const scale = unit === "score" ? { min: 0, max: 5 } : { beginAtZero: true, ticks: { precision: 0 } };
    new Chart(canvas, {
      type: "bar",
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis,
        scales: { [valueAxis]: scale },
      },
    });
    canvas.dataset.rendered = "yes";
  }

  document.querySelectorAll("canvas[data-chart-table]").forEach(drawChart);
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
})();
