// Sufficiency: draw Plotly figures without inline scripts (our Content Security Policy is script-src 'self').
//
// Markup (see templates/includes/govuk/chart.html):
//   <div class="app-chart__figure" data-plotly-figure="placements-chart-data"></div>
//   <script id="placements-chart-data" type="application/json">{"data": [...], "layout": {...}}</script>
// The JSON is a Plotly figure: the dict from json.loads(fig.to_json()) passed to Django's json_script.
// If the view passes fig.to_json() itself (a string), json_script double-encodes it; we accept that too.
// Every chart has a data table next to it, so a chart that cannot be drawn is not a lost page.
(function () {
  "use strict";

  // plotly.js 4 shows a "Share chart..." button by default that sends the figure to Plotly's cloud
  // (plotlyServerURL). These are council figures about children in care: never offer that.
  // The mode bar's 20px buttons fail WCAG 2.2's target-size rule, and every chart already has a data
  // table and a CSV download beside it, so the bar is hidden.
  var CONFIG = {
    responsive: true,
    displayModeBar: false,
    displaylogo: false,
    showSendToCloud: false,
    showLink: false,
    plotlyServerURL: "",
    modeBarButtonsToRemove: ["sendChartToCloud", "sendDataToCloud", "lasso2d", "select2d"],
  };

  function readFigure(scriptId) {
    var source = document.getElementById(scriptId);
    if (!source) {
      throw new Error("No figure data element with id '" + scriptId + "'");
    }
    var figure = JSON.parse(source.textContent);
    if (typeof figure === "string") {
      figure = JSON.parse(figure);
    }
    return figure;
  }

  function drawFigure(element) {
    var figure = readFigure(element.getAttribute("data-plotly-figure"));
    var layout = figure.layout || {};
    // Let the container decide the width; keep the figure's own height if it set one.
    layout.autosize = true;
    // Remove the no-JavaScript fallback text before Plotly draws into the element.
    element.textContent = "";
    return window.Plotly.newPlot(element, figure.data || [], layout, CONFIG).then(function () {
      element.setAttribute("data-plotly-drawn", "true");
    });
  }

  function drawAll() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var elements = document.querySelectorAll("[data-plotly-figure]");
    Array.prototype.forEach.call(elements, function (element) {
      try {
        drawFigure(element).catch(function (error) {
          console.error("Sufficiency: could not draw chart", error);
        });
      } catch (error) {
        console.error("Sufficiency: could not draw chart", error);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
