// Sufficiency: start GOV.UK Frontend's components (service navigation menu, error summary focus,
// notification banners, details, etc.). Loaded by base.html as <script type="module">, so it only runs
// in browsers that GOV.UK Frontend supports; older browsers get the working no-JavaScript pages.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
