// Staff console, live inbox: keeps the waiting list and the open conversation current.
//
// Listens to the page's Server-Sent Events stream (data-events) and, when it announces a new
// version, fetches the page again and swaps the parts that changed. The reply form is left
// alone while it has focus or holds a draft, so an update never loses what a counselor types.
// Without this script the page's "Refresh" link does the same by hand.
(function () {
  "use strict";

  var root = document.getElementById("inbox");
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var live = document.getElementById("inbox-live");
  var version = root.getAttribute("data-version");
  var loading = false;
  var pending = false;

  function announce(text) {
    if (live) {
      live.textContent = text;
    }
  }

  function busy(element) {
    if (!element) {
      return false;
    }
    if (element.contains(document.activeElement)) {
      return true;
    }
    var draft = element.querySelector("textarea");
    return Boolean(draft && draft.value.trim());
  }

  function swap(fresh, id) {
    var current = document.getElementById(id);
    var next = fresh.getElementById(id);
    if (!current || !next || current.innerHTML === next.innerHTML) {
      return false;
    }
    if (id === "inbox-actions" && busy(current)) {
      return false;
    }
    // Keep the keyboard where it was: focus the same link in the fresh copy.
    var focused = current.contains(document.activeElement) ? document.activeElement : null;
    var href = focused && focused.getAttribute("href");
    var replacement = document.importNode(next, true);
    current.replaceWith(replacement);
    if (href) {
      var links = replacement.querySelectorAll("a[href]");
      for (var i = 0; i < links.length; i += 1) {
        if (links[i].getAttribute("href") === href) {
          links[i].focus();
          break;
        }
      }
    }
    return true;
  }

  function refresh(changed) {
    if (loading) {
      pending = true;
      return;
    }
    loading = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshRoot = fresh.getElementById("inbox");
        if (freshRoot) {
          version = freshRoot.getAttribute("data-version");
        }
        var list = swap(fresh, "inbox-list");
        var talk = swap(fresh, "inbox-conversation");
        swap(fresh, "inbox-actions");
        if (talk && changed.indexOf("messages") >= 0) {
          announce("New message in the open conversation.");
        } else if (list) {
          announce("The waiting list changed.");
        }
      })
      .catch(function () {
        announce("Live updates stopped. Use Refresh.");
      })
      .then(function () {
        loading = false;
        if (pending) {
          pending = false;
          refresh(["waiting", "messages"]);
        }
      });
  }

  var source = new EventSource(root.getAttribute("data-events"), { withCredentials: true });
  source.addEventListener("inbox", function (event) {
    var data;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (data.version && data.version !== version) {
      refresh(data.changed || []);
    }
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      announce("Live updates stopped. Use Refresh.");
    }
  });
})();
