/**
 * The momentum lab's page: the tabs, and the settings kept in the URL hash (a teacher's link
 * restores the view; editing the hash by hand works too).
 */
import * as gt from "gradtape";
import { byId, type Store } from "./dom.js";
import { mountPaths } from "./paths-tab.js";
import { mountRace } from "./race-tab.js";
import { fromHash, TABS, toHash, type Settings, type Tab } from "./settings.js";

let settings: Settings = fromHash(location.hash).settings;
const tabs: { refresh(): void }[] = [];

const store: Store<Settings> = {
  get: () => settings,
  set(patch) {
    settings = { ...settings, ...patch };
    // replaceState: a slider dragged across its range must not fill the history.
    history.replaceState(null, "", toHash(settings));
    refresh();
  },
};

function showTab(tab: Tab): void {
  for (const t of TABS) {
    byId(t).hidden = t !== tab;
    byId(`tab-${t}`).setAttribute("aria-selected", String(t === tab));
  }
}

function refresh(): void {
  showTab(settings.tab);
  for (const t of tabs) t.refresh();
}

function readHash(): void {
  const { settings: s, ignored } = fromHash(location.hash);
  settings = s;
  const note = byId("ignored");
  note.hidden = ignored.length === 0;
  note.textContent = ignored.length === 0 ? "" : `Ignored in the link (not understood or out of range): ${ignored.join(", ")}.`;
  history.replaceState(null, "", toHash(settings));
  refresh();
}

for (const t of TABS) byId(`tab-${t}`).addEventListener("click", () => store.set({ tab: t }));
byId("threads").textContent = globalThis.crossOriginIsolated
  ? `Cross-origin isolated: gradtape's large products use up to ${gt.getThreads()} threads, and the race runs each optimizer in its own worker.`
  : "Not cross-origin isolated (the server sends no COOP/COEP headers): gradtape runs on one thread in each worker. Everything works, more slowly.";

// Inside the docs site (docs-site/lab/) the API reference is one folder up.
byId("docs-link").hidden = !/\/lab\/(index\.html)?$/.test(location.pathname);
tabs.push(mountPaths(store), mountRace(store));
window.addEventListener("hashchange", readHash);
readHash();
