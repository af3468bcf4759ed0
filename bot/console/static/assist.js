// The assist box: a suggestion's button copies its text for the agent on the phone.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-console=use-suggestion]");
  if (!button) return;
  var text = button.parentElement.querySelector("[data-console=suggestion-text]").textContent;
  if (navigator.clipboard) navigator.clipboard.writeText(text);
  button.textContent = "Tersalin";
});
