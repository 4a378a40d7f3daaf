// Turn a snapshot's `data:` image URL back into bytes, so saving a form that did not
// change the image keeps it (the room's metadata is replaced as a whole).

/** The image in a base64 `data:` URL, or undefined when it is not one. */
export function imageFromDataUrl(url: string | undefined): { mime: string; data: Uint8Array } | undefined {
  const match = url === undefined ? null : /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s.exec(url)
  if (match === null) return undefined
  const [, mime = '', b64 = ''] = match
  try {
    const binary = atob(b64)
    const data = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i)
    return { mime, data }
  } catch {
    return undefined
  }
}
