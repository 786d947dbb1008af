/* The import page: shows the upload's progress while a large workbook is sent (htmx reports it).
 * The check's progress after the upload comes from the server, polled by htmx; nothing else runs here.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest("#upload-form");
    var bar = form && form.querySelector(".upload-progress");
    if (!bar || !event.detail.lengthComputable) {
      return;
    }
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });
})();
