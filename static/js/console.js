// Keyboard shortcuts and small helpers of the operator console.
(function () {
  "use strict";

  // Alt+<key> goes to the element with that access key: a field gets the
  // focus, a link or button is activated (Alt+S is the submit button). The
  // browsers disagree on access-key modifiers (Firefox wants Alt+Shift), so
  // the console handles them itself; the guard stops a double submit.
  document.addEventListener("keydown", function (ev) {
    if (!ev.altKey || ev.ctrlKey || ev.metaKey || !ev.key || ev.key.length !== 1) return;
    var key = ev.key.toLowerCase();
    // The page's own keys win over the navigation's.
    var selector = "[accesskey='" + key + "']";
    var target = document.querySelector("main " + selector) || document.querySelector(selector);
    if (!target) return;
    ev.preventDefault();
    if (target.type === "submit" && target.form) {
      submitOnce(target.form);
    } else if (target.tagName === "A" || target.tagName === "BUTTON") {
      target.click();
    } else {
      target.focus();
      if (target.select && target.tagName === "INPUT") target.select();
    }
  });

  function submitOnce(form) {
    if (form.dataset.submitting === "1") return;
    form.dataset.submitting = "1";
    form.requestSubmit();
    setTimeout(function () { form.dataset.submitting = "0"; }, 3000);
  }

  // "Use" on a business lookup result fills the business fields.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-fill-business]");
    if (!btn) return;
    var d = btn.dataset;
    setValue("id_business_name", d.name);
    setValue("id_business_credit_code", d.creditCode);
    setValue("id_business_address", d.address);
    setValue("id_online_platform", d.platform);
    setValue("id_shop_id", d.shop);
    var city = document.getElementById("id_city");
    if (city && d.city) {
      city.value = d.city;
      // Loads the counties, then picks the business's county.
      document.body.addEventListener("htmx:afterSwap", function pick(e) {
        if (e.target.id !== "id_region") return;
        document.body.removeEventListener("htmx:afterSwap", pick);
        setValue("id_region", d.region);
      });
      city.dispatchEvent(new Event("change", { bubbles: true }));
    }
    document.getElementById("business-results").innerHTML = "";
    var next = document.getElementById("id_business_address");
    if (next) next.focus();
  });

  function setValue(id, value) {
    var el = document.getElementById(id);
    if (el && value !== undefined) {
      el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
})();
