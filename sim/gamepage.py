"""The page a browser opens to play under `sim serve`: textual-serve's terminal, fonts served by the server itself,
and a token kept in the browser's storage so that a reload, a closed tab or a dropped connection finds the same
game on the server.

The token is 128 random bits made in the browser; the server knows a game only by it. Where the browser keeps
no storage (some private windows), the token goes in the page's address instead (a reload keeps it) and the page
asks before it is closed, since then the game cannot be found again.
"""

from __future__ import annotations

from html import escape

TOKEN_PATTERN = r"^[0-9a-f]{32}$"
STORAGE_KEY = "sim-game"


def policy(websocket_origin: str) -> str:
    """The page's Content-Security-Policy: nothing is loaded from, or sent to, anywhere but this server."""
    return ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            f"font-src 'self'; img-src 'self' data: blob:; connect-src 'self' {websocket_origin}; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


_STYLE = """
@font-face { font-family: 'Roboto Mono'; src: url('STATIC/fonts/RobotoMono-VariableFont_wght.ttf'); }
@font-face { font-family: 'Roboto Mono'; font-style: italic;
             src: url('STATIC/fonts/RobotoMono-Italic-VariableFont_wght.ttf'); }
body { background: #0c181f; margin: 0; font-family: 'Roboto Mono', monospace; }
.textual-terminal { opacity: 0; transition: opacity .3s ease-out; }
body.-first-byte .textual-terminal { opacity: 1; }
.dialog { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
          z-index: 10; background: #0c181f; color: rgba(255, 255, 255, .95); }
.dialog > div { max-width: 36rem; padding: 2rem; background: #12232d; text-align: center; line-height: 1.5; }
body.-first-byte .loading, .ended { display: none; }
body.-closed .ended { display: flex; }
button { padding: .8rem 1.6rem; margin: .8rem .4rem 0; border: none; color: #fff; background: #5e0ba7;
         font: inherit; cursor: pointer; }
button:hover { background: #ac5af4; }
button.quiet { background: #2b3f4b; }
.unkept { display: none; color: #f4a259; }
body.-unkept .unkept { display: block; }
"""

_SCRIPT = """
(function () {
  var KEY = "STORAGE_KEY", TOKEN = /^[0-9a-f]{32}$/;
  function fresh() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function keep(token) {
    try {
      window.localStorage.setItem(KEY, token);
      if (window.localStorage.getItem(KEY) === token) { return true; }
    } catch (e) { }
    window.history.replaceState(null, "", "#game=" + token);
    return false;
  }
  var token = null;
  try { token = window.localStorage.getItem(KEY); } catch (e) { }
  if (!TOKEN.test(token || "")) {
    var inPage = /game=([0-9a-f]{32})/.exec(window.location.hash);
    token = inPage ? inPage[1] : fresh();
  }
  var kept = keep(token);
  var terminal = document.getElementById("terminal");
  terminal.dataset.sessionWebsocketUrl = terminal.dataset.sessionWebsocketUrl + token;
  if (!kept) {
    document.body.classList.add("-unkept");
    window.addEventListener("beforeunload", function (event) {
      if (document.body.classList.contains("-closed")) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
  }
  document.getElementById("continue").addEventListener("click", function () { window.location.reload(); });
  document.getElementById("new-game").addEventListener("click", function () {
    if (!window.confirm("Start a new game? Your current game stays on the server, but this browser will open "
                        + "the new one from now on.")) { return; }
    keep(fresh());
    window.location.reload();
  });
})();
"""


def render(static_url: str, websocket_url: str, title: str, font_size: int = 16) -> str:
    """The game page; `websocket_url` ends where the page's token goes (`…/ws/`)."""
    style = _STYLE.replace("STATIC", escape(static_url.rstrip("/")))
    script = _SCRIPT.replace("STORAGE_KEY", STORAGE_KEY)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{escape(static_url)}css/xterm.css">
<script src="{escape(static_url)}js/textual.js"></script>
<style>{style}</style>
</head>
<body>
<div class="dialog loading"><div>{escape(title)}: starting your game…</div></div>
<div class="dialog ended"><div>
<p>The game stopped here: you quit, it was opened in another tab or window, or the connection dropped.</p>
<p>Your game is kept on the server, at your last decision.</p>
<p class="unkept">This browser keeps no storage for this page (a private window?): reloading this tab finds
the game again, but a new tab or window cannot. Save a replay (s) before you close it.</p>
<button type="button" id="continue">Continue my game</button>
<button type="button" id="new-game" class="quiet">Start a new game</button>
</div></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{escape(websocket_url)}"
 data-font-size="{int(font_size)}"></div>
<script>{script}</script>
</body>
</html>
"""
