/* zoneledger page behaviour. No inline scripts or handlers: the Content Security Policy forbids them. */
(function () {
  "use strict";

  // With scripts on, the language switch needs no button (see .js .language-go in app.css).
  document.documentElement.classList.add("js");

  // The phone's menu button opens and closes the drawer holding the navigation and tools (see .site-menu).
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (menu) {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  // Selects marked data-autosubmit (the language switch) send their form on change; the button stays for no-JS.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.requestSubmit();
    }
  });

  // A checkbox marked data-check-all="NAME" ticks or clears every enabled checkbox NAME of its form (the
  // reviewer's queue: every report of the page).
  document.addEventListener("change", function (event) {
    var all = event.target.closest("input[data-check-all]");
    if (all && all.form) {
      all.form.querySelectorAll('input[type=checkbox][name="' + all.dataset.checkAll + '"]').forEach(function (box) {
        if (!box.disabled) {
          box.checked = all.checked;
        }
      });
    }
  });

  // While htmx fetches, the part being replaced says so to screen readers (and Pico shows its spinner).
  function busy(event, state) {
    var target = event.detail.target;
    if (target && target.id) {
      target.setAttribute("aria-busy", state);
    }
  }
  document.addEventListener("htmx:beforeRequest", function (event) { busy(event, "true"); });
  document.addEventListener("htmx:afterRequest", function (event) { busy(event, "false"); });

  // htmx does not swap an error's answer: a busy database's (503, core/middleware.py) is a message for the user,
  // shown in the page's messages.
  document.addEventListener("htmx:responseError", function (event) {
    var messages = document.getElementById("messages");
    if (messages && event.detail.xhr.status === 503) {
      messages.innerHTML = event.detail.xhr.responseText;
    }
  });

  // The part an htmx request replaced, as it now stands in the page (an outerHTML swap put a new element there).
  function swappedPart(event) {
    var id = event.detail.target && event.detail.target.id;
    return id ? document.getElementById(id) : null;
  }

  // A part marked data-announce tells screen readers what changed (the ledger: how many projects match) through
  // the page's one status line, instead of having the whole new table read out.
  document.addEventListener("htmx:afterSettle", function (event) {
    var part = swappedPart(event);
    var announcer = document.getElementById("announcer");
    var summary = part && part.dataset.announce && part.querySelector(part.dataset.announce);
    if (announcer && summary) {
      announcer.textContent = summary.textContent.trim();
    }
  });

  // A swap that replaced the focused element (the button just pressed) must not drop keyboard users at the
  // top of the page: focus the first field in error, else the heading of the part that was swapped in.
  document.addEventListener("htmx:afterSettle", function (event) {
    var part = swappedPart(event);
    var focused = document.activeElement;
    if (!part || (focused && focused !== document.body && focused.isConnected)) {
      return;
    }
    var next = part.querySelector("[aria-invalid=true]") || part.querySelector("h2, h3") || part;
    if (!next.matches("input, select, textarea, button, a[href]")) {
      next.setAttribute("tabindex", "-1");
    }
    next.focus();
  });
})();
