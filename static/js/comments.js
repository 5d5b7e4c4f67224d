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

  // What the discussion asks of the server waits until the reader comes near it, so an
  // article's first paint requests nothing for comments. `nearby(element, work)` runs work
  // once, when element comes within a screen or so of the viewport (at once in a browser
  // without IntersectionObserver, or when the page opens at #comments), and returns a
  // function that runs it now.
  function nearby(element, work) {
    var done = false;
    var observer = null;
    function run() {
      if (observer) observer.disconnect();
      if (!done) { done = true; work(); }
    }
    if (!("IntersectionObserver" in window)) { run(); return run; }
    observer = new window.IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) run();
    }, { rootMargin: "800px 0px" });
    observer.observe(element);
    return run;
  }

  // The visitor's own comments awaiting moderation: the page is the same for everyone, so
  // they come from an uncached address that reads this browser's signed cookie.
  var section = document.getElementById("comments");
  if (section && section.dataset.mineUrl && window.fetch) {
    nearby(section, function () {
      window.fetch(section.dataset.mineUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && data.comments) data.comments.forEach(showMine); })
        .catch(function () { /* the thread is complete without them */ });
    });
  }
  function depthOf(item) {
    var match = /(?:^|\s)depth-(\d+)/.exec(item.className);
    return match ? parseInt(match[1], 10) : 1;
  }
  function threadList() {
    var list = section.querySelector(".comment-list");
    if (list) return list;
    list = document.createElement("ol");
    list.className = "comment-list";
    var empty = section.querySelector(".comments-empty");
    if (empty) empty.hidden = true;
    section.querySelector(".comments-header").after(list);
    return list;
  }
  function showMine(mine) {
    if (document.getElementById("comment-" + mine.id)) return;  // already on the page
    var holder = document.createElement("ol");
    holder.innerHTML = mine.html;
    var item = holder.querySelector("li");
    if (!item) return;
    var parentItem = mine.parent && document.getElementById("comment-" + mine.parent);
    if (parentItem) {
      // A reply goes last under its parent, where it will stand once approved.
      var children = parentItem.querySelector(":scope > ol.children");
      if (!children) {
        children = document.createElement("ol");
        children.className = "children";
        parentItem.appendChild(children);
      }
      item.classList.add("depth-" + (depthOf(parentItem) + 1));
      children.appendChild(item);
      return;
    }
    if (mine.parent) return;  // its parent is on another page of the thread
    item.classList.add("depth-1");
    var newest = section.dataset.order === "newest";
    // Top-level comments join the first page when newest come first, else the last.
    if (newest && !("notFirst" in section.dataset)) threadList().prepend(item);
    else if (!newest && !("notLast" in section.dataset)) threadList().appendChild(item);
  }

  var form = document.getElementById("comment-form");
  if (!form) return;
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

  // Remembered details, as the box says: cookies of this browser, read only here (a cached
  // page never asks the server for them), for a year, and only with the commenter's consent.
  var COOKIES = { name: "comment_author", email: "comment_author_email", url: "comment_author_url" };
  var YEAR = 365 * 24 * 60 * 60;
  function readCookie(name) {
    var found = null;
    document.cookie.split(";").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at !== -1 && pair.slice(0, at).trim() === name) {
        try { found = decodeURIComponent(pair.slice(at + 1).trim()); } catch (e) { found = null; }
      }
    });
    return found;
  }
  function writeCookie(name, value, maxAge) {
    var secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = name + "=" + encodeURIComponent(value) + "; Max-Age=" + maxAge +
      "; Path=/; SameSite=Lax" + secure;
  }
  if (remember) {
    // The box is in the HTML hidden: without this script nothing could be remembered.
    var box = remember.closest(".comment-remember");
    if (box) box.hidden = false;
    var saved = false;
    Object.keys(COOKIES).forEach(function (key) {
      var value = readCookie(COOKIES[key]);
      var input = form.elements[fields[key]];
      if (value === null) return;
      saved = true;
      if (input && !input.value && value) input.value = value;
    });
    // Details this script once kept in local storage move to the cookies at the next post.
    var old = null;
    try { old = JSON.parse(window.localStorage.getItem("newsroom.commenter")); } catch (e) { old = null; }
    if (!saved && old) {
      Object.keys(COOKIES).forEach(function (key) {
        var input = form.elements[fields[key]];
        if (input && !input.value && old[key]) input.value = old[key];
      });
      saved = true;
    }
    if (saved) remember.checked = true;
  }
  form.addEventListener("submit", function () {
    if (!remember) return;
    try { window.localStorage.removeItem("newsroom.commenter"); } catch (e) { /* disabled */ }
    Object.keys(COOKIES).forEach(function (key) {
      if (remember.checked) writeCookie(COOKIES[key], form.elements[fields[key]].value, YEAR);
      else writeCookie(COOKIES[key], "", 0);
    });
  });

  // A fresh signed timestamp when the form is shown (or first focused, whichever comes
  // first): a cached page's own token may be hours old, and the "too fast" check counts
  // from when the reader saw the form.
  if (form.dataset.tokenUrl && window.fetch) {
    var freshToken = nearby(form, function () {
      window.fetch(form.dataset.tokenUrl, { credentials: "omit", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && data.token) form.elements.token.value = data.token; })
        .catch(function () { /* the page's own token still works */ });
    });
    form.addEventListener("focusin", freshToken);
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
