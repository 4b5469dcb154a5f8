// Counts the words of a paper and its recommendations as the CSO types, against the call's
// limit. The server counts again and refuses a paper over the limit; this only helps.
(function () {
  "use strict";
  const form = document.querySelector("form[data-word-limit]");
  const output = document.getElementById("word-count");
  if (!form || !output) return;
  const limit = Number(form.dataset.wordLimit);
  const fields = form.querySelectorAll("[data-word-count]");
  const template = output.dataset.template;

  function count() {
    let words = 0;
    fields.forEach((field) => {
      const found = field.value.match(/\S+/g);
      words += found ? found.length : 0;
    });
    output.textContent = template.replace("WORDS", words).replace("LIMIT", limit);
    output.classList.toggle("over", words > limit);
  }

  fields.forEach((field) => field.addEventListener("input", count));
  count();
})();
