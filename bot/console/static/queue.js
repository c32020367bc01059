// New requests appear without reloading: the list is fetched again every 10 seconds
// (?partial=1: the server does not count this refresh as the staff member's activity).
// It is replaced only when it changed, and keyboard focus stays on the same button or
// link; the counts are said in one short status line, not the whole list again.
const queue = document.getElementById("queue");
const status = document.getElementById("queue-status");

function sayCounts() {
  const list = queue.querySelector("[data-count]");
  if (!list || !status) return;
  const text = list.dataset.statusText
    ? `${list.dataset.count} ${list.dataset.statusText}, ${list.dataset.urgent} ${list.dataset.urgentText}`
    : list.textContent.trim();
  if (status.textContent !== text) status.textContent = text;
}

setInterval(async () => {
  const url = new URL(window.location.href);
  url.searchParams.set("partial", "1");
  const response = await fetch(url, {credentials: "same-origin"});
  if (!response.ok || response.redirected) return;
  const html = await response.text();
  if (html === queue.dataset.last) return;
  queue.dataset.last = html;
  const focused = queue.contains(document.activeElement) ? document.activeElement.id : null;
  queue.innerHTML = html;
  if (focused) {
    // a request someone else took has no claim button any more: its link keeps the place
    const again =
      document.getElementById(focused) ||
      document.getElementById(focused.replace(/^claim-/, "open-"));
    if (again) again.focus();
  }
  sayCounts();
}, 10000);
sayCounts();
