// The SLA page works without this; it only keeps what the user chose when the language switches
// (base.html's link carries the path alone: the year, filters and the open cell would be lost).
(() => {
  const a = document.querySelector('header a.lang');
  if (a && location.search) {
    const u = new URL(a.href, location.origin);
    u.searchParams.set('next', location.pathname + location.search + location.hash);
    a.href = u.pathname + '?' + u.searchParams.toString();
  }
})();
