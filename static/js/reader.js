// The reader site's enhancements; every page works without them.
(function () {
  "use strict";

  // One read of the article on this page: an anonymous ping, no cookie, no identifier.
  // Sent once the page has been visible for a moment, so prefetches and quick bounces are
  // not counted.
  var marker = document.querySelector("[data-read-url][data-article-id]");
  if (marker && navigator.sendBeacon && window.URLSearchParams) {
    var sent = false;
    var send = function () {
      if (sent || document.visibilityState !== "visible") return;
      sent = true;
      var body = new URLSearchParams({ article: marker.getAttribute("data-article-id") });
      navigator.sendBeacon(marker.getAttribute("data-read-url"), body);
    };
    var soon = function () { window.setTimeout(send, 1500); };
    if (document.visibilityState === "visible") soon();
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") soon();
    });
  }

  // Sharing: the plain links stay; "Copy link" and the device's own share sheet are added
  // where the browser offers them.
  var share = document.querySelector(".share[data-share-url]");
  if (!share) return;
  var list = share.querySelector("ul");
  var url = share.getAttribute("data-share-url");
  var title = share.getAttribute("data-share-title") || document.title;
  var status = share.querySelector(".share-status");
  var say = function (text) { if (status) status.textContent = text; };
  var addButton = function (label, onClick) {
    var item = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "share-button";
    button.textContent = label;
    button.addEventListener("click", onClick);
    item.appendChild(button);
    list.insertBefore(item, list.firstChild);
  };
  if (navigator.clipboard && window.isSecureContext) {
    addButton("Copy link", function () {
      navigator.clipboard.writeText(url).then(
        function () { say("Link copied."); },
        function () { say("Could not copy the link; copy it from the address bar."); }
      );
    });
  }
  if (navigator.share) {
    addButton("Share\u2026", function () {
      navigator.share({ title: title, url: url }).catch(function () {});
    });
  }
})();
