// Wireshark's field tree and bytes pane as one component: click a field to light its bytes,
// click a byte to select the field holding it, hover a byte (or a field) to preview it (a light
// highlight and the field's name in the status line). Python decides everything shown lit:
// `marks` ([start, end, kind, colour?] ranges) and `value` (the [layer, field] selected); the
// browser sends clicks on bytes as {kind: "byte", offset}, and sets `value` for a tree row.
// `owner` says, for each byte, which tree row holds it (Dissection.field_at, computed once in
// Python). The same module draws the Inspector's panes and the layer inspector's PDU and
// device views (only the marks differ). No imports: the course works offline.

function hexOf(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
  return out;
}

function printable(byte) {
  return byte >= 32 && byte < 127 ? String.fromCharCode(byte) : ".";
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "nc-fb";
  for (const [name, colour] of Object.entries(model.get("palette")))
    root.style.setProperty(`--nc-${name}`, colour);
  const size = () => root.style.setProperty("--nc-rows", String(model.get("rows")));
  size();
  const tree = document.createElement("div");
  tree.className = "nc-fb-tree";
  tree.tabIndex = 0;
  tree.setAttribute("role", "tree");
  tree.setAttribute("aria-label", "fields");
  const right = document.createElement("div");
  right.className = "nc-fb-right";
  const status = document.createElement("div");
  status.className = "nc-fb-status";
  const hex = document.createElement("div");
  hex.className = "nc-fb-hex";
  hex.setAttribute("aria-label", "bytes");
  right.append(hex, status);
  root.append(tree, right);
  el.appendChild(root);

  let data = new Uint8Array(0);
  let hexCells = [];
  let textCells = [];
  let treeRows = [];
  let preview = null; // [start, end] previewed

  function fieldRows() {
    return model.get("fields");
  }

  function selectedRow() {
    const value = model.get("value");
    if (!value) return -1;
    return fieldRows().findIndex((f) => f[1] === value[0] && f[2] === value[1]);
  }

  function drawTree() {
    const rows = fieldRows();
    treeRows = rows.map(([label, li, fi, start, end], i) => {
      const div = document.createElement("div");
      div.className = `nc-fb-row ${fi < 0 ? (li < 0 ? "nc-fb-problem" : "nc-fb-layer") : "nc-fb-field"}`;
      div.setAttribute("role", "treeitem");
      div.dataset.row = String(i);
      div.dataset.start = String(start);
      div.dataset.end = String(end);
      div.textContent = label;
      div.title = label.trim();
      return div;
    });
    tree.replaceChildren(...treeRows);
    root.classList.toggle("nc-fb-no-tree", !model.get("show_tree"));
  }

  function drawBytes() {
    data = hexOf(model.get("bytes_hex"));
    hexCells = [];
    textCells = [];
    const lines = [];
    for (let row = 0; row < data.length; row += 16) {
      const line = document.createElement("div");
      line.className = "nc-fb-line";
      const offset = document.createElement("span");
      offset.className = "nc-fb-offset";
      offset.textContent = row.toString(16).padStart(4, "0");
      const hx = document.createElement("span");
      hx.className = "nc-fb-hexcol";
      const tx = document.createElement("span");
      tx.className = "nc-fb-textcol";
      for (let i = row; i < Math.min(row + 16, data.length); i++) {
        const b = document.createElement("span");
        b.className = "nc-fb-byte";
        b.dataset.offset = String(i);
        b.textContent = data[i].toString(16).padStart(2, "0");
        hx.append(b, i - row === 7 ? "  " : " ");
        hexCells.push(b);
        const c = document.createElement("span");
        c.className = "nc-fb-char";
        c.dataset.offset = String(i);
        c.textContent = printable(data[i]);
        tx.appendChild(c);
        textCells.push(c);
      }
      const pad = "   ".repeat(16 - (Math.min(row + 16, data.length) - row));
      line.append(offset, "  ", hx, pad + (data.length - row <= 8 ? " " : "") + " ", tx);
      lines.push(line);
    }
    if (!data.length) {
      const none = document.createElement("div");
      none.className = "nc-fb-empty";
      none.textContent = model.get("empty");
      lines.push(none);
    }
    hex.replaceChildren(...lines);
  }

  function paint() {
    const kinds = new Array(data.length).fill(null);
    const colours = new Array(data.length).fill(null);
    for (const [start, end, kind, colour] of model.get("marks")) {
      for (let i = Math.max(0, start); i < Math.min(end, data.length); i++) {
        if (kinds[i] === "field" && kind === "layer") continue; // the field wins over its layer
        kinds[i] = kind;
        colours[i] = colour || null;
      }
    }
    for (let i = 0; i < data.length; i++) {
      for (const cells of [hexCells, textCells]) {
        const c = cells[i];
        c.className = c.className.replace(/ nc-mark-\S+| nc-fb-preview/g, "");
        if (kinds[i]) c.className += ` nc-mark-${kinds[i]}`;
        c.style.setProperty("--nc-mark", colours[i] || "");
        if (preview && preview[0] <= i && i < preview[1]) c.className += " nc-fb-preview";
      }
    }
    const chosen = selectedRow();
    treeRows.forEach((row, i) => {
      row.classList.toggle("nc-fb-selected", i === chosen);
      row.setAttribute("aria-selected", i === chosen ? "true" : "false");
      const start = Number(row.dataset.start), end = Number(row.dataset.end);
      row.classList.toggle("nc-fb-preview", !!preview && preview[0] === start &&
        preview[1] === end && i === preview[2]);
    });
    root.classList.toggle("nc-fb-stale", !!model.get("stale"));
  }

  function revealSelected() {
    const chosen = selectedRow();
    if (chosen < 0 || !treeRows[chosen]) return;
    const row = treeRows[chosen];
    if (row.offsetTop < tree.scrollTop) tree.scrollTop = row.offsetTop;
    else if (row.offsetTop + row.offsetHeight > tree.scrollTop + tree.clientHeight)
      tree.scrollTop = row.offsetTop + row.offsetHeight - tree.clientHeight;
    const marks = model.get("marks").filter((m) => m[2] === "field");
    const first = marks.length ? hexCells[marks[0][0]] : null;
    if (first) {
      const line = first.parentElement.parentElement;
      if (line.offsetTop < hex.scrollTop || line.offsetTop > hex.scrollTop + hex.clientHeight - 16)
        hex.scrollTop = Math.max(0, line.offsetTop - 16);
    }
  }

  function where(start, end) {
    return end - start === 1 ? `byte ${start}` : `bytes ${start}-${end - 1}`;
  }

  function say(text) {
    status.textContent = text;
    status.title = text;
  }

  function previewRow(i, offset) {
    const row = fieldRows()[i];
    if (!row) { preview = null; say(""); paint(); return; }
    const [label, , , start, end, name] = row;
    preview = [start, end, i];
    const at = offset === undefined ? "" : `byte ${offset}: `;
    say(`${at}${name} (${where(start, end)}) ${label.trim()}`);
    paint();
  }

  function unpreview() {
    if (!preview) return;
    preview = null;
    say("");
    paint();
  }

  hex.addEventListener("mouseover", (event) => {
    const b = event.target.closest("[data-offset]");
    if (!b) return;
    const offset = Number(b.dataset.offset);
    const owner = model.get("owner")[offset];
    if (owner === undefined || owner < 0) { preview = null; say(`byte ${offset}`); paint(); return; }
    previewRow(owner, offset);
  });
  hex.addEventListener("mouseleave", unpreview);
  hex.addEventListener("click", (event) => {
    const b = event.target.closest("[data-offset]");
    if (!b) return;
    model.send({ kind: "byte", offset: Number(b.dataset.offset) });
  });
  tree.addEventListener("mouseover", (event) => {
    const row = event.target.closest(".nc-fb-row");
    if (row) previewRow(Number(row.dataset.row));
  });
  tree.addEventListener("mouseleave", unpreview);
  function chooseRow(i) {
    const row = fieldRows()[i];
    if (!row || row[1] < 0) return;
    model.set("value", [row[1], row[2]]);
    model.save_changes();
  }
  tree.addEventListener("click", (event) => {
    const row = event.target.closest(".nc-fb-row");
    if (row) { tree.focus(); chooseRow(Number(row.dataset.row)); }
  });
  tree.addEventListener("keydown", (event) => {
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const rows = fieldRows();
    let i = selectedRow() + step;
    while (rows[i] && rows[i][1] < 0) i += step; // a problem line holds no bytes
    if (i >= 0 && i < rows.length) chooseRow(i);
  });

  model.on("change:bytes_hex", () => { drawBytes(); paint(); });
  model.on("change:fields", () => { drawTree(); paint(); });
  model.on("change:show_tree", () => drawTree());
  model.on("change:marks", () => { paint(); revealSelected(); });
  model.on("change:value", () => { paint(); revealSelected(); });
  model.on("change:stale", () => paint());
  model.on("change:empty", () => drawBytes());
  model.on("change:rows", size);
  drawTree();
  drawBytes();
  paint();
  requestAnimationFrame(() => {
    revealSelected();
    el.dataset.drawn = "1"; // drawn and scrolled to the selection: what layout tests wait for
  });
}

export default { render };
