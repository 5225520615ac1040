import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StationError } from '../../common/errors';

/**
 * Turns a self-contained HTML document (inline CSS, SVG, data: images) into PDF bytes. The seam
 * between hosts: headless Chromium here (CLI, `serve`, tests); Electron's `webContents.printToPDF`
 * in the desktop app implements the same interface.
 */
export interface PdfRenderer {
  render(html: string): Promise<Uint8Array>;
}

export const DEFAULT_CHROMIUM = process.env.MYRIAD_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium through playwright-core, launched per report (reports are rare; nothing stays running). */
export class ChromiumPdfRenderer implements PdfRenderer {
  constructor(private readonly executablePath = DEFAULT_CHROMIUM) {}

  async render(html: string): Promise<Uint8Array> {
    if (!existsSync(this.executablePath)) {
      throw new StationError(
        'UNAVAILABLE',
        `Cannot make a PDF: no Chromium at ${this.executablePath} (install chromium or set MYRIAD_CHROMIUM); export CSV instead`,
      );
    }
    // Loaded on use: playwright-core is a devDependency, absent from the packaged desktop app, which
    // renders PDFs with Electron's printToPDF instead (electron/main/pdf-window.ts).
    const { chromium } = await import('playwright-core');
    const profile = await mkdtemp(join(tmpdir(), 'myriad-pdf-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: this.executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
      offline: true,
      javaScriptEnabled: false,
    });
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
      return new Uint8Array(pdf);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  }
}
