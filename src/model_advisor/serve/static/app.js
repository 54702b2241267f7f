// The page of `model-advisor serve`. Everything taken from the user or the server is put in
// the page with textContent or as element properties, never parsed as markup.
"use strict";

const names = {}; // category id -> name, from /v1/knowledge
const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function nameOf(category) {
  return names[category] || category;
}

function percent(value) {
  return `${Math.round(value * 100)}%`;
}

function headers() {
  const result = { "Content-Type": "application/json" };
  const key = $("api-key").value || sessionStorage.getItem("model-advisor-key") || "";
  if (key) result.Authorization = `Bearer ${key}`;
  return result;
}

async function call(path, options) {
  const response = await fetch(path, { ...options, headers: headers() });
  const body = await response.json().catch(() => null);
  if (response.status === 401) {
    $("key-row").hidden = false;
    $("api-key").focus();
  }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new Error(message);
  }
  if ($("api-key").value) sessionStorage.setItem("model-advisor-key", $("api-key").value);
  return body;
}

async function loadNames() {
  try {
    const info = await call("/v1/knowledge", { method: "GET" });
    for (const category of info.categories) names[category.id] = category.name;
    $("version").textContent = `model-advisor ${info.package_version}`;
  } catch (error) {
    // The names are a nicety: the ids are shown instead.
  }
}

// The words of the evidence: what the rules matched and the classifier's strongest terms.
function evidenceWords(advice) {
  const found = new Set();
  const add = (text) => {
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
    // Of a phrase or a pair of words, the short function words ("in", "a") are not shown.
    for (const word of words) if (words.length === 1 || word.length > 2) found.add(word);
  };
  for (const hit of advice.evidence.rules) {
    if (hit.category === advice.category) hit.matched.forEach(add);
  }
  for (const term of advice.evidence.terms) add(term.term);
  return found;
}

function decides(word, evidence) {
  const lower = word.toLowerCase();
  if (evidence.has(lower)) return true;
  for (const stem of evidence) {
    if (stem.length >= 4 && lower.startsWith(stem)) return true; // a stem: "forecast" in "forecasting"
  }
  return false;
}

function showTask(advice) {
  const target = $("task-shown");
  target.replaceChildren();
  const evidence = evidenceWords(advice);
  for (const piece of advice.task.split(/([\p{L}\p{N}]+)/u)) {
    if (piece && /[\p{L}\p{N}]/u.test(piece) && decides(piece, evidence)) {
      target.append(element("mark", piece));
    } else if (piece) {
      target.append(document.createTextNode(piece));
    }
  }
}

function where(citation) {
  const lines = citation.end_line > citation.line ? `${citation.line}-${citation.end_line}` : `${citation.line}`;
  return `${citation.section} · ${citation.path}:${lines}`;
}

function showCitations(advice) {
  const list = $("citations");
  list.replaceChildren();
  for (const citation of advice.citations) {
    const item = element("li");
    item.append(element("div", where(citation), "where"), element("blockquote", citation.quote));
    list.append(item);
  }
  if (!advice.citations.length) list.append(element("li", "No passage: there was no evidence to go on."));
}

function showParts(advice) {
  const list = $("parts");
  list.replaceChildren();
  for (const part of advice.parts) {
    const item = element("li");
    item.append(
      element("q", part.text),
      document.createTextNode(` → ${nameOf(part.category)} (${percent(part.confidence)})`),
    );
    if (part.citation) item.append(element("div", where(part.citation), "where"));
    list.append(item);
  }
  $("parts-title").textContent = advice.alternatives
    ? "Alternatives: choose the one you need"
    : "Parts of the task";
  $("parts-block").hidden = advice.parts.length === 0;
}

function showWhyNot(advice) {
  const list = $("why-not");
  list.replaceChildren();
  for (const reason of Object.values(advice.why_not)) list.append(element("li", reason));
  $("why-not-block").hidden = Object.keys(advice.why_not).length === 0;
}

function show(advice) {
  const kind = advice.kind_name ? ` (${advice.kind_name})` : "";
  $("category").textContent = `${nameOf(advice.category)}${kind}`;
  $("category").dataset.category = advice.category;
  $("meter").value = advice.confidence;
  $("confidence-text").textContent = `confidence ${percent(advice.confidence)}`;
  const ambiguous = $("ambiguous");
  ambiguous.hidden = !advice.ambiguous;
  ambiguous.textContent = advice.ambiguous
    ? `Too close to call. ${advice.question || ""}`.trim()
    : "";
  showTask(advice);
  $("explanation").textContent = advice.explanation;
  $("recommendation").textContent = advice.recommendation;
  showParts(advice);
  showCitations(advice);
  showWhyNot(advice);
  $("truncated").hidden = !advice.truncated;
  $("truncated").textContent = advice.truncated ? "Only the first 10,000 characters were read." : "";
  $("answer").hidden = false;
  $("category").focus();
}

async function ask(event) {
  if (event) event.preventDefault();
  const task = $("task").value;
  $("error").hidden = true;
  if (!task.trim()) {
    $("error").textContent = "Describe a task first.";
    $("error").hidden = false;
    $("task").focus();
    return;
  }
  $("submit").disabled = true;
  $("status").textContent = "Asking…";
  try {
    if (!Object.keys(names).length && $("api-key").value) await loadNames(); // key just given
    const advice = await call("/v1/advise", { method: "POST", body: JSON.stringify({ task }) });
    const url = new URL(window.location.href);
    url.search = new URLSearchParams({ task }).toString();
    window.history.replaceState(null, "", url); // a link to this answer
    show(advice);
    $("status").textContent = "Answer ready.";
  } catch (error) {
    $("status").textContent = "";
    $("error").textContent = error.message;
    $("error").hidden = false;
  } finally {
    $("submit").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  $("category").tabIndex = -1;
  $("ask").addEventListener("submit", ask);
  $("task").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("ask").requestSubmit();
    }
  });
  await loadNames();
  const shared = new URLSearchParams(window.location.search).get("task");
  if (shared) {
    $("task").value = shared;
    await ask();
  }
  document.body.dataset.ready = "true";
});
