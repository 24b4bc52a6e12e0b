// Renders www/icons/icon.svg to the PNG sizes the manifest lists (run by hand after editing the SVG):
//   node scripts/render-icons.mjs
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
const svg = readFileSync(new URL("../www/icons/icon.svg", import.meta.url), "utf8");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
for (const size of [16, 32, 48, 128]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: `${new URL("../www/icons/", import.meta.url).pathname}icon-${size}.png`, omitBackground: true });
  await page.close();
}
await browser.close();
