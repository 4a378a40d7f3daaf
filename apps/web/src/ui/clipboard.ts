// Copy text to the clipboard; resolves whether it worked (the Clipboard API needs a
// secure context and may be refused; the caller shows the text for manual copying anyway).

/** Copy `text`; true when copied. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}
