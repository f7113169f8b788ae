/**
 * The dashboard's exports: a chart's table as CSV, the chart itself as PNG
 * (its SVG drawn onto a canvas — no extra library), and durations as
 * H:MM:SS for the tables.
 */

/** Seconds as `H:MM:SS` (hours run past 24: «26:00:00»); null as «—». */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A CSV file (RFC 4180 quoting, UTF-8 with a BOM so spreadsheet programs read
 * Cyrillic). Russian spreadsheets expect `;` between fields (their decimal
 * separator is the comma), English ones `,`. Values go as given: decimal
 * text stays exact, seconds stay seconds.
 */
export function downloadCsv(fileName: string, header: string[], rows: Array<Array<string | number | null>>, locale: 'ru' | 'en'): void {
  const separator = locale === 'ru' ? ';' : ',';
  const cell = (value: string | number | null) => {
    const text = value === null ? '' : String(value);
    return /[";,\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const text = [header, ...rows].map((row) => row.map(cell).join(separator)).join('\r\n');
  save(new Blob(['\ufeff', text, '\r\n'], { type: 'text/csv;charset=utf-8' }), fileName);
}

const PAINT = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'fill-opacity', 'stroke-opacity', 'font-size', 'font-family', 'font-weight'];

/**
 * The first chart (Recharts' SVG) inside `container` as a PNG at twice its
 * size on white. Colours come from CSS variables in the page, so each
 * element's computed paint is written into the copy before it is drawn.
 */
export async function downloadPng(container: HTMLElement, fileName: string): Promise<void> {
  const svg = container.querySelector<SVGSVGElement>('svg.recharts-surface');
  if (!svg) return;
  const { width, height } = svg.getBoundingClientRect();
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  originals.forEach((element, index) => {
    const style = getComputedStyle(element);
    const target = copies[index] as SVGElement | undefined;
    for (const property of PAINT) target?.style.setProperty(property, style.getPropertyValue(property));
  });
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('chart image'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * 2);
    canvas.height = Math.ceil(height * 2);
    const context = canvas.getContext('2d');
    if (!context) return;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.scale(2, 2);
    context.drawImage(image, 0, 0, width, height);
    const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (png) save(png, fileName);
  } finally {
    URL.revokeObjectURL(url);
  }
}
