// The print button of the situation report's print page (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-yj-print]");
  if (button) button.addEventListener("click", () => window.print());
});
