// custodes review pages: keyboard shortcuts and scrolling the evidence into view.
// Served from the app's own origin, as the Content-Security-Policy requires. The forms work without it.
(function () {
  "use strict";

  // Bring the highlighted evidence into the middle of the document box.
  var box = document.getElementById("document");
  var mark = document.getElementById("evidence");
  if (box && mark) {
    box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3);
  }

  function typing(element) {
    if (!element || element === document.body) { return false; }
    var tag = element.tagName;
    return element.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  var sent = false;
  document.addEventListener("keydown", function (event) {
    if (sent || event.defaultPrevented || event.repeat || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (typing(event.target) || typing(document.activeElement)) { return; }
    if (event.key === "e") {
      var edit = document.getElementById("edit");
      if (edit) {
        event.preventDefault();
        edit.open = true;
        var first = edit.querySelector("input:not([type=hidden]), select");
        if (first) { first.focus(); }
      }
      return;
    }
    if (event.key !== "a" && event.key !== "r") { return; }
    var form = document.querySelector('form[data-shortcut="' + event.key + '"]');
    if (!form) { return; }
    event.preventDefault();
    sent = true;  // one decision per page, however often the key is pressed
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  });
})();
