// Writing aids on the article form: the body's words and reading time, the headline's and
// standfirst's lengths against where search results and social cards cut them, and both
// previews, kept in step with the typing. The page renders the same figures on the server
// (articles/admin/aids.py holds the rules), so without this script they show as loaded.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("writing-aids");
  const form = document.getElementById("article_form");
  if (!panel || !form) return;

  const field = (name) => form.querySelector(`[name="${name}"]`);
  const text = (name) => (field(name)?.value || "").replace(/\s+/g, " ").trim();
  const show = (name, value) => {
    const element = panel.querySelector(`[data-aid="${name}"]`);
    if (element && element.textContent !== value) element.textContent = value;
  };

  // Whole words up to the limit, then "…": as articles.admin.aids.cut.
  const cut = (value, limit) => {
    if (value.length <= limit) return value;
    let head = value.slice(0, limit - 1);
    if (value[limit - 1] !== " " && head.includes(" ")) {
      head = head.slice(0, head.lastIndexOf(" "));
    }
    return head.replace(/[ ,;:.|-]+$/, "") + "…";
  };

  // The body's words as the article's save counts them: block ends break words apart.
  const parser = new DOMParser();
  const bodyHtml = () => {
    const editor = form.querySelector(".prose-editor .ProseMirror[contenteditable]");
    return editor ? editor.innerHTML : field("body")?.value || "";
  };
  const countWords = (html) => {
    const spaced = html.replace(/<\/(p|h2|h3|h4|li|blockquote|figcaption)>|<br\s*\/?>/gi, "\n");
    const words = parser.parseFromString(spaced, "text/html").body.textContent || "";
    return words.split(/\s+/).filter(Boolean).length;
  };
  const perMinute = Number(panel.dataset.wordsPerMinute) || 230;

  const setCount = (output, length) => {
    const limit = Number(output.dataset.limit);
    const over = length > limit;
    const label = `${length}/${limit}`;
    if (output.dataset.shown === `${label}${over}`) return;
    output.dataset.shown = `${label}${over}`;
    output.classList.toggle("is-over", over);
    output.textContent = label;
    if (over) {
      const note = document.createElement("span");
      note.className = "visually-hidden";
      note.textContent = " characters, over the limit";
      output.append(note);
    }
  };

  const update = () => {
    const words = countWords(bodyHtml());
    const minutes = Math.max(1, Math.ceil(words / perMinute));
    const wordsOutput = document.getElementById("aid-words");
    const summary = `${words} ${words === 1 ? "word" : "words"} · ${minutes} min read`;
    if (wordsOutput && wordsOutput.textContent !== summary) wordsOutput.textContent = summary;

    for (const output of panel.querySelectorAll("output[data-source]")) {
      const input = document.getElementById(output.dataset.source);
      setCount(output, (input?.value || "").replace(/\s+/g, " ").trim().length);
    }

    const headline = text("headline");
    const standfirst = text("standfirst");
    const section = field("section");
    const sectionName = section?.value ? section.selectedOptions[0]?.textContent.trim() : "";
    const title = [headline, sectionName, panel.dataset.siteName].filter(Boolean).join(" | ");
    const slug = /^[-a-zA-Z0-9_]+$/.test(text("slug")) ? text("slug") : "slug";
    show("crumbs", `${panel.dataset.crumbsBase} › ${slug}`);
    const limits = panel.dataset;
    show("search-title", cut(title, Number(limits.searchTitleLimit)));
    show("search-description", cut(standfirst, Number(limits.searchDescriptionLimit)));
    show("social-title", cut(headline, Number(limits.socialTitleLimit)));
    show("social-description", cut(standfirst, Number(limits.socialDescriptionLimit)));
  };

  let pending = false;
  const later = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      update();
    });
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // The body editor changes its own markup, which fires no input event on toolbar commands.
  new MutationObserver(later).observe(form, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  update();
});
