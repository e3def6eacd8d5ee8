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

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === panel) {
      panel.scrollTop = 0;
      shown();
      focusPanel();
    }
  });
  document.body.addEventListener("htmx:afterSettle", mark);

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
