// The upload form: one request per image through the JSON API, at most four at a time,
// each card updated when its answer comes.
(() => {
  const results = document.getElementById("results");
  const drop = document.getElementById("drop");
  const input = document.getElementById("files");
  const MAX_PARALLEL = 4;
  let info = { requestTimeoutSeconds: 60 };
  let running = 0;
  const queue = [];

  const refreshInfo = () => EIC.info().then(i => { info = i; }).catch(() => {});
  refreshInfo();
  setInterval(refreshInfo, 10000);

  function card(file) {
    const el = document.createElement("article");
    el.className = "card";
    el.dataset.status = "queued";
    const img = document.createElement("img");
    img.alt = "";
    img.onerror = () => { // not an image: an empty box, not the browser's broken-image icon
      const box = document.createElement("div");
      box.className = "thumb";
      img.replaceWith(box);
    };
    img.src = URL.createObjectURL(file);
    const text = document.createElement("div");
    const name = document.createElement("div");
    name.className = "name";
    name.textContent = file.name;
    const label = document.createElement("div");
    label.className = "label";
    label.textContent = "waiting…";
    const confidence = document.createElement("div");
    confidence.className = "confidence";
    const top = document.createElement("ul");
    text.append(name, label, confidence, top);
    el.append(img, text);
    results.prepend(el);
    return el;
  }

  function show(el, item) {
    const label = el.querySelector(".label");
    const top = el.querySelector("ul");
    el.dataset.status = item.status;
    if (item.status === "done") {
      label.textContent = item.label;
      label.title = "classified by " + item.model;
      el.querySelector(".confidence").textContent = "confidence " + (100 * item.confidence).toFixed(1) + "%";
      top.innerHTML = "";
      (item.top5 || []).slice(1, 4).forEach(p => {
        const li = document.createElement("li");
        li.textContent = "then " + p.label + " " + (100 * p.probability).toFixed(1) + "%";
        top.append(li);
      });
    } else if (item.status === "failed") {
      label.textContent = "cannot classify: " + item.reason;
    } else if (item.status === "expired") {
      label.textContent = "not classified in time (the service was busy): send it again";
    } else {
      label.textContent = "classifying…";
    }
  }

  function fail(el, message) {
    el.dataset.status = "error";
    el.querySelector(".label").textContent = message;
  }

  async function poll(el, location) {
    for (;;) {
      const response = await EIC.api(location);
      if (!response.ok) return fail(el, await EIC.problem(response));
      const item = await response.json();
      show(el, item);
      if (item.status !== "pending") return;
      await new Promise(r => setTimeout(r, 1000));
    }
  }

  async function classify(file, el) {
    el.querySelector(".label").textContent = "uploading…";
    const body = new FormData();
    body.append("file", file, file.name);
    const wait = Math.min(30, info.requestTimeoutSeconds || 30);
    try {
      const response = await EIC.api("/api/v1/classifications?wait=" + wait + "s", { method: "POST", body });
      if (!response.ok) return fail(el, await EIC.problem(response));
      const item = (await response.json()).items[0];
      show(el, item);
      if (item.status === "pending") await poll(el, item.location);
    } catch (e) {
      fail(el, "network error: " + e.message);
    }
  }

  function next() {
    while (running < MAX_PARALLEL && queue.length) {
      const [file, el] = queue.shift();
      running++;
      classify(file, el).finally(() => { running--; next(); });
    }
  }

  function add(files) {
    for (const file of files) queue.push([file, card(file)]);
    next();
  }

  input.addEventListener("change", () => { add(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", e => add(e.dataTransfer.files));
})();
