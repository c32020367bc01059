// The conversation page: new entries (a tenant's message, a colleague's note, a delivery
// report) appear every 5 seconds without a reload, with a notification when the tenant
// wrote; a canned reply fills the reply box (asking first when it would replace a typed
// text); under the box, for SMS, the parts and encoding counted by the gateway.
const box = document.getElementById("reply");
const canned = document.getElementById("canned");
const counter = document.getElementById("counter");
const transcript = document.getElementById("transcript");
const news = document.getElementById("transcript-news");

if (box && canned) {
  let chosen = canned.value;
  canned.addEventListener("change", () => {
    const typed = box.value.trim();
    if (typed && typed !== chosen.trim() && !window.confirm(canned.dataset.confirm)) {
      canned.value = "";
      return;
    }
    chosen = canned.value;
    box.value = canned.value;
    box.dispatchEvent(new Event("input"));
  });
}

if (box && counter) {
  const csrf = box.form.querySelector('input[name="csrf"]').value;
  box.addEventListener("input", async () => {
    const body = new URLSearchParams({message: box.value, csrf});
    const response = await fetch("/console/segments", {method: "POST", body});
    if (!response.ok) return;
    const size = await response.json();
    const warning = size.gsm7 ? "" : ` — ${counter.dataset.unicodeWarning}`;
    counter.textContent = `${size.segments} ${counter.dataset.segments}${warning}`;
  });
}

async function newEntries() {
  const after = transcript.dataset.lastEntry;
  const url = `/console/handoffs/${transcript.dataset.handoff}/entries?after=${after}&partial=1`;
  const response = await fetch(url, {credentials: "same-origin"});
  if (!response.ok || response.redirected) return;
  const holder = document.createElement("div");
  holder.innerHTML = await response.text();
  const failed = holder.querySelector('[data-part="undelivered"]');
  const box = document.getElementById("undelivered-box");
  if (failed && box && failed.innerHTML.trim() !== box.innerHTML.trim()) {
    box.innerHTML = failed.innerHTML;  // a reply the provider refused: its alert and retry
  }
  const added = [...holder.querySelectorAll("[data-entry]")];
  if (!added.length) return;
  added.forEach((entry) => transcript.appendChild(entry));
  transcript.dataset.lastEntry = added[added.length - 1].dataset.entry;
  if (added.some((entry) => entry.classList.contains("tenant"))) {
    const title = `${transcript.dataset.newMessage} #${transcript.dataset.handoff}`;
    news.textContent = title;
    if ("Notification" in window && Notification.permission === "granted") {
      new Notification(title, {tag: `entry-${transcript.dataset.handoff}`});
    }
  }
}

if (transcript) setInterval(newEntries, 5000);
