// Swagger UI leaves a few controls without a name a screen reader can announce, or with one
// that differs from the words on them (WCAG 2.2: 4.1.2, 2.5.3). Name them as they appear.
const nameControls = () => {
  for (const button of document.querySelectorAll(".close-modal:not([aria-label])")) {
    button.setAttribute("aria-label", "Close");
  }
  for (const button of document.querySelectorAll(".copy-to-clipboard button:not([aria-label])")) {
    button.setAttribute("aria-label", "Copy to clipboard");
  }
  for (const button of document.querySelectorAll(".auth-btn-wrapper button[aria-label]")) {
    if (!button.getAttribute("aria-label").includes(button.textContent.trim())) {
      button.removeAttribute("aria-label");
    }
  }
};
new MutationObserver(nameControls).observe(document.body, { childList: true, subtree: true });
