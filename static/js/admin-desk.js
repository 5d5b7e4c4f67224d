// The article form remembers what it looked like when loaded, and asks before a page with
// unsaved changes is left. Saving (any submit button, the workflow ones included) is not
// leaving: the guard is off once the form is being submitted.
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
  const desk = (window.newsroomDesk = {
    form,
    snapshot,
    isDirty: () => loaded !== null && !submitting && snapshot() !== loaded,
    markSaved: () => {
      loaded = snapshot();
    },
  });

  // After every script has run, so the editors have drawn their content.
  window.addEventListener("load", () => setTimeout(desk.markSaved, 0));
  form.addEventListener("submit", () => {
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
});
