// Concord's page behaviour, with no inline script (the Content-Security-Policy forbids it):
// confirmation before destructive actions, one submit per form, copy-to-clipboard.
(function () {
  "use strict";

  // <form data-confirm="Revoke Harbor Police's access?"> asks first; so does a button
  // carrying data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    // A second click while the first submit is on its way does nothing; the server's
    // form_key covers what gets through anyway (two tabs, a resend).
    if (form.dataset.submitting === "true" && !form.hasAttribute("hx-post")) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
        b.setAttribute("aria-disabled", "true");
      });
    }, 0);
  }, true);

  // htmx forms may be sent again after their answer arrives.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[aria-disabled=true]").forEach(function (b) {
        b.removeAttribute("aria-disabled");
      });
    }
  });

  // <button data-copy-target="token-id"> copies that element's text.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copyTarget);
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent.trim();
    var done = function () {
      var status = document.getElementById(button.dataset.copyTarget + "-status");
      if (status) status.textContent = "Copied to the clipboard.";
    };
    var fallback = function () {
      if (source.select) {
        source.select();
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
      }
      document.execCommand("copy");
      done();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });

  // Auto-submit filter forms when a select changes (the submit button stays for keyboards).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("select, input[type=checkbox]")) {
      form.requestSubmit();
    }
  });
})();
