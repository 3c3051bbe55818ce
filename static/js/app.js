// Small behaviours hooked on data- attributes; the pages work without them.
document.addEventListener("DOMContentLoaded", () => {
  // A select that submits its form on change (the button stays for keyboard and no-JS use).
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    const button = form.querySelector("[data-autosubmit-button]");
    if (button) button.classList.add("visually-hidden");
    form.addEventListener("change", () => form.requestSubmit());
  }
});
