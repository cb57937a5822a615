// The technician's steps survive a flaky connection (上门服务 in basements and lift shafts).
// Every <form data-step-form> is captured on submit: its fields, its photo (scaled down) and the signature drawn on
// its <canvas data-signature>, with fresh idempotency keys ([data-fresh] inputs). The step goes to a queue in
// localStorage and the queue is sent in order, now and whenever the network is back; the server applies a key once,
// so a step that arrived but whose answer was lost is simply answered again. A step the server refuses is dropped
// from the queue and its reason shown; when the queue is empty after something was applied, the page reloads.
(() => {
  const box = document.querySelector("[data-pending-box]");
  if (!box) return;
  const STORE = `anxin.steps.${box.dataset.owner}`;
  const MAX_PHOTO_SIDE = 1600;
  const RETRY_MS = 8000;
  const text = (name) => document.querySelector(`template[data-text="${name}"]`).content.textContent.trim();
  const load = () => JSON.parse(localStorage.getItem(STORE) || "[]");
  const save = (queue) => localStorage.setItem(STORE, JSON.stringify(queue));
  const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

  function render() {
    const queue = load();
    box.hidden = queue.length === 0;
    box.querySelector("[data-pending]").replaceChildren(...queue.map((step) => {
      const item = document.createElement("li");
      item.textContent = step.label;
      return item;
    }));
  }

  const origins = new Map(); // step key → the form it came from, while this page lives: errors go next to fields

  function showRefusal(step, answer) {
    const message = answer.message || answer.error || String(answer);
    const form = origins.get(step.fields.step_key)
      || document.querySelector(`form[data-step-form][action="${step.url}"]`);
    const field = answer.detail && answer.detail.field;
    const slot = form && field ? form.querySelector(`[data-error-for="${field}"]`) : null;
    if (slot) slot.textContent = message;
    const job = form && form.closest(".job");
    if (job) job.querySelector("[data-step-errors]").textContent = `${step.label}: ${message}`;
    else alert(`${step.label}: ${message}`);
  }

  const asDataUrl = (file) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

  async function photoDataUrl(file) {
    // Phones take 4–12 MB photos; 1600 px JPEG keeps the fault readable and the queue within localStorage.
    // What the browser cannot decode goes as it is: the server judges it by its bytes and says why it refuses.
    const bitmap = await createImageBitmap(file).catch(() => null);
    if (!bitmap) return asDataUrl(file);
    const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.85);
  }

  function locate(form) {
    return new Promise((resolve) => {
      if (!navigator.geolocation) return resolve();
      navigator.geolocation.getCurrentPosition((found) => {
        form.elements.latitude.value = found.coords.latitude;
        form.elements.longitude.value = found.coords.longitude;
        form.elements.accuracy.value = found.coords.accuracy;
        resolve();
      }, () => resolve(), { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
    });
  }

  async function capture(form) {
    for (const input of form.querySelectorAll("[data-fresh]")) input.value = newKey();
    const fields = {};
    const files = {};
    for (const [name, value] of new FormData(form)) {
      if (value instanceof File) {
        if (value.size) files[name] = await photoDataUrl(value);
      } else {
        fields[name] = value;
      }
    }
    const pad = form.querySelector("canvas[data-signature]");
    if (pad && pad.dataset.signed) files.file = pad.toDataURL("image/png");
    const named = fields.name ? ` · ${fields.name}` : "";
    return { url: form.getAttribute("action"), fields, files, label: form.dataset.stepLabel + named };
  }

  function body(step) {
    // The page's own CSRF token, not the one kept with the step: after logging in again the old one is void.
    const fields = { ...step.fields, csrf_token: document.querySelector("input[name=csrf_token]").value };
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    for (const [name, url] of Object.entries(step.files)) {
      const [head, base64] = url.split(",");
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const type = head.slice(5, head.indexOf(";"));
      data.append(name, new Blob([bytes], { type }), type === "image/png" ? "signature.png" : "photo.jpg");
    }
    return data;
  }

  let sending = false;
  async function flush() {
    if (sending) return;
    sending = true;
    let applied = false;
    let refused = false;
    try {
      for (let queue = load(); queue.length; queue = load()) {
        const step = queue[0];
        let response;
        try {
          response = await fetch(step.url, { method: "POST", body: body(step), headers: { Accept: "application/json" } });
        } catch {
          break; // no network: keep the queue, try again later
        }
        if (response.status >= 500 || response.status === 429 || response.status === 401) break; // try again later
        if (response.ok) {
          applied = true;
        } else {
          refused = true;
          showRefusal(step, await response.json().catch(() => ({})));
        }
        save(load().filter((kept) => kept.fields.step_key !== step.fields.step_key));
      }
    } finally {
      sending = false;
      render();
    }
    if (applied && !refused && load().length === 0) location.reload();
  }

  function enqueue(step) {
    try {
      save([...load(), step]);
    } catch {
      alert(text("storage-full")); // a full localStorage: the step is not kept, so say so
      return false;
    }
    render();
    return true;
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-step-form]");
    if (!form) return;
    event.preventDefault();
    for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
    const pad = form.querySelector("canvas[data-signature]");
    if (pad && !pad.dataset.signed) {
      form.querySelector('[data-error-for="signature"]').textContent = text("sign-first");
      return;
    }
    if (form.hasAttribute("data-locate")) {
      await locate(form);
      if (!form.elements.latitude.value && !form.elements.note.value.trim()) {
        form.querySelector('[data-error-for="note"]').textContent = text("no-position");
        return;
      }
    }
    const step = await capture(form);
    origins.set(step.fields.step_key, form);
    if (enqueue(step)) flush();
  });

  for (const pad of document.querySelectorAll("canvas[data-signature]")) {
    const ratio = window.devicePixelRatio || 1;
    pad.width = pad.clientWidth * ratio;
    pad.height = pad.clientHeight * ratio;
    const pen = pad.getContext("2d");
    pen.scale(ratio, ratio);
    pen.lineWidth = 2.5;
    pen.lineCap = "round";
    pen.fillStyle = "#fff";
    pen.fillRect(0, 0, pad.width, pad.height);
    let drawing = false;
    const at = (event) => {
      const edge = pad.getBoundingClientRect();
      return [event.clientX - edge.left, event.clientY - edge.top];
    };
    pad.addEventListener("pointerdown", (event) => {
      drawing = true;
      pad.setPointerCapture(event.pointerId);
      pen.beginPath();
      pen.moveTo(...at(event));
    });
    pad.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      pen.lineTo(...at(event));
      pen.stroke();
      pad.dataset.signed = "yes";
    });
    pad.addEventListener("pointerup", () => { drawing = false; });
    pad.closest("form").querySelector("[data-signature-clear]").addEventListener("click", () => {
      pen.fillRect(0, 0, pad.width, pad.height);
      delete pad.dataset.signed;
    });
  }

  window.addEventListener("online", flush);
  setInterval(() => { if (load().length) flush(); }, RETRY_MS);
  render();
  flush();
})();
