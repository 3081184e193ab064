// "Afdrukken" on the dossier page: the browser's own print dialog (the CSP forbids inline
// handlers, so the button is bound here).
document.querySelectorAll("[data-afdrukken]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
