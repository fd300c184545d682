// Django's two-list selector draws its search icons as spans with an aria-label, which a plain span may not
// carry: give them the image role their label describes (axe-core: aria-prohibited-attr).
window.addEventListener("load", function () {
  "use strict";
  window.setTimeout(function () {
    document.querySelectorAll("span.help-tooltip[aria-label], span.search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
