// The monitor form shows only the fieldsets that fit the chosen protocol
// (the HTTP options for HTTP(S), the port for a TCP port). A static file, not
// an inline script, so the admin runs under a "script-src 'self'" policy.
// Without JavaScript every fieldset shows; the server checks the same rules.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const protocol = document.getElementById("id_protocol");
  if (!protocol) return;
  const fieldsets = document.querySelectorAll("fieldset[class*='for-protocol-']");
  const show = () => {
    for (const fieldset of fieldsets) {
      fieldset.hidden = !fieldset.classList.contains(`for-protocol-${protocol.value}`);
    }
  };
  protocol.addEventListener("change", show);
  show();
});
