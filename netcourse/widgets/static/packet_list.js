// Wireshark's packet list, drawn in the browser from row data: column headers, the colouring
// rules' row colours, Up/Down (and Page Up/Down, Home, End) to move through the packets.
// Virtual scrolling: only the rows in view (and a few around them) are in the page. Rows come
// from Python a window at a time: the window around the selection as the `window` trait, any
// other on demand with a custom message {kind: "rows", start, stop, generation}, answered with
// {kind: "rows", start, rows, generation}. `generation` changes with each filter: rows of an
// older list are never shown. No imports: the course works offline.

const EXTRA = 8; // rows drawn above and below the ones in view, so a scroll step shows no gap
const WINDOW = 100; // rows asked for at a time

function cell(text, cls, title) {
  const div = document.createElement("div");
  div.className = `nc-plist-cell ${cls}`;
  div.textContent = text;
  if (title) div.title = title;
  return div;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "nc-plist";
  for (const [name, colour] of Object.entries(model.get("palette")))
    root.style.setProperty(`--nc-${name}`, colour);
  const head = document.createElement("div");
  head.className = "nc-plist-head";
  head.setAttribute("role", "row");
  const body = document.createElement("div");
  body.className = "nc-plist-body";
  body.tabIndex = 0;
  body.setAttribute("role", "grid");
  body.setAttribute("aria-label", "packet list");
  const spacer = document.createElement("div");
  spacer.className = "nc-plist-spacer";
  body.appendChild(spacer);
  root.append(head, body);
  el.appendChild(root);

  const CLASSES = ["no", "time", "src", "dst", "proto", "len", "info"];
  let cache = new Map(); // position in the filtered list -> row
  let asked = new Set(); // windows asked for and not answered yet
  let rowHeight = 18;

  function drawHead() {
    head.replaceChildren(
      ...model.get("columns").map((name, i) => {
        const div = cell(name, CLASSES[i] || "", "");
        div.setAttribute("role", "columnheader");
        return div;
      }),
    );
  }

  function take(start, rows) {
    rows.forEach((row, i) => cache.set(start + i, row));
  }

  function fromWindow() {
    const win = model.get("window") || {};
    if ((win.generation ?? -1) !== model.get("generation")) return;
    take(win.start || 0, win.rows || []);
  }

  function ask(first, last) {
    const gen = model.get("generation");
    for (let w = Math.floor(first / WINDOW); w <= Math.floor(last / WINDOW); w++) {
      const start = w * WINDOW;
      const stop = Math.min(start + WINDOW, model.get("total"));
      if (start >= stop || asked.has(`${gen}:${w}`)) continue;
      let missing = false;
      for (let i = start; i < stop; i++) if (!cache.has(i)) { missing = true; break; }
      if (!missing) continue;
      asked.add(`${gen}:${w}`);
      model.send({ kind: "rows", start, stop, generation: gen });
    }
  }

  function rowElement(position, row) {
    const div = document.createElement("div");
    div.className = "nc-plist-row";
    div.setAttribute("role", "row");
    div.dataset.position = String(position);
    div.style.top = `${position * rowHeight}px`;
    if (!row) {
      div.classList.add("nc-plist-loading");
      div.appendChild(cell("…", "no", ""));
      return div;
    }
    const [number, time, src, dst, proto, length, info, rule, malformed] = row;
    div.dataset.number = String(number);
    const rules = model.get("rules");
    if (rule >= 0 && rules[rule]) {
      div.style.setProperty("--nc-row-fg", rules[rule][1]);
      div.style.setProperty("--nc-row-bg", rules[rule][2]);
      div.dataset.rule = rules[rule][0];
      div.classList.add("nc-plist-coloured");
    }
    const infoText = malformed ? `${info} [Malformed]` : info;
    div.append(
      cell(String(number), "no", ""),
      cell(time, "time", ""),
      cell(src, "src", src),
      cell(dst, "dst", dst),
      cell(proto, "proto", proto),
      cell(String(length), "len", ""),
      cell(infoText, "info", infoText),
    );
    if (number === model.get("value")) {
      div.classList.add("nc-plist-selected");
      div.setAttribute("aria-selected", "true");
    }
    return div;
  }

  function draw() {
    const total = model.get("total");
    spacer.style.height = `${total * rowHeight}px`;
    root.classList.toggle("nc-plist-stale", !!model.get("stale"));
    const top = body.scrollTop;
    const inView = Math.ceil(body.clientHeight / rowHeight) || model.get("visible_rows");
    const first = Math.max(0, Math.floor(top / rowHeight) - EXTRA);
    const last = Math.min(total - 1, Math.floor(top / rowHeight) + inView + EXTRA);
    const rows = [];
    for (let i = first; i <= last; i++) rows.push(rowElement(i, cache.get(i)));
    if (total === 0) {
      const none = document.createElement("div");
      none.className = "nc-plist-empty";
      none.textContent = model.get("empty");
      rows.push(none);
    }
    spacer.replaceChildren(...rows);
    if (last >= first) ask(first, last);
  }

  function sizeBody() {
    body.style.height = `${model.get("visible_rows") * rowHeight}px`;
  }

  function reveal() {
    const at = model.get("position");
    if (at < 0) return;
    const top = at * rowHeight;
    if (top < body.scrollTop) body.scrollTop = top;
    else if (top + rowHeight > body.scrollTop + body.clientHeight)
      body.scrollTop = top + rowHeight - body.clientHeight;
  }

  function choose(position) {
    const total = model.get("total");
    if (total === 0) return;
    position = Math.max(0, Math.min(total - 1, position));
    const row = cache.get(position);
    model.set("position", position);
    if (row) model.set("value", row[0]);
    else model.send({ kind: "select", position, generation: model.get("generation") });
    model.save_changes();
    reveal();
    draw();
  }

  body.addEventListener("scroll", () => draw());
  body.addEventListener("click", (event) => {
    const row = event.target.closest(".nc-plist-row");
    if (!row || !spacer.contains(row)) return;
    body.focus();
    choose(Number(row.dataset.position));
  });
  body.addEventListener("keydown", (event) => {
    const at = model.get("position");
    const page = Math.max(1, model.get("visible_rows") - 1);
    const moves = {
      ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page,
      Home: 0, End: model.get("total") - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    choose(at < 0 && event.key === "ArrowDown" ? 0 : moves[event.key]);
  });

  model.on("msg:custom", (msg) => {
    if (msg.kind !== "rows" || msg.generation !== model.get("generation")) return;
    take(msg.start, msg.rows);
    asked.delete(`${msg.generation}:${Math.floor(msg.start / WINDOW)}`);
    draw();
  });
  model.on("change:generation", () => {
    cache = new Map();
    asked = new Set();
    fromWindow();
    body.scrollTop = 0;
    draw();
  });
  model.on("change:window", () => { fromWindow(); reveal(); draw(); });
  model.on("change:position", () => { reveal(); draw(); });
  model.on("change:value", () => draw());
  model.on("change:total", () => draw());
  model.on("change:stale", () => draw());
  model.on("change:visible_rows", () => { sizeBody(); draw(); });
  model.on("change:columns", () => drawHead());

  drawHead();
  fromWindow();
  sizeBody();
  // the row height follows the page's font: measured once the list is in the page
  requestAnimationFrame(() => {
    const probe = document.createElement("div");
    probe.className = "nc-plist-row";
    probe.style.visibility = "hidden";
    probe.appendChild(cell("0", "no", ""));
    spacer.appendChild(probe);
    const measured = probe.getBoundingClientRect().height;
    probe.remove();
    if (measured > 8) rowHeight = measured;
    sizeBody();
    reveal();
    draw();
    el.dataset.drawn = "1"; // measured and drawn: what layout tests wait for
  });
  draw();
}

export default { render };
