// Suggestions for the actor and system fields, from the API's own search (`?q=`). Without JavaScript the fields
// still take a slug, id or ISO code typed by hand. Names come from third parties: they go in as text, never markup.
(function () {
  "use strict";
  var DELAY_MS = 200;

  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      // A list of values: suggest for the last one only.
      var term = input.value.split(",").pop().trim();
      if (term.length < 2 || term === asked) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        asked = term;
        var url = input.dataset.suggest + "?page_size=10&q=" + encodeURIComponent(term);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (page) {
            if (asked !== term) return;
            var head = input.value.split(",").slice(0, -1).map(function (v) { return v.trim(); });
            list.replaceChildren();
            (page.results || []).forEach(function (record) {
              var option = document.createElement("option");
              option.value = head.concat([record.slug]).join(",");
              option.textContent = record.name || record.designation || record.slug;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience; the field works without them */ });
      }, DELAY_MS);
    });
  }

  // Empty fields stay out of the URL, so a shared link reads as the query it is (`?recipient=serbia&kind=purchase`).
  function dropEmpty(form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name], select[name]").forEach(function (field) {
        if (field.value === "") field.disabled = true;
      });
    });
    // Coming back through the history, the form must be usable again.
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(suggest);
  document.querySelectorAll("form.filters").forEach(dropEmpty);
})();
