// Sufficiency: start GOV.UK Frontend's components (service navigation menu, error summary focus,
// notification banners, details, etc.). Loaded by base.html as <script type="module">, so it only runs
// in browsers that GOV.UK Frontend supports; older browsers get the working no-JavaScript pages.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// Board reports published before their tables were wrapped in a scrolling region keep their frozen
// markup: there a wide table scrolls sideways by itself (static/css/print.css), so it must take keyboard
// focus to be scrolled without a mouse, as the region does.
document.querySelectorAll(".app-report-section > table.app-report-table").forEach((table) => {
  table.setAttribute("tabindex", "0");
});
