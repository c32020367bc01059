// Every console page of a staff member who sees the queue: every 15 seconds it asks the
// gateway which requests wait and which conversations are theirs (numbers only, never a
// tenant's words), and tells them about a new request (urgent ones marked), or a
// conversation a colleague passed to them, by a browser notification and a short sound
// (once they allowed both with the button) and by the tab's title.
const body = document.body;
const POLL_MS = 15000;

function remembered(key) {
  const value = sessionStorage.getItem(key);
  return value === null ? null : new Set(JSON.parse(value));
}

function remember(key, ids) {
  sessionStorage.setItem(key, JSON.stringify([...ids]));
}

let audio = null;
function beep(urgent) {
  if (!audio) return;
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  tone.frequency.value = urgent ? 880 : 660;
  volume.gain.value = 0.15;
  tone.connect(volume).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + (urgent ? 0.6 : 0.25));
}

function tell(title, tag, urgent) {
  beep(urgent);
  if ("Notification" in window && Notification.permission === "granted") {
    new Notification(title, {tag, requireInteraction: urgent});
  }
}

function showTitle(waiting) {
  const base = document.title.replace(/^\(\d+\) /, "");
  document.title = waiting > 0 ? `(${waiting}) ${base}` : base;
}

async function poll() {
  const response = await fetch(`${body.dataset.alerts}?partial=1`, {credentials: "same-origin"});
  if (!response.ok || response.redirected) return;
  const now = await response.json();
  const seen = remembered("alerts:waiting");
  const mine = remembered("alerts:mine");
  if (seen !== null) {
    for (const id of now.waiting.filter((id) => !seen.has(id))) {
      const urgent = now.urgent.includes(id);
      tell(`${urgent ? body.dataset.alertUrgent : body.dataset.alertNew} #${id}`, `handoff-${id}`, urgent);
    }
  }
  if (mine !== null) {
    for (const id of now.mine.filter((id) => !mine.has(id))) {
      tell(`${body.dataset.alertAssigned} #${id}`, `mine-${id}`, now.urgent.includes(id));
    }
  }
  const again = remembered("alerts:again");
  if (again !== null) {
    for (const id of now.again.filter((id) => !again.has(id))) {
      tell(`${body.dataset.alertAgain} #${id}`, `again-${id}`, false);
    }
  }
  remember("alerts:again", new Set(now.again));
  // what this staff member claims themselves is theirs without a notification
  remember("alerts:waiting", new Set([...(seen || []), ...now.waiting]));
  remember("alerts:mine", new Set(now.mine));
  showTitle(now.waiting.length);
}

// a claim from this tab is not news to its author
document.addEventListener("submit", (event) => {
  const match = event.target.action && event.target.action.match(/handoffs\/(\d+)\/claim$/);
  if (match) {
    const mine = remembered("alerts:mine") || new Set();
    mine.add(Number(match[1]));
    remember("alerts:mine", mine);
  }
});

const button = document.getElementById("alerts-on");
if (button) {
  button.hidden = false;
  if (localStorage.getItem("alerts:on") === "1") button.textContent = body.dataset.alertsEnabled;
  button.addEventListener("click", async () => {
    audio = audio || new AudioContext();
    if ("Notification" in window && Notification.permission === "default") {
      await Notification.requestPermission();
    }
    localStorage.setItem("alerts:on", "1");
    button.textContent = body.dataset.alertsEnabled;
    beep(false);
  });
}
if (localStorage.getItem("alerts:on") === "1" && "AudioContext" in window) {
  audio = new AudioContext();  // plays once the browser allows it (after a first click)
}

if (body.dataset.alerts) {
  poll();
  setInterval(poll, POLL_MS);
}
