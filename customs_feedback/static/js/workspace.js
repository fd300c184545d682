// Django's two-list selector draws its search icons as spans with an aria-label, which a plain span may not
// carry: give them the image role their label describes (axe-core: aria-prohibited-attr).
window.addEventListener("load", function () {
  "use strict";
  window.setTimeout(function () {
    document.querySelectorAll("span.help-tooltip[aria-label], span.search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // An autocomplete (select2) is named by the label of the field it stands for.
    document.querySelectorAll("select.admin-autocomplete[id]").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var box = select.nextElementSibling && select.nextElementSibling.querySelector("[role=combobox]");
      if (label && box && !box.hasAttribute("aria-label")) {
        box.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      }
    });
  }, 0);
});
