/** The few pictograms the page draws itself, so they look the same without an emoji font. */
const base = { width: 20, height: 20, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round' } as const;

export const AttachIcon = () => (
  <svg {...base} aria-hidden>
    <path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" />
  </svg>
);

export const SendIcon = () => (
  <svg {...base} aria-hidden>
    <path d="M22 2L11 13" />
    <path d="M22 2l-7 20-4-9-9-4 20-7z" />
  </svg>
);

export const FileIcon = () => (
  <svg {...base} stroke="#fff" aria-hidden>
    <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" />
    <path d="M14 2v6h6" />
  </svg>
);

export const PinIcon = () => (
  <svg {...base} width={14} height={14} aria-hidden>
    <path d="M12 17v5" />
    <path d="M9 10.76V6h6v4.76l2 3.24H7z" />
    <path d="M8 2h8" />
  </svg>
);

export const PencilIcon = () => (
  <svg {...base} width={13} height={13} aria-hidden>
    <path d="M12 20h9" />
    <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" />
  </svg>
);

export const CloseIcon = () => (
  <svg {...base} width={14} height={14} aria-hidden>
    <path d="M18 6L6 18M6 6l12 12" />
  </svg>
);
