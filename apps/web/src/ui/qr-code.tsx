// A QR code drawn as SVG squares (uqr encodes; React draws, so no markup strings).

import { useMemo } from 'react'
import { encode } from 'uqr'

/** Props of {@link QrCode}. */
export interface QrCodeProps {
  readonly text: string
  /** Accessible description, e.g. "QR code of the invite link". */
  readonly label: string
  readonly size?: number
}

/** The QR code of `text`, or a note when it is too long to encode. */
export function QrCode({ text, label, size = 200 }: QrCodeProps) {
  const qr = useMemo(() => {
    try {
      return encode(text, { ecc: 'L', border: 2 })
    } catch {
      return undefined
    }
  }, [text])
  if (qr === undefined) return <p className="muted">This link is too long for a QR code; share the link instead.</p>
  const path: string[] = []
  qr.data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path.push(`M${x} ${y}h1v1h-1z`)
    })
  })
  return (
    <svg className="qr-code" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${qr.size} ${qr.size}`} shapeRendering="crispEdges">
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={path.join('')} fill="#000" />
    </svg>
  )
}
