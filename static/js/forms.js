// The public form pages: gender and birth date shown from the ID number as it
// is typed (the server derives them again), and a preview of the chosen photo.
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function parse(raw) {
    var number = raw.replace(/\s/g, "").toUpperCase();
    if (!/^\d{17}[\dX]$/.test(number)) return null;
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += Number(number[i]) * WEIGHTS[i];
    if (CHECK[sum % 11] !== number[17]) return null;
    var birth = number.slice(6, 10) + "-" + number.slice(10, 12) + "-" + number.slice(12, 14);
    if (isNaN(Date.parse(birth))) return null;
    return { gender: Number(number[16]) % 2 ? "男" : "女", birth: birth };
  }

  var idInput = document.querySelector("[data-id-number]");
  if (idInput) {
    var gender = document.querySelector("[data-derived=gender]");
    var birth = document.querySelector("[data-derived=birth]");
    var show = function () {
      var parsed = parse(idInput.value);
      if (parsed) {
        gender.textContent = parsed.gender;
        birth.textContent = parsed.birth;
      } else if (idInput.value) {
        gender.textContent = birth.textContent = "—";
      }
    };
    idInput.addEventListener("input", show);
    show();
  }

  var photo = document.querySelector("[data-photo-input]");
  var preview = document.querySelector("[data-photo-preview]");
  if (photo && preview && window.URL) {
    photo.addEventListener("change", function () {
      if (!photo.files || !photo.files[0]) return;
      preview.src = URL.createObjectURL(photo.files[0]);
      preview.hidden = false;
      var caption = preview.parentNode.querySelector("span");
      if (caption) caption.hidden = true;
    });
  }
})();
