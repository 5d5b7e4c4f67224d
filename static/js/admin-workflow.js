// The publish button says "Schedule" while the chosen time is in the future.
// Without script it keeps the label the server chose; the server decides either way.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("publish-at");
  const button = input && input.form.querySelector("button[data-later-label]");
  if (!button) return;
  const update = () => {
    const later = input.value && new Date(input.value) > new Date();
    button.textContent = later ? button.dataset.laterLabel : button.dataset.nowLabel;
  };
  input.addEventListener("input", update);
  update();
});
