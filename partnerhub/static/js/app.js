// Behaviour shared by every page: htmx answers that are not 2xx, and toasts.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) return;
    // Forms with errors (422) and conflicts (409) carry HTML meant for the
    // user: swap them in. Any other error (an oversize upload, too many
    // sign-ins...) becomes a toast with the message the server sent.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "409", swap: true, error: false },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
  });

  function toast(message) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast toast-error";
    item.setAttribute("role", "alert");
    item.textContent = message;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  function messageFrom(xhr) {
    var text = xhr && xhr.responseText;
    if (text) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var found = doc.querySelector(".toast p, h1");
      if (found) return found.textContent.trim();
    }
    return document.body.dataset.errorMessage || "Error";
  }

  document.addEventListener("htmx:responseError", function (event) {
    toast(messageFrom(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.offlineMessage || "Network error");
  });
})();
