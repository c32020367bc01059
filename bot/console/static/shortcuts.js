// Keyboard shortcuts, listed behind "?" (never while typing in a field):
//   queue: j / k next / previous request, c claim it, o open it;
//   conversation: r reply, i internal note, x close, q back to the queue;
//   everywhere: / find a conversation, ? this list.
// Single keys can get in the way (voice control, WCAG 2.1.4): the list has a switch that
// turns the letters off for this browser ("?" stays, to turn them on again).
const dialog = document.getElementById("shortcuts");
const toggle = document.getElementById("shortcuts-toggle");
const OFF = "shortcuts:off";

function showToggle() {
  if (!toggle) return;
  const off = localStorage.getItem(OFF) === "1";
  toggle.textContent = off ? toggle.dataset.turnOn : toggle.dataset.turnOff;
  toggle.setAttribute("aria-pressed", off ? "false" : "true");
}

if (toggle) {
  toggle.addEventListener("click", () => {
    localStorage.setItem(OFF, localStorage.getItem(OFF) === "1" ? "0" : "1");
    showToggle();
  });
  showToggle();
}

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

function requests() {
  return [...document.querySelectorAll("li[data-handoff]")];
}

function current() {
  return document.activeElement && document.activeElement.closest("li[data-handoff]");
}

function step(by) {
  const rows = requests();
  if (!rows.length) return;
  const at = rows.indexOf(current());
  const next = rows[Math.max(0, Math.min(rows.length - 1, at + by))] || rows[0];
  const link = next.querySelector("a");
  if (link) link.focus();
}

function press(selector) {
  const row = current();
  const target = row && row.querySelector(selector);
  if (target) target.click();
}

function focusField(id) {
  const field = document.getElementById(id);
  if (!field) return false;
  field.scrollIntoView({block: "center"});
  field.focus();
  return true;
}

const KEYS = {
  "?": () => dialog && (dialog.open ? dialog.close() : dialog.showModal()),
  "/": () => window.location.assign("/console/conversations"),
  j: () => step(1),
  k: () => step(-1),
  c: () => press("form[action$='/claim'] button"),
  o: () => press("a[href^='/console/handoffs/']"),
  r: () => focusField("reply"),
  i: () => focusField("note"),
  x: () => focusField("close_reason"),
  q: () => window.location.assign("/console/"),
};

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const action = KEYS[event.key];
  if (!action || (event.key !== "?" && localStorage.getItem(OFF) === "1")) return;
  event.preventDefault();
  action();
});
