// The browser's location, only when the supervisor asks for it.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("locate");
  const form = document.getElementById("report-form");
  if (!button || !form || !navigator.geolocation) return;
  const status = document.getElementById("located");
  button.addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        status.textContent = button.dataset.done;
      },
      () => { status.textContent = button.dataset.failed; },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });
});
