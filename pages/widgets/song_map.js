// The embedding map on a 2-D canvas (recsys.map_charts.map_points draws up its payload): every
// song a dot coloured by its group, a legend that hides and shows groups, the song under the
// pointer named in a tooltip, drag a box to zoom in, double-click to see it all again. A click
// reports the song's local index as the trigger "clicked". A canvas, not WebGL: with no GPU a
// browser draws 28k dots and finds the one under the pointer in milliseconds this way.
const RADIUS = 2.5, PICK = 6, CELL = 12, OPACITY = 0.8, MARGIN = 12;  // pixels, but OPACITY
const STACKED = 640, HEADER = 64;  // pixels: below STACKED wide Streamlit stacks columns; its header's height
const maps = new WeakMap();  // host element -> its map, kept across reruns that resend the same payload

export default function ({ data, parentElement, setTriggerValue }) {
  let map = maps.get(parentElement);
  if (!map) {
    map = create(parentElement);
    maps.set(parentElement, map);
  }
  map.report = (index) => setTriggerValue("clicked", index);
  if (map.source !== data) {
    map.source = data;
    load(map, JSON.parse(data));
  }
}

function create(parent) {
  const element = (tag, name) => Object.assign(document.createElement(tag), { className: name });
  const root = element("div", "song-map"), legend = element("div", "song-map-legend");
  const frame = element("div", "song-map-frame"), canvas = element("canvas", "song-map-canvas");
  const tip = element("div", "song-map-tip"), box = element("div", "song-map-box");
  const axes = element("div", "song-map-axes");
  tip.hidden = true;
  frame.append(canvas, box, tip);
  root.append(legend, frame, axes);
  parent.append(root);
  const map = { root, canvas, legend, tip, box, axes, hidden: new Set(), view: null };
  canvas.addEventListener("pointermove", (event) => hover(map, event));
  canvas.addEventListener("pointerleave", () => { tip.hidden = true; });
  canvas.addEventListener("pointerdown", (event) => startBox(map, event));
  canvas.addEventListener("dblclick", () => { map.view = null; draw(map); });
  canvas.addEventListener("click", (event) => click(map, event));
  new ResizeObserver(() => draw(map)).observe(canvas);  // keeps the reader's zoom, as a rerun does
  // Where song `share` of the way through the drawing order sits on screen, for browser tests.
  canvas.songOnScreen = (share) => {
    const i = Math.floor((map.x.length - 1) * share), bounds = canvas.getBoundingClientRect();
    return [bounds.left + canvas.clientLeft + map.sx[i], bounds.top + canvas.clientTop + map.sy[i]];
  };
  return map;
}

function load(map, payload) {
  map.x = Float32Array.from(payload.x);
  map.y = Float32Array.from(payload.y);
  map.group = Uint16Array.from(payload.group);
  map.groups = payload.groups;
  map.songs = payload.songs;
  map.sx = new Float32Array(map.x.length);
  map.sy = new Float32Array(map.x.length);
  map.hidden.clear();
  map.view = null;
  map.canvas.setAttribute("aria-label", `A map of ${map.x.length} songs; click one to see it and its neighbours`);
  legend(map, payload.title);
  const [across, up] = payload.axes;
  map.axes.textContent = across ? `Across: ${across}; up: ${up}` : "";
  draw(map);
}

function legend(map, title) {
  map.legend.replaceChildren();
  if (title) map.legend.append(Object.assign(document.createElement("span"), { className: "song-map-title", textContent: title }));
  map.groups.forEach((group, g) => {
    const item = Object.assign(document.createElement("button"), { type: "button", className: "song-map-item" });
    const swatch = Object.assign(document.createElement("span"), { className: "song-map-swatch" });
    swatch.style.background = group.colour;
    item.append(swatch, document.createTextNode(group.name));
    item.addEventListener("click", () => {
      map.hidden.has(g) ? map.hidden.delete(g) : map.hidden.add(g);
      item.classList.toggle("song-map-off", map.hidden.has(g));
      draw(map);
    });
    map.legend.append(item);
  });
}

// The view: the data point at the canvas's centre and pixels per data unit, one scale for both
// axes so distances stay honest. null fits every song.
function fitted(map, width, height) {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < map.x.length; i++) {
    x0 = Math.min(x0, map.x[i]); x1 = Math.max(x1, map.x[i]);
    y0 = Math.min(y0, map.y[i]); y1 = Math.max(y1, map.y[i]);
  }
  const scale = Math.min((width - 2 * MARGIN) / (x1 - x0 || 1), (height - 2 * MARGIN) / (y1 - y0 || 1));
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, scale };
}

function draw(map) {
  const { canvas } = map, width = canvas.clientWidth, height = canvas.clientHeight, ratio = devicePixelRatio || 1;
  if (!map.x || !width) return;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  map.view ??= fitted(map, width, height);
  const { cx, cy, scale } = map.view, context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  context.globalAlpha = OPACITY;
  const n = map.x.length;
  for (let start = 0; start < n;) {  // one path per run of a group: songs come group by group
    const g = map.group[start], shown = !map.hidden.has(g);
    let end = start;
    context.beginPath();
    for (; end < n && map.group[end] === g; end++) {
      const sx = width / 2 + (map.x[end] - cx) * scale, sy = height / 2 - (map.y[end] - cy) * scale;
      map.sx[end] = sx; map.sy[end] = sy;
      if (shown && sx > -RADIUS && sx < width + RADIUS && sy > -RADIUS && sy < height + RADIUS) {
        context.moveTo(sx + RADIUS, sy);
        context.arc(sx, sy, RADIUS, 0, 2 * Math.PI);
      }
    }
    context.fillStyle = map.groups[g].colour;
    context.fill();
    start = end;
  }
  index(map, width, height);
}

// A grid of CELL-pixel cells over the canvas listing the shown songs in each, so the song under
// the pointer is found among a few dozen, not all of them.
function index(map, width, height) {
  const columns = Math.ceil(width / CELL) + 1, cells = columns * (Math.ceil(height / CELL) + 1);
  const cell = new Int32Array(map.x.length).fill(-1), start = new Int32Array(cells + 1);
  for (let i = 0; i < map.x.length; i++) {
    const column = Math.floor(map.sx[i] / CELL), row = Math.floor(map.sy[i] / CELL);
    if (map.hidden.has(map.group[i]) || column < 0 || row < 0 || map.sx[i] > width || map.sy[i] > height) continue;
    cell[i] = row * columns + column;
    start[cell[i] + 1]++;
  }
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const songs = new Int32Array(start[cells]), filled = start.slice(0, cells);
  for (let i = 0; i < map.x.length; i++) if (cell[i] >= 0) songs[filled[cell[i]]++] = i;
  map.grid = { columns, cells, start, songs };
}

// The song nearest (x, y) on the canvas within PICK pixels, the one drawn last on a tie; -1 if none.
function songAt(map, x, y) {
  const { columns, cells, start, songs } = map.grid;
  const column = Math.floor(x / CELL), row = Math.floor(y / CELL);
  let best = -1, nearest = PICK * PICK;
  for (let r = row - 1; r <= row + 1; r++) {
    for (let c = column - 1; c <= column + 1; c++) {
      const at = r * columns + c;
      if (c < 0 || c >= columns || at < 0 || at >= cells) continue;
      for (let k = start[at]; k < start[at + 1]; k++) {
        const i = songs[k], distance = (map.sx[i] - x) ** 2 + (map.sy[i] - y) ** 2;
        if (distance < nearest || (distance === nearest && i > best)) { best = i; nearest = distance; }
      }
    }
  }
  return best;
}

function hover(map, event) {
  if (map.dragging) return dragBox(map, event);
  const i = map.x ? songAt(map, event.offsetX, event.offsetY) : -1;
  map.canvas.style.cursor = i < 0 ? "crosshair" : "pointer";
  map.tip.hidden = i < 0;
  if (i < 0) return;
  const [, title, artist, genre, playlists, popularity] = map.songs[i];
  const heading = Object.assign(document.createElement("b"), { textContent: title });
  const lines = [artist, `genre: ${genre}`, `in ${playlists} · popularity ${popularity}`]
    .map((text) => Object.assign(document.createElement("div"), { textContent: text }));
  map.tip.replaceChildren(heading, ...lines);
  const flip = map.sx[i] > map.canvas.clientWidth / 2;  // keep the tip inside the map
  map.tip.style.left = `${map.sx[i] + (flip ? -8 : 8)}px`;
  map.tip.style.top = `${map.sy[i] + 8}px`;
  map.tip.style.transform = flip ? "translateX(-100%)" : "";
}

function click(map, event) {
  if (map.boxed) { map.boxed = false; return; }  // the end of a box zoom, not a click
  const i = map.x ? songAt(map, event.offsetX, event.offsetY) : -1;
  if (i < 0) return;
  map.report(map.songs[i][0]);
  if (matchMedia(`(max-width: ${STACKED}px)`).matches) revealBelow(map);
}

// On a phone the chosen song's panel sits under a map as tall as the screen: scroll the map's
// bottom edge up to below the app's header, so the song and its neighbours come into view.
function revealBelow(map) {
  let scroller = map.root.parentElement;
  while (scroller && !(/(auto|scroll)/.test(getComputedStyle(scroller).overflowY)
                       && scroller.scrollHeight > scroller.clientHeight)) scroller = scroller.parentElement;
  const below = map.root.getBoundingClientRect().bottom - HEADER;
  (scroller ?? document.scrollingElement).scrollBy({ top: below, behavior: "smooth" });
}

// Box zoom with a mouse or pen; a finger scrolls the page as usual, and taps choose songs.
function startBox(map, event) {
  if (event.pointerType === "touch" || event.button !== 0) return;
  map.dragging = { x: event.offsetX, y: event.offsetY };
  map.canvas.setPointerCapture(event.pointerId);
  const end = () => {
    map.canvas.removeEventListener("pointerup", end);
    map.canvas.removeEventListener("pointercancel", end);
    endBox(map);
  };
  map.canvas.addEventListener("pointerup", end);
  map.canvas.addEventListener("pointercancel", end);  // else a lost pointer would leave the map dragging
}

function dragBox(map, event) {
  const { x, y } = map.dragging, box = map.box.style;
  map.dragging.to = { x: event.offsetX, y: event.offsetY };
  Object.assign(box, { display: "block", left: `${Math.min(x, event.offsetX)}px`, top: `${Math.min(y, event.offsetY)}px`,
                       width: `${Math.abs(event.offsetX - x)}px`, height: `${Math.abs(event.offsetY - y)}px` });
}

function endBox(map) {
  const { x, y, to } = map.dragging;
  map.dragging = null;
  map.box.style.display = "none";
  if (!to || (Math.abs(to.x - x) < 5 && Math.abs(to.y - y) < 5)) return;  // a click, not a drag
  map.boxed = true;  // whatever the box, the click that ends a drag chooses no song
  if (Math.abs(to.x - x) < 5 || Math.abs(to.y - y) < 5) return;  // too thin a box to zoom into
  const { canvas } = map, width = canvas.clientWidth, height = canvas.clientHeight, { cx, cy, scale } = map.view;
  const middle = { x: (x + to.x) / 2, y: (y + to.y) / 2 };
  map.view = { cx: cx + (middle.x - width / 2) / scale, cy: cy - (middle.y - height / 2) / scale,
               scale: scale * Math.min(width / Math.abs(to.x - x), height / Math.abs(to.y - y)) };
  draw(map);
}
