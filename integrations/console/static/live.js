// warroom console: live incident list and incident page. An element with
// data-stream names a server-sent events URL (events.go); on each "change"
// the page is fetched again and that element replaced, keeping the scroll
// position; "entries" appends new timeline entries without a fetch. Plain JavaScript, no build step.
(function () {
  "use strict";
  var el = document.querySelector("[data-stream]");
  if (!el || !window.EventSource) { return; }
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.querySelector("[data-stream]");
        var cur = document.querySelector("[data-stream]");
        if (next && cur) {
          var y = window.scrollY;
          cur.replaceWith(document.adoptNode(next));
          window.scrollTo(0, y);
          document.body.setAttribute("data-live", String(Date.now()));
        }
      })
      .catch(function () { /* the next change tries again */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }
  // New timeline entries, rendered by the server: appended in place, each
  // once (data: the newest entry's id, a space, the HTML as a JSON string).
  function entries(ev) {
    var list = document.getElementById("timeline");
    var cut = ev.data.indexOf(" ");
    if (!list || cut < 0) { refresh(); return; }
    var t = document.createElement("template");
    try { t.innerHTML = JSON.parse(ev.data.slice(cut + 1)); } catch (e) { refresh(); return; }
    var empty = list.querySelector("li.empty");
    if (empty) { empty.remove(); }
    t.content.querySelectorAll("li[data-id]").forEach(function (li) {
      if (!list.querySelector('li[data-id="' + li.getAttribute("data-id") + '"]')) { list.appendChild(li); }
    });
    document.body.setAttribute("data-live", String(Date.now()));
  }
  var src = new EventSource(el.getAttribute("data-stream"));
  src.addEventListener("change", refresh);
  src.addEventListener("entries", entries);
})();
