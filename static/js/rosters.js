// Checks a large roster file chunk by chunk and moves the progress bar; without this script
// the "Continue checking" button does the same one step per click.
(function () {
  const form = document.querySelector("form[data-roster-check]");
  if (!form) return;
  const bar = document.querySelector("[data-roster-progress]");
  const label = document.querySelector("[data-roster-progress-label]");
  const show = (state) => {
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
    if (label) label.textContent = state.checked + " / " + state.total;
  };
  const step = async () => {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) {
      form.hidden = false;
      return;
    }
    const state = await response.json();
    show(state);
    if (state.done) {
      window.location.assign(state.url);
    } else {
      window.setTimeout(step, 50);
    }
  };
  form.hidden = true;
  step();
})();
