// The conversation page: a canned reply fills the reply box; under the box, for SMS, the
// parts and encoding counted by the gateway (POST /console/segments).
const box = document.getElementById("reply");
const canned = document.getElementById("canned");
const counter = document.getElementById("counter");

if (box && canned) {
  canned.addEventListener("change", () => {
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
