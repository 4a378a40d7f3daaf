// Avatar images for profiles: resize a picked image, or draw a generated one, into the
// small image bytes a signed profile may carry (PROTOCOL.md §3.2: ≤ 64 KiB, PNG/JPEG/WebP/GIF).
// Pure browser canvas work; the protocol checks the result again when the profile is signed.

import { MAX_AVATAR_BYTES } from '@hearth/protocol'

/** An avatar ready to put in a profile. */
export interface AvatarImage {
  readonly mime: 'image/png' | 'image/jpeg' | 'image/webp'
  readonly data: Uint8Array<ArrayBuffer>
}

/** Error shown to the user when a picked file can't become an avatar. */
export class AvatarImageError extends Error {
  override readonly name = 'AvatarImageError'
}

const SIZE = 128

function canvasBlob(canvas: HTMLCanvasElement, mime: string, quality?: number): Promise<Blob | null> {
  return new Promise((resolve) => {
    canvas.toBlob(resolve, mime, quality)
  })
}

async function encode(canvas: HTMLCanvasElement): Promise<AvatarImage> {
  const attempts: [AvatarImage['mime'], number | undefined][] = [
    ['image/webp', 0.9], ['image/webp', 0.7], ['image/jpeg', 0.8], ['image/jpeg', 0.5], ['image/png', undefined]
  ]
  for (const [mime, quality] of attempts) {
    const blob = await canvasBlob(canvas, mime, quality)
    // A browser that can't encode a type falls back to PNG; only accept what we asked for.
    if (blob?.type !== mime || blob.size > MAX_AVATAR_BYTES) continue
    return { mime, data: new Uint8Array(await blob.arrayBuffer()) }
  }
  throw new AvatarImageError('This image could not be made small enough for an avatar.')
}

/** Crop a picked image file to a centred square and scale it to 128×128. */
export async function avatarFromFile(file: Blob): Promise<AvatarImage> {
  if (!file.type.startsWith('image/')) throw new AvatarImageError('Pick an image file (PNG, JPEG, WebP or GIF).')
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    throw new AvatarImageError('This file could not be read as an image.')
  }
  const canvas = document.createElement('canvas')
  canvas.width = SIZE
  canvas.height = SIZE
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new AvatarImageError('This browser cannot draw images.')
  const side = Math.min(bitmap.width, bitmap.height)
  ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, SIZE, SIZE)
  bitmap.close()
  return encode(canvas)
}

/**
 * Draw a generated avatar: a symmetric 5×5 pattern in a colour, both derived from
 * `seed` (any random bytes, at least 4), like the identicons people know.
 */
export async function generatedAvatar(seed: Uint8Array): Promise<AvatarImage> {
  const canvas = document.createElement('canvas')
  canvas.width = SIZE
  canvas.height = SIZE
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new AvatarImageError('This browser cannot draw images.')
  const byte = (i: number): number => seed[i % seed.length] ?? 0
  const hue = ((byte(0) << 8) | byte(1)) % 360
  ctx.fillStyle = `hsl(${hue} 35% 18%)`
  ctx.fillRect(0, 0, SIZE, SIZE)
  ctx.fillStyle = `hsl(${hue} 70% 62%)`
  // 5×5 cells centred in 8, so the round crop never cuts the pattern.
  const cell = SIZE / 8
  const margin = cell * 1.5
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      const bit = (byte(2 + row) >> col) & 1
      if (bit === 0) continue
      ctx.fillRect(margin + col * cell, margin + row * cell, cell, cell)
      ctx.fillRect(margin + (4 - col) * cell, margin + row * cell, cell, cell)
    }
  }
  return encode(canvas)
}
