// centerview serve: reloads this page when a rebuild changed it, reloads only the stylesheets
// when only they changed, and shows build errors over the last good page until they are fixed.
(() => {
  'use strict';
  const OVERLAY = 'centerview-errors';
  const show = (text) => {
    let box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement('div');
      box.id = OVERLAY;
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:auto 1rem 1rem 1rem;max-height:70vh;overflow:auto;z-index:2147483647;background:#1c2530;color:#fff;border-top:6px solid #e5484d;padding:1rem 1.25rem;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 8px 30px rgba(0,0,0,.4)';
      document.body.append(box);
    }
    box.innerHTML = '<strong style="font-family:system-ui,sans-serif;font-size:15px">The last save broke the build; this is the last good version of the page.</strong><pre style="white-space:pre-wrap;margin:.75rem 0 0"></pre>';
    box.querySelector('pre').textContent = text;
  };
  const hide = () => { const box = document.getElementById(OVERLAY); if (box) box.remove(); };
  // This page's file in the output folder, as the server names changed files.
  let here = decodeURIComponent(location.pathname).replace(/^\//, '');
  if (here === '' || here.endsWith('/')) here += 'index.html';
  const styles = () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set('t', Date.now());
      link.href = url.toString();
    }
  };
  // A page reloads when it changed, or an asset or script it may use did; the search page
  // also when the index did. Other pages' changes leave it alone.
  const concerns = (p) => p === here
    || (here === 'search/index.html' && p.startsWith('search/'))
    || !/\.(html|xml|csv|css|bin)$/.test(p);
  const events = new EventSource('/__centerview/events');
  // The page served before the first good build shows that build's state itself: any news
  // (new errors, or the site) is a reason to load it again.
  if (document.querySelector('meta[name="centerview-waiting"]')) {
    for (const kind of ['reload', 'css', 'errors', 'ok']) events.addEventListener(kind, () => location.reload());
    return;
  }
  events.addEventListener('reload', (e) => {
    const changed = JSON.parse(e.data);
    if (changed.all || changed.paths.some(concerns)) location.reload();
    else if (changed.paths.some((p) => p.endsWith('.css'))) styles();
  });
  events.addEventListener('css', () => { hide(); styles(); });
  events.addEventListener('errors', (e) => show(e.data));
  events.addEventListener('ok', hide);
})();
