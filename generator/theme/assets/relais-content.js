/* Material for MkDocs' content script (partials/javascripts/content.html), as a file for the CSP:
   open the tab that the URL's fragment points at. */
(function () {
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
})();
