// The article form remembers what it looked like when loaded, and asks before a page with
// unsaved changes is left. Saving (any submit button, the workflow ones included) is not
// leaving: the guard is off once the form is being submitted.
//
// After a few seconds without typing, the unsaved state is sent to the admin's autosave
// address: a copy kept for this person and article, never a save of the article. A copy
// kept earlier is offered back by the page; "Restore" fills the form without saving.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("article_form");
  if (!form) return;

  // Everything the server would receive, plus the rich-text editors' own content, which
  // they copy into their fields only from time to time.
  const snapshot = () => {
    const fields = [];
    for (const [name, value] of new FormData(form)) {
      if (name === "csrfmiddlewaretoken") continue;
      fields.push([name, typeof value === "string" ? value : value.name]);
    }
    for (const editor of form.querySelectorAll(".ProseMirror")) {
      fields.push(["_editor", editor.innerHTML]);
    }
    return JSON.stringify(fields);
  };

  let loaded = null;
  let submitting = false;
  // A form sent back with errors holds what was typed, not what is stored: unsaved as shown.
  const refused = form.querySelector(".errornote") !== null;
  const desk = (window.newsroomDesk = {
    form,
    snapshot,
    isDirty: () =>
      !submitting && loaded !== null && (refused || snapshot() !== loaded),
    markSaved: () => {
      loaded = snapshot();
    },
  });

  // After every script has run, so the editors have drawn their content.
  window.addEventListener("load", () => setTimeout(desk.markSaved, 0));
  form.addEventListener("submit", (event) => {
    // The Preview button posts the form to a new tab: this page stays, unsaved, and open.
    if (event.submitter?.formTarget === "_blank") return;
    submitting = true;
  });
  // A submit the browser cancels (a page kept in the back/forward cache) arms it again.
  window.addEventListener("pageshow", () => {
    submitting = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!desk.isDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // The form as field names to lists of values, for the autosave copy.
  const state = () => {
    const fields = {};
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== "string" || name === "csrfmiddlewaretoken") continue;
      (fields[name] = fields[name] || []).push(value);
    }
    return fields;
  };

  const restore = (kept) => {
    const seen = {};
    for (const element of form.elements) {
      const name = element.name;
      if (!name || name === "csrfmiddlewaretoken" || element.type === "file") continue;
      if (["submit", "button", "reset"].includes(element.type)) continue;
      const values = kept[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.tagName === "SELECT" && element.multiple) {
        for (const option of element.options) option.selected = values.includes(option.value);
      } else if (name in kept) {
        // Several inputs of one name take the values in order.
        const index = seen[name] || 0;
        seen[name] = index + 1;
        element.value = values[index] ?? "";
      } else {
        continue;
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
    for (const view of form.querySelectorAll(".ProseMirror")) {
      const field = view.closest(".prose-editor")?.querySelector("textarea");
      if (!field || !(field.name in kept)) continue;
      const html = kept[field.name][0] || "";
      if (view.editor) view.editor.commands.setContent(html);
      field.value = html;
    }
  };

  const config = document.getElementById("desk-config");
  if (!config) return;
  const token = form.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  const idle = Number(config.dataset.idleMs) || 3000;
  const status = document.createElement("p");
  status.className = "autosave-status";
  status.setAttribute("role", "status");
  form.querySelector(".submit-row")?.after(status);
  let timer = null;
  let lastSent = null;

  const send = () => {
    timer = null;
    if (!desk.isDirty()) return;
    const json = JSON.stringify(state());
    if (json === lastSent) return;
    const body = new FormData();
    body.append("article", config.dataset.article);
    body.append("new_key", config.dataset.newKey);
    body.append("state", json);
    fetch(config.dataset.autosaveUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    })
      .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
      .then(({ ok, data }) => {
        if (!ok) throw new Error(data.error);
        lastSent = json;
        status.textContent = `Unsaved changes kept as a copy at ${data.label}.`;
      })
      .catch((error) => {
        status.textContent = `No copy kept: ${error.message}`;
      });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(send, idle);
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", (event) => {
    if (event.submitter?.formTarget !== "_blank") clearTimeout(timer);
  });

  const offer = document.getElementById("autosave-offer");
  const keptState = document.getElementById("autosave-state");
  const restoreButton = document.getElementById("autosave-restore");
  if (offer && keptState && restoreButton) {
    restoreButton.hidden = false;
    restoreButton.addEventListener("click", () => {
      restore(JSON.parse(keptState.textContent));
      offer.hidden = true;
      status.textContent = "Restored the unsaved changes. Save to keep them.";
    });
  }
});

// Every ~30 seconds the change page says it is still open, and shows who else has it open.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("presence");
  const form = document.getElementById("article_form");
  if (!panel || !form) return;
  const token = form.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  const beat = () => {
    fetch(panel.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data) return;
        panel.replaceChildren(
          ...data.others.map((text) => {
            const line = document.createElement("p");
            line.textContent = text;
            return line;
          }),
        );
      })
      .catch(() => {});
  };
  setInterval(beat, Number(panel.dataset.heartbeatMs) || 30000);
});
