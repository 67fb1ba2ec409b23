// The playground page: one Discord text channel at a time, seen and used as one member at a time.
"use strict";

const { renderMarkdown, escapeHtml, tickRelativeTimes } = window.quizMarkdown;
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
const BUTTON_STYLES = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium" };

const state = {
  member: localStorage.getItem("pg.member") || "mod",
  // The member's Discord client language, sent with everything they do (interaction.locale).
  locale: localStorage.getItem("pg.locale") || "en-US",
  channel: localStorage.getItem("pg.channel") || "general",
  world: null,
  names: { users: {}, channels: {}, roles: {} },
  messages: new Map(), // id -> {data, channel, visible_to, used, deleted}
  failures: [], // interactions the bot did not answer in time (shown like Discord's red notice)
  dismissed: new Set(),
  unread: new Set(),
  commands: [],
  lessons: null,
  bot: null,
  // Whether the view follows new messages: true while the member is at the bottom (Discord's rule).
  // Kept from the member's own scrolling, not measured after a change: a render or a loading image
  // moves the bottom away without the member having scrolled.
  pinned: true,
};

const $ = (selector) => document.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "html") node.innerHTML = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
};

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ as: state.member, channel: state.channel, locale: state.locale, ...body }),
  });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

// ----- who and where ---------------------------------------------------------------------------
function memberById(id) {
  return state.world.members.find((m) => m.id === id);
}

function visible(entry) {
  return !entry.deleted && (entry.visible_to === null || entry.visible_to === state.member);
}

function renderSidebar() {
  const channels = $("#channels");
  channels.replaceChildren(...state.world.channels.map((c) => el("li", {
    class: ["channel", c.name === state.channel && "active", state.unread.has(c.name) && "unread"].filter(Boolean).join(" "),
    "data-channel": c.name,
    onclick: () => switchChannel(c.name),
  }, el("span", { class: "hash" }, "#"), c.name)));
  $("#members").replaceChildren(...state.world.members.map((m) => el("button", {
    type: "button",
    role: "radio",
    "aria-checked": String(m.name === state.member),
    class: `member${m.name === state.member ? " active" : ""}`,
    "data-member": m.name,
    title: m.moderator ? "Moderator (Manage Server)" : "Member",
    onclick: () => switchMember(m.name),
  }, el("span", { class: "avatar small", style: `background:${colour(m.name)}` }, m.display[0]),
  m.display, m.moderator ? el("span", { class: "badge" }, "mod") : null)));
  $("#channel-name").textContent = state.channel;
  const me = state.world.members.find((m) => m.name === state.member);
  $("#composer").placeholder = `Message #${state.channel} as ${me ? me.display : state.member}: type / for commands`;
}

function switchChannel(name) {
  state.channel = name;
  state.unread.delete(name);
  localStorage.setItem("pg.channel", name);
  state.pinned = true; // a channel opens at its newest message
  renderSidebar();
  renderMessages();
}

function switchLocale(locale) {
  state.locale = locale;
  localStorage.setItem("pg.locale", locale);
}

function switchMember(name) {
  state.member = name;
  localStorage.setItem("pg.member", name);
  state.pinned = true;
  renderSidebar();
  renderMessages();
}

function colour(name) {
  const palette = ["#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#00a8fc"];
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[h % palette.length];
}

// ----- lessons and bot status -------------------------------------------------------------------
function renderLessons() {
  const lessons = state.lessons;
  if (!lessons) return;
  const panel = $("#lessons-panel");
  const checked = lessons.checked_at ? new Date(lessons.checked_at).toLocaleTimeString() : "-";
  panel.replaceChildren(
    el("div", { class: "folder", title: lessons.folder }, lessons.folder),
    el("div", { class: "muted" }, `${lessons.lessons.length} loaded · checked ${checked}`),
    el("ul", { id: "lesson-list" }, lessons.lessons.map((l) =>
      el("li", { "data-lesson": l.id, title: l.id }, el("span", { class: "lesson-title" }, l.title),
        el("span", { class: "muted" }, ` ${l.id} · ${l.questions} q`)))),
  );
  const box = $("#lesson-problems");
  box.hidden = lessons.problems.length === 0;
  // Say what is true: the lessons in use stay, or there are none yet.
  $("#problem-note").textContent = lessons.lessons.length
    ? "(the lessons listed on the left stay in use until these are fixed)"
    : "(no lessons are loaded yet: fix these and they appear)";
  $("#problem-lines").textContent = lessons.problems.join("\n");
}

function renderBot() {
  const bot = state.bot;
  const status = $("#bot-status");
  if (!bot) return;
  status.className = `status ${bot.state}`;
  status.textContent = bot.state === "ready" ? "quizbot online" : bot.state === "starting" ? "quizbot starting…" : `quizbot stopped: ${bot.error || ""}`;
}

// ----- messages ---------------------------------------------------------------------------------
function attachmentUrl(data, url) {
  if (url && url.startsWith("attachment://")) {
    const name = url.slice("attachment://".length);
    const found = (data.attachments || []).find((a) => a.filename === name);
    return found ? found.url : null;
  }
  return url;
}

function renderEmbed(data, embed) {
  const colourHex = embed.color !== undefined && embed.color !== null ? `#${embed.color.toString(16).padStart(6, "0")}` : "#1e1f22";
  const md = (text) => renderMarkdown(text, state.names);
  const title = embed.title ? el("div", { class: "embed-title", html: md(embed.title) }) : null;
  const fields = (embed.fields || []).map((f) => el("div", { class: `embed-field${f.inline ? " inline" : ""}` },
    el("div", { class: "field-name", html: md(f.name) }),
    el("div", { class: "field-value", html: md(f.value) })));
  const image = embed.image && attachmentUrl(data, embed.image.url);
  const thumb = embed.thumbnail && attachmentUrl(data, embed.thumbnail.url);
  return el("div", { class: "embed", style: `border-left-color:${colourHex}` },
    el("div", { class: "embed-main" },
      embed.author ? el("div", { class: "embed-author" }, embed.author.name) : null,
      title,
      embed.description ? el("div", { class: "embed-desc", html: md(embed.description) }) : null,
      fields.length ? el("div", { class: "embed-fields" }, fields) : null,
      image ? el("img", { class: "embed-image", src: image, alt: "embed image" }) : null,
      embed.footer ? el("div", { class: "embed-footer" }, embed.footer.text) : null),
    thumb ? el("img", { class: "embed-thumb", src: thumb, alt: "" }) : null);
}

function renderAttachment(att) {
  if ((att.content_type || "").startsWith("image/") || /\.(png|jpe?g|gif|webp)$/i.test(att.filename)) {
    return el("a", { href: att.url, target: "_blank", class: "attachment-image" },
      el("img", { src: att.url, alt: att.filename, "data-filename": att.filename }));
  }
  return el("a", { class: "attachment-file", href: att.url, download: att.filename }, `📄 ${att.filename} (${att.size} bytes)`);
}

function selectOptions(component) {
  if (component.type === 3) return component.options || [];
  const world = state.world;
  const users = world.members.map((m) => ({ label: m.display, value: m.id }));
  const roles = world.roles.map((r) => ({ label: r.name, value: r.id }));
  const channels = world.channels.map((c) => ({ label: `#${c.name}`, value: c.id }));
  return { 5: users, 6: roles, 7: [...users, ...roles], 8: channels }[component.type] || [];
}

function renderComponent(entry, component) {
  const messageId = entry.data.id;
  const emoji = component.emoji && component.emoji.name ? `${component.emoji.name} ` : "";
  if (component.type === 2) {
    const style = BUTTON_STYLES[component.style] || "secondary";
    if (style === "link") {
      return el("a", { class: "button link", href: component.url, target: "_blank", rel: "noopener" }, `${emoji}${component.label || ""} ↗`);
    }
    return el("button", {
      type: "button",
      class: `button ${style}`,
      disabled: Boolean(component.disabled),
      "data-custom-id": component.custom_id,
      onclick: (event) => act(event.currentTarget, "/pg/click", { message_id: messageId, custom_id: component.custom_id }),
    }, `${emoji}${component.label || ""}`);
  }
  if ([3, 5, 6, 7, 8].includes(component.type)) {
    const many = (component.max_values || 1) > 1;
    const options = selectOptions(component);
    const select = el("select", {
      class: "menu",
      "data-custom-id": component.custom_id,
      disabled: Boolean(component.disabled),
      multiple: many,
      "aria-label": component.placeholder || "Make a selection",
    },
    many ? null : el("option", { value: "", disabled: true, selected: !options.some((o) => o.default) }, component.placeholder || "Make a selection"),
    options.map((o) => el("option", { value: o.value, selected: Boolean(o.default) }, `${o.emoji && o.emoji.name ? o.emoji.name + " " : ""}${o.label}`)));
    const send = () => {
      const values = [...select.selectedOptions].map((o) => o.value).filter(Boolean);
      act(select, "/pg/select", { message_id: messageId, custom_id: component.custom_id, values });
    };
    if (!many) {
      select.addEventListener("change", send);
      return select;
    }
    return el("span", { class: "multi" }, select, el("button", { type: "button", class: "button primary", onclick: send }, "Choose"));
  }
  return el("span", { class: "muted" }, `[component type ${component.type}]`);
}

async function act(node, path, body) {
  node.classList.add("pending");
  try {
    await post(path, body);
  } catch (err) {
    showError(err.message);
  } finally {
    setTimeout(() => node.classList.remove("pending"), 300);
  }
}

function renderMessage(entry) {
  const data = entry.data;
  const author = data.author || {};
  const ephemeral = (data.flags || 0) & EPHEMERAL;
  const loading = (data.flags || 0) & LOADING;
  const when = new Date(data.timestamp);
  const node = el("article", {
    class: `message${ephemeral ? " ephemeral" : ""}`,
    "data-id": data.id,
    "data-ephemeral": ephemeral ? "true" : null,
  });
  if (entry.used) {
    const who = state.world.members.find((m) => m.name === entry.used.member);
    node.append(el("div", { class: "used" }, "↱ ", el("span", { class: "who" }, who ? who.display : entry.used.member),
      " used ", el("span", { class: "command" }, entry.used.command)));
  }
  node.append(el("div", { class: "avatar", style: `background:${author.bot ? "#5865f2" : colour(author.username || "?")}` },
    (author.global_name || author.username || "?")[0]));
  const body = el("div", { class: "body" },
    el("div", { class: "head" },
      el("span", { class: "author" }, author.global_name || author.username),
      author.bot ? el("span", { class: "tag" }, "APP") : null,
      el("time", { datetime: data.timestamp, title: when.toLocaleString() }, when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })),
      data.edited_timestamp ? el("span", { class: "edited" }, "(edited)") : null));
  if (loading) body.append(el("div", { class: "thinking" }, `${author.global_name || "quizbot"} is thinking…`));
  if (data.content) body.append(el("div", { class: "content", html: renderMarkdown(data.content, state.names) }));
  for (const embed of data.embeds || []) body.append(renderEmbed(data, embed));
  const shownInEmbeds = new Set((data.embeds || []).flatMap((e) => [e.image, e.thumbnail]).filter(Boolean).map((i) => i.url));
  for (const att of data.attachments || []) {
    if (!shownInEmbeds.has(`attachment://${att.filename}`)) body.append(renderAttachment(att));
  }
  for (const row of data.components || []) {
    if (row.type === 1) body.append(el("div", { class: "row" }, (row.components || []).map((c) => renderComponent(entry, c))));
  }
  if (ephemeral) {
    body.append(el("div", { class: "ephemeral-note" }, "👁 Only you can see this · ",
      el("a", { href: "#", onclick: (e) => { e.preventDefault(); state.dismissed.add(data.id); renderMessages(); } }, "Dismiss message")));
  }
  node.append(body);
  return node;
}

function atBottom(box) {
  return box.scrollHeight - box.scrollTop - box.clientHeight < 60;
}

function toBottom() {
  const box = $("#messages");
  box.scrollTop = box.scrollHeight;
}

// The member's own scrolling decides whether the view follows; the page's scrolling keeps it.
$("#locale").value = state.locale;
$("#locale").addEventListener("change", (event) => switchLocale(event.target.value));
$("#messages").addEventListener("scroll", () => { state.pinned = atBottom($("#messages")); });
// An image (a loss curve) grows its message when it arrives, after the render: follow it if pinned.
$("#messages").addEventListener("load", () => { if (state.pinned) toBottom(); }, true);

function isOwnReply(entry) {
  const meta = entry.data.interaction_metadata;
  const me = state.world && state.world.members.find((m) => m.name === state.member);
  return Boolean(meta && meta.user && me && meta.user.id === me.id && visible(entry) && entry.channel === state.channel);
}

function renderMessages() {
  const box = $("#messages");
  // A follow-up to a deferred reply takes the place of its "thinking…" message, as in Discord.
  const answered = new Set([...state.messages.values()]
    .filter((e) => e.data.interaction_metadata && !((e.data.flags || 0) & LOADING))
    .map((e) => e.data.interaction_metadata.id));
  const superseded = (e) => ((e.data.flags || 0) & LOADING) && e.data.interaction_metadata && answered.has(e.data.interaction_metadata.id);
  const shown = [...state.messages.values()]
    .filter((e) => e.channel === state.channel && visible(e) && !state.dismissed.has(e.data.id) && !superseded(e))
    .sort((a, b) => (BigInt(a.data.id) < BigInt(b.data.id) ? -1 : 1))
    .map(renderMessage);
  const failures = state.failures
    .filter((f) => f.channel === state.channel && f.member === state.member)
    .map((f) => el("div", { class: "failed", "data-interaction": f.interaction }, `⚠ ${f.text}`));
  if (!shown.length && !failures.length) {
    shown.push(el("div", { class: "empty" }, `This is the start of #${state.channel}. Type / to see quizbot's commands.`));
  }
  box.replaceChildren(...shown, ...failures);
  if (state.pinned) toBottom();
}

function updateMessage(entry) {
  const before = state.messages.get(entry.data.id);
  // A reply to what this member just did (new, or its "thinking…" turning into the answer) is always
  // brought into view: otherwise sending a command looks like nothing happened.
  const answered = !before || ((before.data.flags || 0) & LOADING && !((entry.data.flags || 0) & LOADING));
  if (answered && isOwnReply(entry)) state.pinned = true;
  state.messages.set(entry.data.id, entry);
  if (entry.channel !== state.channel && visible(entry) && !entry.data.edited_timestamp) {
    state.unread.add(entry.channel);
    renderSidebar();
  }
  const box = $("#messages");
  const existing = box.querySelector(`[data-id="${entry.data.id}"]`);
  if (existing && visible(entry) && entry.channel === state.channel && !entry.data.interaction_metadata) {
    // Replace just this message so a menu being used elsewhere keeps its state.
    existing.replaceWith(renderMessage(entry));
    if (state.pinned) toBottom();
  } else {
    renderMessages();
  }
}

// ----- the message box with slash-command suggestions ------------------------------------------
const composer = $("#composer");
const list = $("#suggestions");
let suggestions = [];
let selected = -1;
let asked = 0;

function showError(text) {
  const box = $("#composer-error");
  box.textContent = text;
  box.hidden = !text;
}

function renderSuggestions() {
  list.hidden = suggestions.length === 0;
  list.replaceChildren(...suggestions.map((s, i) => el("li", {
    role: "option",
    "aria-selected": String(i === selected),
    class: i === selected ? "selected" : "",
    onmousedown: (e) => { e.preventDefault(); pick(i); },
  }, el("span", { class: "label" }, s.label), el("span", { class: "detail" }, s.detail))));
}

async function refreshSuggestions() {
  const text = composer.value;
  const ticket = ++asked;
  if (!text.startsWith("/")) {
    suggestions = [];
    renderSuggestions();
    return;
  }
  try {
    const data = await post("/pg/suggest", { text });
    if (ticket !== asked) return; // an older answer arriving after a newer question
    suggestions = data.suggestions;
    selected = suggestions.length ? 0 : -1;
    renderSuggestions();
  } catch (err) {
    showError(err.message);
  }
}

function pick(index) {
  const s = suggestions[index];
  if (!s) return;
  composer.value = s.text;
  composer.focus();
  renderAttachments();
  refreshSuggestions();
}

// ----- files for attachment options (type 11): one picker per such option of the typed command ----
const ATTACHMENT = 11;
const attachments = $("#attachments");

function attachmentOptions(text) {
  // Walk the typed command and its subcommands, as far as finished words go.
  const words = text.trimStart().replace(/^\//, "").split(/\s+/);
  let level = state.commands;
  let command = null;
  for (const word of words) {
    const pool = command === null ? level : level.filter((o) => o.type === 1 || o.type === 2);
    const found = pool.find((c) => c.name === word);
    if (!found) break;
    command = found;
    level = found.options || [];
  }
  if (command === null || level.some((o) => o.type === 1 || o.type === 2)) return [];
  return level.filter((o) => o.type === ATTACHMENT);
}

function renderAttachments() {
  const wanted = composer.value.startsWith("/") ? attachmentOptions(composer.value) : [];
  const names = wanted.map((o) => o.name);
  // A file already picked stays while its option does.
  for (const picker of [...attachments.querySelectorAll(".attach")]) {
    if (!names.includes(picker.dataset.option)) picker.remove();
  }
  for (const option of wanted) {
    if (attachments.querySelector(`.attach[data-option="${option.name}"]`)) continue;
    attachments.append(el("label", { class: "attach", "data-option": option.name, title: option.description || "" },
      "📎 ", el("span", { class: "option" }, `${option.name}:`),
      el("input", { type: "file", "data-option": option.name, "aria-label": `File for ${option.name}` })));
  }
  attachments.hidden = wanted.length === 0;
}

function readAsBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

async function pickedFiles() {
  const files = {};
  for (const input of attachments.querySelectorAll("input[type=file]")) {
    const file = input.files && input.files[0];
    if (file) files[input.dataset.option] = { filename: file.name, data: await readAsBase64(file) };
  }
  return files;
}

async function send() {
  const text = composer.value.trim();
  if (!text) return;
  suggestions = [];
  renderSuggestions();
  try {
    await post("/pg/command", { text, files: await pickedFiles() });
    composer.value = "";
    renderAttachments();
    showError("");
  } catch (err) {
    showError(err.message);
  }
}

composer.addEventListener("input", () => { showError(""); renderAttachments(); refreshSuggestions(); });
composer.addEventListener("keydown", (event) => {
  const open = !list.hidden && suggestions.length > 0;
  if (event.key === "ArrowDown" && open) { selected = (selected + 1) % suggestions.length; renderSuggestions(); event.preventDefault(); }
  else if (event.key === "ArrowUp" && open) { selected = (selected - 1 + suggestions.length) % suggestions.length; renderSuggestions(); event.preventDefault(); }
  else if (event.key === "Tab" && open) { pick(Math.max(selected, 0)); event.preventDefault(); }
  else if (event.key === "Escape") { suggestions = []; renderSuggestions(); }
  else if (event.key === "Enter") {
    event.preventDefault();
    // Enter completes a suggestion that adds something; on a finished line it sends.
    const choice = open && selected >= 0 ? suggestions[selected] : null;
    if (choice && !choice.optional && choice.text.trim() !== composer.value.trim()) pick(selected);
    else send();
  }
});
$("#composer-form").addEventListener("submit", (event) => { event.preventDefault(); send(); });

// ----- live updates -----------------------------------------------------------------------------
function applyHello(hello) {
  state.world = hello.world;
  state.names = {
    users: Object.fromEntries([[hello.world.bot.id, hello.world.bot.name], ...hello.world.members.map((m) => [m.id, m.display])]),
    channels: Object.fromEntries(hello.world.channels.map((c) => [c.id, c.name])),
    roles: Object.fromEntries(hello.world.roles.map((r) => [r.id, r.name])),
  };
  if (!hello.world.members.some((m) => m.name === state.member)) state.member = hello.world.members[0].name;
  if (!hello.world.channels.some((c) => c.name === state.channel)) state.channel = hello.world.channels[0].name;
  $("#guild-name").textContent = hello.world.guild;
  state.messages = new Map(hello.messages.map((m) => [m.data.id, m]));
  state.commands = hello.commands;
  state.lessons = hello.lessons;
  state.bot = hello.bot;
  renderSidebar();
  renderLessons();
  renderBot();
  renderMessages();
}

function connect() {
  const events = new EventSource("/pg/events");
  events.onopen = () => document.body.classList.remove("offline");
  events.onerror = () => document.body.classList.add("offline");
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    switch (event.type) {
      case "hello": applyHello(event); break;
      case "message": updateMessage(event.message); break;
      case "delete": state.messages.delete(event.id); renderMessages(); break;
      case "lessons": state.lessons = event.lessons; renderLessons(); break;
      case "commands": state.commands = event.commands; break;
      case "bot": state.bot = event; renderBot(); break;
      case "failed":
        state.failures.push(event);
        if (event.member === state.member) state.pinned = true;
        renderMessages();
        break;
      default: break;
    }
  };
}

connect();
composer.focus();
setInterval(() => tickRelativeTimes(document), 1000);
