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

  // A select that submits its form when chosen with a pointer. With the keyboard, the
  // arrows go through a closed list one option at a time: sending at the first one would
  // leave the page before the choice is made (WCAG 3.2.2), so the button shows instead.
  // While hidden, the button is out of the Tab order: no invisible stop.
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    const button = form.querySelector("[data-autosubmit-button]");
    const showButton = (shown) => {
      button.classList.toggle("visually-hidden", !shown);
      button.tabIndex = shown ? 0 : -1;
    };
    let byKeyboard = false;
    if (button) showButton(false);
    form.addEventListener("keydown", () => { byKeyboard = true; });
    form.addEventListener("pointerdown", () => { byKeyboard = false; });
    form.addEventListener("change", () => {
      if (byKeyboard && button) {
        showButton(true);
      } else {
        form.requestSubmit();
      }
    });
  }

  // A Print button, hidden until there is a script to print with (the browser's menu
  // prints too).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
