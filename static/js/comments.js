/* Comments: progressive enhancement only. Everything works without this file. */
(function () {
  "use strict";
  var DRAFTS = "newsroom.draft.";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // The page after an accepted post names the reply target whose draft is done with.
  var posted = document.querySelector("[data-draft-posted]");
  if (posted && storage()) {
    try {
      storage().removeItem(DRAFTS + posted.dataset.draftArticle + "." + posted.dataset.draftPosted);
    } catch (e) { /* storage disabled */ }
  }

  var form = document.getElementById("comment-form");
  if (!form) return;
  var STORE = "newsroom.commenter";
  var respond = document.getElementById("respond");
  var home = document.getElementById("respond-home");
  var title = document.getElementById("reply-title");
  var cancel = document.getElementById("cancel-reply");
  var parent = form.elements.parent;
  var remember = form.elements.remember;
  var fields = { name: "author_name", email: "author_email", url: "author_url" };

  // An error summary takes the focus, so the commenter hears and sees what to fix.
  var summary = document.getElementById("comment-errors");
  if (summary) summary.focus();

  // Remembered details: only in this browser, and only with the commenter's consent.
  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE)); } catch (e) { return null; }
  }
  var saved = load();
  if (saved && remember) {
    Object.keys(fields).forEach(function (key) {
      var input = form.elements[fields[key]];
      if (input && !input.value && saved[key]) input.value = saved[key];
    });
    remember.checked = true;
  }
  form.addEventListener("submit", function () {
    try {
      if (remember && remember.checked) {
        var data = {};
        Object.keys(fields).forEach(function (key) { data[key] = form.elements[fields[key]].value; });
        window.localStorage.setItem(STORE, JSON.stringify(data));
      } else {
        window.localStorage.removeItem(STORE);
      }
    } catch (e) { /* storage disabled: nothing is remembered */ }
  });

  // A fresh signed timestamp when the page is shown: a cached page's own token may be hours
  // old, and the "too fast" check counts from when the reader saw the form.
  if (form.dataset.tokenUrl && window.fetch) {
    window.fetch(form.dataset.tokenUrl, { credentials: "omit", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.token) form.elements.token.value = data.token; })
      .catch(function () { /* the page's own token still works */ });
  }

  // Drafts: what is typed is kept in this browser, per article and per comment replied to,
  // until the comment is accepted, so a reload, a crash or a refused post loses nothing.
  var DRAFT_FIELDS = ["body", "author_name", "author_email", "author_url"];
  function draftKey() {
    return DRAFTS + form.dataset.draft + "." + ((parent && parent.value) || "0");
  }
  function saveDraft() {
    var store = storage();
    if (!store || !form.dataset.draft) return;
    var data = {};
    var typed = false;
    DRAFT_FIELDS.forEach(function (name) {
      var input = form.elements[name];
      data[name] = input ? input.value : "";
      if (name === "body" && data[name].trim()) typed = true;
    });
    try {
      if (typed) store.setItem(draftKey(), JSON.stringify(data));
      else store.removeItem(draftKey());
    } catch (e) { /* storage full or disabled */ }
  }
  function restoreDraft() {
    var store = storage();
    if (!store || !form.dataset.draft) return;
    var data;
    try { data = JSON.parse(store.getItem(draftKey())); } catch (e) { data = null; }
    if (!data) return;
    DRAFT_FIELDS.forEach(function (name) {
      var input = form.elements[name];
      if (input && !input.value && data[name]) input.value = data[name];
    });
  }
  restoreDraft();
  form.addEventListener("input", saveDraft);

  // Replies: the form moves under the comment being answered.
  if (!respond || !cancel) return;
  function setTitle(text) { title.firstChild.nodeValue = text + " "; }
  function replyTo(link) {
    var item = document.getElementById("comment-" + link.dataset.commentId);
    if (!item) return false;
    item.querySelector(".comment-body").after(respond);
    saveDraft();
    parent.value = link.dataset.commentId;
    if (!form.elements.body.value) restoreDraft();
    setTitle(form.dataset.replyLabel + " " + link.dataset.author);
    cancel.hidden = false;
    form.elements.body.focus();
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link && replyTo(link)) event.preventDefault();
  });
  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    home.after(respond);
    saveDraft();
    parent.value = "";
    if (!form.elements.body.value) restoreDraft();
    setTitle(form.dataset.defaultLabel);
    cancel.hidden = true;
    if (window.location.search.indexOf("replyto=") !== -1) {
      window.history.replaceState(null, "", window.location.pathname + "#respond");
    }
    form.elements.body.focus();
  });
})();
