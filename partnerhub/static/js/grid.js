// The grid page: opening and closing the unit panel, focus, and the live poll.
(function () {
  "use strict";

  var panel = document.getElementById("panel");
  if (!panel) return;
  var page = panel.closest(".gp");
  var openId = null;

  function cellOf(id) {
    return id ? document.getElementById("u" + id) : null;
  }

  // Mark the cell whose panel is open; cells are replaced by live updates,
  // so the mark is put back after every swap.
  function mark() {
    var marked = document.querySelectorAll("#grid .on");
    for (var i = 0; i < marked.length; i++) {
      marked[i].classList.remove("on");
      marked[i].removeAttribute("aria-expanded");
    }
    var cell = cellOf(openId);
    if (cell) {
      cell.classList.add("on");
      cell.setAttribute("aria-expanded", "true");
    }
  }

  function shown() {
    var root = panel.querySelector(".pn");
    openId = root ? root.getAttribute("data-unit") : null;
    panel.hidden = !root;
    page.classList.toggle("open", !!root);
    mark();
  }

  function focusPanel() {
    var target = panel.querySelector("[aria-invalid=true]") || panel.querySelector("#pn-t");
    if (target) target.focus({ preventScroll: target.id === "pn-t" });
  }

  function close() {
    var id = openId;
    panel.innerHTML = "";
    shown();
    var cell = cellOf(id);
    if (cell) cell.focus();
    if (location.search.indexOf("u=") >= 0 && window.URLSearchParams) {
      var params = new URLSearchParams(location.search);
      params.delete("u");
      var query = params.toString();
      history.replaceState(history.state, "", location.pathname + (query ? "?" + query : ""));
    }
  }

  // The open unit changed under the viewer (approved, taken by someone else):
  // the live poll redrew its cell, and the panel follows, quietly, unless the
  // viewer has started filling in a form there.
  var following = false;
  var followed = null;

  function editing() {
    var fields = panel.querySelectorAll("input:not([type=hidden]), textarea");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "file" && f.files.length) return true;
      if (f.type !== "file" && f.value !== f.defaultValue) return true;
    }
    return false;
  }

  function followCell() {
    var cell = cellOf(openId);
    var badge = panel.querySelector(".pn > .st");
    var grid = document.getElementById("grid");
    if (following || !cell || !badge || !grid || !window.htmx) return;
    var seen = openId + ":" + cell.classList[0];
    // Once per change, so that a panel and a cell that disagree cannot loop.
    if (badge.classList.contains(cell.classList[0]) || seen === followed || editing()) return;
    following = true;
    followed = seen;
    window.htmx.ajax("GET", grid.getAttribute("hx-get") + "?u=" + encodeURIComponent(openId),
      { target: panel, swap: "innerHTML" }).finally(function () { following = false; });
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === panel) {
      if (!following) panel.scrollTop = 0;
      shown();
      if (!following) focusPanel();
    }
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    mark();
    setTimeout(followCell, 0);
  });

  // On a phone the open filters cover the grid: "Show" folds them away.
  document.body.addEventListener("submit", function (event) {
    var details = event.target.id === "ff" && event.target.closest("details");
    if (details && window.matchMedia("(max-width: 799.98px)").matches) details.open = false;
  });

  panel.addEventListener("click", function (event) {
    // Without JavaScript the close button reloads the page without the panel.
    if (event.target.closest("[data-close]")) {
      event.preventDefault();
      close();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) close();
  });

  // The live grid: no polls from a hidden tab; one at once when it shows again.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id === "poll" && document.hidden) event.preventDefault();
  });
  // The building was taken away from this viewer: show the page as it is now.
  document.body.addEventListener("htmx:responseError", function (event) {
    if (event.detail.elt.id === "poll" && event.detail.xhr.status === 404) location.reload();
  });
  document.addEventListener("visibilitychange", function () {
    var poll = document.getElementById("poll");
    if (!document.hidden && poll && window.htmx) window.htmx.trigger(poll, "resync");
  });

  shown();
})();
