// The warning before the session closes for inactivity (WCAG 2.2.1): the dialog of
// accounts/_session_timeout.html, opened ahead of the limit the server gave the page.
// The server stays the judge (SessionTimeoutMiddleware): this script tells the person in
// time, lets them stay ("Stay signed in" is a request, so it counts as activity), and
// says so once the limit has passed. The tabs of one browser share their activity.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const dialog = document.querySelector("[data-session-timeout]");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const ms = (name) => Number(dialog.dataset[name]) * 1000;
  const idle = ms("idle");
  const warning = ms("warning");
  // A request counts as activity, but the server records it only once a minute or so:
  // after one, the idle limit is at least this far ahead.
  const afterRequest = idle - ms("slack");
  const loaded = Date.now();
  const absoluteEnd = loaded + ms("absoluteLeft");
  let idleEnd = loaded + ms("idleLeft");
  const form = dialog.querySelector("[data-keep-alive]");
  const error = dialog.querySelector("[data-error]");
  const SHARED = "parcours:session-idle-end";
  // The server's clock decides, at the end of the limit's last second: a moment later,
  // the page is sure the session is closed.
  const MARGIN = 1000;
  let shown = ""; // "", "warning", "final" (the 12-hour limit, which nothing moves) or "expired"
  let dismissed = false; // the "final" warning, acknowledged
  let sending = false;
  let timer = 0;

  const show = (state) => {
    if (shown === state) return;
    shown = state;
    for (const part of dialog.querySelectorAll("[data-state]")) {
      part.hidden = part.dataset.state !== state;
    }
    dialog.setAttribute("aria-labelledby", `session-timeout-${state}-title`);
    dialog.setAttribute("aria-describedby", `session-timeout-${state}-text`);
    error.hidden = true;
    // Opened anew for each state, so that a screen reader announces it.
    if (dialog.open) dialog.close();
    dialog.showModal();
    dialog.querySelector(`[data-state="${state}"] [data-focus]`).focus();
  };

  const hide = () => {
    shown = "";
    if (dialog.open) dialog.close(); // the focus goes back where it was
  };

  const check = () => {
    window.clearTimeout(timer);
    if (shown === "expired") return;
    const now = Date.now();
    const end = Math.min(idleEnd, absoluteEnd);
    if (now >= end + MARGIN) {
      show("expired");
      return;
    }
    if (now < end - warning) {
      if (shown === "warning") hide(); // activity in another tab moved the limit
      timer = window.setTimeout(check, end - warning - now);
      return;
    }
    if (absoluteEnd <= idleEnd) {
      if (!dismissed) show("final");
    } else {
      show("warning");
    }
    timer = window.setTimeout(check, end + MARGIN - now);
  };

  const share = () => {
    try {
      window.localStorage.setItem(SHARED, String(idleEnd));
    } catch {
      // storage refused (a private window's settings): each tab times itself
    }
  };

  const extend = (end) => {
    if (end > idleEnd) {
      idleEnd = end;
      check();
    }
  };

  const keepAlive = async () => {
    if (sending) return;
    sending = true;
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      error.hidden = false;
      return;
    } finally {
      sending = false;
    }
    if (response.type === "opaqueredirect") {
      show("expired"); // closed meanwhile: the server sends to the sign-in page
      return;
    }
    if (!response.ok) {
      error.hidden = false;
      return;
    }
    const left = await response.json();
    idleEnd = Date.now() + left.idle_left * 1000;
    share();
    hide();
    check();
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    keepAlive();
  });
  dialog.querySelector("[data-dismiss]").addEventListener("click", () => {
    dismissed = true;
    hide();
    check();
  });
  // Escape means "I am here": it stays signed in, or acknowledges the last minutes. Once
  // the session is closed, the dialog stays: the page behind it cannot be used any more.
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    if (shown === "warning") keepAlive();
    if (shown === "final") dialog.querySelector("[data-dismiss]").click();
  });
  dialog.addEventListener("cancel", (event) => event.preventDefault());

  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) {
      extend(Date.now() + afterRequest);
      share();
    }
  });
  window.addEventListener("storage", (event) => {
    if (event.key === SHARED && event.newValue) extend(Number(event.newValue));
  });
  // Timers wait longer in a hidden tab or a sleeping computer: look again on return.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) check();
  });

  share();
  check();
});
