// New requests appear without reloading: the table is fetched again every 10 seconds
// (?partial=1: the server does not count this refresh as the staff member's activity).
setInterval(async () => {
  const url = new URL(window.location.href);
  url.searchParams.set("partial", "1");
  const response = await fetch(url, {credentials: "same-origin"});
  if (response.ok && response.redirected === false) {
    document.getElementById("queue").innerHTML = await response.text();
  }
}, 10000);
