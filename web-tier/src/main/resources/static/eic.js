// Shared by the pages: the optional API key and what /api/v1/info says.
const EIC = {
  key() { return sessionStorage.getItem("eic-api-key") || ""; },
  async api(path, options = {}) {
    const headers = Object.assign({}, options.headers || {});
    if (EIC.key()) headers["X-Api-Key"] = EIC.key();
    return fetch(path, Object.assign({}, options, { headers }));
  },
  async problem(response) {
    try { const p = await response.json(); return p.detail || p.title || response.statusText; }
    catch (e) { return response.status + " " + response.statusText; }
  },
  // Fills the header's model line and shows the key field when the API wants one.
  async info() {
    const info = await (await fetch("/api/v1/info")).json();
    const model = document.getElementById("model");
    if (info.model) {
      model.innerHTML = "";
      model.append("model serving: ");
      const name = document.createElement("strong");
      name.textContent = info.model.name;
      model.append(name);
      if (info.model.description) model.append(" \u2014 " + info.model.description);
    } else {
      model.textContent = "model serving: no worker has announced one yet";
    }
    const key = document.getElementById("key");
    if (key && info.apiKeyRequired && !key.classList.contains("shown")) {
      key.classList.add("shown");
      const input = key.querySelector("input");
      input.value = EIC.key();
      input.addEventListener("change", () => sessionStorage.setItem("eic-api-key", input.value.trim()));
    }
    return info;
  },
};
