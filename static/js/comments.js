/* Comments: progressive enhancement only. Everything works without this file. */
(function () {
  "use strict";
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

  // Replies: the form moves under the comment being answered.
  function setTitle(text) { title.firstChild.nodeValue = text + " "; }
  function replyTo(link) {
    var item = document.getElementById("comment-" + link.dataset.commentId);
    if (!item) return false;
    item.querySelector(".comment-body").after(respond);
    parent.value = link.dataset.commentId;
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
    parent.value = "";
    setTitle(form.dataset.defaultLabel);
    cancel.hidden = true;
    if (window.location.search.indexOf("replyto=") !== -1) {
      window.history.replaceState(null, "", window.location.pathname + "#respond");
    }
    form.elements.body.focus();
  });
})();
