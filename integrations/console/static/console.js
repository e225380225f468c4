// warroom console: sends commands, merges polled messages, opens inline forms.
// Plain JavaScript, no dependencies, no build step.
(function () {
  "use strict";

  var body = document.body;
  var chat = document.querySelector(".chat");
  var messages = document.getElementById("messages");
  var pollEvery = parseInt(body.getAttribute("data-poll"), 10) || 1000;
  var pollTimer = null;
  var polling = false;
  var version = chat ? chat.getAttribute("data-v") || "" : "";

  // ---- who am I: the server says (the local operator or the signed-in
  // person); the page only shows it ----------------------------------------
  var userName = document.getElementById("user-name");
  function user() {
    return (userName && userName.getAttribute("data-user")) || "operator";
  }

  // ---- helpers ---------------------------------------------------------
  function toElement(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  function localize(root) {
    root.querySelectorAll(".meta time[datetime]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) { t.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); t.title = d.toLocaleString(); }
    });
  }

  function nearBottom() {
    return !messages || messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
  }

  function scrollDown() {
    if (messages) { messages.scrollTop = messages.scrollHeight; }
  }

  function append(el) {
    if (!messages) { return; }
    var stick = nearBottom();
    messages.appendChild(el);
    localize(el);
    if (stick) { scrollDown(); }
  }

  // A message written in the page only: what the person typed, or an error.
  function localMessage(kind, author, text, ephemeral) {
    var el = document.createElement("div");
    el.className = "msg local " + kind + (ephemeral ? " ephemeral" : "");
    var av = document.createElement("div");
    av.className = "avatar " + (kind === "typed" ? "person" : "bot");
    av.textContent = author.charAt(0).toUpperCase();
    var main = document.createElement("div");
    main.className = "msg-main";
    var meta = document.createElement("div");
    meta.className = "meta";
    var a = document.createElement("span");
    a.className = "author";
    a.textContent = author;
    meta.appendChild(a);
    if (ephemeral) {
      var o = document.createElement("span");
      o.className = "only-you";
      o.textContent = " Only visible to you";
      meta.appendChild(o);
    }
    var t = document.createElement("div");
    t.className = "text";
    t.textContent = text;
    main.appendChild(meta);
    main.appendChild(t);
    el.appendChild(av);
    el.appendChild(main);
    return el;
  }

  function quote(s) {
    return "\"" + s.replace(/\\/g, "\\\\").replace(/"/g, "\\\"") + "\"";
  }

  function toLogin() {
    location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
  }

  // ---- commands --------------------------------------------------------
  function send(text, echo) {
    var channel = chat ? chat.getAttribute("data-channel") : "";
    if (echo) { append(localMessage("typed", user(), text, false)); }
    return fetch("/console/command", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: text, channel: channel })
    }).then(function (res) {
      if (res.status === 401) { toLogin(); return; }
      return res.json().then(function (data) {
        if (!res.ok) {
          append(localMessage("error", "warroom", data.error || ("error " + res.status), true));
          return;
        }
        var el = toElement(data.html);
        append(el);
        if (data.form) { openReplyForm(el, data.form, el.getAttribute("data-prompt") || text); }
      });
    }).catch(function () {
      append(localMessage("error", "warroom", "The server did not answer. Is warroom running?", true));
    }).then(function () { pollSoon(); });
  }

  function asCommand(cmd) {
    cmd = cmd.replace(/@me\b/g, "@" + user());
    return cmd.charAt(0) === "/" ? cmd : "/incident " + cmd;
  }

  var composer = document.getElementById("composer");
  if (composer) {
    composer.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = composer.querySelector("input[name=text]");
      var text = input.value.trim();
      if (!text) { return; }
      input.value = "";
      send(text, true);
    });
  }

  // ---- inline forms ----------------------------------------------------
  function formIn(msg) {
    var slot = msg.querySelector(".formslot");
    slot.textContent = "";
    var f = document.createElement("form");
    f.className = "inline-form";
    slot.appendChild(f);
    return f;
  }

  function field(f, name, placeholder) {
    var i = document.createElement("input");
    i.name = name;
    i.placeholder = placeholder;
    i.autocomplete = "off";
    f.appendChild(i);
    return i;
  }

  // The declare form's choices: severities by name, incident types and
  // custom fields (catalog.go), from the page.
  function catalog() {
    var el = document.getElementById("form-catalog");
    try { return JSON.parse(el ? el.textContent : "") || {}; } catch (e) { return { severities: [], types: [], fields: [] }; }
  }

  function select(f, name, options) {
    var sel = document.createElement("select");
    sel.name = name;
    options.forEach(function (o) {
      var opt = document.createElement("option");
      opt.value = o.value; opt.textContent = o.label;
      if (o.selected) { opt.selected = true; }
      sel.appendChild(opt);
    });
    f.appendChild(sel);
    return sel;
  }

  // One input per custom field: a select of its options, a date, a
  // number or text; those required at stage are required.
  function fieldInputs(f, fields, stage) {
    return (fields || []).map(function (x) {
      var el;
      if (x.kind === "select") {
        el = select(f, "field." + x.name, [{ value: "", label: x.label + "…" }].concat(x.options.map(function (o) { return { value: o, label: o }; })));
      } else {
        el = field(f, "field." + x.name, x.label + (x.kind === "user" ? " (@name)" : ""));
        if (x.kind === "date") { el.type = "date"; }
        if (x.kind === "number") { el.inputMode = "decimal"; }
      }
      el.title = x.description || x.label;
      el.required = x.required === stage;
      el.setAttribute("data-field", x.name);
      return el;
    });
  }

  function fieldFlags(inputs) {
    return inputs.map(function (el) {
      var v = el.value.trim();
      return v ? " --field " + quote(el.getAttribute("data-field") + "=" + v) : "";
    }).join("");
  }

  function buttons(f, label, slot) {
    var ok = document.createElement("button");
    ok.type = "submit";
    ok.className = "btn btn-primary";
    ok.textContent = label;
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { slot.textContent = ""; });
    f.appendChild(ok);
    f.appendChild(cancel);
  }

  // A button with a form ("update", "resolve") asks for its text first.
  function openButtonForm(msg, button) {
    var slot = msg.querySelector(".formslot");
    var f = formIn(msg);
    var form = button.getAttribute("data-form");
    var input = field(f, "text", form === "resolve" ? "Resolution summary (optional)" : "What changed?");
    // resolve asks for the fields required to resolve; ones left empty
    // that the incident already has are kept
    var inputs = form === "resolve" ? fieldInputs(f, catalog().fields.filter(function (x) {
      return x.required === "resolve";
    }), "none") : [];
    buttons(f, button.textContent.trim() || "Send", slot);
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = input.value.trim();
      if (!text && form !== "resolve") { input.focus(); return; }
      slot.textContent = "";
      var cmd = asCommand(button.getAttribute("data-command"));
      send((text ? cmd + " " + quote(text) : cmd) + fieldFlags(inputs), false);
    });
    input.focus();
  }

  // A reply that asks for a form: declare gets its fields, anything else
  // one line of text added to the command that asked.
  function openReplyForm(msg, form, prompt) {
    var slot = msg.querySelector(".formslot");
    var f = formIn(msg);
    if (form === "declare") {
      var cat = catalog();
      var sev = select(f, "severity", cat.severities.map(function (s) {
        return { value: s.value, label: s.description ? s.name + " — " + s.description : s.name, selected: s.value === "sev3" };
      }));
      var type = cat.types.length ? select(f, "type", cat.types.map(function (t) {
        return { value: t.name, label: t.description ? t.name + " — " + t.description : t.name, selected: t.default };
      })) : null;
      var title = field(f, "title", "Title, e.g. Checkout latency above SLO");
      var service = field(f, "service", "Service (optional)");
      var inputs = fieldInputs(f, cat.fields, "declare");
      buttons(f, "Declare", slot);
      f.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (!title.value.trim()) { title.focus(); return; }
        var cmd = "/incident declare " + sev.value + " " + quote(title.value.trim());
        if (service.value.trim()) { cmd += " --service " + quote(service.value.trim()); }
        if (type) { cmd += " --type " + quote(type.value); }
        cmd += fieldFlags(inputs);
        slot.textContent = "";
        send(cmd, true);
      });
      title.focus();
      return;
    }
    var input = field(f, "text", "Text");
    buttons(f, "Send", slot);
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!input.value.trim()) { input.focus(); return; }
      slot.textContent = "";
      send(prompt + " " + quote(input.value.trim()), true);
    });
    input.focus();
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-command]");
    if (!b) { return; }
    var msg = b.closest(".msg");
    if (b.hasAttribute("data-form") && msg) {
      openButtonForm(msg, b);
      return;
    }
    b.disabled = true;
    send(asCommand(b.getAttribute("data-command")), false).then(function () { b.disabled = false; });
  });

  // ---- live updates ----------------------------------------------------
  function merge(data) {
    var side = document.getElementById("sidebar");
    if (side && data.sidebar) { side.innerHTML = data.sidebar; }
    var head = document.getElementById("chat-header");
    if (head && data.header) { head.innerHTML = data.header; }
    (data.messages || []).forEach(function (m) {
      var el = document.getElementById(m.id);
      if (!el) { append(toElement(m.html)); return; }
      if (el.getAttribute("data-v") === m.v) { return; }
      var fresh = toElement(m.html);
      el.querySelector(".body").replaceWith(fresh.querySelector(".body"));
      el.setAttribute("data-v", m.v);
      localize(el);
    });
    version = data.v;
  }

  function poll() {
    if (polling) { return; }
    polling = true;
    clearTimeout(pollTimer);
    var q = chat ? "channel=" + encodeURIComponent(chat.getAttribute("data-channel"))
      : "active=" + encodeURIComponent(body.getAttribute("data-active") || "");
    fetch("/console/poll?" + q + "&v=" + encodeURIComponent(version), {
      credentials: "same-origin", cache: "no-store"
    }).then(function (res) {
      if (res.status === 401) { toLogin(); return; }
      if (res.status === 200) { return res.json().then(merge); }
    }).catch(function () { /* try again at the next tick */ }).then(function () {
      polling = false;
      pollTimer = setTimeout(poll, pollEvery);
    });
  }

  function pollSoon() {
    if (!polling) { clearTimeout(pollTimer); pollTimer = setTimeout(poll, 50); }
  }

  if (messages) { localize(messages); scrollDown(); }
  if (body.getAttribute("data-page")) { pollTimer = setTimeout(poll, pollEvery); }
})();
