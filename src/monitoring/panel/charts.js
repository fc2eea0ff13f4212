/**
 * uPlot line charts that size themselves to their container. uPlot comes from
 * /panel/vendor/uPlot.iife.min.js, loaded by the page before this module, as
 * the global `uPlot`.
 */

const AXIS_STYLE = {
  stroke: "#8b98a5",
  grid: { stroke: "rgba(139, 152, 165, 0.12)", width: 1 },
  ticks: { stroke: "rgba(139, 152, 165, 0.25)", width: 1 },
  font: "11px system-ui, sans-serif",
};

const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/** Tick steps for counts: whole numbers only. */
export const COUNT_INCRS = [...STEPS, ...STEPS.map((s) => s * 1000), ...STEPS.map((s) => s * 1e6)];

/** Tick steps for bytes: round numbers of B, KiB, MiB, GiB, so the axis reads "20 KiB/s", not "19.5 KiB/s". */
export const BYTE_INCRS = [0, 1, 2, 3].flatMap((power) => STEPS.map((s) => s * 1024 ** power));

/**
 * 24-hour local time of epoch seconds: "14:05", or "14:05:09" with seconds.
 * @param {number} epochS
 * @param {boolean} withSeconds
 */
function clockOf(epochS, withSeconds) {
  return new Date(epochS * 1000).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: withSeconds ? "2-digit" : undefined, hour12: false });
}

/**
 * @typedef {object} SeriesSpec
 * @property {string} label
 * @property {string} color
 * @property {(value: number) => string} format how the legend and the y axis show a value
 */

/**
 * A chart bound to `container`, resized with it.
 * @param {HTMLElement} container
 * @param {object} options
 * @param {boolean} options.isTime x is epoch seconds (time axis) or a plain index
 * @param {SeriesSpec[]} options.series one or more y series sharing one y axis
 * @param {number} options.height CSS pixels
 * @param {() => [number, number] | null} [options.xRange] a fixed x window (null: fit the data)
 * @param {number} [options.yMin] the y axis reaches at least this high, so an idle cluster's flat line sits low
 * @param {number[]} [options.yIncrs] the y axis's allowed tick steps (default: uPlot's decimal ones)
 */
export function createChart(container, { isTime, series, height, xRange, yMin = 1, yIncrs }) {
  const format = series[0]?.format ?? String;
  /** @type {any} */
  const opts = {
    width: Math.max(200, container.clientWidth),
    height,
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: {
        time: isTime,
        range: xRange === undefined ? undefined : (/** @type {any} */ _u, /** @type {number} */ min, /** @type {number} */ max) => xRange() ?? [min, max],
      },
      y: { range: (/** @type {any} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [0, Math.max(yMin, (max ?? 0) * 1.15)] },
    },
    axes: [
      {
        ...AXIS_STYLE,
        // Seconds on the clock only when ticks are less than a minute apart.
        values: (/** @type {any} */ _u, /** @type {number[]} */ ticks, /** @type {number} */ _axis, /** @type {number} */ _space, /** @type {number} */ step) =>
          ticks.map((t) => (isTime ? clockOf(t, step < 60) : String(t))),
      },
      {
        ...AXIS_STYLE,
        size: 70,
        ...(yIncrs === undefined ? {} : { incrs: yIncrs }),
        values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => format(t)),
      },
    ],
    series: [
      isTime
        ? { label: "time", value: (/** @type {any} */ _u, /** @type {number | null} */ t) => (t === null ? "–" : clockOf(t, true)) }
        : { label: "tick", value: (/** @type {any} */ _u, /** @type {number | null} */ t) => (t === null ? "–" : String(t)) },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        fill: `${s.color}22`,
        points: { show: false },
        value: (/** @type {any} */ _u, /** @type {number | null} */ v) => (v === null || v === undefined ? "–" : s.format(v)),
      })),
    ],
  };
  const empty = [[], ...series.map(() => [])];
  // @ts-ignore uPlot is the global from the vendor script
  const plot = new uPlot(opts, empty, container);
  const resize = new ResizeObserver(() => {
    const width = Math.max(200, Math.floor(container.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height });
  });
  resize.observe(container);
  return {
    /** @param {number[][]} data [xs, ys...] */
    setData(data) {
      plot.setData(data);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
