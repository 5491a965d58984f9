// The settings page's sample-size planner (survey_form.html), optional: 估算 follows the questionnaire and the
// C51 figure chosen in the settings form below it, and the plan shown says when it was made for another choice.
// Without JavaScript the page names the questionnaire it planned for.
(function () {
  var planner = document.getElementById("planner-form"), settings = document.querySelector("form.settings");
  if (!planner || !settings) return;
  settings.addEventListener("change", function (e) {
    var carried = planner.querySelector("input[type=hidden][data-planned][name='" + e.target.name + "']");
    if (!carried) return;
    carried.value = e.target.value;
    var typed = planner.querySelector("[name=plan_d]"), note = document.querySelector("[data-replan]");
    if (typed && e.target.name === "questionnaire") typed.value = "";  // shares of the earlier one's options
    if (note) note.hidden = Array.prototype.every.call(planner.querySelectorAll("[data-planned]"),
                                                       function (i) { return i.value === i.dataset.planned; });
  });
})();
