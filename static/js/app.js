// Small behaviours hooked on data- attributes; the pages work without them.
document.documentElement.classList.add("has-js");

document.addEventListener("DOMContentLoaded", () => {
  // The Menu button of narrow screens opens and closes the main menu.
  for (const toggle of document.querySelectorAll("[data-menu-toggle]")) {
    const menu = document.getElementById(toggle.getAttribute("aria-controls"));
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    });
  }

  // A select that submits its form on change (the button stays for keyboard and no-JS use).
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    const button = form.querySelector("[data-autosubmit-button]");
    if (button) button.classList.add("visually-hidden");
    form.addEventListener("change", () => form.requestSubmit());
  }

  // A Print button, hidden until there is a script to print with (the browser's menu
  // prints too).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
