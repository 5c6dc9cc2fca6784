// Loaded synchronously as the first element of <body> (base.html). GOV.UK Frontend's CSS and JavaScript
// only enhance components when <body> has these classes. This replaces the inline snippet in GOV.UK
// Frontend's page template, which our Content Security Policy (script-src 'self') would block.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
