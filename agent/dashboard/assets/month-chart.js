// Draws the month report's chart with uPlot (served by the agent) from the series JSON the chart's
// data-series attribute names. Host names reach uPlot as series labels, which it renders as text.
(() => {
  const box = document.getElementById('chart');
  if (box === null || typeof uPlot !== 'function') return;
  const url = box.dataset.series;
  if (typeof url !== 'string' || !url.startsWith('/months/')) return;
  const palette = ['#0550ae', '#a40e26', '#116329', '#7d4e00', '#6639ba', '#1b7c83', '#953800'];
  fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
    .then((series) => {
      const width = Math.max(280, box.clientWidth);
      const options = {
        width,
        height: 320,
        scales: { x: { time: true } },
        series: [
          {},
          ...series.hosts.map((host, i) => ({
            label: host.name,
            stroke: palette[i % palette.length],
            width: 1.5,
            dash: i % 2 === 1 ? [6, 3] : undefined,
          })),
        ],
        axes: [{}, { label: 'Running Windows Server VMs' }],
      };
      const data = [series.hours, ...series.hosts.map((host) => host.counts)];
      box.replaceChildren();
      const chart = new uPlot(options, data, box);
      // The chart follows the page's width (a phone turned, a window resized).
      window.addEventListener('resize', () =>
        chart.setSize({ width: Math.max(280, box.clientWidth), height: 320 }),
      );
      box.dataset.drawn = 'true';
    })
    .catch((error) => {
      box.textContent = `The chart could not be drawn (${error.message}); the peaks are in the hosts table.`;
    });
})();
