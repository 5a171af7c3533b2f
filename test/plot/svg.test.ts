import { describe, expect, it } from "vitest";
import {
  clipPolyline,
  clipSegment,
  contourLevels,
  contourLines,
  contourPlot,
  escapeXml,
  formatLogTick,
  formatTick,
  lineChart,
  linearTicks,
  logScale,
  logTicks,
  marchingSquares,
  niceDomain,
  sampleGrid,
} from "../../src/plot/svg.js";
import { all, parseXml, unescape, type XmlNode } from "../helpers/xml.js";

/** Parses, and checks the invariants every chart must satisfy. */
function checkSvg(svg: string): XmlNode {
  const root = parseXml(svg);
  expect(root.name).toBe("svg");
  expect(root.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
  expect(svg).not.toMatch(/NaN|Infinity|undefined|null/);
  return root;
}

/** All coordinate pairs in a path's d attribute (M/L/h0 only, as emitted). */
function pathPoints(d: string): Array<[number, number]> {
  return [...d.matchAll(/[ML](-?[\d.]+(?:e[-+]?\d+)?) (-?[\d.]+(?:e[-+]?\d+)?)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** The plot-area border (the only rect with the axis stroke). */
function plotBox(root: XmlNode): { x0: number; x1: number; y0: number; y1: number } {
  const r = all(root, (n) => n.name === "rect" && n.attrs.stroke === "#333333")[0]!;
  const x0 = Number(r.attrs.x);
  const y0 = Number(r.attrs.y);
  return { x0, y0, x1: x0 + Number(r.attrs.width), y1: y0 + Number(r.attrs.height) };
}

/**
 * A diverging optimizer's path through `box`: it starts inside, then swings
 * alternately far above and far below the box with growing amplitude (up to
 * ~1e100, so almost every segment crosses the box from top to bottom), drifts
 * left and right, and now and then jumps far left and then far right at a
 * height inside the box (segments crossing the whole x range).
 */
function oscillatingPath(box: { x0: number; x1: number; y0: number; y1: number }, n = 400): Array<[number, number]> {
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const w = (box.x1 - box.x0) / 2;
  const h = (box.y1 - box.y0) / 2;
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (i % 7 === 3) {
      const far = w * 10 ** (1 + i / 20);
      pts.push([cx - far, cy + 0.3 * h], [cx + far, cy - 0.2 * h]);
    }
    pts.push([cx + 0.8 * w * Math.sin(0.7 * i), cy + (i % 2 ? -1 : 1) * 0.5 * h * 1.8 ** i]);
  }
  return pts;
}

/** Asserts that every coordinate of every `d` lies in the pixel box (up to the 0.01 px of output rounding). */
function expectInside(paths: XmlNode[], box: { x0: number; x1: number; y0: number; y1: number }): Array<[number, number]> {
  const pts = paths.flatMap((p) => pathPoints(p.attrs.d!));
  const outside = pts.filter(([x, y]) => !(x >= box.x0 - 0.01 && x <= box.x1 + 0.01 && y >= box.y0 - 0.01 && y <= box.y1 + 0.01));
  expect(outside).toEqual([]);
  return pts;
}

function legendTexts(root: XmlNode): string[] {
  const g = all(root, (n) => n.name === "g" && n.attrs.class === "legend")[0];
  return g ? all(g, (n) => n.name === "text").map((t) => unescape(t.text)) : [];
}

describe("ticks", () => {
  it("linear ticks for known ranges", () => {
    expect(linearTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(linearTicks(-3, 7)).toEqual([-2, 0, 2, 4, 6]);
    expect(linearTicks(0, 0.3)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(linearTicks(1990, 2021)).toEqual([1990, 1995, 2000, 2005, 2010, 2015, 2020]);
    expect(linearTicks(5, 5)).toEqual([4.6, 4.8, 5, 5.2, 5.4]); // constant data still gets an axis
  });

  it("nice domains round outward to whole steps", () => {
    expect(niceDomain(-3, 7)).toEqual([-4, 8]);
    expect(niceDomain(0.13, 0.97)).toEqual([0, 1]);
    expect(niceDomain(2.3, 2.3)).toEqual([2, 2.6]);
  });

  it("tick labels have no float noise and consistent decimals", () => {
    expect(formatTick(0.1 + 0.2, 0.1)).toBe("0.3");
    expect(formatTick(0.6000000000000001, 0.2)).toBe("0.6");
    expect(formatTick(0.1, 0.05)).toBe("0.10");
    expect(formatTick(1500, 500)).toBe("1500");
    expect(formatTick(1.5e6, 5e5)).toBe("1.5e6");
    expect(formatTick(2e-6, 1e-6)).toBe("2e-6");
    expect(formatTick(-0.0000000001, 0.5)).toBe("0");
  });

  it("log ticks", () => {
    expect(logTicks(1e-3, 1e2)).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
    expect(logTicks(1, 10)).toEqual([1, 2, 5, 10]);
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(1e-20, 1)).toEqual([1e-20, 1e-17, 1e-14, 1e-11, 1e-8, 1e-5, 0.01]);
    expect(logScale(0.003, 20, true).domain).toEqual([0.001, 100]);
    expect(logScale(5, 5, true).domain).toEqual([1, 10]);
    expect(formatLogTick(0.001)).toBe("0.001");
    expect(formatLogTick(1e5)).toBe("100000");
    expect(formatLogTick(1e-7)).toBe("1e-7");
    expect(formatLogTick(2e9)).toBe("2e9");
  });
});

describe("marching squares", () => {
  const circle = (x: number, y: number) => x * x + y * y;

  it("f = x² + y² gives closed circles of the right radius", () => {
    const grid = sampleGrid(circle, [-2, 2], [-2, 2], 81);
    for (const r of [0.5, 1, 1.5]) {
      const lines = contourLines(grid, r * r);
      expect(lines).toHaveLength(1);
      const loop = lines[0]!;
      expect(loop[0]).toEqual(loop[loop.length - 1]); // closed
      expect(loop.length).toBeGreaterThan(20);
      let maxErr = 0;
      const quadrants = new Set<string>();
      for (const [x, y] of loop) {
        maxErr = Math.max(maxErr, Math.abs(Math.hypot(x, y) - r));
        quadrants.add(`${x >= 0}${y >= 0}`);
      }
      // Linear interpolation of a quadratic on a grid of spacing h = 0.05: error O(h²).
      expect(maxErr).toBeLessThan(2e-3);
      expect(quadrants.size).toBe(4);
    }
  });

  it("a level crossing the border gives an open line end to end", () => {
    const grid = sampleGrid((x) => x, [-2, 2], [-1, 1], 21, 11);
    const lines = contourLines(grid, 0.3);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.length).toBe(11);
    for (const [x] of line) expect(x).toBeCloseTo(0.3, 12);
    const ys = line.map((p) => p[1]).sort((a, b) => a - b);
    expect(ys[0]).toBeCloseTo(-1, 12);
    expect(ys[ys.length - 1]).toBeCloseTo(1, 12);
  });

  it("saddle f = x·y gives two hyperbola branches that do not touch", () => {
    const grid = sampleGrid((x, y) => x * y, [-2, 2], [-2, 2], 41);
    const lines = contourLines(grid, 0.5);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const sign = Math.sign(line[0]![0]);
      for (const [x, y] of line) {
        expect(Math.sign(x)).toBe(sign);
        expect(Math.abs(x * y - 0.5)).toBeLessThan(0.02);
      }
    }
  });

  it("skips cells with non-finite samples instead of emitting NaN", () => {
    const grid = sampleGrid((x, y) => (x > 0.5 ? NaN : circle(x, y)), [-2, 2], [-2, 2], 41);
    const lines = contourLines(grid, 1);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const l of lines) for (const [x, y] of l) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
    expect(lines.every((l) => l[0] !== l[l.length - 1])).toBe(true); // cut open by the hole
  });

  it("a tiny hand-made grid", () => {
    const [loop] = marchingSquares([2, 1, 2, 1, 0, 1, 2, 1, 2], 3, 3, 0.5);
    // starts on the first crossed edge in scan order (bottom edge of cell 0,0)
    expect(loop).toEqual([
      [1, 0.5],
      [0.5, 1],
      [1, 1.5],
      [1.5, 1],
      [1, 0.5],
    ]);
  });

  it("validates its arguments", () => {
    expect(() => marchingSquares([1, 2, 3], 2, 2, 0)).toThrow(/expected cols\*rows = 4 values, got 3/);
    expect(() => marchingSquares([1, 2, 3, 4], 2, 2, NaN)).toThrow(/level must be finite/);
    expect(() => sampleGrid(circle, [1, 1], [0, 1], 10)).toThrow(/xRange must be \[min, max\]/);
  });

  it("levels", () => {
    expect(contourLevels([0, 10], 4)).toEqual([2, 4, 6, 8]);
    const log = contourLevels([0, 1000, NaN], 4, "log");
    expect(log[0]).toBeCloseTo(0.1, 12);
    expect(log[3]).toBeCloseTo(100, 10);
    expect(contourLevels([3, 3], 5)).toEqual([]);
  });
});

describe("clipping", () => {
  const box = { x0: 0, x1: 1, y0: 0, y1: 1 };
  it("clips segments", () => {
    const t = clipSegment(-1, 0.5, 2, 0.5, box)!;
    expect(t[0]).toBeCloseTo(1 / 3, 12);
    expect(t[1]).toBeCloseTo(2 / 3, 12);
    expect(clipSegment(2, 2, 3, 3, box)).toBeNull();
    expect(clipSegment(0.5, 0.5, Infinity, 0.5, box)).toBeNull();
    expect(clipSegment(-1e308, 0.5, 1e308, 0.5, box)).toBeNull(); // difference overflows
  });

  it("splits polylines at non-finite points and the border", () => {
    const r = clipPolyline([0.2, 0.5, 2, 0.5, NaN, 0.1], [0.2, 0.5, 0.5, 0.5, 0, 0.1], box, false);
    expect(r.runs).toEqual([
      [
        [0.2, 0.2],
        [0.5, 0.5],
        [1, 0.5],
      ],
      [
        [1, 0.5],
        [0.5, 0.5],
      ],
      [[0.1, 0.1]],
    ]);
    expect(r.firstNonFinite).toBe(4);
    expect(r.firstOutside).toBe(2);
    const stopped = clipPolyline([0.2, 0.3, NaN, 0.4], [0.2, 0.3, 0, 0.4], box, true);
    expect(stopped.runs).toHaveLength(1);
    expect(stopped.nonFiniteCount).toBe(2);
  });

  it("cuts segments between far-away points exactly at the border", () => {
    const b = { x0: -1, x1: 3, y0: -3, y1: 3 };
    // p + t·(q − p) at |p| = 1e17 cancels: the old clip points were off by whole units.
    expect(clipPolyline([0, 2], [1e17, -1e17], b, false).runs).toEqual([
      [
        [1, 3],
        [1, -3],
      ],
    ]);
    expect(clipPolyline([-1e18, 1e18], [0.5, 0.7], b, false).runs).toEqual([
      [
        [-1, 0.6],
        [3, 0.6],
      ],
    ]);
    // x crosses the box at 3 + 1e-8; the whole height of the box is on the segment.
    const [run] = clipPolyline([3, 4], [1e300, -1e308], { x0: 0, x1: 39, y0: -10, y1: 10 }, false).runs;
    expect(run).toHaveLength(2);
    expect(run![0]![0]).toBeCloseTo(3 + 1e-8, 15);
    expect(run!.map(([, y]) => y)).toEqual([10, -10]);
  });

  it("keeps every point of an oscillating, diverging path inside the box", () => {
    const b = { x0: -11, x1: 11, y0: -3, y1: 3 };
    const pts = oscillatingPath(b);
    const r = clipPolyline(
      pts.map((p) => p[0]),
      pts.map((p) => p[1]),
      b,
      true,
    );
    expect(r.firstOutside).toBe(2);
    expect(r.runs.length).toBeGreaterThan(100); // the crossings are drawn, not dropped
    for (const run of r.runs) {
      for (const [x, y] of run) {
        expect(x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1, `(${x}, ${y}) outside`).toBe(true);
      }
      // Every run after the first starts and ends on the border.
      if (run === r.runs[0]) continue;
      for (const [x, y] of [run[0]!, run[run.length - 1]!]) {
        expect(x === b.x0 || x === b.x1 || y === b.y0 || y === b.y1, `(${x}, ${y}) not on the border`).toBe(true);
      }
    }
  });
});

describe("escaping", () => {
  it("escapes markup characters and removes characters XML forbids", () => {
    expect(escapeXml(`a < b & c > "d" 'e'`)).toBe("a &lt; b &amp; c &gt; &quot;d&quot; &apos;e&apos;");
    expect(escapeXml("bell\u0007 lone\uD800 ok\uD83D\uDE00")).toBe("bell\uFFFD lone\uFFFD ok\uD83D\uDE00");
  });

  it("titles, labels and series names with <, & and quotes stay well-formed", () => {
    const nasty = `</svg><script>alert("x")</script> & 'q'`;
    const svg = lineChart({
      title: `loss < 1 & acc > 0.9 ${nasty}`,
      xLabel: "x<&>",
      yLabel: nasty,
      series: [{ name: nasty, y: [1, 2, 3], color: `red" onload="x` }],
    });
    const root = checkSvg(svg);
    expect(svg).not.toContain("<script");
    expect(legendTexts(root)).toEqual([nasty]);
    const title = all(root, (n) => n.name === "title")[0]!;
    expect(unescape(title.text)).toBe(`loss < 1 & acc > 0.9 ${nasty}`);
    const path = all(root, (n) => n.name === "path" && n.attrs.fill === "none" && n.attrs["stroke-width"] === "2")[0]!;
    expect(unescape(path.attrs.stroke!)).toBe(`red" onload="x`);
    expect(path.attrs.onload).toBeUndefined();
  });
});

describe("lineChart", () => {
  const base = {
    title: "training",
    xLabel: "epoch",
    yLabel: "loss",
    series: [
      { name: "train", y: [2.3, 1.1, 0.7, 0.5, 0.41] },
      { name: "test", x: [0, 2, 4], y: [2.2, 0.8, 0.52], dashed: true },
    ],
  };

  it("produces well-formed, deterministic SVG with axes, legend and title", () => {
    const svg = lineChart(base);
    const root = checkSvg(svg);
    expect(lineChart(base)).toBe(svg);
    expect(legendTexts(root)).toEqual(["train", "test"]);
    const texts = all(root, (n) => n.name === "text").map((t) => unescape(t.text));
    expect(texts).toContain("training");
    expect(texts).toContain("epoch");
    expect(texts).toContain("loss");
    // y data 0.41..2.3 → nice domain [0, 2.5], step 0.5; x 0..4 → step 1 (target 5 → 1)
    for (const label of ["0", "0.5", "1.0", "1.5", "2.0", "2.5"]) expect(texts).toContain(label);
    for (const label of ["1", "2", "3", "4"]) expect(texts).toContain(label);
    expect(all(root, (n) => n.attrs["stroke-dasharray"] === "6 3").length).toBe(2); // line + legend sample
  });

  it("log scale places decades evenly", () => {
    const svg = lineChart({ series: [{ name: "loss", y: [100, 10, 1] }], logY: true });
    const root = checkSvg(svg);
    const yTickText = (label: string) =>
      Number(all(root, (n) => n.name === "text" && n.text === label && Number(n.attrs.x) < 80)[0]!.attrs.y);
    const [y1, y10, y100] = [yTickText("1"), yTickText("10"), yTickText("100")];
    expect(y1).toBeGreaterThan(y10);
    expect(y10 - y100).toBeCloseTo(y1 - y10, 1);
    expect(yTickText("2")).toBeDefined(); // fewer than 3 decades: 2× and 5× ticks too
    const line = all(root, (n) => n.name === "path" && n.attrs["stroke-width"] === "2")[0]!;
    const pts = pathPoints(line.attrs.d!);
    expect(pts).toHaveLength(3);
    expect(pts[1]![1]).toBeCloseTo((pts[0]![1] + pts[2]![1]) / 2, 1); // 10 is halfway between 100 and 1
    const box = plotBox(root);
    expect(pts[0]![1]).toBeCloseTo(box.y0, 1); // 100 at the top
    expect(pts[2]![1]).toBeCloseTo(box.y1, 1); // 1 at the bottom
  });

  it("log scale drops values <= 0 and says so", () => {
    const root = checkSvg(lineChart({ series: [{ name: "l", y: [1, 0, 0.1, -3, 0.01] }], logY: true }));
    expect(legendTexts(root)).toEqual(["l (2 values ≤ 0 not shown on log axis)"]);
  });

  it("non-finite values never reach the SVG and are reported", () => {
    const svg = lineChart({
      series: [
        { name: "diverged", y: [1, 3, 1e6, Infinity, NaN, NaN] },
        { name: "holes", y: [1, NaN, 2, -Infinity, 3] },
        { name: "all bad", y: [NaN, NaN] },
        { name: "bad x", x: [0, NaN, 2], y: [1, 2, 3] },
      ],
    });
    const root = checkSvg(svg);
    expect(legendTexts(root)).toEqual([
      "diverged (non-finite from x = 3 on)",
      "holes (2 non-finite values skipped)",
      "all bad (no finite values)",
      "bad x (1 non-finite value skipped)",
    ]);
    const box = plotBox(root);
    for (const p of all(root, (n) => n.name === "path" && n.attrs["stroke-width"] === "2")) {
      for (const [x, y] of pathPoints(p.attrs.d!)) {
        expect(x).toBeGreaterThanOrEqual(box.x0 - 0.01);
        expect(x).toBeLessThanOrEqual(box.x1 + 0.01);
        expect(y).toBeGreaterThanOrEqual(box.y0 - 0.01);
        expect(y).toBeLessThanOrEqual(box.y1 + 0.01);
      }
    }
  });

  it("clips to a fixed range and survives extreme magnitudes", () => {
    const root = checkSvg(
      lineChart({ series: [{ name: "spiky", y: [1, 50, 2, 1e300, -1e308, 1e308] }], yRange: [0, 10] }),
    );
    expect(legendTexts(root)).toEqual(["spiky (clipped to axis range)"]);
    checkSvg(lineChart({ series: [{ name: "huge", y: [-1e308, 1e308, 0] }] }));
    checkSvg(lineChart({ series: [{ name: "flat", y: [5, 5, 5] }] }));
    checkSvg(lineChart({ series: [{ name: "empty", y: [] }] }));
  });

  it("an oscillating, diverging series is drawn inside the plot area only", () => {
    const xRange: [number, number] = [-11, 11];
    const yRange: [number, number] = [-3, 3];
    const pts = oscillatingPath({ x0: xRange[0], x1: xRange[1], y0: yRange[0], y1: yRange[1] });
    const root = checkSvg(
      lineChart({ title: "diverging", series: [{ name: "nesterov", x: pts.map((p) => p[0]), y: pts.map((p) => p[1]) }], xRange, yRange }),
    );
    expect(legendTexts(root)).toEqual(["nesterov (clipped to axis range)"]);
    const box = plotBox(root);
    const pts2 = expectInside(all(root, (n) => n.name === "path" && n.attrs["stroke-width"] === "2"), box);
    expect(pts2.filter(([, y]) => Math.abs(y - box.y0) < 0.01).length).toBeGreaterThan(50);
    expect(pts2.filter(([, y]) => Math.abs(y - box.y1) < 0.01).length).toBeGreaterThan(50);
    expect(pts2.filter(([x]) => Math.abs(x - box.x0) < 0.01).length).toBeGreaterThan(5);
  });

  it("a series on the right axis gets its own scale, ticks and label", () => {
    const root = checkSvg(
      lineChart({
        xLabel: "epoch", yLabel: "loss", y2Label: "accuracy",
        series: [
          { name: "loss", x: [1, 2, 3], y: [2, 1, 0.5] },
          { name: "accuracy", x: [1, 2, 3], y: [0.5, 0.8, 0.9], axis: "right" },
        ],
      }),
    );
    const texts = all(root, (n) => n.name === "text");
    const left = texts.find((t) => t.text === "loss" && t.attrs.transform?.startsWith("rotate(-90"));
    const right = texts.find((t) => t.text === "accuracy" && t.attrs.transform?.startsWith("rotate(90"));
    expect(left).toBeDefined();
    expect(right).toBeDefined();
    const box = plotBox(root);
    expect(Number(right!.attrs.x)).toBeGreaterThan(box.x1);
    expect(Number(left!.attrs.x)).toBeLessThan(box.x0);
    // Right tick labels sit right of the plot; the accuracy line meets them at its values.
    const y2 = all(all(root, (n) => n.attrs.class === "y2-ticks")[0]!, (n) => n.name === "text");
    expect(y2.map((t) => t.text)).toEqual(["0.5", "0.6", "0.7", "0.8", "0.9"]);
    for (const t of y2) expect(Number(t.attrs.x)).toBeGreaterThan(box.x1);
    const tickY = (label: string): number => Number(y2.find((t) => t.text === label)!.attrs.y) - 12 * 0.35;
    const lines = all(root, (n) => n.name === "path" && n.attrs["stroke-width"] === "2");
    const acc = pathPoints(lines[1]!.attrs.d!);
    expect(acc[0]![1]).toBeCloseTo(tickY("0.5"), 1);
    expect(acc[1]![1]).toBeCloseTo(tickY("0.8"), 1);
    expect(acc[2]![1]).toBeCloseTo(tickY("0.9"), 1);
    // The loss keeps the left axis: 2 at the top of its [0.5, 2] range.
    expect(pathPoints(lines[0]!.attrs.d!)[0]![1]).toBeCloseTo(box.y0, 1);
    expect(legendTexts(root)).toEqual(["loss", "accuracy (right axis)"]);
    expect(() => lineChart({ series: [{ name: "a", y: [1], axis: "top" as "left" }] })).toThrow(/series 0 \("a"\) has axis "top"; expected "left" or "right"/);
  });

  it("a one-point series shows a visible marker", () => {
    const root = checkSvg(lineChart({ series: [{ name: "training", x: [1], y: [0.53] }, { name: "validation", x: [1], y: [0.61], dashed: true }] }));
    const box = plotBox(root);
    const dots = all(root, (n) => n.name === "g" && n.attrs.class === "points").flatMap((g) => all(g, (n) => n.name === "circle"));
    expect(dots).toHaveLength(2);
    for (const c of dots) {
      expect(Number(c.attrs.r)).toBeGreaterThanOrEqual(3);
      expect(Number(c.attrs.cx)).toBeGreaterThan(box.x0);
      expect(Number(c.attrs.cx)).toBeLessThan(box.x1);
      expect(Number(c.attrs.cy)).toBeGreaterThanOrEqual(box.y0);
      expect(Number(c.attrs.cy)).toBeLessThanOrEqual(box.y1);
    }
    expect(dots.map((c) => c.attrs.fill)).toEqual(["#1f77b4", "#ff7f0e"]);
    // A long series gets no markers, except where a point has no finite neighbour.
    const long = Array.from({ length: 100 }, (_, i) => (i === 50 || i === 52 ? NaN : Math.sin(i / 10)));
    const r2 = checkSvg(lineChart({ series: [{ name: "s", y: long }] }));
    const marks = all(r2, (n) => n.name === "g" && n.attrs.class === "points").flatMap((g) => all(g, (n) => n.name === "circle"));
    expect(marks).toHaveLength(1); // point 51, between two NaNs
  });

  it("reports bad input clearly", () => {
    expect(() => lineChart({ series: [] })).toThrow(/options.series must be a non-empty array/);
    expect(() => lineChart({ series: [{ name: "a", y: [1] }, { name: "b", x: [1, 2], y: [1] }] })).toThrow(
      /series 1 \("b"\) has 2 x values but 1 y values/,
    );
    expect(() => lineChart({ series: [{ name: "a", y: [1] }], yRange: [1, 0] })).toThrow(/options.yRange/);
    expect(() => lineChart({ series: [{ name: "a", y: [1] }], yRange: [0, 1], logY: true })).toThrow(/positive on a log axis/);
    expect(() => lineChart({ series: [{ name: "a", y: [1] }], width: NaN })).toThrow(/width must be a number/);
  });
});

describe("contourPlot", () => {
  const rosen = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;

  it("draws contours and paths, deterministic and well-formed", () => {
    const opts = {
      f: rosen,
      xRange: [-2, 2] as [number, number],
      yRange: [-1, 3] as [number, number],
      levels: 10,
      levelSpacing: "log" as const,
      resolution: 60,
      title: "Rosenbrock",
      paths: [
        {
          name: "momentum",
          points: [
            [-1.5, 2],
            [-1, 1],
            [0, 0],
            [0.5, 0.25],
            [1, 1],
          ] as Array<[number, number]>,
        },
      ],
    };
    const svg = contourPlot(opts);
    const root = checkSvg(svg);
    expect(contourPlot(opts)).toBe(svg);
    const contours = all(root, (n) => n.name === "path" && "data-level" in n.attrs);
    expect(contours).toHaveLength(10);
    // log spacing: min + span·10^(-4 … -0.4); span ≈ 2509 (max at (-2, -1))
    expect(legendTexts(root)).toEqual(["f: 10 levels, 0.2512 … 998.9", "momentum"]);
    const markers = all(root, (n) => n.name === "circle" && n.attrs.r !== undefined);
    expect(markers.length).toBeGreaterThanOrEqual(5); // 5 steps + legend dot
  });

  it("contour lines of x² + y² are circles in pixel space too", () => {
    const root = checkSvg(
      contourPlot({ f: (x, y) => x * x + y * y, xRange: [-2, 2], yRange: [-2, 2], levels: [1], width: 500, height: 500 }),
    );
    const box = plotBox(root);
    const [path] = all(root, (n) => n.name === "path" && "data-level" in n.attrs);
    const sx = (box.x1 - box.x0) / 4;
    const sy = (box.y1 - box.y0) / 4;
    const cx = (box.x0 + box.x1) / 2;
    const cy = (box.y0 + box.y1) / 2;
    for (const [px, py] of pathPoints(path!.attrs.d!)) {
      expect(Math.abs(Math.hypot((px - cx) / sx, (py - cy) / sy) - 1)).toBeLessThan(0.01);
    }
  });

  it("a diverging path is clipped at the border, stopped at NaN, and explained", () => {
    const points: Array<[number, number]> = [
      [0, 0],
      [0.5, 0.5],
      [1.5, -1],
      [5, 3],
      [-40, 100],
      [1e200, -1e200],
      [Infinity, NaN],
      [0.1, 0.1],
    ];
    const root = checkSvg(
      contourPlot({ f: rosen, xRange: [-2, 2], yRange: [-1, 3], paths: [{ name: "lr=1 <too big>", points }], resolution: 30 }),
    );
    expect(legendTexts(root)[1]).toBe("lr=1 <too big> (diverged at step 6; left the plot at step 3)");
    const box = plotBox(root);
    const g = all(root, (n) => n.name === "g" && n.attrs.class === "path")[0]!;
    const line = all(all(root, (n) => n.attrs.class === "path-lines")[0]!, (n) => n.name === "path")[0]!;
    const pts = pathPoints(line.attrs.d!);
    expect(pts.length).toBeGreaterThan(2);
    for (const [x, y] of pts) {
      expect(x).toBeGreaterThanOrEqual(box.x0 - 0.01);
      expect(x).toBeLessThanOrEqual(box.x1 + 0.01);
      expect(y).toBeGreaterThanOrEqual(box.y0 - 0.01);
      expect(y).toBeLessThanOrEqual(box.y1 + 0.01);
    }
    // the point after the NaN, (0.1, 0.1), is inside the box but must not be drawn
    const markers = all(g, (n) => n.name === "circle");
    expect(markers).toHaveLength(3); // steps 0, 1, 2 are inside; 3+ outside or after divergence
  });

  it("a path oscillating across and beyond the box never leaves the plot area", () => {
    const xRange: [number, number] = [-11, 11];
    const yRange: [number, number] = [-3, 3];
    const points = oscillatingPath({ x0: xRange[0], x1: xRange[1], y0: yRange[0], y1: yRange[1] });
    const root = checkSvg(
      contourPlot({
        f: (x, y) => 0.5 * (x * x + 50 * y * y),
        xRange,
        yRange,
        resolution: 20,
        title: "diverging",
        xLabel: "x",
        paths: [{ name: "Nesterov", points }],
      }),
    );
    expect(legendTexts(root)[1]).toBe("Nesterov (left the plot at step 2)");
    const box = plotBox(root);
    const lines = all(root, (n) => n.name === "g" && n.attrs.class === "path-lines")[0]!;
    const pts = expectInside(all(lines, (n) => n.name === "path"), box);
    // Drawn up to where it leaves (steps 0, 1, then the border): the later
    // segments, which only cross the box from far outside, are not drawn as bars.
    expect(pts).toHaveLength(3);
    expect(pts[2]![1]).toBeCloseTo(box.y0, 1);
    const g = all(root, (n) => n.name === "g" && n.attrs.class === "path")[0]!;
    const exits = all(g, (n) => n.name === "polygon" && n.attrs.class === "exit");
    expect(exits).toHaveLength(1);
    const tip = exits[0]!.attrs.points!.split(" ")[0]!.split(",").map(Number);
    expect(tip[0]).toBeCloseTo(pts[2]![0], 1);
    expect(tip[1]).toBeCloseTo(pts[2]![1], 1);
    for (const c of all(g, (n) => n.name === "circle")) {
      expect(Number(c.attrs.cy)).toBeGreaterThanOrEqual(box.y0 - 0.01);
      expect(Number(c.attrs.cy)).toBeLessThanOrEqual(box.y1 + 0.01);
    }
  });

  it("a path that leaves for good ends at the frame edge with an arrowhead pointing out, also in the legend", () => {
    // Nesterov past its stability limit on 0.5·(x² + 50y²): |y| grows by ~1.8 a step, flipping sign.
    const points: Array<[number, number]> = [[10, 1], [9.6, -1.6], [9.2, 3.4], [8.9, -5.2], [8.5, 9.4], [8.2, -17]];
    const root = checkSvg(
      contourPlot({ f: (x, y) => 0.5 * (x * x + 50 * y * y), xRange: [-11, 11], yRange: [-3, 3], resolution: 20, paths: [{ name: "Nesterov: diverges", points }] }),
    );
    expect(legendTexts(root)[1]).toBe("Nesterov: diverges (left the plot at step 2)");
    const box = plotBox(root);
    const line = all(all(root, (n) => n.attrs.class === "path-lines")[0]!, (n) => n.name === "path")[0]!;
    const pts = pathPoints(line.attrs.d!);
    const end = pts[pts.length - 1]!;
    expect(end[1]).toBeCloseTo(box.y0, 1); // on the top edge, where (9.6, −1.6) → (9.2, 3.4) crosses y = 3
    expect(pts.filter(([, y]) => Math.abs(y - box.y0) < 0.01 || Math.abs(y - box.y1) < 0.01)).toHaveLength(1);
    const [arrow] = all(all(root, (n) => n.attrs.class === "path")[0]!, (n) => n.attrs.class === "exit");
    const corners = arrow!.attrs.points!.split(" ").map((p) => p.split(",").map(Number));
    expect(corners[0]![0]).toBeCloseTo(end[0], 1);
    expect(corners[0]![1]).toBeCloseTo(end[1], 1);
    expect(corners[1]![1]).toBeGreaterThan(end[1]); // the base is below the tip: the arrow points up and out
    expect(corners[2]![1]).toBeGreaterThan(end[1]);
    const legend = all(root, (n) => n.name === "g" && n.attrs.class === "legend")[0]!;
    expect(all(legend, (n) => n.attrs.class === "exit")).toHaveLength(1);
    // No end marker inside the plot: the path did not end there.
    expect(all(root, (n) => n.attrs.class === "end")).toHaveLength(0);
  });

  it("overlapping paths differ in dash pattern, width and end marker", () => {
    const valley: Array<[number, number]> = [[-1.5, 2], [-1.4, 1.9], [-1.3, 1.7], [-1.2, 1.45]];
    const root = checkSvg(
      contourPlot({
        f: rosen, xRange: [-2, 2], yRange: [-1, 3], resolution: 20,
        paths: [{ name: "SGD", points: valley }, { name: "momentum", points: valley }, { name: "Nesterov", points: valley.slice(0, 3) }],
      }),
    );
    const lines = all(all(root, (n) => n.attrs.class === "path-lines")[0]!, (n) => n.name === "path");
    expect(lines).toHaveLength(3);
    const styles = lines.map((l) => `${l.attrs["stroke-dasharray"] ?? "solid"} ${l.attrs["stroke-width"]}`);
    expect(new Set(styles).size).toBe(3);
    expect(new Set(lines.map((l) => l.attrs["stroke-dasharray"] ?? "solid")).size).toBe(3);
    // The first (widest, solid) is drawn first, so the narrower dashed ones on top leave it visible.
    expect(Number(lines[0]!.attrs["stroke-width"])).toBeGreaterThan(Number(lines[1]!.attrs["stroke-width"]));
    const ends = all(root, (n) => n.attrs.class === "end");
    expect(ends.map((e) => e.name)).toEqual(["rect", "polygon", "polygon"]); // square, triangle, diamond
    expect(new Set(ends.map((e) => e.attrs.points ?? "rect")).size).toBe(3);
    // The legend shows each path's dash pattern and its end shape.
    const legend = all(root, (n) => n.name === "g" && n.attrs.class === "legend")[0]!;
    const samples = all(legend, (n) => n.name === "line").slice(1); // after the contour levels' row
    expect(samples.map((l) => l.attrs["stroke-dasharray"] ?? "solid")).toEqual(lines.map((l) => l.attrs["stroke-dasharray"] ?? "solid"));
    expect(all(legend, (n) => n.name === "rect" || n.name === "polygon")).toHaveLength(3);
  });

  it("equalAspect gives one data unit the same length on both axes", () => {
    const root = checkSvg(contourPlot({ f: (x, y) => x + y, xRange: [-2, 2], yRange: [-1, 1], equalAspect: true, resolution: 10 }));
    const box = plotBox(root);
    expect((box.x1 - box.x0) / 4).toBeCloseTo((box.y1 - box.y0) / 2, 1);
  });

  it("survives a function that is non-finite in places", () => {
    checkSvg(contourPlot({ f: (x, y) => Math.log(x) + y, xRange: [-1, 1], yRange: [-1, 1], levels: 5, resolution: 20 }));
    checkSvg(contourPlot({ f: () => 1, xRange: [0, 1], yRange: [0, 1] })); // constant: no levels
  });

  it("reports bad input clearly", () => {
    const f = (x: number) => x;
    expect(() => contourPlot({ f, xRange: [1, 1], yRange: [0, 1] })).toThrow(/xRange must be \[min, max\]/);
    expect(() => contourPlot({ f, xRange: [0, 1], yRange: [0, 1], resolution: 2 })).toThrow(/resolution/);
    expect(() => contourPlot({ f, xRange: [0, 1], yRange: [0, 1], levels: [1, NaN] })).toThrow(/levels\[1\] = NaN/);
    expect(() =>
      contourPlot({ f, xRange: [0, 1], yRange: [0, 1], paths: [{ name: "p", points: [[0, 0], [1] as unknown as [number, number]] }] }),
    ).toThrow(/paths\[0\] \("p"\).points\[1\] is not an \[x, y\] pair/);
  });
});
