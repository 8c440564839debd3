// "On this page": marks the section being read in the page's contents while the reader
// scrolls. Without JavaScript the contents are plain links, and nothing is lost.
(() => {
  const links = [...document.querySelectorAll(".toc a[href^='#']")];
  const sections = links
    .map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1))))
    .filter(Boolean);
  if (!sections.length || !("IntersectionObserver" in window)) return;
  const mark = (id) => {
    for (const a of links) {
      if (a.hash.slice(1) === id) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    }
  };
  // The section being read is the last heading above a line a quarter down the window
  // (none while the reader is still above the first).
  const update = () => {
    const line = window.innerHeight / 4;
    let current = null;
    for (const h of sections) {
      if (h.getBoundingClientRect().top <= line) current = h;
    }
    mark(current ? current.id : null);
  };
  const observer = new IntersectionObserver(update, { rootMargin: "0px 0px -75% 0px" });
  sections.forEach((h) => observer.observe(h));
  window.addEventListener("scroll", update, { passive: true });
  update();
})();
