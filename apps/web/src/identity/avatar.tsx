// A profile's avatar as an <img>, from the signed image bytes. Falls back to the
// name's first letter when the profile has no avatar.

import { useEffect, useState } from 'react'

/** Props of {@link Avatar}. */
export interface AvatarProps {
  readonly name: string
  readonly image?: { readonly mime: string; readonly data: Uint8Array } | undefined
  readonly size?: number
}

/** A round avatar image (decorative: the name is always shown beside it). */
export function Avatar({ name, image, size = 40 }: AvatarProps) {
  const [url, setUrl] = useState<string>()
  useEffect(() => {
    if (!image) {
      setUrl(undefined)
      return
    }
    const blobUrl = URL.createObjectURL(new Blob([image.data.slice()], { type: image.mime }))
    setUrl(blobUrl)
    return () => {
      URL.revokeObjectURL(blobUrl)
    }
  }, [image])
  const style = { width: size, height: size }
  if (url === undefined) {
    return (
      <span className="avatar avatar--letter" style={style} aria-hidden="true">
        {(name.trim()[0] ?? '?').toUpperCase()}
      </span>
    )
  }
  return <img className="avatar" src={url} alt="" style={style} />
}
