// Discord's markdown subset and a small Python highlighter: escape first, then add only our own tags.
(() => {
"use strict";

const PY_KEYWORDS = new Set(("False None True and as assert async await break class continue def del elif else " +
  "except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield " +
  "match case").split(" "));
const PY_BUILTINS = new Set(("print len range int float str list dict set tuple bool abs min max sum zip enumerate " +
  "map filter sorted round isinstance type super open").split(" "));

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// One pass over the source: comments, strings (triple-quoted first), numbers, names, the rest as is.
const PY_TOKEN = /(#[^\n]*)|([rbfuRBFU]{0,2}(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?))|(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?\b|\.\d+\b)|(@[A-Za-z_][\w.]*)|([A-Za-z_]\w*)/g;

function highlightPython(code) {
  let out = "";
  let last = 0;
  for (const m of code.matchAll(PY_TOKEN)) {
    out += escapeHtml(code.slice(last, m.index));
    const [text, comment, string, number, decorator, name] = m;
    let cls = null;
    if (comment) cls = "tok-comment";
    else if (string) cls = "tok-string";
    else if (number) cls = "tok-number";
    else if (decorator) cls = "tok-decorator";
    else if (name && PY_KEYWORDS.has(name)) cls = "tok-keyword";
    else if (name && PY_BUILTINS.has(name)) cls = "tok-builtin";
    out += cls ? `<span class="${cls}">${escapeHtml(text)}</span>` : escapeHtml(text);
    last = m.index + text.length;
  }
  return out + escapeHtml(code.slice(last));
}

function codeBlock(lang, code) {
  const language = (lang || "").toLowerCase();
  const body = ["py", "python", "python3"].includes(language) ? highlightPython(code) : escapeHtml(code);
  return `<pre class="codeblock" data-lang="${escapeHtml(language)}"><code>${body}</code></pre>`;
}

function relativeTime(unix, style) {
  const date = new Date(unix * 1000);
  if (style === "R") {
    const seconds = Math.round((date - Date.now()) / 1000);
    const units = [["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];
    const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size || unit === "second") return rtf.format(Math.round(seconds / size), unit);
    }
  }
  if (style === "t") return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (style === "d") return date.toLocaleDateString();
  return date.toLocaleString();
}

// names: {users: {id: name}, channels: {id: name}, roles: {id: name}}
function renderMarkdown(source, names) {
  if (!source) return "";
  const saved = [];
  const keep = (html) => `\u0000${saved.push(html) - 1}\u0000`;
  let text = source
    .replace(/```([\w+-]*)\n?([\s\S]*?)```/g, (_, lang, code) => keep(codeBlock(lang, code.replace(/\n$/, ""))))
    .replace(/`([^`\n]+)`/g, (_, code) => keep(`<code class="inline">${escapeHtml(code)}</code>`));
  text = escapeHtml(text)
    .replace(/&lt;@!?(\d+)&gt;/g, (_, id) => keep(`<span class="mention">@${escapeHtml(names.users[id] || "unknown")}</span>`))
    .replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => keep(`<span class="mention">@${escapeHtml(names.roles[id] || "role")}</span>`))
    .replace(/&lt;#(\d+)&gt;/g, (_, id) => keep(`<span class="mention">#${escapeHtml(names.channels[id] || "unknown")}</span>`))
    .replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (_, unix, style) =>
      keep(`<time class="timestamp" data-unix="${unix}" data-style="${style || "f"}">${escapeHtml(relativeTime(Number(unix), style || "f"))}</time>`))
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, label, url) =>
      keep(`<a href="${url}" target="_blank" rel="noopener">${label}</a>`))
    .replace(/\bhttps?:\/\/[^\s<]+[^\s<.,;:!?)]/g, (url) => keep(`<a href="${url}" target="_blank" rel="noopener">${url}</a>`))
    .replace(/\*\*([\s\S]+?)\*\*/g, "<strong>$1</strong>")
    .replace(/__([\s\S]+?)__/g, "<u>$1</u>")
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?!\w)/g, "$1<em>$2</em>")
    .replace(/(^|[^\w])_(?!\s)([^_\n]+?)_(?!\w)/g, "$1<em>$2</em>")
    .replace(/~~([\s\S]+?)~~/g, "<s>$1</s>")
    .replace(/\|\|([\s\S]+?)\|\|/g, '<span class="spoiler" onclick="this.classList.add(\'shown\')">$1</span>');
  text = text.split("\n").map((line) => {
    let m;
    if ((m = line.match(/^(#{1,3}) (.*)$/))) return `<div class="h${m[1].length}">${m[2]}</div>`;
    if ((m = line.match(/^&gt; ?(.*)$/))) return `<div class="quote">${m[1]}</div>`;
    if ((m = line.match(/^-# (.*)$/))) return `<div class="subtext">${m[1]}</div>`;
    if ((m = line.match(/^\s*[-*] (.*)$/))) return `<div class="li">• ${m[1]}</div>`;
    return line;
  }).join("\n");
  // Block-level pieces carry their own line breaks; the rest keep Discord's pre-wrap.
  text = text.replace(/<\/div>\n/g, "</div>");
  return text.replace(/\u0000(\d+)\u0000/g, (_, i) => saved[Number(i)]).replace(/<\/pre>\n/g, "</pre>");
}

// Relative times ("in 12 seconds") count down as Discord's do: a live round's timer ticks.
function tickRelativeTimes(root) {
  for (const node of root.querySelectorAll('time.timestamp[data-style="R"]')) {
    node.textContent = relativeTime(Number(node.dataset.unix), "R");
  }
}

window.quizMarkdown = { renderMarkdown, highlightPython, escapeHtml, tickRelativeTimes };
})();
