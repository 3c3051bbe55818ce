// Registers on a poor connection: a mark that could not be sent is kept in
// localStorage and sent again when the connection comes back. Hooked on data-
// attributes only (strict CSP: no inline script); the register works without it.
(() => {
  "use strict";
  const KEY = "parcours.attendance.queue";

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY)) || {};
    } catch {
      return {};
    }
  }

  function save(queue) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(queue));
    } catch {
      // Storage full or refused: nothing more can be done here.
    }
  }

  function showCount() {
    const count = Object.keys(load()).length;
    for (const element of document.querySelectorAll("[data-attendance-pending]")) {
      const words = count === 1
        ? element.dataset.one || "mark waiting to be sent"
        : element.dataset.many || "marks waiting to be sent";
      element.textContent = `${count} ${words}`;
      element.hidden = count === 0;
    }
  }

  function rowOf(element) {
    return element.closest(".register-row");
  }

  function enqueue(input) {
    const url = input.dataset.attendanceUrl;
    if (!url) return;
    const queue = load();
    queue[url] = { status: input.value, row: rowOf(input)?.id || "", at: Date.now() };
    save(queue);
    rowOf(input)?.classList.add("register-row--pending");
    showCount();
  }

  function forget(url) {
    const queue = load();
    if (url in queue) {
      delete queue[url];
      save(queue);
    }
    showCount();
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function replaceRow(rowId, html) {
    const current = rowId && document.getElementById(rowId);
    if (!current) return;
    const parsed = new DOMParser().parseFromString(html, "text/html");
    const fresh = parsed.getElementById(rowId);
    if (!fresh) return;
    current.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    // The count of the people left to mark comes with the row (htmx swaps it out of band).
    const actions = parsed.getElementById("register-actions");
    const shown = document.getElementById("register-actions");
    if (actions && shown) {
      actions.removeAttribute("hx-swap-oob");
      shown.replaceWith(actions);
      if (window.htmx) window.htmx.process(actions);
    }
  }

  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    const token = csrfToken();
    if (!token) return; // a page without a form: wait for one that has the token
    flushing = true;
    try {
      for (const [url, item] of Object.entries(load())) {
        const body = new FormData();
        body.append("status", item.status);
        let response;
        try {
          response = await fetch(url, {
            method: "POST",
            body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": token, "HX-Request": "true" },
          });
        } catch {
          break; // still offline: try again later
        }
        if (response.ok) {
          replaceRow(item.row, await response.text());
          forget(url);
        } else if (response.status < 500) {
          forget(url); // refused for good (register validated, no access): do not insist
        }
      }
    } finally {
      flushing = false;
      showCount();
    }
  }

  function markElement(event) {
    const element = event.detail && event.detail.elt;
    return element && element.matches && element.matches("[data-attendance-mark]") ? element : null;
  }

  document.addEventListener("htmx:sendError", (event) => {
    const input = markElement(event);
    if (input) enqueue(input);
  });

  document.addEventListener("htmx:responseError", (event) => {
    const input = markElement(event);
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (input && (status === 0 || status >= 500 || status === 408 || status === 429)) {
      enqueue(input);
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const input = markElement(event);
    if (input && event.detail.successful) forget(input.dataset.attendanceUrl);
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", () => {
    showCount();
    flush();
  });
  window.setInterval(flush, 30000);
})();
