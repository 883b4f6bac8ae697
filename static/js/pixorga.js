// Progressive enhancements; every page works without them.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  // Timed challenges: the remaining seconds, announced at the end.
  function startCountdown(root) {
    var clock = root.querySelector("[data-countdown]");
    if (!clock) return;
    var remaining = parseInt(clock.getAttribute("data-countdown"), 10);
    var label = clock.textContent.replace(/\d+/, "{s}");
    var tick = function () {
      if (!clock.isConnected) return;
      if (remaining <= 0) {
        clock.textContent = clock.getAttribute("data-expired-label");
        clock.setAttribute("aria-live", "assertive");
        return;
      }
      clock.textContent = label.replace("{s}", remaining);
      remaining -= 1;
      window.setTimeout(tick, 1000);
    };
    tick();
  }

  // The answer loop with htmx: the next question replaces the main content. Like a new page,
  // its heading takes the focus (screen readers read it) and its clock starts. When the answer
  // could not be sent (no network, a server error), the pupil is told and may send it again.
  document.addEventListener("htmx:afterSettle", function (event) {
    var main = event.detail.target;
    if (!main || main.id !== "contenu") return;
    var heading = main.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    startCountdown(main);
  });
  function answerNotSent(event) {
    var form = event.target.closest && event.target.closest("[data-answer-form]");
    if (!form) return;
    form.removeAttribute("data-sending");
    var box = form.querySelector("[data-send-error]");
    if (box) { box.hidden = false; box.focus(); }
  }
  document.addEventListener("htmx:sendError", answerNotSent);
  document.addEventListener("htmx:responseError", answerNotSent);

  // "Imprimer" on a printable sheet: shown only when there is a script to print with.
  onReady(function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });

  // "Copier le code" / "Copier le lien direct": the label turns to "Copié !" for a while.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    event.preventDefault();
    var done = function () {
      var label = button.querySelector("[data-copy-label]") || button;
      var original = label.textContent;
      label.textContent = button.getAttribute("data-copied-label") || original;
      button.setAttribute("data-copied", "true");
      var status = document.getElementById("pix-copy-status");
      if (status) status.textContent = button.getAttribute("data-copied-label") || "";
      window.setTimeout(function () { label.textContent = original; button.removeAttribute("data-copied"); }, 2500);
    };
    var text = button.getAttribute("data-copy");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, done);
    } else {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); } catch (e) { /* the text stays visible on the page */ }
      document.body.removeChild(area);
      done();
    }
  });

  // A form sent twice (double click) would be refused anyway; the second send is not even made.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelector("[data-once]")) return;
    if (form.getAttribute("data-sending")) { event.preventDefault(); return; }
    form.setAttribute("data-sending", "true");
  });

  onReady(function () {
    startCountdown(document);

    // Selects that apply at once (page size, filters); their button is for no-JS users.
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      var form = select.form;
      form.querySelectorAll("[data-autosubmit-button]").forEach(function (b) { b.hidden = true; });
      select.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    });

    // Parts of a form shown for one answer only: data-show-when="field=value".
    var conditional = document.querySelectorAll("[data-show-when]");
    function refresh() {
      conditional.forEach(function (block) {
        var parts = block.getAttribute("data-show-when").split("=");
        var checked = document.querySelector('input[name="' + parts[0] + '"]:checked');
        block.hidden = !checked || checked.value !== parts[1];
      });
    }
    if (conditional.length) {
      document.addEventListener("change", function (event) { if (event.target.matches("input[type=radio]")) refresh(); });
      refresh();
    }

    // The parcours card of the creation form.
    var select = document.querySelector("[data-parcours-select]");
    var data = document.getElementById("parcours-data");
    var card = document.getElementById("parcours-card");
    if (select && data && card) {
      var profiles = JSON.parse(data.textContent);
      var show = function () {
        var profile = profiles[select.value];
        card.hidden = !profile;
        if (!profile) return;
        card.querySelector("[data-field=category]").textContent = profile.category;
        card.querySelector("[data-field=name]").textContent = profile.name;
        card.querySelector("[data-field=description]").textContent = profile.description;
        card.querySelector("[data-field=subjects]").textContent = profile.subjects_label;
        card.querySelector("[data-field=duration]").textContent = profile.duration_label;
        card.querySelector("[data-field=display]").textContent = profile.display_label;
      };
      select.addEventListener("change", show);
      show();

      // The search hides the parcours whose name, category and description miss one of its words.
      var search = document.getElementById("parcours-recherche");
      var outcome = document.getElementById("parcours-recherche-resultat");
      var fold = function (text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
      if (search) {
        document.getElementById("parcours-recherche-groupe").hidden = false;
        search.addEventListener("input", function () {
          var words = fold(search.value).split(/\s+/).filter(Boolean);
          var shown = 0;
          select.querySelectorAll("optgroup").forEach(function (group) {
            var visible = 0;
            group.querySelectorAll("option").forEach(function (option) {
              var profile = profiles[option.value] || {};
              var haystack = fold([option.textContent, group.label, profile.description || ""].join(" "));
              var match = words.every(function (word) { return haystack.indexOf(word) !== -1; });
              option.hidden = !match;
              option.disabled = !match && option.value !== select.value;
              visible += match ? 1 : 0;
            });
            group.hidden = visible === 0;
            shown += visible;
          });
          outcome.textContent = !words.length ? "" : (shown > 1 ? outcome.getAttribute("data-some").replace("{n}", shown) : outcome.getAttribute(shown ? "data-one" : "data-none"));
        });
      }
    }

    // Bulk selection: the action bar counts the ticked rows.
    document.querySelectorAll("[data-selection]").forEach(function (form) {
      var bar = form.querySelector("[data-selection-bar]");
      var counter = form.querySelector("[data-selection-count]");
      var all = form.querySelector("[data-select-all]");
      var boxes = form.querySelectorAll("input[name=campaign]");
      var update = function () {
        var n = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
        bar.hidden = n === 0;
        counter.textContent = (n > 1 ? counter.getAttribute("data-plural") : counter.getAttribute("data-singular")).replace("{n}", n);
        if (all) all.checked = n > 0 && n === boxes.length;
      };
      form.addEventListener("change", function (event) {
        if (event.target === all) boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
      update();
    });

    // "Je confirme avoir bien compris…" unlocks the destructive button.
    document.querySelectorAll("[data-confirm-box]").forEach(function (box) {
      var button = document.getElementById(box.getAttribute("data-confirm-box"));
      var update = function () { button.disabled = !box.checked; };
      box.addEventListener("change", update);
      update();
    });
  });
})();
