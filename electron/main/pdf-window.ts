import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import type { PdfRenderer } from '../../host/reports/pdf-renderer';

/**
 * Report PDFs in the desktop app: Electron's own Chromium prints the self-contained report HTML, so
 * the packaged app needs neither playwright nor a system Chromium. The HTML goes through a temp
 * file (a data: URL would cap the report at 2 MB) into a hidden, sandboxed window without
 * JavaScript, in its own in-memory session, destroyed after each report.
 */
export function electronPdfRenderer(): PdfRenderer {
  return {
    async render(html) {
      const dir = await mkdtemp(join(tmpdir(), 'myriad-pdf-'));
      const win = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, partition: 'myriad-pdf' },
      });
      try {
        const file = join(dir, 'report.html');
        await writeFile(file, html, 'utf8');
        await win.loadFile(file);
        return new Uint8Array(await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' }));
      } finally {
        win.destroy();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
