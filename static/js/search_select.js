// The keyboard and the choice of a search-as-you-type field (parcours/core/widgets.py):
// htmx fetches the options; this script moves among them, picks one into the hidden
// input, and tells the form with a "change" event, as a select would.
(() => {
  function setUp(widget) {
    const value = widget.querySelector("[data-search-select-value]");
    const chosenList = widget.querySelector(".search-select__chosen");
    const input = widget.querySelector("[role=combobox]");
    const listbox = document.getElementById(input.getAttribute("aria-controls"));
    const status = document.getElementById(`${input.id}-status`);
    const options = () => [...listbox.querySelectorAll("[role=option][data-value]")];

    function open(isOpen) {
      listbox.hidden = !isOpen;
      input.setAttribute("aria-expanded", String(isOpen));
      if (!isOpen) activate(null);
    }

    function activate(option) {
      for (const each of options()) each.setAttribute("aria-selected", String(each === option));
      if (option) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    // Several records: the chosen one is added as a ticked box, the field emptied.
    function add(newValue, label) {
      input.value = "";
      open(false);
      const box = [...chosenList.querySelectorAll("input[type=checkbox]")].find(
        (each) => each.value === newValue,
      );
      if (box) {
        box.checked = true;
      } else {
        const item = document.createElement("li");
        const itemLabel = document.createElement("label");
        const checkbox = document.createElement("input");
        checkbox.type = "checkbox";
        checkbox.name = widget.dataset.name;
        checkbox.value = newValue;
        checkbox.checked = true;
        itemLabel.append(checkbox, ` ${label}`);
        item.append(itemLabel);
        chosenList.append(item);
      }
      status.textContent = label;
      chosenList.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function choose(newValue, label) {
      if (!value) {
        add(newValue, label);
        return;
      }
      const changed = value.value !== newValue;
      value.value = newValue;
      value.dataset.label = label;
      input.value = label;
      open(false);
      if (changed) value.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function move(step) {
      const all = options();
      if (!all.length) return;
      const current = all.indexOf(document.getElementById(input.getAttribute("aria-activedescendant")));
      activate(all[(current + step + all.length) % all.length]);
    }

    // The text typed is only a search: the form hears of the choice, not of the typing.
    input.addEventListener("change", (event) => event.stopPropagation());
    input.addEventListener("input", () => {
      if (value && input.value.trim() === "" && value.value !== "") choose("", "");
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (listbox.hidden && options().length) open(true);
        move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter" && !listbox.hidden) {
        const active = document.getElementById(input.getAttribute("aria-activedescendant"));
        if (active) {
          event.preventDefault();
          choose(active.dataset.value, active.textContent);
        }
      } else if (event.key === "Escape" && !listbox.hidden) {
        event.preventDefault();
        open(false);
      }
    });
    // Keep the focus in the field while an option is clicked.
    listbox.addEventListener("mousedown", (event) => event.preventDefault());
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option][data-value]");
      if (option) choose(option.dataset.value, option.textContent);
    });
    widget.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target === listbox) open(true);
    });
    // Leaving the field without picking shows the chosen record again.
    widget.addEventListener("focusout", (event) => {
      if (widget.contains(event.relatedTarget)) return;
      open(false);
      input.value = value ? value.dataset.label || "" : "";
    });
  }

  function setUpWithin(root) {
    const widgets = root.matches?.("[data-search-select]") ? [root] : [];
    widgets.push(...root.querySelectorAll("[data-search-select]"));
    for (const widget of widgets) {
      if (widget.dataset.searchSelectReady) continue;
      widget.dataset.searchSelectReady = "true";
      setUp(widget);
    }
  }

  // Deferred: the page is parsed; htmx.onLoad covers the content it swaps in later.
  setUpWithin(document);
  htmx.onLoad(setUpWithin);
})();
