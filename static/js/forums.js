/* Forums, progressive enhancement only: every action works without this file.
   - "Quote" fills the reply form on the same page instead of opening the reply page.
   - @mention autocomplete in message fields (an accessible listbox; @[Name] is inserted). */
(function () {
  "use strict";

  function replyField() {
    return document.querySelector("form.reply-form textarea[name='body']");
  }

  // QUOTE ----
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-quote]") : null;
    var field = replyField();
    if (!link || !field) { return; }
    var post = link.closest("article.post");
    var body = post ? post.querySelector(".post__body") : null;
    if (!body) { return; }
    event.preventDefault();
    var selection = window.getSelection ? String(window.getSelection()) : "";
    var text = selection && body.contains(window.getSelection().anchorNode) ? selection : body.innerText;
    text = text.trim().slice(0, 1500);
    var quoted = text.split("\n").map(function (line) { return line ? "> " + line : ">"; }).join("\n");
    var prefix = "> **@[" + link.getAttribute("data-quote-author") + "]**:\n" + quoted + "\n\n";
    field.value = prefix + field.value;
    var hidden = field.form.querySelector("input[name='quote']");
    if (hidden) { hidden.value = link.getAttribute("data-quote"); }
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  });

  // MENTIONS ----
  var counter = 0;

  function setUpMentions(field, url) {
    counter += 1;
    var listId = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    field.insertAdjacentElement("afterend", list);
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", listId);
    field.setAttribute("aria-expanded", "false");
    var active = -1;
    var timer = null;
    var lastQuery = "";

    function tokenBeforeCaret() {
      var before = field.value.slice(0, field.selectionStart);
      var match = before.match(/@\[([^\]\n@]{1,40})$/) || before.match(/(?:^|\s)@([^\s@\[\]]{1,40})$/);
      return match ? { query: match[1], start: before.lastIndexOf("@") } : null;
    }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    }

    function choose(name) {
      var token = tokenBeforeCaret();
      if (!token) { return close(); }
      var after = field.value.slice(field.selectionStart);
      var insert = "@[" + name + "] ";
      field.value = field.value.slice(0, token.start) + insert + after;
      var caret = token.start + insert.length;
      field.setSelectionRange(caret, caret);
      close();
      field.focus();
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      field.setAttribute("aria-activedescendant", items[active].id);
    }

    function show(results) {
      list.innerHTML = "";
      if (!results.length) { return close(); }
      results.forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("dir", "auto");
        item.textContent = result.name;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(result.name); });
        list.appendChild(item);
      });
      list.hidden = false;
      field.setAttribute("aria-expanded", "true");
      highlight(0);
    }

    field.addEventListener("input", function () {
      var token = tokenBeforeCaret();
      if (!token || token.query.length < 1) { return close(); }
      if (token.query === lastQuery) { return; }
      lastQuery = token.query;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(token.query), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { show(data.results || []); })
          .catch(close);
      }, 150);
    });
    field.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" || event.key === "Tab") {
        var item = list.querySelectorAll("li")[active];
        if (item) { event.preventDefault(); choose(item.textContent); }
      } else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    field.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("form[data-mention-url]").forEach(function (form) {
    var field = form.querySelector("textarea[data-mentions]");
    if (field) { setUpMentions(field, form.getAttribute("data-mention-url")); }
  });
})();
