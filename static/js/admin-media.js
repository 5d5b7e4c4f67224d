// The focal point: a click on the picture sets the two numbers below it and moves the
// marker and the crop outlines. Without script the numbers are typed; the server makes the
// crops either way when the form is saved.
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.getElementById("focal-picker");
  const inputX = document.querySelector("input[data-focal='x']");
  const inputY = document.querySelector("input[data-focal='y']");
  if (!picker || !inputX || !inputY) return;
  const width = Number(picker.dataset.width);
  const height = Number(picker.dataset.height);
  const marker = document.getElementById("focal-marker");
  const clamp = (value, low, high) => Math.max(low, Math.min(value, high));

  // The same box as newsroom/images.py focal_crop_box.
  const box = (ratio, fx, fy) => {
    let w = width, h = height;
    if (width / height > ratio) w = Math.max(1, Math.min(width, Math.round(height * ratio)));
    else h = Math.max(1, Math.min(height, Math.round(width / ratio)));
    const x = clamp(Math.round(fx * width - w / 2), 0, width - w);
    const y = clamp(Math.round(fy * height - h / 2), 0, height - h);
    return { x, y, w, h };
  };

  const show = (fx, fy) => {
    marker.setAttribute("cx", Math.round(fx * width));
    marker.setAttribute("cy", Math.round(fy * height));
    for (const rect of picker.querySelectorAll("rect[data-ratio]")) {
      const b = box(Number(rect.dataset.ratio), fx, fy);
      rect.setAttribute("x", b.x);
      rect.setAttribute("y", b.y);
      rect.setAttribute("width", b.w);
      rect.setAttribute("height", b.h);
    }
  };

  picker.addEventListener("click", (event) => {
    const area = picker.getBoundingClientRect();
    const fx = clamp((event.clientX - area.left) / area.width, 0, 1);
    const fy = clamp((event.clientY - area.top) / area.height, 0, 1);
    inputX.value = fx.toFixed(3);
    inputY.value = fy.toFixed(3);
    inputX.dispatchEvent(new Event("change", { bubbles: true }));
    show(fx, fy);
  });
  const typed = () => {
    const fx = Number(inputX.value), fy = Number(inputY.value);
    if (fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1) show(fx, fy);
  };
  inputX.addEventListener("input", typed);
  inputY.addEventListener("input", typed);
});
