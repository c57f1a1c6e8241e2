// Bulletin page: the print button prints the page (the print style sheet keeps only the bulletin).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
