// Assigning an inquiry: the official drop-down offers only the officials of the branch chosen above it.
(function () {
  "use strict";
  function setUp() {
    var branch = document.getElementById("id_branch");
    var assignee = document.getElementById("id_assignee");
    if (!branch || !assignee) { return; }
    var groups = Array.prototype.slice.call(assignee.querySelectorAll("optgroup"));
    function show() {
      var chosen = branch.options[branch.selectedIndex];
      var code = chosen && chosen.value ? chosen.text.split(" ")[0] : "";
      groups.forEach(function (group) {
        var match = !code || group.label.split(" ")[0] === code;
        group.hidden = !match;
        group.disabled = !match;
      });
      var selected = assignee.options[assignee.selectedIndex];
      if (selected && selected.parentNode.disabled) { assignee.value = ""; }
    }
    branch.addEventListener("change", show);
    show();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
})();
