// itdesk — a little progressive enhancement; every page works without it.
(function () {
  "use strict";
  // Select-all in the queue's bulk form.
  var all = document.getElementById("select-all");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll('#tickets input[name="t"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
  // Keyboard shortcuts, listed on "?".
  var help = document.getElementById("shortcuts");
  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  var keys = {
    "/": function () {
      var s = document.querySelector('input[type="search"]');
      if (s) { s.focus(); return true; }
      return false;
    },
    "n": function () { location.href = "/tickets/new"; return true; },
    "m": function () { location.href = "/my/tickets"; return true; }
  };
  if (document.querySelector('header.top a[href="/queue"]')) {
    keys.q = function () { location.href = "/queue"; return true; };
    keys.d = function () { location.href = "/dashboard"; return true; };
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) { return; }
    if (e.key === "?" && help) {
      help.hidden = !help.hidden;
      e.preventDefault();
      return;
    }
    if (e.key === "Escape" && help) { help.hidden = true; return; }
    var act = keys[e.key];
    if (act && act()) { e.preventDefault(); }
  });
})();

// Asset forms: show only the custom fields of the chosen model's category.
(function () {
  var model = document.querySelector("select.model-choice");
  if (!model) { return; }
  function sync() {
    var opt = model.options[model.selectedIndex];
    var category = opt ? opt.getAttribute("data-category") : null;
    var boxes = document.querySelectorAll(".custom-field");
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      b.hidden = !!category && b.getAttribute("data-category") !== category;
    }
  }
  model.addEventListener("change", sync);
  sync();
})();

// The labels page: a print button (without JavaScript: the browser's own).
(function () {
  var b = document.getElementById("print");
  if (!b) { return; }
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
})();

// The ticket page: a saved reply goes into the message at the cursor.
(function () {
  var pick = document.getElementById("canned");
  var body = document.getElementById("reply-body");
  var button = document.getElementById("insert-canned");
  if (!pick || !body) { return; }
  if (button) { button.hidden = true; }
  pick.addEventListener("change", function () {
    var opt = pick.options[pick.selectedIndex];
    var text = opt ? opt.getAttribute("data-text") : null;
    if (!text) { return; }
    var at = body.selectionStart || 0;
    var before = body.value.slice(0, at);
    var after = body.value.slice(body.selectionEnd || at);
    var gap = before && !/\n\n$/.test(before) ? "\n\n" : "";
    body.value = before + gap + text + after;
    var caret = (before + gap + text).length;
    body.focus();
    body.setSelectionRange(caret, caret);
    pick.selectedIndex = 0;
  });
})();
